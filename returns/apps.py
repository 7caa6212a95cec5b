from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("查保促报表")

    def ready(self):
        from returns import files  # noqa: F401, PLC0415 - registers the "return_file" file kind on app load
