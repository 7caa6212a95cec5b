"""The returns' pages: the filer's and the reviewer's list, a return (附件1 with its roll-up and actions),
a computed cell opened down to its hazards, the 自查表 with evidence, who has not filed, and the xlsx
exports. Returns load only through returns.scoping (404 outside it); steps go through returns.services."""

import rules
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hazards.scoping import hazards_for_user
from portal.exports.base import XLSX_CONTENT_TYPE
from portal.files.responses import content_disposition
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message
from returns import exporters, hints_registry, selectors, services
from returns.enums import ACTIVITY_SOURCES, EDITABLE_STATES, FILED_STATES, FilerLevel, ReturnState
from returns.forms import CellsForm, EvidenceForm, FileForm, ReasonForm, ReturnFilterForm, ScoresForm
from returns.hints import checklist_hints
from returns.models import ChecklistCriterion, Return, ReturnPeriod
from returns.presenters import checklist_rows, stat_rows
from returns.roles import ALL_FILER_ROLES, files_for
from returns.scoping import filers_for_user, returns_for_user

PAGE_SIZE = 20


def _load(request, pk, **kwargs):
    return get_object_or_404(returns_for_user(request.user).select_related(
        "filer__node", "filer__reports_to", "period__programme", "filed_by", "reviewed_by"), pk=pk)


def _my_filers(user):
    """The filers `user` files for, in the programmes of this year and the last, with their returns."""
    year = timezone.localdate().year
    nodes = [role.node_id for role in user.role_list if role.kind in ALL_FILER_ROLES and role.node_id is not None]
    filers = (filers_for_user(user).filter(programme__year__gte=year - 1, node_id__in=nodes)
              .select_related("node", "programme")
              .prefetch_related("programme__periods", Prefetch("returns", queryset=Return.objects.all()))
              .order_by("-programme__year", "node__path"))
    result = []
    for filer in filers:
        if not files_for(user, filer):
            continue
        by_period = {r.period_id: r for r in filer.returns.all()}
        result.append({"filer": filer, "periods": [
            {"period": p, "report": by_period.get(p.pk), "deadline": p.deadline(filer.programme.year)}
            for p in filer.programme.periods.all()]})
    return result


@permission_required("returns.view_returns")
def index(request):
    form = ReturnFilterForm(request.GET or None)
    queryset = returns_for_user(request.user)
    if form.is_valid():
        if form.cleaned_data["q"]:
            queryset = queryset.filter(filer__node__name__icontains=form.cleaned_data["q"].strip())
        if form.cleaned_data["state"]:
            queryset = queryset.filter(state=form.cleaned_data["state"])
    queryset = queryset.select_related("filer__node", "period__programme").order_by(
        "-period__programme__year", "-period__number", "filer__node__path")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    periods = (ReturnPeriod.objects.filter(programme__filers__in=filers_for_user(request.user),
                                           programme__year__isnull=False)
               .select_related("programme").distinct().order_by("-programme__year", "number"))
    return render(request, "returns/index.html", {
        "form": form, "page": page, "mine": _my_filers(request.user), "periods": periods})


@require_POST
@permission_required("returns.view_returns")
def start(request, period_pk, filer_pk):
    period = get_object_or_404(ReturnPeriod, pk=period_pk)
    filer = get_object_or_404(filers_for_user(request.user), pk=filer_pk)
    try:
        report = services.start_return(period, filer, actor=request.user)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("returns:index")
    return redirect("returns:detail", pk=report.pk)


def _detail_context(request, report, *, cells_form=None, file_form=None):
    user = request.user
    rows = stat_rows(report)
    can_edit = rules.has_perm("returns.edit_return", user, report)
    if can_edit:
        cells_form = cells_form or CellsForm(rows=rows)
        for row in rows:
            for view in row.cells:
                if f"v_{view.code}" in cells_form.fields:
                    view.field = cells_form[f"v_{view.code}"]
                    view.reason_field = cells_form[f"r_{view.code}"] if view.computed else None
    return {
        "report": report, "rows": rows, "lower": selectors.lower_returns(report),
        "can_edit": can_edit, "cells_form": cells_form,
        "file_form": file_form or (FileForm(initial={"filed_on": timezone.localdate()}) if can_edit else None),
        "can_accept": rules.has_perm("returns.accept_return", user, report),
        "can_reopen": rules.has_perm("returns.reopen_return", user, report),
        "reason_form": ReasonForm(),
        "is_enterprise": report.scores.exists(),
        "scan": report.scan,
        "deadline": report.deadline,
    }


@permission_required("returns.view_return", load=_load)
def detail(request, report, pk):
    if report.state in EDITABLE_STATES:
        services.refresh_return(report)
    return render(request, "returns/detail.html", _detail_context(request, report))


