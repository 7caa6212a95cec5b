from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "review.reports"
    label = "reports"
    verbose_name = _("报表与统计")

    def ready(self):
        # Registers 附件1–3, the photo archive and the ZIP of the unions' 活动开展情况和成效做法 with the
        # export framework.
        from review.reports import exporters, union_report_export  # noqa: F401, PLC0415 - ready() registers them once apps are loaded
