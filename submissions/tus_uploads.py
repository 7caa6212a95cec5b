"""TusUpload: one resumable (tus 1.0) photo upload in progress, owned by its user and entry.

The bytes live in a private temporary file (submissions.tus.part_path), never in media storage; only
the finished, validated photo reaches storage, through the same service as the one-shot POST.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from submissions.enums import PhotoKind


class TusUpload(models.Model):
    """An unfinished upload: its declared length, the offset received so far and a lease that serialises
    PATCHes (taken by a conditional UPDATE, so it holds on SQLite as on PostgreSQL)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传账号"), on_delete=models.CASCADE,
                             related_name="+")
    entry = models.ForeignKey("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                              related_name="tus_uploads")
    kind = models.CharField(_("照片类别"), max_length=12, choices=PhotoKind.choices)
    replace = models.ForeignKey("submissions.Photo", verbose_name=_("替换的照片"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    length = models.PositiveBigIntegerField(_("文件大小"))
    offset = models.PositiveBigIntegerField(_("已接收"), default=0)
    # Every byte that arrived in a PATCH, accepted or not: how much a resumed upload sent twice.
    bytes_received = models.PositiveBigIntegerField(_("累计接收字节"), default=0)
    patch_count = models.PositiveIntegerField(_("PATCH 次数"), default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)
    # Set when the finished file became a photo; the record stays until the page fetched the result.
    photo = models.ForeignKey("submissions.Photo", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        verbose_name = _("断点续传上传")
        verbose_name_plural = _("断点续传上传")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "photo"])]

    def __str__(self):
        return f"{self.filename or self.pk} {self.offset}/{self.length}"

    @property
    def complete(self) -> bool:
        return self.offset >= self.length
