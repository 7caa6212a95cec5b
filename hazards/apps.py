from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患排查治理")

    def ready(self):
        # Registered here so that submissions never imports hazards: it only sends its signal.
        from hazards import files, receivers  # noqa: F401, PLC0415 - registration on app load

        # 附件3 and the /stats/ dashboard count the campaign's hazards from the ledger (review.reports.hazard_counts).
        from hazards.campaign_counts import register_ledger_counting  # noqa: PLC0415 - registration on app load

        # The 台账 export kind, so that the export task finds it in the worker too.
        from hazards.exports import ledger  # noqa: F401, PLC0415 - registration on app load

        register_ledger_counting()
