"""逐级报告: a hazard reported up one level of the union tree (and, for 重大, to the regulator's liaison of
the area) because the unit cannot fix it alone, or automatically for a 重大 hazard (安全生产法 §41).

Kept in its own module (imported at the end of hazards/models.py) so the ledger's core models stay as
they are; only hazards/services.py writes these rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UpwardReport(models.Model):
    """One step up: to the union `to_node` (the unit's county/city union, then the next one up) and, for a
    重大 hazard, to the regulator's liaison of that area. The newest row is where the hazard stands."""

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.CASCADE, related_name="upward_reports")
    to_node = models.ForeignKey("directory.OrgNode", verbose_name=_("报告至"), on_delete=models.PROTECT,
                                related_name="+")
    to_regulator = models.BooleanField(_("同时报告监管部门"), default=False)
    automatic = models.BooleanField(_("依法自动报告"), default=False,
                                    help_text=_("重大事故隐患依安全生产法第四十一条自动报告监管部门和职代会。"))
    reason = models.TextField(_("上报理由"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上报人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("隐患逐级报告")
        verbose_name_plural = _("隐患逐级报告")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["to_node", "-reported_at"])]

    def __str__(self):
        return f"{self.hazard_id} → {self.to_node_id}"
