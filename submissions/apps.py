from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "submissions"
    verbose_name = _("作品提交")

    def ready(self):
        # Registers the "photo" resolver with the private download view.
        from submissions import files  # noqa: F401, PLC0415 - ready() registers it once apps are loaded
