"""All unions' 活动开展情况和成效做法 in one ZIP for the committee: one .docx per filed report, through the
export framework (a Celery task with progress, written straight into the job's file)."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from typing import Any

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.campaigns.models import Campaign
from portal.exports.base import local_date
from portal.exports.registry import ExportKind, Offer, register_export_kind
from portal.refusals import Refused
from review.reports.models import UnionReport
from review.reports.union_report_docx import report_file_name, write_union_report_docx

ZIP_CONTENT_TYPE = "application/zip"


def filed_reports(campaign):
    return (UnionReport.objects.filter(campaign=campaign, submitted_at__isnull=False)
            .select_related("union", "campaign").order_by("union__kind", "union_id"))


@register_export_kind
class UnionReportsExport(ExportKind):
    slug = "union-reports"
    ascii_slug = "union-reports"
    label = gettext_lazy("各单位活动开展情况和成效做法（Word 合集）")
    extension = "zip"
    content_type = ZIP_CONTENT_TYPE

    def available_to(self, user) -> bool:
        return rules.has_perm("reports.view_statistics_rollup", user)

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        raw = str(data.get("campaign") or "")
        campaign = (Campaign.objects.filter(pk=int(raw)).first() if raw.isdigit() else None) \
            or Campaign.objects.current()
        if campaign is None:
            raise Refused(_("当前没有进行中的活动。"))
        if not filed_reports(campaign).exists():
            raise Refused(_("还没有单位报送活动开展情况和成效做法。"))
        return {"campaign": campaign.pk}

    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        return user.is_authenticated and user.is_active and self.available_to(user)

    def download_name(self, params: Mapping[str, Any]) -> str:
        return f"{_('活动开展情况和成效做法')}-{local_date():%Y%m%d}.zip"

    def generate(self, params, user, out, progress) -> None:
        reports = list(filed_reports(params["campaign"]))
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, report in enumerate(reports, start=1):
                with archive.open(report_file_name(report), "w") as member:
                    write_union_report_docx(report, member)
                progress(done, len(reports))

    def offers(self, user) -> list[Offer]:
        campaign = Campaign.objects.current()
        if campaign is None:
            return []
        return [Offer(self.slug, str(self.label), {"campaign": campaign.pk},
                      _("每个已报送单位一个 Word 文件"), group=_("全省"))]
