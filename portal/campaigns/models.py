from datetime import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.campaigns.enums import AwardKind, DpiPolicy, PhaseKind


class CampaignQuerySet(models.QuerySet):
    def current(self) -> "Campaign | None":
        return self.filter(is_current=True).first()


class Campaign(models.Model):
    """One edition of the campaign; everything the notice fixes lives here as data, not code."""

    slug = models.SlugField(_("代号"), unique=True)
    title = models.CharField(_("活动名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    theme = models.CharField(_("活动主题"), max_length=200, blank=True)
    is_current = models.BooleanField(_("当前活动"), default=False,
                                     help_text=_("同一时间只有一个当前活动；往届活动保持可查阅。"))
    notice_reference = models.CharField(_("文号"), max_length=60, blank=True)
    contact = models.TextField(_("联系方式"), blank=True, help_text=_("显示在页脚：联系人、地址、电话、邮箱。"))

    min_long_side = models.PositiveIntegerField(_("照片长边最少像素"), default=3000)
    min_short_side = models.PositiveIntegerField(_("照片短边最少像素"), default=2000)
    min_dpi = models.PositiveIntegerField(_("最低分辨率（dpi）"), default=300)
    dpi_policy = models.CharField(
        _("分辨率不足时"), max_length=10, choices=DpiPolicy.choices, default=DpiPolicy.REJECT,
        help_text=_("多数手机照片标注为72 dpi或不标注分辨率，像素却远超要求。选“拒收”时，这些照片会被拒收，"
                    "作者须先用图片软件把分辨率改为要求的 dpi 再上传；选“自动标注”时，像素达标的照片照收，"
                    "存储时只把分辨率标注改为要求的 dpi（画面不重新压缩），并在照片下注明原标注值。"
                    "上传前浏览器会读取照片的分辨率并提示作者。"))
    max_photos_per_group = models.PositiveSmallIntegerField(
        _("每组照片上限"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("组照不超过4幅。"))
    max_file_mb = models.PositiveSmallIntegerField(_("单张照片大小上限（MB）"), default=20,
                                                   validators=[MinValueValidator(1), MaxValueValidator(100)])
    max_megapixels = models.PositiveSmallIntegerField(_("单张照片像素上限（百万像素）"), default=200,
                                                      validators=[MinValueValidator(6), MaxValueValidator(400)])
    description_max_chars = models.PositiveSmallIntegerField(_("文字说明字数上限"), default=50)
    # The other free-text boxes of 附件1 are as small on paper as 文字说明's; 100 characters wrap to about
    # six lines in the exported form's value box (18 Chinese characters a line), so the form still prints
    # on one A4 page and no export has to cut a text.
    hazard_max_chars = models.PositiveSmallIntegerField(
        _("存在隐患字数上限"), default=100, validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text=_("附件1“存在隐患”一栏的大小；默认100字。"))
    suggestion_max_chars = models.PositiveSmallIntegerField(
        _("整改建议字数上限"), default=100, validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text=_("附件1“整改建议”一栏的大小；默认100字。"))
    rectification_note_max_chars = models.PositiveSmallIntegerField(
        _("整改后说明字数上限"), default=100, validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text=_("附件1“整改后说明”一栏的大小；默认100字。"))
    recommend_cap = models.PositiveSmallIntegerField(
        _("每个市/产业工会推荐上限"), default=50, help_text=_("择优推荐50个案例参加省级评审。"))
    require_rectification_to_forward = models.BooleanField(_("向上推荐须有整改后照片"), default=True)
    require_unit_assessment_to_forward = models.BooleanField(_("向上推荐须有单位价值评价"), default=True)
    experts_per_entry = models.PositiveSmallIntegerField(_("每件作品评审专家数"), default=3,
                                                         validators=[MinValueValidator(1)])
    blind_review = models.BooleanField(_("专家匿名评审"), default=True,
                                       help_text=_("专家看不到作者姓名、单位和联系方式。"))

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_campaign"),
        ]

    def __str__(self):
        return self.title

    def validate_constraints(self, exclude=None):
        # Ticking "当前活动" on another campaign is allowed: the admin then calls make_campaign_current,
        # which unsets the previous one. The database constraint still refuses two current campaigns.
        super().validate_constraints(exclude={*(exclude or ()), "is_current"})

    def phase(self, kind: str) -> "Phase | None":
        return next((phase for phase in self.phases.all() if phase.kind == kind), None)

    def phase_open(self, kind: str, at: datetime | None = None) -> bool:
        phase = self.phase(kind)
        return phase is not None and phase.is_open(at)


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("阶段"), max_length=20, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("截止时间"))

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="one_phase_per_kind"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="phase_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"

    def is_open(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at


class AwardLevel(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="award_levels")
    kind = models.CharField(_("奖项类别"), max_length=16, choices=AwardKind.choices, default=AwardKind.WORK)
    name = models.CharField(_("等次名称"), max_length=30)
    rank = models.PositiveSmallIntegerField(_("排序"), help_text=_("1 为最高等次。"))
    count = models.PositiveIntegerField(_("名额"), default=0)

    class Meta:
        verbose_name = _("奖项等次")
        verbose_name_plural = _("奖项等次")
        ordering = ["kind", "rank"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind", "name"], name="unique_award_name")]

    def __str__(self):
        return self.name


class HazardCategory(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="hazard_categories")
    name = models.CharField(_("隐患类别"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("隐患类别")
        verbose_name_plural = _("隐患类别")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="unique_category")]

    def __str__(self):
        return self.name


class Industry(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="industries")
    name = models.CharField(_("行业"), max_length=50)
    group = models.CharField(_("分组"), max_length=50, blank=True, help_text=_("如：新业态、民生安全。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("所属行业")
        verbose_name_plural = _("所属行业")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="unique_industry")]

    def __str__(self):
        return f"{self.group}（{self.name}）" if self.group else self.name
