"""The 安康杯 pages: competitions, a competition (calendar, enrolment, the user's sheets), enrolments with
their confirmation, activity records with evidence, coverage (table and calendar), score sheets with the
fed indicators, self-scoring and review, and the sheet's xlsx. Everything loads through ankang.scoping
(404 outside it); every step goes through ankang.services."""

import rules
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankang import exporters, presenters, services
from ankang.enums import EnrolmentKind, EnrolmentState
from ankang.forms import (
    CoverageFilterForm,
    DecideForm,
    EnrolForm,
    EnrolmentFilterForm,
    EvidenceForm,
    FilterForm,
    ReasonForm,
    RecordForm,
    SheetFilterForm,
)
from ankang.models import ActivityType
from ankang.roles import UNIT_ROLES
from ankang.scoping import competitions_for_user, enrolments_for_user, records_for_user, sheets_for_user
from portal.exports.base import XLSX_CONTENT_TYPE
from portal.files.responses import content_disposition
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message

PAGE_SIZE = 20


def _competition(request, pk, **kwargs):
    return get_object_or_404(competitions_for_user(request.user).select_related("place", "calendar"), pk=pk)


def _record(request, pk, **kwargs):
    return get_object_or_404(records_for_user(request.user).select_related(
        "competition", "unit", "activity_type", "enrolment"), pk=pk)


def _sheet(request, pk, **kwargs):
    return get_object_or_404(sheets_for_user(request.user).select_related(
        "competition", "unit", "template", "reviewed_by", "reviewer_node"), pk=pk)


def _enrolment(request, pk, **kwargs):
    return get_object_or_404(enrolments_for_user(request.user).select_related("unit", "competition"), pk=pk)


def _my_units(user) -> list[int]:
    return [role.node_id for role in user.role_list if role.kind in UNIT_ROLES and role.node_id is not None]


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _search(form, queryset, field: str = "unit__name__icontains"):
    if form.is_valid() and form.cleaned_data.get("q"):
        queryset = queryset.filter(**{field: form.cleaned_data["q"].strip()})
    if form.is_valid() and form.cleaned_data.get("state"):
        queryset = queryset.filter(state=form.cleaned_data["state"])
    return queryset


@permission_required("ankang.view_competitions")
def index(request):
    page = _page(request, competitions_for_user(request.user).select_related("place").order_by("-year", "name"))
    return render(request, "ankang/index.html", {"page": page})


@permission_required("ankang.view_competition", load=_competition)
def competition(request, competition, pk):
    mine = _my_units(request.user)
    types = list(ActivityType.objects.filter(template=competition.calendar_id).order_by("group", "number"))
    own = list(enrolments_for_user(request.user).filter(competition=competition, unit_id__in=mine)
               .select_related("unit", "workshop", "team").order_by("unit__path", "kind", "team"))
    sheets = {s.unit_id: s for s in sheets_for_user(request.user).filter(competition=competition, unit_id__in=mine)}
    return render(request, "ankang/competition.html", {
        "competition": competition, "series": [t for t in types if t.parent_id is None],
        "ten_ones": [t for t in types if t.parent_id is not None], "own": own, "sheets": sheets,
        "startable": [e for e in own if e.kind == EnrolmentKind.UNIT and e.state == EnrolmentState.CONFIRMED
                      and e.unit_id not in sheets],
        "enrol_form": EnrolForm(units=mine) if mine else None, "today": timezone.localdate(),
        "my_units": [role.node for role in request.user.role_list if role.node_id in mine],
        "can_cover": rules.has_perm("ankang.view_coverage", request.user)})


