import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from submissions.assignments import ExpertAssignment, ExpertAssignmentQuerySet
from submissions.enums import EDITABLE_STATES, EntryState, PhotoKind, Tier
from submissions.near_duplicate_models import (
    DuplicateDismissal,
    NearDuplicateRule,
    ReferencePhoto,
    phash_band_indexes,
)
from submissions.tus_uploads import TusUpload

# Defined in their own module, registered with this app by being imported here.
__all__ = ["DuplicateDismissal", "Entry", "ExpertAssignment", "ExpertAssignmentQuerySet", "NearDuplicateRule", "Photo",
           "ReferencePhoto", "TusUpload"]


class Entry(models.Model):
    """A 随手拍 entry: the fields of 附件1 评审报名表, one author, a unit from the directory.

    `first_review_union` and `selection_union` are copied from the unit's place in the directory
    when the unit is set, so every reviewer queue is one indexed equality filter.
    """

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作者账号"), on_delete=models.PROTECT,
                               related_name="entries")
    author_name = models.CharField(_("作者姓名"), max_length=50, help_text=_("单个案例作者只限一人。"))
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("作者单位"), on_delete=models.PROTECT,
                             related_name="entries")
    first_review_union = models.ForeignKey(
        "directory.OrgNode", verbose_name=_("县级/集团工会"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+")
    selection_union = models.ForeignKey(
        "directory.OrgNode", verbose_name=_("推荐市或产业"), on_delete=models.PROTECT, related_name="+")
    contact_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("电子信箱"), blank=True)
    industry = models.ForeignKey("campaigns.Industry", verbose_name=_("所属行业"), null=True, blank=True,
                                 on_delete=models.PROTECT)
    category = models.ForeignKey("campaigns.HazardCategory", verbose_name=_("隐患类别"), null=True, blank=True,
                                 on_delete=models.PROTECT)

    title = models.CharField(_("照片名称"), max_length=60, blank=True)
    description = models.TextField(_("文字说明"), blank=True)
    taken_on = models.DateField(_("拍摄时间"), null=True, blank=True)
    location = models.CharField(_("隐患地点"), max_length=200, blank=True)
    hazard = models.TextField(_("存在隐患"), blank=True)
    suggestion = models.TextField(_("整改建议"), blank=True)
    rectification_note = models.TextField(_("整改后说明"), blank=True)

    declaration_accepted = models.BooleanField(_("原创申明"), default=False)
    declaration_name = models.CharField(_("申明责任人"), max_length=50, blank=True)
    declaration_date = models.DateField(_("申明日期"), null=True, blank=True)

    state = models.CharField(_("状态"), max_length=24, choices=EntryState.choices, default=EntryState.DRAFT,
                             db_index=True)
    tier = models.PositiveSmallIntegerField(_("所处层级"), choices=Tier.choices, default=Tier.UNIT)
    unit_score = models.DecimalField(_("单位评价得分 D"), max_digits=8, decimal_places=5, null=True, blank=True)
    has_rectification_photos = models.BooleanField(_("有整改后照片"), default=False)
    has_duplicate_photo = models.BooleanField(_("照片与其他作品重复"), default=False)
    # Set by the derivatives task (submissions.near_duplicates): a photo within the campaign's Hamming
    # distance of another entry's photo or of a past campaign's reference, not dismissed by the committee.
    has_near_duplicate = models.BooleanField(_("疑似重复"), default=False, db_index=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("作品")
        verbose_name_plural = _("作品")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "selection_union", "tier", "state"]),
            models.Index(fields=["campaign", "first_review_union", "tier", "state"]),
            models.Index(fields=["campaign", "unit", "state"]),
            models.Index(fields=["author", "campaign"]),
        ]

    def __str__(self):
        return f"{self.code} {self.title or _('（未命名）')}"

    @property
    def code(self) -> str:
        """A neutral code that identifies the entry without naming its author (blind review)."""
        return f"{self.campaign.year if self.campaign_id else 0}-{self.pk or 0:06d}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_deletable(self) -> bool:
        """Only a draft that never left its author may be deleted; anything a reviewer saw is withdrawn."""
        return self.state == EntryState.DRAFT and self.submitted_at is None

    def place_in_directory(self) -> None:
        """Copy the unions above the unit; called whenever the unit changes."""
        self.first_review_union = self.unit.first_review_union
        self.selection_union = self.unit.selection_union


def original_upload_to(instance, filename):
    # A generated name: the user's file name never reaches the file system.
    return f"originals/{instance.entry.campaign_id}/{uuid.uuid4().hex}.jpg"


def derivative_upload_to(instance, filename):
    return f"derivatives/{instance.entry.campaign_id}/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    """One photo of an entry's 隐患 (before) or 整改后 (after) group.

    `original` is the uploaded JPEG minus trailing bytes and comments (and relabelled to the required
    dpi under the campaign's "fix" policy); thumbnail and preview are metadata-free re-encodings.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("照片类别"), max_length=12, choices=PhotoKind.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    original = models.FileField(_("原图"), upload_to=original_upload_to, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("文件大小"))
    width = models.PositiveIntegerField(_("宽"))
    height = models.PositiveIntegerField(_("高"))
    original_dpi = models.PositiveIntegerField(_("原始分辨率 dpi"), null=True, blank=True)
    dpi_relabelled = models.BooleanField(_("已标注为要求的 dpi"), default=False)
    taken_at = models.DateTimeField(_("拍摄时间（EXIF）"), null=True, blank=True)
    thumbnail = models.FileField(upload_to=derivative_upload_to, max_length=200, blank=True)
    preview = models.FileField(upload_to=derivative_upload_to, max_length=200, blank=True)
    # pHash of the upright display copy (submissions.photos.similarity), signed 64-bit; null until the
    # derivatives task ran. Indexed by its four 16-bit bands (phash_band_indexes) for the search.
    phash = models.BigIntegerField(_("感知哈希"), null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["kind", "position", "id"]
        indexes = [models.Index(fields=["entry", "kind", "position"]), *phash_band_indexes("photo")]

    def __str__(self):
        return f"{self.entry.code} {self.get_kind_display()}{self.position}"

    @property
    def derivatives_ready(self) -> bool:
        return bool(self.thumbnail and self.preview)
