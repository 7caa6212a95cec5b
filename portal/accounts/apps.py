from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    verbose_name = _("账号与角色")
    name = "portal.accounts"
    label = "accounts"

    def ready(self):
        from portal.accounts import checks  # noqa: F401, PLC0415 - ready(): registers the deploy check once apps are loaded
