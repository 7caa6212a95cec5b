from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    verbose_name = _("组织目录")
    name = "portal.directory"
    label = "directory"
