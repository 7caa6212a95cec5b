"""Downloads of the ledger's outputs (hazards/exports): the exports page, the 台账 (at once when small,
else as an export job with progress), the statistics tables, and the one-hazard forms.

Hazards come through hazards_for_user and units are checked by the rules: outside the scope, 404.
"""

from __future__ import annotations

import io

import rules
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hazards.exports.ledger import SLUG, LedgerExport, filter_summary, ledger_nodes, may_export_node
from hazards.exports.major_report import MajorReportExporter
from hazards.exports.notice import NoticeExporter
from hazards.exports.plan import PlanExporter
from hazards.exports.statistics import (
    Period,
    StatisticsTableExporter,
    due_status,
    recent_periods,
    statistics_figures,
)
from hazards.forms import LedgerFilterForm
from hazards.models import Hazard, HazardProgramme
from hazards.scoping import hazards_for_user
from portal.audit.services import record_audit
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.exports.base import XLSX_CONTENT_TYPE, local_date
from portal.exports.services import request_export
from portal.files.responses import content_disposition
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message

# A 台账 of up to this many rows is written in the request (about a second); a bigger one is an export
# job written by the Celery worker, with a progress page (portal.exports).
DIRECT_ROWS = 2000
# The years a statistics table may be asked for, back from this one.
YEARS_BACK = 10


def _xlsx(exporter, name: str, ascii_name: str):
    out = io.BytesIO()
    exporter.write_xlsx(out)
    out.seek(0)
    response = FileResponse(out, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(name, ascii_name=ascii_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stamp() -> str:
    return f"{local_date():%Y%m%d}"


def _statistics_units(user) -> list[OrgNode]:
    """The units whose statistics table the exports page offers: the user's own units they oversee."""
    return [node for node in ledger_nodes(user)
            if node.kind == NodeKind.UNIT and rules.has_perm("hazards.export_statistics", user, node)]


@require_GET
@permission_required("hazards.export_ledger")
def exports_page(request):
    """导出: the 台账 of each of the user's nodes with the ledger's filters, and the statistics tables
    with their due dates."""
    form = LedgerFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {name: request.GET[name] for name in form.fields if request.GET.get(name)}
    today = local_date()
    statistics = []
    for unit in _statistics_units(request.user):
        programme = HazardProgramme.objects.for_unit(unit, today.year)
        periods = [{"period": period, "due": period.due(programme), "status": due_status(period.due(programme), today),
                    "url": _statistics_url(unit, period)} for period in recent_periods(today)]
        statistics.append({"unit": unit, "periods": periods})
    return render(request, "hazards/exports/index.html", {
        "form": form, "filters": filters, "summary": filter_summary(form) if form.is_bound else "",
        "nodes": ledger_nodes(request.user), "statistics": statistics, "years": _years(),
        "direct_rows": DIRECT_ROWS})


def _statistics_url(unit, period: Period) -> str:
    query = f"?year={period.year}" + (f"&quarter={period.quarter}" if period.quarter else "")
    return reverse("hazards:export_statistics", args=[unit.pk]) + query


def _years() -> list[int]:
    year = local_date().year
    return list(range(year, year - YEARS_BACK, -1))


@require_POST
@permission_required("hazards.export_ledger")
def export_ledger(request):
    """The 台账 of a node with the posted filters: the file itself when small, else an export job."""
    kind = LedgerExport()
    node_id = request.POST.get("node", "")
    node = OrgNode.objects.filter(pk=node_id).first() if node_id.isdigit() and len(node_id) <= 12 else None
    if not may_export_node(request.user, node):
        raise Http404
    try:
        params = kind.clean_params(request.user, request.POST)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("hazards:exports")
    exporter = kind.exporter(params, request.user)
    if exporter.total() > DIRECT_ROWS:
        try:
            job = request_export(SLUG, request.POST, actor=request.user, request=request)
        except Refused as exc:
            refusal_message(request, exc)
            return redirect("hazards:exports")
        return redirect("exports:job", pk=job.pk)
    record_audit(request.user, "hazards.export_ledger", exporter.node, summary=kind.download_name(params),
                 changes={"params": params, "rows": exporter.total()}, request=request)
    return _xlsx(exporter, kind.download_name(params), kind.ascii_download_name(params, local_date()))


def _load_unit(request, unit_id):
    return get_object_or_404(OrgNode, pk=unit_id, kind=NodeKind.UNIT)


def _period(request) -> Period:
    year, quarter = request.GET.get("year", ""), request.GET.get("quarter", "")
    if not (year.isdigit() and int(year) in _years()) or quarter not in ("", "1", "2", "3", "4"):
        raise Refused(_("请选择%(first)d年至%(last)d年的年度或季度。") % {"first": _years()[-1], "last": _years()[0]})
    return Period(int(year), int(quarter) if quarter else None)


@require_GET
@permission_required("hazards.export_statistics", load=_load_unit)
def export_statistics(request, unit, unit_id):
    """The unit's quarterly (?year=&quarter=) or yearly (?year=) 统计分析表."""
    try:
        period = _period(request)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("hazards:exports")
    programme = HazardProgramme.objects.for_unit(unit, period.year)
    figures = statistics_figures(hazards_for_user(request.user).filter(unit=unit), period)
    exporter = StatisticsTableExporter(unit, period, figures, programme)
    name = _("事故隐患排查治理统计分析表-%(unit)s-%(period)s.xlsx") % {"unit": unit.name, "period": period.label}
    return _xlsx(exporter, name, f"hazard-statistics-unit{unit.pk}-{period.slug}.xlsx")


def _load_hazard(request, pk, **kwargs) -> Hazard:
    return get_object_or_404(hazards_for_user(request.user).select_related(
        "unit", "programme", "criterion", "responsible", "assigned_by", "plan__approved_by", "plan__submitted_by"),
        pk=pk)


@require_GET
@permission_required("hazards.export_hazard_forms", load=_load_hazard)
def export_notice(request, hazard, pk):
    """隐患整改通知单: once the hazard was accepted (a level, a responsible person and a deadline)."""
    if hazard.accepted_at is None or hazard.responsible_id is None:
        raise Http404
    return _xlsx(NoticeExporter(hazard), _("隐患整改通知单-%(code)s.xlsx") % {"code": hazard.code},
                 f"rectification-notice-{hazard.code}.xlsx")


@require_GET
@permission_required("hazards.export_hazard_forms", load=_load_hazard)
def export_major_report(request, hazard, pk):
    """重大事故隐患报告: for a 重大 hazard only."""
    if not hazard.is_major:
        raise Http404
    return _xlsx(MajorReportExporter(hazard), _("重大事故隐患报告-%(code)s.xlsx") % {"code": hazard.code},
                 f"major-hazard-report-{hazard.code}.xlsx")


@require_GET
@permission_required("hazards.export_hazard_forms", load=_load_hazard)
def export_plan(request, hazard, pk):
    """治理方案: for a 重大 hazard whose plan was submitted."""
    if not hazard.is_major or getattr(hazard, "plan", None) is None:
        raise Http404
    return _xlsx(PlanExporter(hazard), _("重大事故隐患治理方案-%(code)s.xlsx") % {"code": hazard.code},
                 f"major-hazard-plan-{hazard.code}.xlsx")
