from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患排查治理")

    def ready(self):
        # Registered here so that submissions never imports hazards: it only sends its signal.
        from hazards import files, receivers  # noqa: F401, PLC0415 - registration on app load
