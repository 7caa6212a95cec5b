from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "scoring"
    verbose_name = _("价值评价")

    def ready(self):
        # The receiver that refreshes an entry's ranking key when it is submitted (again).
        from scoring import signals  # noqa: F401, PLC0415
