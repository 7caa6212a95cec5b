from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "review.exhibition"
    label = "exhibition"
    verbose_name = _("展评网页")

    def ready(self):
        # Registers the public "exhibition-photo" resolver with the download view.
        from review.exhibition import files  # noqa: F401, PLC0415 - ready() registers it once apps are loaded
