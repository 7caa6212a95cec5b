from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "review.exhibition"
    label = "exhibition"
    verbose_name = _("展评网页")

    def ready(self):
        # Registers the public "exhibition-photo" resolver with the download view, and the album and
        # media package exports with the export framework.
        from review.exhibition import album_exports, files  # noqa: F401, PLC0415 - ready() registers them once apps are loaded