@require_POST
@permission_required("returns.edit_return", load=_load, in_scope_status=403)
def save(request, report, pk):
    form = CellsForm(request.POST, rows=stat_rows(report))
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容：数值过长。"))
        return render(request, "returns/detail.html", _detail_context(request, report, cells_form=form), status=400)
    try:
        services.save_cells(report, form.inputs(), actor=request.user, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return render(request, "returns/detail.html", _detail_context(request, report, cells_form=form),
                      status=400)
    messages.success(request, _("已保存。"))
    return redirect("returns:detail", pk=report.pk)


@require_POST
@permission_required("returns.file_return", load=_load, in_scope_status=403)
def file(request, report, pk):
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写填报日期并确认。"))
        return render(request, "returns/detail.html", _detail_context(request, report, file_form=form), status=400)
    try:
        services.file_return(report, actor=request.user, filed_on=form.cleaned_data["filed_on"],
                             scan=form.cleaned_data["scan"], request=request)
    except Refused as exc:
        if exc.denied:
            raise
        for message in exc.messages[:10]:
            messages.error(request, message)
        return redirect("returns:detail", pk=report.pk)
    messages.success(request, _("已报送。"))
    return redirect("returns:detail", pk=report.pk)


REVIEW_STEPS = {
    "accept": ("returns.accept_return", lambda r, u, reason, req: services.accept_return(r, actor=u, request=req),
               False),
    "send_back": ("returns.send_back_return",
                  lambda r, u, reason, req: services.send_back_return(r, actor=u, reason=reason, request=req), True),
    "reopen": ("returns.reopen_return",
               lambda r, u, reason, req: services.reopen_return(r, actor=u, reason=reason, request=req), True),
}


def _step_permission(step=None, **kwargs):
    if step not in REVIEW_STEPS:
        raise Http404
    return REVIEW_STEPS[step][0]


@require_POST
@permission_required(_step_permission, load=_load, in_scope_status=403)
def review(request, report, pk, step):
    _permission, run, needs_reason = REVIEW_STEPS[step]
    reason = ""
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写理由。"))
            return redirect("returns:detail", pk=report.pk)
        reason = form.cleaned_data["reason"]
    try:
        run(report, request.user, reason, request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已处理。"))
    return redirect("returns:detail", pk=report.pk)


@permission_required("returns.view_return", load=_load)
def cell(request, report, pk, code):
    """A computed cell opened down to the records behind it: the hazards (those the user may see in the
    ledger), the 安康杯 training records, the paid rewards (never the reporter) or the directory's nodes."""
    row = report.cells.select_related("cell").filter(cell__code=code).first()
    if row is None:
        raise Http404
    source = row.cell.source_for(report.filer.level)
    window = selectors.Window.of(report.period, report.year)
    context = {"report": report, "row": row}
    if source in ACTIVITY_SOURCES and row.computed is not None:
        # The records behind a proposed training figure: dates, types and numbers only (no names).
        records = hints_registry.training_records(report.filer.node, window.first, window.last)
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "returns/cell_activities.html", {**context, "page": page})
    rewards = selectors.reward_records(source, report.filer, window, chemical=row.cell.chemical)
    if rewards is not None:
        page = Paginator(rewards, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "returns/cell_rewards.html", {**context, "page": page})
    nodes = selectors.counted_nodes(source, report.filer, chemical=row.cell.chemical)
    if nodes is not None:
        page = Paginator(nodes.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "returns/cell_nodes.html", {**context, "page": page})
    hazards = selectors.cell_hazards(source, report.filer, window, chemical=row.cell.chemical)
    if hazards is None:
        raise Http404
    visible = (hazards.filter(pk__in=hazards_for_user(request.user).values("pk"))
               .select_related("unit").order_by("-found_at", "-id"))
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "returns/cell.html", {**context, "page": page})


def _checklist_context(request, report, *, form=None):
    user = request.user
    can_edit = rules.has_perm("returns.edit_return", user, report)
    can_review = rules.has_perm("returns.review_scores", user, report)
    items = checklist_rows(report)
    scores = [score for item in items for score in item.scores]
    files: dict[int, list] = {}
    for scan in report.files.exclude(criterion=None):
        files.setdefault(scan.criterion_id, []).append(scan)
    if form is None and (can_edit or can_review):
        form = ScoresForm(scores=scores, review=not can_edit)
    hints = checklist_hints(report, [score.criterion for score in scores])
    return {"report": report, "items": items, "files": files, "hints": hints, "form": form,
            "can_edit": can_edit, "can_review": can_review, "evidence_form": EvidenceForm(),
            "max_points": report.period.programme.checklist_template.max_points}


