"""Models of near-duplicate detection: the campaign's threshold, past campaigns' photos kept as hashes
only, and the committee's "not a duplicate" decisions. The search is in submissions.near_duplicates."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_DISTANCE = 8


def phash_band_indexes(prefix: str) -> list:
    """The four expression indexes of a phash column's 16-bit bands (submissions.photos.similarity):
    the near-duplicate search looks rows up by band instead of scanning every hash."""
    return [models.Index(F("phash").bitrightshift(16 * n).bitand(0xFFFF), name=f"{prefix}_phash_band{n}")
            for n in range(4)]


class NearDuplicateRule(models.Model):
    """How close two photos' pHashes must be to count as 疑似重复, per campaign (data, not code)."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="near_duplicate_rule")
    max_distance = models.PositiveSmallIntegerField(
        _("疑似重复的最大汉明距离"), default=DEFAULT_MAX_DISTANCE,
        help_text=_("两幅照片的感知哈希（64位）相差不超过此位数即提示“疑似重复”。0 只认完全相同的画面；"
                    "8 左右可发现重新保存、缩放和轻微裁剪的副本；过大将误报。"))

    class Meta:
        verbose_name = _("疑似重复规则")
        verbose_name_plural = _("疑似重复规则")

    def __str__(self):
        return f"{self.campaign} ≤{self.max_distance}"


class ReferencePhoto(models.Model):
    """A photo of a past campaign (before the portal), imported as its hash only, so reuse of an old
    entry is caught in the portal's first year. No image is kept."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    code = models.CharField(_("作品编号或文件名"), max_length=200)
    phash = models.BigIntegerField(_("感知哈希"))
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("往届作品照片（仅哈希）")
        verbose_name_plural = _("往届作品照片（仅哈希）")
        ordering = ["-year", "code"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="reference_photo_year_code")]
        indexes = phash_band_indexes("reference")

    def __str__(self):
        return f"{self.year} {self.code}"


class DuplicateDismissal(models.Model):
    """The committee's decision that a flagged pair is not a duplicate, with its reason. `photo` is the
    flagged photo; the other side is another entry's photo or a reference photo."""

    photo = models.ForeignKey("submissions.Photo", verbose_name=_("照片"), on_delete=models.CASCADE,
                              related_name="duplicate_dismissals")
    other_photo = models.ForeignKey("submissions.Photo", verbose_name=_("相似照片"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    reference = models.ForeignKey(ReferencePhoto, verbose_name=_("往届照片"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("理由"), max_length=200)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("认定人"), on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("认定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("非重复认定")
        verbose_name_plural = _("非重复认定")
        constraints = [
            models.CheckConstraint(condition=models.Q(other_photo__isnull=False) ^ models.Q(reference__isnull=False),
                                   name="dismissal_one_other_side"),
            models.UniqueConstraint(fields=["photo", "other_photo"], name="dismissal_photo_pair"),
            models.UniqueConstraint(fields=["photo", "reference"], name="dismissal_photo_reference"),
        ]

    def __str__(self):
        return f"{self.photo_id} ≠ {self.other_photo_id or self.reference}"
