"""The ledger's pages: the worker's report form and "my reports", the ledger of a unit or area, and the
hazard page with its timeline, photos and the actions the user may take.

Hazards are loaded only through `hazards_for_user` (404 outside it); actions are asked of the `rules` in
hazards/rules.py and go through hazards/services.py.
"""

import rules
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hazards import services
from hazards.actions import ACTIONS
from hazards.enums import DEADLINE_STATES, HazardPhotoKind
from hazards.forms import LedgerFilterForm, ReportForm
from hazards.models import Hazard, HazardPhoto, StoppageProposal
from hazards.presenters import finder_display
from hazards.roles import report_units
from hazards.scoping import hazards_for_user
from hazards.search import search_condition
from portal.directory.models import OrgNode
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message

PAGE_SIZE = 20


def _load(request, pk, **kwargs):
    return get_object_or_404(hazards_for_user(request.user).select_related("unit", "programme", "finder"), pk=pk)


def _rows(hazards, user):
    """Each hazard with what a list shows: the finder as this user may see them, and the flags."""
    return [{"hazard": h, "finder": finder_display(h, user), "overdue": h.is_overdue(), "due_soon": h.is_due_soon()}
            for h in hazards]


def _list_queryset(queryset):
    return queryset.select_related("unit", "programme", "finder").order_by("-found_at", "-id")


@permission_required("hazards.report_hazard")
@require_http_methods(["GET", "POST"])
def report(request):
    units = report_units(request.user)
    form = ReportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.report_hazard(
                actor=request.user, unit=data["unit"], category=data["category"], description=data["description"],
                location=data["location"], workshop=data["workshop"], team=data["team"],
                finder_named=data["finder_named"], photos=data["photos"], request=request)
        except Refused as exc:
            refusal_message(request, exc)
        else:
            messages.success(request, _("隐患已上报，编号%(code)s。还有照片可在下方逐幅补充。") % {"code": hazard.code})
            # Several large phone photos may exceed the request cap at once: the finder adds the rest one
            # by one on the hazard page, whose photo form is opened for them.
            return redirect(reverse("hazards:detail", args=[hazard.pk]) + "?open=before_photo#before_photo")
    return render(request, "hazards/report.html", {"form": form})


@permission_required("hazards.report_hazard")
def mine(request):
    queryset = _list_queryset(Hazard.objects.filter(finder=request.user))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/mine.html", {"page": page, "rows": _rows(page.object_list, request.user)})


@permission_required("hazards.view_ledger")
def ledger(request):
    queryset = hazards_for_user(request.user)
    workshops = OrgNode.objects.filter(pk__in=queryset.exclude(workshop=None).values("workshop_id"))
    form = LedgerFilterForm(request.GET or None, workshops=workshops)
    if form.is_valid():
        data = form.cleaned_data
        for name in ("state", "level", "category", "source", "workshop"):
            if data[name]:
                queryset = queryset.filter(**{name: data[name]})
        if data["overdue"]:
            queryset = queryset.overdue()
        if data["q"]:
            queryset = queryset.filter(search_condition(data["q"]))
    page = Paginator(_list_queryset(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "hazards/ledger.html", {
        "form": form, "page": page, "rows": _rows(page.object_list, request.user), "query": query.urlencode()})


@permission_required("hazards.view_ledger")
def escalations(request):
    """The union's stoppage proposals left unanswered past their date, or refused (安全生产法 §60)."""
    proposals = (StoppageProposal.objects.escalated().filter(hazard__in=hazards_for_user(request.user))
                 .select_related("hazard__unit").order_by("answer_due", "id"))
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/escalations.html", {"page": page})


@permission_required("hazards.view_hazard", load=_load)
def detail(request, hazard, pk):
    return render(request, "hazards/detail.html", _detail_context(request, hazard))


def _detail_context(request, hazard, failed=None):
    hazard = (Hazard.objects.select_related("unit", "programme", "finder", "criterion", "responsible", "assigned_by",
                                            "verifier", "union_signed_by", "rectified_by")
              .prefetch_related(Prefetch("photos", queryset=HazardPhoto.objects.select_related("entry_photo")),
                                "extension_requests__requested_by", "stoppage_proposals")
              .get(pk=hazard.pk))
    user = request.user
    finder = finder_display(hazard, user)
    events = [{"event": e, "actor": finder if e.actor_id and e.actor_id == hazard.finder_id
               else (e.actor.get_full_name() if e.actor else _("系统"))}
              for e in hazard.events.select_related("actor")]
    photos = list(hazard.photos.all())
    plan = getattr(hazard, "plan", None) if hazard.is_major else None
    actions = []
    for action in ACTIONS.values():
        if hazard.state in action.states and action.offered(hazard) and rules.has_perm(action.permission, user, hazard):
            form = failed[1] if failed and failed[0] == action.name else action.make_form(hazard)
            actions.append({"action": action, "form": form})
    return {
        "hazard": hazard, "finder": finder, "events": events, "plan": plan, "actions": actions,
        "pairs": [(_("整改前"), [p for p in photos if p.kind == HazardPhotoKind.BEFORE]),
                  (_("整改后"), [p for p in photos if p.kind == HazardPhotoKind.AFTER])],
        "can_download_original": rules.has_perm("hazards.download_original", user, hazard),
        "overdue": hazard.is_overdue(), "due_soon": hazard.is_due_soon(),
        "deadline_running": hazard.state in DEADLINE_STATES,
        "extensions": list(hazard.extension_requests.all()),
        "proposals": list(hazard.stoppage_proposals.all()),
        "upward": [{"report": report, "by": finder if report.reported_by_id and report.reported_by_id == hazard.finder_id
                    else (report.reported_by.get_full_name() if report.reported_by else _("系统（依法自动报告）"))}
                   for report in hazard.upward_reports.select_related("to_node", "reported_by")],
        "open_action": request.GET.get("open", ""),
    }


def _action_permission(action=None, **kwargs):
    if action not in ACTIONS:
        raise Http404
    return ACTIONS[action].permission


@require_POST
@permission_required(_action_permission, load=_load, in_scope_status=403)
def act(request, hazard, pk, action):
    """Post one action of the hazard page to its service; a refusal is shown on the page."""
    spec = ACTIONS[action]
    form = spec.make_form(hazard, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容。"))
        return render(request, "hazards/detail.html", _detail_context(request, hazard, failed=(action, form)),
                      status=400)
    try:
        spec.run(hazard, request.user, form.cleaned_data, request.FILES, request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已%(action)s。") % {"action": spec.label})
    return redirect("hazards:detail", pk=hazard.pk)
