from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """The demo generator (`manage.py seed_demo`): above every product app, so it may use them all and none
    of them depends on it."""

    name = "demo"
    verbose_name = _("演示数据")
