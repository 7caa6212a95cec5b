from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "review.experts"
    label = "experts"
    verbose_name = _("省级专家评审")

    def ready(self):
        # Registers the "blind-original" resolver with the private download view, and the receiver that
        # marks an assignment submitted when the expert saves their province-tier assessment.
        from review.experts import files, signals  # noqa: F401, PLC0415 - ready() registers them once apps are loaded
