"""Pages of the 活动开展情况和成效做法: a union's staff write and file it beside their 附件3; the committee sees
who has filed, reads each one and downloads the Word files (one, or all as a ZIP through the exports)."""

from __future__ import annotations

import io

import rules
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.campaigns.models import Campaign
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message
from review.reports.models import UnionReport
from review.reports.official_docx import DOCX_CONTENT_TYPE
from review.reports.selectors import report_unions
from review.reports.union_report import (
    MAX_PHOTOS,
    default_title,
    draft_body,
    photo_src,
    save_union_report,
    union_photos,
    union_report_closed,
)
from review.reports.union_report_docx import report_file_name, write_union_report_docx

PER_PAGE = 30


class UnionReportForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=120, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    body = forms.CharField(label=gettext_lazy("正文"), required=False, widget=forms.Textarea(attrs={
        "class": "form-control font-monospace", "rows": 18, "data-report-editor": "1"}),
        help_text=gettext_lazy("可用工具栏插入小标题、列表和本单位作品的照片；保存时会清除脚本等不安全内容。"))


def _campaign():
    campaign = Campaign.objects.prefetch_related("phases").current()
    if campaign is None:
        raise Http404
    return campaign


def _report_union(request, union_id):
    return get_object_or_404(report_unions(request.user), pk=union_id)


@require_http_methods(["GET", "POST"])
@permission_required("reports.view_statistics", load=_report_union)
def union_report(request, union, union_id):
    """The union's 活动开展情况和成效做法: its staff edit the pre-filled draft and file it; others read."""
    campaign = _campaign()
    report = UnionReport.objects.filter(campaign=campaign, union=union).select_related("submitted_by").first()
    may_edit = rules.has_perm("reports.submit_statistics", request.user, union) and not union_report_closed(campaign)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        form = UnionReportForm(request.POST)
        if form.is_valid():
            try:
                save_union_report(union, campaign, title=form.cleaned_data["title"],
                                  body=form.cleaned_data["body"], actor=request.user,
                                  submit="file" in request.POST, request=request)
            except Refused as exc:
                refusal_message(request, exc)
            else:
                messages.success(request, _("已报送省活动组委会办公室。") if "file" in request.POST else _("已保存。"))
                return redirect("reports:union_report", union_id=union.pk)
    elif report is not None:
        form = UnionReportForm(initial={"title": report.title, "body": report.body})
    else:  # the pre-filled draft, only for who may edit it
        form = UnionReportForm(initial={"title": default_title(union, campaign),
                                        "body": draft_body(union, campaign, user=request.user) if may_edit else ""})
    photos = []
    if may_edit:
        photos = [(photo_src(photo.pk), f"{photo.entry.title} · {photo.get_kind_display()}{photo.position}")
                  for photo in union_photos(union, campaign, user=request.user).select_related("entry")
                  .order_by("entry_id", "kind", "position")[:60]]
    return render(request, "reports/union_report.html", {
        "campaign": campaign, "union": union, "report": report, "form": form, "may_edit": may_edit,
        "closed": union_report_closed(campaign), "photos": photos, "max_photos": MAX_PHOTOS,
        # Sanitised with nh3 when saved (review.reports.union_report.sanitise): only the allowed tags remain.
        "body": mark_safe(report.body) if report is not None else ""})


@require_GET
@permission_required("reports.view_statistics", load=_report_union)
def union_report_word(request, union, union_id):
    """The report as .docx (official style); 404 until it has been saved."""
    report = get_object_or_404(UnionReport.objects.select_related("union", "campaign"), campaign=_campaign(),
                               union=union)
    buffer = io.BytesIO()
    write_union_report_docx(report, buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=report_file_name(report),
                        content_type=DOCX_CONTENT_TYPE)


@require_GET
@permission_required("reports.view_statistics_rollup")
def union_report_index(request):
    """The committee: which unions have filed their 活动开展情况和成效做法, with links to read each one."""
    campaign = _campaign()
    unions = report_unions(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        unions = unions.filter(name__icontains=query)
    page = Paginator(unions, PER_PAGE).get_page(request.GET.get("page"))
    reports = {report.union_id: report for report in UnionReport.objects.filter(
        campaign=campaign, union__in=[union.pk for union in page.object_list])}
    rows = [(union, reports.get(union.pk)) for union in page.object_list]
    filed = UnionReport.objects.filter(campaign=campaign, submitted_at__isnull=False).count()
    return render(request, "reports/union_report_index.html", {
        "campaign": campaign, "rows": rows, "page": page, "query": query, "filed": filed,
        "total": report_unions(request.user).count()})
