"""The inspection pages: the plans a user sees (and records rounds of), the phone-first round form, a
round's page with its checklist and findings, and the compliance table per unit/车间/班组.

Plans and rounds are loaded only through hazards.scoping (404 outside it); the steps are the `rules` of
hazards/rules.py and go through hazards/inspections.py.
"""

import rules
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hazards import inspections
from hazards.inspection_forms import FindingForm, PlanFilterForm, RoundForm, SetupForm
from hazards.roles import TRIAGE, unit_roles
from hazards.scoping import hazards_for_user, inspection_plans_for_user, inspection_rounds_for_user
from portal.directory.models import OrgNode
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message

PAGE_SIZE = 20


def _load_plan(request, pk, **kwargs):
    return get_object_or_404(inspection_plans_for_user(request.user).select_related("node", "unit"), pk=pk)


def _load_round(request, pk, **kwargs):
    return get_object_or_404(inspection_rounds_for_user(request.user).select_related(
        "plan__node", "plan__unit", "inspector"), pk=pk)


def _filtered_page(request):
    """The page of plans the user sees, with the filters of the request; its compliance rows."""
    form = PlanFilterForm(request.GET or None)
    plans = inspection_plans_for_user(request.user)
    if form.is_valid():
        if form.cleaned_data["level"]:
            plans = plans.filter(level=form.cleaned_data["level"])
        if form.cleaned_data["q"]:
            plans = plans.filter(node__name__icontains=form.cleaned_data["q"].strip())
    page = Paginator(inspections.with_last_round(plans).order_by("node__path"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    try:
        rows = inspections.compliance_rows(page.object_list)
    except Refused as exc:
        refusal_message(request, exc)
        rows = []
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": form, "page": page, "rows": rows, "query": query.urlencode()}


@permission_required("hazards.view_inspections")
def plans(request):
    context = _filtered_page(request)
    for row in context["rows"]:
        row.may_record = rules.has_perm("hazards.record_round", request.user, row.plan)
    setup_units = [role.node for role in unit_roles(request.user, TRIAGE)]
    return render(request, "hazards/inspections/plans.html", {**context, "setup_units": setup_units})


@permission_required("hazards.view_inspections")
def compliance(request):
    return render(request, "hazards/inspections/compliance.html", _filtered_page(request))


@permission_required("hazards.view_inspections")
@require_POST
def setup_plans(request):
    form = SetupForm(request.POST)
    unit = OrgNode.objects.units().filter(pk=form.cleaned_data["unit"]).first() if form.is_valid() else None
    if unit is None or not rules.has_perm("hazards.manage_inspection_plans", request.user, unit):
        raise Http404
    try:
        created = inspections.create_unit_plans(unit, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已建立%(count)d项排查计划。") % {"count": created})
    return redirect("hazards:inspection_plans")


@permission_required("hazards.record_round", load=_load_plan)
@require_http_methods(["GET", "POST"])
def record(request, plan, pk):
    try:
        items = inspections.round_checklist(plan)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("hazards:inspection_plans")
    form = RoundForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        finding = form.finding()
        try:
            inspection_round = inspections.record_round(
                plan, actor=request.user, answers=form.answers(), no_hazard=form.cleaned_data["no_hazard"],
                findings=[finding] if finding else [], note=form.cleaned_data["note"], request=request)
        except Refused as exc:
            refusal_message(request, exc)
        else:
            messages.success(request, _("排查记录已保存。"))
            return redirect("hazards:inspection_round", pk=inspection_round.pk)
    return render(request, "hazards/inspections/record.html", {"plan": plan, "form": form})


def _round_context(request, inspection_round, finding_form=None):
    visible = set(hazards_for_user(request.user).filter(inspection_finding__round=inspection_round)
                  .values_list("pk", flat=True))
    findings = [{"hazard": finding.hazard, "visible": finding.hazard_id in visible}
                for finding in inspection_round.findings.select_related("hazard")]
    may_add = rules.has_perm("hazards.add_round_finding", request.user, inspection_round)
    return {"round": inspection_round, "plan": inspection_round.plan, "findings": findings,
            "finding_form": (finding_form or FindingForm()) if may_add else None}


@permission_required("hazards.view_round", load=_load_round)
def round_detail(request, inspection_round, pk):
    return render(request, "hazards/inspections/round.html", _round_context(request, inspection_round))


@permission_required("hazards.add_round_finding", load=_load_round)
@require_POST
def add_finding(request, inspection_round, pk):
    form = FindingForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            hazard = inspections.add_round_finding(inspection_round, form.finding(), actor=request.user,
                                                   request=request)
        except Refused as exc:
            refusal_message(request, exc)
        else:
            messages.success(request, _("隐患已登记，编号%(code)s。") % {"code": hazard.code})
            return redirect("hazards:inspection_round", pk=inspection_round.pk)
    return render(request, "hazards/inspections/round.html", _round_context(request, inspection_round, form),
                  status=400 if form.errors else 200)
