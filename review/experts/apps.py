from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "review.experts"
    label = "experts"
    verbose_name = _("省级专家评审")

    def ready(self):
        # Registers the "blind-original" resolver with the private download view, the receiver that marks
        # an assignment submitted when the expert saves their province-tier assessment, and the presenter
        # that makes the province-tier scoring form show the expert's blind view instead of the Entry.
        # ready() imports them once the apps are loaded.
        from review.experts import files, signals  # noqa: F401, PLC0415
        from review.experts.blind import SCORING_PRESENTER  # noqa: PLC0415
        from review.experts.selectors import can_score_as_expert  # noqa: PLC0415
        from scoring import presenters  # noqa: PLC0415
        from scoring.rules import register_province_assessor_check  # noqa: PLC0415
        from submissions.enums import Tier  # noqa: PLC0415

        presenters.register(Tier.PROVINCE, SCORING_PRESENTER)
        # Who may score at the province is decided here, above scoring: scoring asks through this check.
        register_province_assessor_check(can_score_as_expert)