@require_POST
@permission_required("ankang.enrol", load=_competition)
def enrol(request, competition, pk):
    mine = _my_units(request.user)
    form = EnrolForm(request.POST, units=mine)
    unit_id = request.POST.get("unit") or (mine[0] if len(mine) == 1 else None)
    if not form.is_valid() or str(unit_id) not in {str(u) for u in mine}:
        messages.error(request, _("请检查报名信息。"))
        return redirect("ankang:competition", pk=competition.pk)
    unit = next(role.node for role in request.user.role_list if str(role.node_id) == str(unit_id))
    data = form.cleaned_data
    try:
        services.enrol(competition, unit, actor=request.user, kind=data["kind"], team=data["team"], members=data["members"], contact=data["contact"], request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已报名，等待县级工会确认。"))
    return redirect("ankang:competition", pk=competition.pk)


@permission_required("ankang.view_competition", load=_competition)
def enrolments(request, competition, pk):
    form = EnrolmentFilterForm(request.GET or None)
    queryset = _search(form, enrolments_for_user(request.user).filter(competition=competition)
                       .select_related("unit", "workshop", "team").order_by("state", "unit__path", "kind", "team"))
    page = _page(request, queryset)
    decidable = {e.pk for e in page.object_list if rules.has_perm("ankang.decide_enrolment", request.user, e)}
    return render(request, "ankang/enrolments.html", {"competition": competition, "form": form, "page": page,
                                                      "decidable": decidable})


@require_POST
@permission_required("ankang.decide_enrolment", load=_enrolment, in_scope_status=403)
def decide(request, enrolment, pk):
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择确认或不予确认。"))
    else:
        try:
            services.decide_enrolment(enrolment, actor=request.user, confirm=form.cleaned_data["decision"] == "confirm",
                                      reason=form.cleaned_data["reason"], request=request)
        except Refused as exc:
            refusal_message(request, exc)
    return redirect("ankang:enrolments", pk=enrolment.competition_id)


# --- records ---------------------------------------------------------------------------------------------

@permission_required("ankang.view_competition", load=_competition)
def records(request, competition, pk):
    form = FilterForm(request.GET or None)
    queryset = _search(form, records_for_user(request.user).filter(competition=competition)
                       .select_related("unit", "activity_type", "workshop", "team").order_by("-held_on", "-id"))
    return render(request, "ankang/records.html", {
        "competition": competition, "form": form, "page": _page(request, queryset),
        "can_record": bool(_my_units(request.user))})


def _record_form(request, competition, data=None, files=None):
    enrolments = (enrolments_for_user(request.user).filter(competition=competition, state=EnrolmentState.CONFIRMED,
                                                           unit_id__in=_my_units(request.user))
                  .select_related("unit", "workshop", "team").order_by("unit__path", "kind", "team"))
    types = ActivityType.objects.filter(template=competition.calendar_id).order_by("group", "number")
    return RecordForm(data, files, enrolments=enrolments, types=types)


@permission_required("ankang.enrol", load=_competition)
def new_record(request, competition, pk):
    if request.method != "POST":
        return render(request, "ankang/record_form.html", {
            "competition": competition, "form": _record_form(request, competition)})
    form = _record_form(request, competition, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        fields = services.RecordInput(
            activity_type=data["activity_type"], held_on=data["held_on"], place=data["place"],
            participants=data["participants"], description=data["description"], level=data["level"],
            workshop=data["workshop"], team=data["team"], participant_names=data["participant_names"])
        try:
            record = services.record_activity(competition, data["enrolment"], fields, actor=request.user,
                                              photos=data["photos"], request=request)
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("活动已登记。"))
            return redirect("ankang:record", pk=record.pk)
    else:
        messages.error(request, _("请检查填写的内容。"))
    return render(request, "ankang/record_form.html", {"competition": competition, "form": form}, status=400)


@permission_required("ankang.view_record", load=_record)
def record(request, record, pk):
    return render(request, "ankang/record.html", {
        "record": record, "evidence": list(record.evidence.all()),
        "can_edit": rules.has_perm("ankang.edit_record", request.user, record), "form": EvidenceForm()})


@require_POST
@permission_required("ankang.edit_record", load=_record, in_scope_status=403)
def evidence(request, record, pk):
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的照片。"))
    else:
        try:
            services.add_evidence(record, form.cleaned_data["photos"], actor=request.user, request=request)
        except Refused as exc:
            refusal_message(request, exc)
        else:
            messages.success(request, _("照片已上传。"))
    return redirect("ankang:record", pk=record.pk)


@require_POST
@permission_required("ankang.edit_record", load=_record, in_scope_status=403)
def delete_record(request, record, pk):
    try:
        services.delete_record(record, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("ankang:record", pk=record.pk)
    messages.success(request, _("活动记录已删除。"))
    return redirect("ankang:records", pk=record.competition_id)


# --- coverage --------------------------------------------------------------------------------------------

@permission_required("ankang.view_coverage", load=_competition)
def coverage(request, competition, pk):
    """Who ran which activity (records per series activity, 十个一 run), and who has none."""
    form = CoverageFilterForm(request.GET or None)
    none_only = form.is_valid() and form.cleaned_data["none"]
    queryset = _search(form, presenters.enrolled_units(enrolments_for_user(request.user), competition,
                                                       none_only=none_only))
    page = _page(request, queryset)
    types = presenters.series_types(competition)
    return render(request, "ankang/coverage.html", {
        "competition": competition, "form": form, "page": page, "types": types,
        "rows": presenters.coverage_rows(competition, list(page.object_list), types)})


@permission_required("ankang.view_coverage", load=_competition)
def calendar(request, competition, pk):
    months, rows = presenters.calendar_rows(competition, records_for_user(request.user))
    return render(request, "ankang/calendar.html", {"competition": competition, "months": months, "rows": rows})


# --- score sheets ----------------------------------------------------------------------------------------

@permission_required("ankang.view_competition", load=_competition)
def sheets(request, competition, pk):
    form = SheetFilterForm(request.GET or None)
    queryset = _search(form, sheets_for_user(request.user).filter(competition=competition)
                       .select_related("unit").order_by("unit__path"))
    return render(request, "ankang/sheets.html", {"competition": competition, "form": form,
                                                  "page": _page(request, queryset)})


@require_POST
@permission_required("ankang.enrol", load=_competition)
def start_sheet(request, competition, pk):
    enrolment = get_object_or_404(enrolments_for_user(request.user).filter(
        competition=competition, unit_id__in=_my_units(request.user)), pk=request.POST.get("enrolment") or 0)
    try:
        sheet = services.start_sheet(competition, enrolment, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("ankang:competition", pk=competition.pk)
    return redirect("ankang:sheet", pk=sheet.pk)


def _sheet_context(request, sheet):
    user = request.user
    return {"view": presenters.sheet_view(sheet), "sheet": sheet,
            "can_score": rules.has_perm("ankang.score_sheet", user, sheet),
            "can_review": rules.has_perm("ankang.review_sheet", user, sheet),
            "can_return": rules.has_perm("ankang.return_sheet", user, sheet), "reason_form": ReasonForm()}


@permission_required("ankang.view_sheet", load=_sheet)
def sheet(request, sheet, pk):
    return render(request, "ankang/sheet.html", _sheet_context(request, sheet))


def _posted_scores(request, sheet):
    item_ids = sheet.scores.values_list("item_id", flat=True)
    return {item_id: (request.POST.get(f"s_{item_id}", ""), request.POST.get(f"n_{item_id}", "")[:300])
            for item_id in item_ids if f"s_{item_id}" in request.POST}


def _posted_vetoes(request, sheet):
    return {mark.veto_id: request.POST.get(f"v_{mark.veto_id}") == "on" for mark in sheet.veto_marks.all()}


def _refused_sheet(request, sheet, exc: Refused):
    if exc.denied:
        refusal_message(request, exc)
    for line in [exc.message, *exc.details]:
        messages.error(request, line)
    return render(request, "ankang/sheet.html", _sheet_context(request, sheet), status=400)


@require_POST
@permission_required("ankang.score_sheet", load=_sheet, in_scope_status=403)
def score(request, sheet, pk):
    try:
        services.score_self(sheet, _posted_scores(request, sheet), _posted_vetoes(request, sheet),
                            actor=request.user, request=request)
        if request.POST.get("submit") == "1":
            services.submit_sheet(sheet, actor=request.user, request=request)
            messages.success(request, _("自评已提交，等待评审。"))
        else:
            messages.success(request, _("自评已保存。"))
    except Refused as exc:
        return _refused_sheet(request, sheet, exc)
    return redirect("ankang:sheet", pk=sheet.pk)


@require_POST
@permission_required("ankang.review_sheet", load=_sheet, in_scope_status=403)
def review(request, sheet, pk):
    try:
        services.review_sheet(sheet, _posted_scores(request, sheet), _posted_vetoes(request, sheet),
                              actor=request.user, comment=request.POST.get("comment", "")[:2000], request=request)
    except Refused as exc:
        return _refused_sheet(request, sheet, exc)
    messages.success(request, _("评审已保存。"))
    return redirect("ankang:sheet", pk=sheet.pk)


@require_POST
@permission_required("ankang.return_sheet", load=_sheet, in_scope_status=403)
def return_sheet(request, sheet, pk):
    form = ReasonForm(request.POST)
    try:
        services.return_sheet(sheet, actor=request.user, reason=form.data.get("reason", "")[:1000], request=request)
    except Refused as exc:
        return _refused_sheet(request, sheet, exc)
    messages.success(request, _("已退回。"))
    return redirect("ankang:sheet", pk=sheet.pk)


@permission_required("ankang.view_sheet", load=_sheet)
def export_sheet(request, sheet, pk):
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    exporters.ScoreSheetExporter([sheet]).write_xlsx(response)
    response["Content-Disposition"] = content_disposition(f"{sheet.unit.name}-考核评分表.xlsx",
                                                          ascii_name="ankang-sheet.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    return response


