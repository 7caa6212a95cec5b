"""Pages of the reports: the statistics dashboard, the entry list to export from, and 附件3.

Every entry figure comes from entries_for_user; outside a user's scope the answer is 404.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.campaigns.models import Campaign
from portal.permissions import permission_required
from review.reports.dashboard import chart_data, dashboard
from review.reports.exporters import MAX_SELECTED
from review.reports.forms import STAGE_ALL, EntryPickForm, ScopeForm, StatisticsReportForm
from review.reports.models import StatisticsReport
from review.reports.selectors import (
    counted_entries,
    recommended,
    report_unions,
    submitted_entries,
    union_order,
)
from review.reports.services import counted_figures, statistics_deadline_passed, submit_statistics
from review.reports.statistics import COUNTED, FIGURES, coverage, rollup, system_figures_by_union, totals
from submissions.enums import EntryState
from submissions.scoping import entries_for_user


def _current_campaign():
    return Campaign.objects.prefetch_related("phases").current()


def _report_union(request, union_id):
    """A city/industry union of the user's reports, or 404."""
    return get_object_or_404(report_unions(request.user), pk=union_id)


@login_required
@require_GET
@permission_required("reports.view_dashboard")
def dashboard_view(request):
    """统计: the user's scope in charts and tables (committee: the province; a union: its subtree;
    county and unit reviewers: their own scope)."""
    campaign = _current_campaign()
    unions = report_unions(request.user)
    scope_form = ScopeForm(request.GET or None, unions=unions)
    union = scope_form.cleaned_data.get("union") if scope_form.is_valid() else None
    context = {"campaign": campaign, "scope_form": scope_form, "union": union,
               "show_scope": rules.has_perm("reports.export", request.user)}
    if campaign is not None:
        visible = entries_for_user(request.user, campaign).exclude(state=EntryState.DRAFT)
        if union is not None:
            visible = visible.filter(selection_union=union)
        figures = dashboard(visible, campaign)
        context.update(figures=figures, charts=chart_data(figures), cap=campaign.recommend_cap)
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
@permission_required("reports.export")
def entry_list(request):
    """The entries a union or the committee may export, to tick for 附件1, 附件2 or the photo archive."""
    campaign = _current_campaign()
    unions = report_unions(request.user)
    form = EntryPickForm(request.GET or None, unions=unions)
    filters = form.filters()
    entries = []
    total = 0
    if campaign is not None:
        queryset = submitted_entries(request.user, campaign)
        if filters.get("union"):
            queryset = queryset.filter(selection_union=filters["union"])
        if filters.get("stage") != STAGE_ALL:
            queryset = recommended(queryset)
        if filters.get("state"):
            queryset = queryset.filter(state=filters["state"])
        queryset = queryset.order_by(*union_order("selection_union__"), F("unit_score").desc(nulls_last=True), "pk")
        entries = list(queryset.select_related("campaign", "unit", "selection_union")[:MAX_SELECTED + 1])
        total = len(entries)
        entries = entries[:MAX_SELECTED]
    return render(request, "reports/entry_list.html", {
        "campaign": campaign, "form": form, "entries": entries, "truncated": total > MAX_SELECTED,
        "max_selected": MAX_SELECTED})


@login_required
@require_GET
@permission_required("reports.list_statistics")
def statistics_index(request):
    """附件3: a union's staff see their unions' reports; the committee sees the province roll-up."""
    campaign = _current_campaign()
    unions = list(report_unions(request.user))
    rows = []
    if campaign is not None:
        reports = {report.union_id: report for report in StatisticsReport.objects.filter(
            campaign=campaign, union__in=[union.pk for union in unions])}
        counted = system_figures_by_union(counted_entries(request.user, campaign).filter(
            selection_union__in=[union.pk for union in unions]))
        rows = rollup(unions, reports, counted)
    return render(request, "reports/statistics_index.html", {
        "campaign": campaign, "rows": rows, "totals": totals(rows) if len(rows) > 1 else None,
        "coverage": coverage(rows) if len(rows) > 1 else None,
        "figures": FIGURES, "is_committee": rules.has_perm("reports.view_statistics_rollup", request.user)})


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("reports.view_statistics", load=_report_union)
def statistics_report(request, union, union_id):
    """附件3 of one union: its staff complete and submit it; the committee reads it."""
    campaign = _current_campaign()
    if campaign is None:
        raise Http404
    report = StatisticsReport.objects.filter(campaign=campaign, union=union).first()
    may_submit = rules.has_perm("reports.submit_statistics", request.user, union)
    closed = statistics_deadline_passed(campaign)
    blank = StatisticsReport(campaign=campaign, union=union)
    counted = counted_figures(blank, user=request.user)
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied
        form = StatisticsReportForm(request.POST, instance=report or blank)
        if form.is_valid():
            try:
                submit_statistics(form.instance, actor=request.user, request=request)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("统计表已报送省活动组委会办公室。"))
                return redirect("reports:statistics_report", union_id=union.pk)
    else:
        initial = {} if report is not None else dict(counted)
        form = StatisticsReportForm(instance=report or blank, initial=initial)
    if not may_submit or closed:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "reports/statistics_report.html", {
        "campaign": campaign, "union": union, "report": report, "form": form, "may_submit": may_submit and not closed,
        "closed": closed, "counted": [(figure, counted.get(figure.name)) for figure in FIGURES],
        "counted_names": COUNTED})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
