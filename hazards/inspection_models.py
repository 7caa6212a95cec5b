"""Inspection rounds (seed 004: 隐患排查由岗位、班组、车间和厂（矿）四级组织进行): the frequency and checklist
of each level as programme data, a plan per 班组/车间/unit, and the rounds recorded against it.

Missed rounds are never stored: hazards/inspections.py computes them from the plan's start, the level's
interval and the dates of its rounds. Only hazards/inspections.py writes these rows.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.enums import InspectionLevel


class InspectionRule(models.Model):
    """How often a level inspects and what it checks, for one hazard programme (versioned by its year and
    place like every rule of the ledger)."""

    programme = models.ForeignKey("hazards.HazardProgramme", verbose_name=_("方案"), on_delete=models.CASCADE,
                                  related_name="inspection_rules")
    level = models.CharField(_("排查层级"), max_length=16, choices=InspectionLevel.choices)
    interval_days = models.PositiveSmallIntegerField(
        _("排查周期（天）"), validators=[MinValueValidator(1)],
        help_text=_("岗位和班组每天要进行隐患排查，车间（区、队）每周至少组织1次隐患治理排查，厂（矿）至少每半月组织1次全面隐患治理排查。"))
    window_days = models.PositiveSmallIntegerField(_("统计期（天）"), default=30, validators=[MinValueValidator(1)],
                                                   help_text=_("巡查落实情况统计最近多少天内已结束的周期。"))
    checklist = models.TextField(_("检查表"), help_text=_("每行一项。"))

    class Meta:
        verbose_name = _("隐患排查周期与检查表")
        verbose_name_plural = _("隐患排查周期与检查表")
        ordering = ["programme", "interval_days"]
        constraints = [models.UniqueConstraint(fields=["programme", "level"], name="one_inspection_rule_per_level")]

    def __str__(self):
        return f"{self.programme} · {self.get_level_display()}"

    @property
    def items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class InspectionPlan(models.Model):
    """The standing plan of one 班组, 车间 or unit to inspect at its level's interval from `starts_on`."""

    node = models.OneToOneField("directory.OrgNode", verbose_name=_("排查对象"), on_delete=models.PROTECT,
                                related_name="inspection_plan")
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    level = models.CharField(_("排查层级"), max_length=16, choices=InspectionLevel.choices)
    starts_on = models.DateField(_("开始日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("隐患排查计划")
        verbose_name_plural = _("隐患排查计划")
        ordering = ["node__path"]

    def __str__(self):
        return f"{self.node} · {self.get_level_display()}"


class InspectionRound(models.Model):
    """One round of a plan: who, when, the checklist as answered (its items copied, so a later change of the
    checklist leaves the record as it was) and either findings (each a Hazard) or 未发现隐患."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("排查计划"), on_delete=models.PROTECT,
                             related_name="rounds")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("排查人"), on_delete=models.PROTECT,
                                  related_name="inspection_rounds")
    performed_at = models.DateTimeField(_("排查时间"))
    performed_on = models.DateField(_("排查日期"))
    answers = models.JSONField(_("检查表结果"), default=list)
    no_hazard = models.BooleanField(_("未发现隐患"), default=False)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("隐患排查记录")
        verbose_name_plural = _("隐患排查记录")
        ordering = ["-performed_at", "-id"]
        indexes = [models.Index(fields=["plan", "performed_on"])]

    def __str__(self):
        return f"{self.plan} · {self.performed_on}"


class InspectionFinding(models.Model):
    """A hazard found on a round (its source is 巡查发现); the link back from the ledger to the round."""

    round = models.ForeignKey(InspectionRound, verbose_name=_("排查记录"), on_delete=models.PROTECT,
                              related_name="findings")
    hazard = models.OneToOneField("hazards.Hazard", verbose_name=_("隐患"), on_delete=models.CASCADE,
                                  related_name="inspection_finding")

    class Meta:
        verbose_name = _("排查发现的隐患")
        verbose_name_plural = _("排查发现的隐患")
        ordering = ["id"]

    def __str__(self):
        return f"{self.round} · {self.hazard}"
