from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("安全生产有奖举报")

    def ready(self):
        from tips import files  # noqa: F401, PLC0415 - registers the "tip_photo" file kind on app load
