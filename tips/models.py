"""Rewarded tips: the tip, its photos, messages and timeline, the sealed identity and its openings, the
programme's clocks and the versioned reward rules, proposals, approvals and claims.

Only tips/services.py changes a tip's state; every change writes a `TipEvent` and an audit record.
The identity lives only in `Tip.identity_sealed` / `RewardClaim.payment_sealed` (MultiFernet, tips.crypto);
the receipt only as its keyed hash.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tips.enums import (
    CLOCK_STATES,
    AccidentClass,
    AlertKind,
    Disclosure,
    MessageAuthor,
    RejectReason,
    RewardBasis,
    RewardState,
    TipClock,
    TipEventAction,
    TipMatter,
    TipState,
)


class TipProgrammeQuerySet(models.QuerySet):
    def for_node(self, node) -> "TipProgramme":
        """The deepest programme whose place holds `node` (none: the default)."""
        if node is not None:
            candidates = [p for p in self.exclude(place=None).select_related("place")
                          if node.path.startswith(p.place.path)]
            if candidates:
                return max(candidates, key=lambda p: p.place.depth)
        default = self.filter(is_default=True).first()
        if default is None:
            raise TipProgramme.DoesNotExist("no tip programme is configured")
        return default


class TipProgramme(models.Model):
    """The clocks and limits of the tip line for a place (defaults: the 2012 举报奖励办法's clocks,
    安监总财〔2018〕19号's claim window); the committee edits them in the admin."""

    name = models.CharField(_("名称"), max_length=100)
    place = models.ForeignKey("directory.OrgNode", verbose_name=_("适用地区"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(_("默认方案"), default=False)
    verify_days = models.PositiveSmallIntegerField(_("核查期限（天）"), default=60)
    extension_max_days = models.PositiveSmallIntegerField(_("核查延期上限（天，仅一次）"), default=30)
    notify_days = models.PositiveSmallIntegerField(_("核查后告知结果期限（天）"), default=10)
    claim_days = models.PositiveSmallIntegerField(_("奖励申领期限（天）"), default=60)
    objection_days = models.PositiveSmallIntegerField(_("异议期限（天）"), default=30)
    review_days = models.PositiveSmallIntegerField(
        _("复查答复期限（天）"), default=30,
        help_text=_("举报人提出异议后，上级受理员须在此期限内作出复查结论，逾期上报再上一级。"))
    rectify_days = models.PositiveSmallIntegerField(_("默认整改期限（天）"), default=30)
    reviewers_required = models.PositiveSmallIntegerField(_("奖励审查最少委员人数"), default=2,
                                                          validators=[MinValueValidator(1)])
    due_soon_days = models.PositiveSmallIntegerField(
        _("即将到期提醒天数"), default=7,
        help_text=_("核查、告知、复查和奖励申领期限到期前多少天提醒受理员（每个期限提醒一次）。"))
    submit_limit_per_hour = models.PositiveSmallIntegerField(_("每个地址每小时举报上限"), default=5)
    lookup_limit_per_hour = models.PositiveSmallIntegerField(_("每个地址每小时回执查询上限"), default=20)

    objects = TipProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报受理方案")
        verbose_name_plural = _("举报受理方案")
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                               name="one_default_tip_programme")]

    def __str__(self):
        return self.name


class TipCounter(models.Model):
    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Tip(models.Model):
    """One tip. `identity_sealed` holds the reporter's name, phone and any identifying text, encrypted."""

    code = models.CharField(_("举报编号"), max_length=20, unique=True)
    programme = models.ForeignKey(TipProgramme, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="tips")
    matter = models.CharField(_("举报事项"), max_length=20, choices=TipMatter.choices)
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("被举报单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="tips")
    place_text = models.CharField(_("被举报单位或地点（自填）"), max_length=200, blank=True)
    area = models.ForeignKey("directory.OrgNode", verbose_name=_("受理地区"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text=_("自填地点的举报由哪个地区受理；目录中的单位按其上级地区受理。"))
    happened_on = models.DateField(_("发生或发现日期"), null=True, blank=True)
    description = models.TextField(_("举报内容"))
    disclosure = models.CharField(_("身份"), max_length=20, choices=Disclosure.choices)
    identity_sealed = models.BinaryField(_("举报人身份（密文）"), blank=True, default=b"", editable=False)
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    passcode_hash = models.CharField(max_length=128, blank=True, editable=False)

    state = models.CharField(_("状态"), max_length=12, choices=TipState.choices, default=TipState.SUBMITTED)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理员"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="tips_handled")
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    reject_reason = models.CharField(_("不予受理理由"), max_length=16, choices=RejectReason.choices, blank=True)
    reject_note = models.TextField(_("不予受理说明"), blank=True)
    verify_due = models.DateField(_("核查期限"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reason = models.TextField(_("延期理由（告知举报人）"), blank=True)
    concluded_at = models.DateTimeField(_("核查完成时间"), null=True, blank=True)
    result = models.CharField(_("核查结果"), max_length=12, choices=TipState.choices, blank=True)
    conclusion = models.TextField(_("核查结论"), blank=True)
    notify_due = models.DateField(_("告知期限"), null=True, blank=True)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    objection = models.TextField(_("举报人异议"), blank=True)
    objected_at = models.DateTimeField(_("异议时间"), null=True, blank=True)
    review_result = models.CharField(_("复查结论"), max_length=12, choices=TipState.choices, blank=True)
    review_note = models.TextField(_("复查意见"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("重复举报，首次举报为"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duplicates")
    hazard = models.ForeignKey("hazards.Hazard", verbose_name=_("台账隐患"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="tips")
    fine_amount = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
                                      help_text=_("按监管部门的行政处罚决定书记录。"))
    fine_reference = models.CharField(_("处罚决定书文号"), max_length=100, blank=True)
    concealed_deaths = models.PositiveSmallIntegerField(_("瞒报死亡人数"), null=True, blank=True)
    accident_class = models.CharField(_("事故等级"), max_length=20, choices=AccidentClass.choices, blank=True)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["state", "verify_due"])]

    def __str__(self):
        return self.code

    @property
    def has_receipt(self) -> bool:
        return bool(self.receipt_hash)

    @property
    def final_result(self) -> str:
        """The verification result, as changed by a 复查 if there was one."""
        return self.review_result or self.result

    @property
    def location_node(self):
        """Where the tip is handled: the named unit, else the area chosen for a free-text place."""
        return self.unit if self.unit_id else self.area

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """The verification clock (or the notification clock) has run out."""
        today = today or timezone.localdate()
        if self.state in CLOCK_STATES and self.verify_due and self.verify_due < today:
            return True
        return self.notified_at is None and self.notify_due is not None and self.notify_due < today

    def is_due_soon(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        due = self.verify_due if self.state in CLOCK_STATES else (self.notify_due if self.notified_at is None
                                                                  else None)
        return due is not None and today <= due and (due - today).days <= self.programme.due_soon_days


def tip_photo_upload_to(instance, filename):
    return f"tips/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"


class TipPhoto(models.Model):
    """A cleaned photo of a tip (the hazard ledger's defences); metadata is stripped from the preview."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=1)
    original = models.FileField(upload_to=tip_photo_upload_to, max_length=200)
    preview = models.FileField(upload_to=tip_photo_upload_to, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("举报照片")
        verbose_name_plural = _("举报照片")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.tip_id}#{self.position}"


class TipMessage(models.Model):
    """A message between the reporter (by receipt) and the handler."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(_("发送方"), max_length=10, choices=MessageAuthor.choices)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(_("内容"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("举报留言")
        verbose_name_plural = _("举报留言")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.tip_id} {self.get_author_display()}"


class TipEvent(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(_("操作"), max_length=12, choices=TipEventAction.choices)
    from_state = models.CharField(max_length=12, choices=TipState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=TipState.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("举报人可见"), default=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("举报处理记录")
        verbose_name_plural = _("举报处理记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.tip_id} {self.get_action_display()}"


class VaultOpening(models.Model):
    """Every time the custodian opened a sealed identity: who, when, why (the committee sees the log)."""

    tip = models.ForeignKey(Tip, null=True, blank=True, on_delete=models.PROTECT, related_name="openings")
    claim = models.ForeignKey("RewardClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="openings")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("查阅理由"))

    class Meta:
        verbose_name = _("身份查阅记录")
        verbose_name_plural = _("身份查阅记录")
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return f"{self.opened_by_id} {self.opened_at:%Y-%m-%d %H:%M}"


class TipClockAlert(models.Model):
    """A reminder before, or an escalation after, one clock of a tip: one of each per clock, tip and due
    date (an extended clock has a new due date and so may be reminded again). Written by tips/clocks.py,
    shown on the tip page and the lists."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="clock_alerts")
    clock = models.CharField(_("期限"), max_length=10, choices=TipClock.choices)
    kind = models.CharField(_("类别"), max_length=10, choices=AlertKind.choices)
    due = models.DateField(_("到期日"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    notified = models.PositiveSmallIntegerField(_("通知人数"), default=0)

    class Meta:
        verbose_name = _("举报期限提醒与上报")
        verbose_name_plural = _("举报期限提醒与上报")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["tip", "clock", "kind", "due"], name="one_alert_per_clock")]

    def __str__(self):
        return f"{self.tip_id} {self.get_clock_display()} {self.get_kind_display()}"


class RewardRuleQuerySet(models.QuerySet):
    def applicable(self, matter: str, node, on: datetime.date) -> "RewardRule | None":
        """The rule for `matter` valid on `on`, from the deepest jurisdiction holding `node` (a rule
        without jurisdiction is national)."""
        rules = [r for r in self.filter(matter=matter, valid_from__lte=on)
                 .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)).select_related("jurisdiction")
                 if r.jurisdiction_id is None or (node is not None and node.path.startswith(r.jurisdiction.path))]
        if not rules:
            return None
        return max(rules, key=lambda r: (r.jurisdiction.depth + 1 if r.jurisdiction_id else 0, r.valid_from))


class RewardRule(models.Model):
    """One version of a reward rule for a matter in a jurisdiction, valid over a period."""

    name = models.CharField(_("依据"), max_length=150)
    jurisdiction = models.ForeignKey("directory.OrgNode", verbose_name=_("适用地区"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", help_text=_("留空表示全国。"))
    matter = models.CharField(_("举报事项"), max_length=20, choices=TipMatter.choices)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("计算方式"), max_length=16, choices=RewardBasis.choices)
    min_amount = models.DecimalField(_("最低（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField(_("最高（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("百分比"), max_digits=5, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0), MaxValueValidator(100)])
    per_death = models.JSONField(_("每瞒报一人奖励（元，按事故等级）"), default=dict, blank=True)
    cap = models.DecimalField(_("封顶（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    real_name_required = models.BooleanField(_("须实名举报"), default=False)

    objects = RewardRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报奖励规则")
        verbose_name_plural = _("举报奖励规则")
        ordering = ["matter", "-valid_from"]

    def __str__(self):
        return f"{self.name}（{self.get_matter_display()}）"


class Reward(models.Model):
    """The reward of a tip: the engine's proposal, the committee's amount, the claim window and payment."""

    tip = models.OneToOneField(Tip, on_delete=models.PROTECT, related_name="reward")
    rule = models.ForeignKey(RewardRule, on_delete=models.PROTECT, related_name="rewards")
    proposed_amount = models.DecimalField(_("建议金额（元）"), max_digits=12, decimal_places=2)
    computation = models.TextField(_("计算过程"))
    amount = models.DecimalField(_("核定金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=RewardState.choices, default=RewardState.PROPOSED)
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    claim_due = models.DateField(_("申领截止日期"), null=True, blank=True)
    paid_at = models.DateField(_("发放日期"), null=True, blank=True)
    payment_method = models.CharField(_("发放方式"), max_length=40, blank=True)
    payment_reference = models.CharField(_("发放凭证号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")

    def __str__(self):
        return f"{self.tip} {self.get_state_display()}"


class RewardApproval(models.Model):
    """One committee member's vote; a changed amount needs a reason."""

    reward = models.ForeignKey(Reward, on_delete=models.CASCADE, related_name="approvals")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("调整理由"), blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("奖励审查意见")
        verbose_name_plural = _("奖励审查意见")
        constraints = [models.UniqueConstraint(fields=["reward", "reviewer"], name="one_vote_per_reviewer")]

    def __str__(self):
        return f"{self.reward_id} {self.reviewer_id}"


class RewardClaim(models.Model):
    """The reporter's claim: payment details and the exclusion declaration sealed in the vault."""

    reward = models.OneToOneField(Reward, on_delete=models.PROTECT, related_name="claim")
    payment_sealed = models.BinaryField(_("收款信息（密文）"), editable=False)
    declared_not_excluded = models.BooleanField(_("声明与被举报单位无安全职责或近亲属关系"), default=False)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("奖励申领")
        verbose_name_plural = _("奖励申领")

    def __str__(self):
        return f"{self.reward_id}"


__all__ = ["Reward", "RewardApproval", "RewardClaim", "RewardRule", "Tip", "TipClockAlert", "TipCounter", "TipEvent", "TipMessage",
           "TipPhoto", "TipProgramme", "VaultOpening"]
