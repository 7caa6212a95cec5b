from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    verbose_name = _("私有文件")
    name = "portal.files"
    label = "files"
