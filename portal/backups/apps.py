from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    verbose_name = _("备份与恢复")
    name = "portal.backups"
    label = "backups"
