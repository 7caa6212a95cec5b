from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    verbose_name = _("导出")
    name = "portal.exports"
    label = "exports"

    def ready(self):
        # Registers the "export" resolver with the private download view.
        from portal.exports import files  # noqa: F401, PLC0415 - ready() registers it once apps are loaded
