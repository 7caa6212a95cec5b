"""The pages of the 安康杯 commendations: the nominations of a competition (scoped, with the user's quota
per award kind), proposing, one nomination with its timeline and the step buttons of the level it waits at,
the list as xlsx, the province fixing and publishing the list, and the public commendation page (names of
units, 班组 and persons only). Every step goes through ankang.nominations."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankang import nominations as services
from ankang.enums import EnrolmentKind, EnrolmentState
from ankang.models import Competition, Enrolment
from ankang.nomination_enums import AwardKind, NominationLevel, NominationState
from ankang.nomination_models import Commendation
from ankang.nomination_scoping import nominations_for_user
from ankang.report import NominationListExporter
from ankang.scoping import competitions_for_user, unit_scope
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.exports.base import XLSX_CONTENT_TYPE
from portal.files.responses import content_disposition
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message

PAGE_SIZE = 20


def _competition(request, pk, **kwargs):
    return get_object_or_404(competitions_for_user(request.user).select_related("place"), pk=pk)


def _nomination(request, pk, **kwargs):
    return get_object_or_404(nominations_for_user(request.user).select_related(
        "grade", "competition__place", "unit", "county_union", "city_union"), pk=pk)


def _my_quotas(user, competition) -> list[dict]:
    """The quota tables of the unions where the user decides (county, city or the province)."""
    tables = []
    for role in user.role_list:
        for spec in services.LEVELS.values():
            if role.kind != spec.role_kind:
                continue
            union = competition.place if spec.node_field is None else role.node
            tables.append({"union": union, "level": NominationLevel(spec.level).label,
                           "rows": services.quota_rows(competition, union, spec.level)})
    return tables


def _proposable_units(user, competition, kind: str = EnrolmentKind.UNIT):
    return (Enrolment.objects.filter(unit_scope(user, "unit__"), competition=competition, kind=kind,
                                     state=EnrolmentState.CONFIRMED)
            .select_related("unit", "workshop", "team").order_by("unit__path", "team"))


@permission_required("ankang.view_nominations", load=_competition)
def nomination_list(request, competition, pk):
    queryset = nominations_for_user(request.user).filter(competition=competition).select_related("unit", "grade")
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(unit__name__icontains=q)
    page = Paginator(queryset.order_by("kind", "unit__path", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ankang/nominations/list.html", {
        "competition": competition, "page": page, "q": q, "quotas": _my_quotas(request.user, competition),
        "units": _proposable_units(request.user, competition), "kinds": AwardKind.choices,
        "teams": _proposable_units(request.user, competition, EnrolmentKind.TEAM),
        "commendation": Commendation.objects.filter(competition=competition).first(),
        "is_province": request.user.has_perm("ankang.fix_commendation")})


def _input(post) -> services.NominationInput:
    team_id = post.get("team", "")
    team = OrgNode.objects.filter(pk=team_id, kind=NodeKind.TEAM).first() if team_id.isdigit() else None
    return services.NominationInput(kind=post.get("kind", ""), team=team,
                                    person_name=post.get("person_name", ""), person_post=post.get("person_post", ""),
                                    deeds=post.get("deeds", ""))


@require_POST
@permission_required("ankang.view_nominations", load=_competition)
def propose(request, competition, pk):
    unit = next((e.unit for e in _proposable_units(request.user, competition)
                 if str(e.unit_id) == request.POST.get("unit")), None)
    try:
        if unit is None:
            raise Refused(_("请选择已确认参赛的单位。"), code="unit_missing")
        nomination = services.propose_nomination(competition, unit, _input(request.POST), actor=request.user,
                                                 request=request)
    except Refused as refusal:
        refusal_message(request, refusal)
        return redirect("ankang:nominations", pk=competition.pk)
    messages.success(request, _("已推荐。"))
    return redirect("ankang:nomination", pk=nomination.pk)


@permission_required("ankang.view_nomination", load=_nomination)
def nomination(request, nomination, pk):
    return render(request, "ankang/nominations/detail.html", {
        "nomination": nomination, "competition": nomination.competition,
        "steps": nomination.steps.select_related("actor", "node"),
        "can_decide": request.user.has_perm("ankang.decide_nomination", nomination),
        "at_province": nomination.level == NominationLevel.PROVINCE,
        "grades": nomination.competition.grades.values_list("code", "name"),
        "can_resubmit": request.user.has_perm("ankang.resubmit_nomination", nomination)})


ACTIONS = {
    "forward": lambda n, r: services.forward_nomination(n, actor=r.user, comment=r.POST.get("comment", ""),
                                                         request=r),
    "list": lambda n, r: services.list_nomination(n, actor=r.user, grade=r.POST.get("grade", ""),
                                                   comment=r.POST.get("comment", ""), request=r),
    "return": lambda n, r: services.return_nomination(n, actor=r.user, reason=r.POST.get("comment", ""), request=r),
    "reject": lambda n, r: services.reject_nomination(n, actor=r.user, reason=r.POST.get("comment", ""), request=r),
    "resubmit": lambda n, r: services.resubmit_nomination(n, _input(r.POST), actor=r.user, request=r),
}


@require_POST
@permission_required("ankang.view_nomination", load=_nomination)
def act(request, nomination, pk):
    action = ACTIONS.get(request.POST.get("action", ""))
    try:
        if action is None:
            raise Refused(_("未知操作。"), code="bad_action")
        action(nomination, request)
    except Refused as refusal:
        refusal_message(request, refusal)
    else:
        messages.success(request, _("已完成。"))
    return redirect("ankang:nomination", pk=nomination.pk)


@permission_required("ankang.view_nominations", load=_competition)
def export_nominations(request, competition, pk):
    rows = list(nominations_for_user(request.user).filter(competition=competition).select_related("unit", "grade")
                .order_by("kind", "unit__path", "id"))
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    NominationListExporter(competition, rows).write_xlsx(response)
    response["Content-Disposition"] = content_disposition(f"{competition.name}-表彰推荐名单.xlsx",
                                                          ascii_name="ankang-nominations.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@permission_required("ankang.fix_commendation", load=_competition)
def commend(request, competition, pk):
    try:
        if request.POST.get("step") == "publish":
            services.publish_commendation(competition, actor=request.user, request=request)
        else:
            services.fix_commendation(competition, actor=request.user, title=request.POST.get("title", ""),
                                      note=request.POST.get("note", ""), request=request)
    except Refused as refusal:
        refusal_message(request, refusal)
    else:
        messages.success(request, _("已完成。"))
    return redirect("ankang:nominations", pk=competition.pk)


def public_commendation(request, pk):
    """The public page: only once published; names only (no contact data, no deeds' personal details)."""
    competition = get_object_or_404(Competition, pk=pk)
    commendation = Commendation.objects.filter(competition=competition, published_at__isnull=False).first()
    if commendation is None:
        raise Http404
    listed = (competition.nominations.filter(state=NominationState.LISTED).select_related("unit", "grade")
              .order_by("kind", "grade__rank", "unit__path", "id"))
    groups = [(label, [n for n in listed if n.kind == value]) for value, label in AwardKind.choices]
    return render(request, "ankang/nominations/public.html", {
        "competition": competition, "commendation": commendation, "groups": [g for g in groups if g[1]]})