@permission_required("returns.view_return", load=_load)
def checklist(request, report, pk):
    if not report.scores.exists():
        raise Http404  # only enterprise unions score themselves
    return render(request, "returns/checklist.html", _checklist_context(request, report))


@require_POST
@permission_required("returns.view_return", load=_load)
def score(request, report, pk):
    user = request.user
    editing = rules.has_perm("returns.edit_return", user, report)
    if not editing and not rules.has_perm("returns.review_scores", user, report):
        raise Http404
    scores = list(report.scores.select_related("criterion"))
    form = ScoresForm(request.POST, scores=scores, review=not editing)
    try:
        if not form.is_valid():
            raise Refused(_("请检查填写的内容：得分或说明过长。"), code="invalid")
        if editing:
            services.score_self(report, form.scores(), actor=user, request=request)
        else:
            services.review_scores(report, form.scores(), actor=user, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return render(request, "returns/checklist.html", _checklist_context(request, report, form=form), status=400)
    messages.success(request, _("评分已保存。"))
    return redirect("returns:checklist", pk=report.pk)


@require_POST
@permission_required("returns.edit_return", load=_load, in_scope_status=403)
def evidence(request, report, pk):
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("returns:checklist", pk=report.pk)
    criterion = ChecklistCriterion.objects.filter(pk=form.cleaned_data["criterion"]).select_related("item").first()
    if criterion is None:
        raise Http404
    try:
        services.add_evidence(report, criterion, form.cleaned_data["photo"], actor=request.user,
                              caption=form.cleaned_data["caption"], request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("佐证材料已上传。"))
    return redirect("returns:checklist", pk=report.pk)


@permission_required("returns.view_returns")
def missing(request, period_pk):
    """Who in the user's scope has not filed the period's return (no return, or one not yet filed)."""
    period = get_object_or_404(ReturnPeriod.objects.select_related("programme").filter(programme__year__isnull=False),
                               pk=period_pk)
    filed = Return.objects.filter(period=period, state__in=FILED_STATES).values("filer_id")
    filers = (filers_for_user(request.user).filter(programme=period.programme).exclude(pk__in=filed)
              .select_related("node").order_by("node__path"))
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        filers = filers.filter(node__name__icontains=q)
    page = Paginator(filers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "returns/missing.html", {"period": period, "page": page, "q": q,
                                                    "deadline": period.deadline(period.programme.year)})


def _xlsx(exporter, name: str) -> HttpResponse:
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    exporter.write_xlsx(response)
    response["Content-Disposition"] = content_disposition(name, ascii_name="return.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("returns.view_return", load=_load)
def export_stat(request, report, pk):
    """The return's 附件1 (its totals) followed by one sheet per accepted return it adds up."""
    lower = [item.report for item in selectors.lower_returns(report) if item.accepted]
    return _xlsx(exporters.StatSheetExporter([report, *lower]),
                 f"{report.filer.node.name}-{report.period.name}-附件1.xlsx")


@permission_required("returns.view_return", load=_load)
def export_checklist(request, report, pk):
    """An enterprise's 附件2; for a county or city union, the 附件2 of every accepted enterprise return of
    the period in its area (those the viewer may see), one sheet each."""
    if report.scores.exists():
        reports = [report]
    else:
        reports = list(returns_for_user(request.user).filter(
            period=report.period, state=ReturnState.ACCEPTED, filer__level=FilerLevel.ENTERPRISE,
            filer__node__path__startswith=report.filer.node.path).select_related(
            "filer__node", "period__programme").order_by("filer__node__path"))
        if not reports:
            messages.info(request, _("本期尚无已接收的企业自查表。"))
            return redirect("returns:detail", pk=report.pk)
    return _xlsx(exporters.ChecklistExporter(reports), f"{report.filer.node.name}-{report.period.name}-附件2.xlsx")


@require_http_methods(["GET"])
@permission_required("returns.view_returns")
def ranking(request, year):
    """Year-end ranking for the 先进 evaluation: the enterprises and unions in scope by their self-inspection
    (review score where there is one) and on-time filing."""
    reports = (returns_for_user(request.user).filter(period__programme__year=year, state__in=FILED_STATES)
               .select_related("filer__node", "period__programme"))
    table: dict[int, dict] = {}
    for report in reports:
        entry = table.setdefault(report.filer_id, {"filer": report.filer, "filed": 0, "on_time": 0, "score": None})
        entry["filed"] += 1
        entry["on_time"] += 1 if report.filed_on_time() else 0
        points = report.review_total if report.review_total is not None else report.self_total
        if points is not None:
            entry["score"] = max(entry["score"] or 0, points)
    ordered = sorted(table.values(), key=lambda e: (-(e["score"] or 0), -e["on_time"], e["filer"].node.path))
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "returns/ranking.html", {"year": year, "page": page})

