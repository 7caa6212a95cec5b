"""The pages of the levels above the ledger: hazards reported up (逐级报告), the dashboards with their
charts, a unit's 职代会 summary of 重大 hazards, and the ledger's bulk reminder.

Every figure and list starts from hazards.scoping.hazards_for_user; a node or unit outside the user's
scope is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazards import services
from hazards.dashboards import dashboard as dashboard_figures
from hazards.enums import OPEN_STATES
from hazards.forms import BulkRemindForm, PeriodForm, ReportedFilterForm
from hazards.oversight import congress_summary, reported_for_user
from hazards.roles import LEDGER_ROLES
from hazards.rules import CONGRESS_ROLES
from hazards.scoping import hazards_for_user
from hazards.views import PAGE_SIZE, _rows
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message


@permission_required("hazards.view_reported")
def reported(request):
    """上报隐患: the hazards reported up to the user's level (or from the user's unit)."""
    form = ReportedFilterForm(request.GET or None)
    queryset = reported_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["level"]:
            queryset = queryset.filter(level=data["level"])
        if data["open_only"]:
            queryset = queryset.filter(state__in=OPEN_STATES)
        if data["q"]:
            q = data["q"].strip()
            queryset = queryset.filter(Q(code__icontains=q) | Q(description__icontains=q)
                                       | Q(location__icontains=q) | Q(unit__name__icontains=q))
    queryset = queryset.select_related("unit", "programme", "finder").order_by("-reported_at", "-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "hazards/reported.html", {
        "form": form, "page": page, "rows": _rows(page.object_list, request.user), "query": query.urlencode()})


def _dashboard_nodes(user) -> list:
    """The nodes where the user holds a ledger role: the roots of the dashboards they may open."""
    seen, nodes = set(), []
    for role in user.role_list:
        if role.kind in LEDGER_ROLES and role.node_id and role.node_id not in seen:
            seen.add(role.node_id)
            nodes.append(role.node)
    return nodes


def _load_dashboard_node(request, node=None, **kwargs):
    roots = _dashboard_nodes(request.user) if request.user.is_authenticated else []
    if node is None:
        return roots[0] if roots else None
    found = get_object_or_404(OrgNode, pk=node, is_active=True)
    if not any(found.path.startswith(root.path) for root in roots):
        raise Http404
    return found


@permission_required("hazards.view_dashboard", load=_load_dashboard_node)
def dashboard(request, root, **kwargs):
    """看板 of a unit, county or city: open, overdue, closed this month, median days to close, repeats."""
    node = root
    if node is None:
        raise Http404
    figures = dashboard_figures(hazards_for_user(request.user), node)
    roots = _dashboard_nodes(request.user)
    return render(request, "hazards/dashboard.html", {
        "node": node, "figures": figures, "roots": roots if len(roots) > 1 else [],
        "parent": node.parent if node.parent_id and any(node.parent.path.startswith(r.path) for r in roots)
        else None})


@permission_required("hazards.view_congress_summaries")
def congress_index(request):
    unit = next(role.node for role in request.user.role_list if role.kind in CONGRESS_ROLES and role.node_id)
    return redirect("hazards:congress", unit=unit.pk)


def _load_unit(request, unit, **kwargs):
    return get_object_or_404(OrgNode, pk=unit, kind=NodeKind.UNIT)


@permission_required("hazards.view_congress_summary", load=_load_unit)
def congress(request, unit_node, unit):
    """The 职代会 summary of a unit's 重大 hazards for a year or quarter (printable)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"year": today.year})
    if form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    else:
        year, quarter = today.year, None
    units = [role.node for role in request.user.role_list if role.kind in CONGRESS_ROLES and role.node_id]
    return render(request, "hazards/congress.html", {
        "unit": unit_node, "form": form, "year": year, "quarter": quarter,
        "summary": congress_summary(request.user, unit_node, year, quarter, today),
        "units": list({u.pk: u for u in units}.values()) if len(units) > 1 else []})


@require_POST
@permission_required("hazards.view_ledger")
def remind(request):
    """催办 the responsible people of the hazards selected on the ledger (after a confirmation)."""
    form = BulkRemindForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if form.is_valid():
        ids = form.cleaned_data["hazard"]
        hazards = list(hazards_for_user(request.user).filter(pk__in=ids).select_related("unit", "programme"))
        try:
            reminded, skipped = services.remind_hazards(hazards, actor=request.user, note=form.cleaned_data["note"],
                                                        request=request)
        except Refused as exc:
            refusal_message(request, exc)
        else:
            skipped += len(set(ids)) - len(hazards)
            messages.success(request, _("已提醒%(count)d条隐患的责任人。") % {"count": len(reminded)}
                             + (_("另有%(skipped)d条无需或无权提醒，已跳过。") % {"skipped": skipped} if skipped else ""))
    else:
        messages.error(request, _("请先选择要提醒的隐患。"))
    return redirect(back or "hazards:ledger")
