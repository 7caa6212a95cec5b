from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnkangConfig(AppConfig):
    name = "ankang"
    verbose_name = _("“安康杯”竞赛")

    def ready(self):
        import ankang.report_tasks  # noqa: F401, PLC0415 - registers the report reminder task
        from ankang import files  # noqa: F401, PLC0415 - registers the "ankang_evidence" file kind on app load
        from ankang.returns_hooks import activity_figures  # noqa: F401, PLC0415 - fills returns.hints_registry
