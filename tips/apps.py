from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("安全生产有奖举报")

    def ready(self):
        # Registers the "tip_photo" file kind and the tip line's exports once apps are loaded.
        from tips import exporters, files  # noqa: F401, PLC0415
