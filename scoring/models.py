from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from scoring.formula import (
    SCALE_CODES,
    SCORE_MAX,
    SCORE_MIN,
    InvalidOption,
    format_score,
    get_scale,
    option_label,
)
from submissions.enums import Tier


@deconstructible
class ScaleOptionValidator:
    """Accepts only the option values of one scale (L, E, C, X or Y) of the notice."""

    def __init__(self, code: str):
        self.code = code

    def __call__(self, value):
        try:
            get_scale(self.code).option_for(value)
        except (InvalidOption, TypeError) as exc:
            raise ValidationError(str(exc), code="invalid_option") from None

    def __eq__(self, other):
        return isinstance(other, ScaleOptionValidator) and other.code == self.code


def _factor_field(code: str) -> models.DecimalField:
    scale = get_scale(code)
    # 4 digits with 2 decimals hold every option, from 0.98 to 25.
    return models.DecimalField(format_lazy("{} {}", scale.name, code), max_digits=4, decimal_places=2,
                               validators=[ScaleOptionValidator(code)])


class Assessment(models.Model):
    """One assessor's 隐患举报价值评价 of one entry at one tier: the five ticked options and D.

    `d` is always hazard_score(l, e, c, x, y), set by scoring.services.assess_entry; it is stored
    (exactly, up to 5 decimals) so rankings and exports need no recomputation.
    """

    entry = models.ForeignKey("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                              related_name="assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT,
                                 related_name="assessments")
    tier = models.PositiveSmallIntegerField(_("评价层级"), choices=Tier.choices)
    l = _factor_field("L")  # noqa: E741 - the notice names the factor L
    e = _factor_field("E")
    c = _factor_field("C")
    x = _factor_field("X")
    y = _factor_field("Y")
    d = models.DecimalField(_("价值评价得分 D"), max_digits=8, decimal_places=5)
    comment = models.TextField(_("评价意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("价值评价")
        verbose_name_plural = _("价值评价")
        ordering = ["entry", "tier", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "assessor", "tier"], name="one_assessment_per_assessor_tier"),
            models.CheckConstraint(condition=Q(d__gte=SCORE_MIN, d__lte=SCORE_MAX), name="assessment_d_in_range"),
        ]
        indexes = [models.Index(fields=["entry", "tier"])]

    def __str__(self):
        return f"{self.entry_id} · {self.get_tier_display()} · D={self.d_display}"

    def factor(self, code: str) -> Decimal:
        return getattr(self, code.lower())

    def label(self, code: str):
        """The ticked option's printed label for factor `code` (e.g. "C" → "灾难")."""
        return option_label(code, self.factor(code))

    @property
    def l_label(self):
        return self.label("L")

    @property
    def e_label(self):
        return self.label("E")

    @property
    def c_label(self):
        return self.label("C")

    @property
    def x_label(self):
        return self.label("X")

    @property
    def y_label(self):
        return self.label("Y")

    @property
    def factors(self) -> list[dict]:
        """[{code, name, value, label}, ...] in formula order, for templates and exports."""
        rows = []
        for code in SCALE_CODES:
            option = get_scale(code).option_for(self.factor(code))
            rows.append({"code": code, "name": get_scale(code).name, "value": option.value, "label": option.label})
        return rows

    @property
    def d_display(self) -> str:
        return format_score(self.d) if self.d is not None else ""


# The ranking's order (scoring.selectors.Ranking writes the same ORDER BY) and the unit tiers' order.
_KEY_ORDER = ("-key_d", "-key_c", "-key_l", "submitted_at", "entry")
_UNIT_ORDER = ("-unit_d", "-unit_c", "-unit_l", "submitted_at", "entry")


class RankingKey(models.Model):
    """The integer keys the province's ranking orders an entry by (scoring.selectors.Ranking): a summary
    row kept by the services that change them (scoring.keys.refresh_ranking_keys), so the database reads
    a page of the ranking from one index instead of aggregating every score of the campaign.

    A row exists for an entry with a score that ranks it: a unit assessment or a province score of an
    expert whose assignment is active. The unit keys are those of the latest unit assessment; the expert
    sums (and D's lowest and highest, the dashboard's spread) are those of the active experts' scores
    (D times 10^5, C and L times 10^2, so exact integers);
    the final keys (key_d, key_c, key_l) are the experts' means scaled by MEAN_SCALE (see
    scoring.selectors) when any expert counts, else the unit keys scaled alike. The entry's state and tier
    are not here: every ranking joins its scope (scoring.selectors.Ranking), which decides who is listed.
    """

    entry = models.OneToOneField("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                                 primary_key=True, related_name="ranking_key")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    unit_d = models.BigIntegerField(_("单位评价 D×10^5"), null=True, blank=True)
    unit_c = models.BigIntegerField(_("单位评价 C×100"), null=True, blank=True)
    unit_l = models.BigIntegerField(_("单位评价 L×100"), null=True, blank=True)
    experts = models.PositiveIntegerField(_("计分专家数"), default=0)
    sum_d = models.BigIntegerField(_("专家 D×10^5 之和"), default=0)
    sum_c = models.BigIntegerField(_("专家 C×100 之和"), default=0)
    sum_l = models.BigIntegerField(_("专家 L×100 之和"), default=0)
    min_d = models.BigIntegerField(_("专家 D×10^5 最低"), null=True, blank=True)
    max_d = models.BigIntegerField(_("专家 D×10^5 最高"), null=True, blank=True)
    key_d = models.BigIntegerField(_("排序键 D"))
    key_c = models.BigIntegerField(_("排序键 C"))
    key_l = models.BigIntegerField(_("排序键 L"))

    class Meta:
        verbose_name = _("排名键")
        verbose_name_plural = _("排名键")
        indexes = [
            # The ranking's order within a campaign: a page is read from the index, in order.
            models.Index(fields=["campaign", *_KEY_ORDER], name="scoring_rankkey_order"),
            # The same restricted to entries with counting experts: the experts' dashboard.
            models.Index(fields=["campaign", *_KEY_ORDER], name="scoring_rankkey_experts", condition=Q(experts__gt=0)),
            # The unit assessments' order: the rankings below the province.
            models.Index(fields=["campaign", *_UNIT_ORDER], name="scoring_rankkey_unit",
                         condition=Q(unit_d__isnull=False)),
            # The experts' overview joins the ~5,000 entries in review to their counts and sums of D by
            # entry: an index-only probe per entry instead of a fetch from the table (PostgreSQL only).
            models.Index(fields=["entry"], include=["experts", "sum_d", "min_d", "max_d"],
                         name="scoring_rankkey_expert_sums", condition=Q(experts__gt=0)),
        ]

    def __str__(self):
        return f"{self.entry_id} · {self.key_d}"
