from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """An awarded entry shown on the public online exhibition (展评网页). Only publish_results and
    unpublish_entry (review.exhibition.services) write these rows."""

    entry = models.OneToOneField("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                                 related_name="publication")
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("展示作品")
        verbose_name_plural = _("展示作品")
        ordering = ["-published_at", "id"]

    def __str__(self):
        return f"{self.entry_id} · {self.published_at:%Y-%m-%d}"
