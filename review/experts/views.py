"""Pages of the provincial expert review: the experts' own (blind) pages and the committee's.

Entries are loaded through entries_for_user (404 outside it); permissions are the `rules` of
review.experts.rules, asked by portal.permissions.permission_required. Out of scope is a 404, never a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from portal.campaigns.enums import PhaseKind
from portal.campaigns.models import Campaign
from portal.directory.models import OrgNode
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message
from review.experts import checklist, organisation, selectors, services
from review.experts.blind import expert_view, list_item, redactors_for
from review.experts.enums import TieKind
from review.experts.forms import (
    NO_AWARD,
    AssignExpertForm,
    AssignmentFilterForm,
    AwardForm,
    ConfirmResultsForm,
    ConflictForm,
    OrganisationAwardForm,
    ReasonForm,
    ResolveTieForm,
)
from review.experts.models import FinalAward, OrganisationAward
from review.phases import phase_end
from scoring.aggregation import summarise
from scoring.formula import format_score
from scoring.models import Assessment
from submissions.enums import EntryState, Tier
from submissions.models import ExpertAssignment
from submissions.scoping import entries_for_user

PAGE_SIZE = 50


def _campaign() -> Campaign | None:
    return Campaign.objects.prefetch_related("phases").current()




def _in_review(request, pk):
    """An entry of the provincial review inside the user's scope, or 404."""
    entries = (entries_for_user(request.user, include_assigned=True)
               .filter(state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
               .select_related("campaign", "unit", "selection_union", "category", "industry"))
    return get_object_or_404(entries, pk=pk)


# --- the expert's pages -------------------------------------------------------------------------------------


@permission_required("experts.view_my_assignments")
@require_GET
def my_assignments(request):
    """The expert's entries with their progress ("已评 7/20") and the review deadline. Blind: codes only."""
    campaign = _campaign()
    assignments = []
    if campaign is not None:
        entries = entries_for_user(request.user, campaign, include_assigned=True).filter(
            state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
        assignments = selectors.my_assignments(request.user, entries)
    # One query for every entry's unions, not one per line.
    redactors = redactors_for(a.entry for a in assignments) if campaign and campaign.blind_review else {}
    return render(request, "experts/my_assignments.html", {
        "campaign": campaign, "items": [list_item(a, redactors.get(a.entry_id)) for a in assignments],
        "progress": selectors.progress_of(assignments),
        "deadline": phase_end(campaign, PhaseKind.EXPERT_REVIEW) if campaign else None,
        "review_open": selectors.expert_review_open(campaign) if campaign else False,
    })


def _other_scores(entry, user):
    """Scores of the entry's other active experts, anonymised as 专家1, 专家2 … in the order they scored."""
    active = ExpertAssignment.objects.active().filter(entry=entry).values("expert_id")
    assessments = list(Assessment.objects.filter(entry=entry, tier=Tier.PROVINCE, assessor__in=active)
                       .order_by("created_at", "pk"))
    rows, number = [], 0
    for assessment in assessments:
        if assessment.assessor_id == user.pk:
            name = _("我")
        else:
            number += 1
            name = _("专家%(number)d") % {"number": number}
        rows.append({"name": name, "assessment": assessment, "mine": assessment.assessor_id == user.pk})
    return rows, summarise(a.d for a in assessments)


@login_required
@require_GET
@permission_required("experts.view_assigned_entry", load=_in_review)
def entry(request, entry, pk):
    """One assigned entry, as blind as the campaign asks; others' scores only after the expert's own."""
    assignment = selectors.active_assignment(request.user, entry)  # the permission says it is active
    mine = Assessment.objects.filter(entry=entry, assessor=request.user, tier=Tier.PROVINCE).first()
    others, summary = ([], None)
    if assignment.is_submitted and mine is not None:
        others, summary = _other_scores(entry, request.user)
    stats = None
    if summary is not None:
        stats = [(_("份数"), summary.count)] + [
            (label, format_score(value) if value is not None else "—") for label, value in (
                (_("平均"), summary.mean), (_("中位数"), summary.median), (_("最低"), summary.min),
                (_("最高"), summary.max))]
    return render(request, "experts/entry.html", {
        "view": expert_view(entry), "assignment": assignment, "mine": mine, "others": others, "stats": stats,
        "can_score": selectors.can_score_as_expert(request.user, entry),
        "review_open": selectors.expert_review_open(entry.campaign),
        "conflict_form": ConflictForm(), "assess_url": reverse("scoring:assess", args=[entry.pk, Tier.PROVINCE]),
    })


@login_required
@require_POST
@permission_required("experts.declare_conflict", load=_in_review)
def declare_conflict(request, entry, pk):
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写回避原因（不超过500字）。"))
        return redirect("experts:entry", pk=entry.pk)
    try:
        services.declare_conflict(entry, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("experts:entry", pk=entry.pk)
    messages.success(request, _("已申请回避，该作品已从您的评审任务中移除。"))
    return redirect("experts:my_assignments")


# --- the committee: panel and assignments -------------------------------------------------------------------


@permission_required("experts.view_panel")
@require_GET
def panel(request):
    """The experts with their unions (they never score those) and their load in the current campaign."""
    campaign = _campaign()
    return render(request, "experts/panel.html", {"campaign": campaign, "rows": selectors.panel_rows(campaign)})


def _review_entries(request, campaign):
    return entries_for_user(request.user, campaign, include_assigned=True).filter(
        state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)


@permission_required("experts.manage_assignments")
@require_GET
def assignments(request):
    """Every entry of the provincial review with its experts; the ones short of experts first.

    Counted and filtered on the overview (selectors.dashboard_overview, computed in the database); only
    the page's 50 entries are loaded with their experts.
    """
    campaign = _campaign()
    entries = _review_entries(request, campaign) if campaign else None
    overview = selectors.dashboard_overview(entries, campaign) if campaign else []
    overview.sort(key=lambda row: (-row.shortfall, row.entry.pk))
    union_ids = {row.entry.selection_union_id for row in overview if row.entry.selection_union_id}
    unions = sorted(OrgNode.objects.filter(pk__in=union_ids), key=lambda node: (node.kind, node.name))
    experts = list(selectors.expert_users())
    form = AssignmentFilterForm(request.GET or None, unions=unions, experts=experts)
    shown = filter_overview_rows(overview, form.filters())
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    if campaign:
        page.object_list = selectors.dashboard_page(entries, campaign, list(page.object_list))
    return render(request, "experts/assignments.html", {
        "campaign": campaign, "page": page, "total": len(overview), "shown": len(shown), "form": form,
        "filtered": bool(form.filters()),
        "short": sum(1 for row in overview if row.shortfall), "locked": selectors.lock_of(campaign),
    })


def filter_overview_rows(rows, filters: dict) -> list:
    """The rows of the 专家分配 page matching `filters` (AssignmentFilterForm.filters()).

    `q` matches the entry's code or title, or the name of one of its experts (active, conflict or
    removed); `union` the entry's city/industry union; `expert` an active assignment of that expert.
    The experts and their names are read in one query each, only when asked for.
    """
    query = (filters.get("q") or "").strip().casefold()
    expert, union, status = filters.get("expert"), filters.get("union"), filters.get("status")
    if expert is not None:
        with_expert = set(ExpertAssignment.objects.active().filter(expert_id=expert).values_list("entry_id", flat=True))
        rows = [row for row in rows if row.entry.pk in with_expert]
    if union is not None:
        rows = [row for row in rows if row.entry.selection_union_id == union]
    if status:
        rows = [row for row in rows if ASSIGNMENT_STATUS[status](row)]
    if query:
        names: dict[int, list[str]] = {}
        experts = (ExpertAssignment.objects.filter(entry_id__in=[row.entry.pk for row in rows])
                   .select_related("expert").only("entry_id", "expert__full_name", "expert__first_name",
                                                  "expert__last_name", "expert__username"))
        for assignment in experts:
            names.setdefault(assignment.entry_id, []).append(assignment.expert.get_full_name())
        rows = [row for row in rows
                if any(query in text.casefold()
                       for text in (row.entry.code, row.entry.title or "", *names.get(row.entry.pk, ())))]
    return rows


ASSIGNMENT_STATUS = {
    "short": lambda row: row.shortfall > 0,
    "full": lambda row: row.shortfall == 0,
    "incomplete": lambda row: row.count < row.wanted,
    "unscored": lambda row: row.count == 0,
    "conflicts": lambda row: bool(row.conflicts),
}


@permission_required("experts.manage_assignments")
@require_POST
def auto_assign(request):
    campaign = _campaign()
    if campaign is None:
        raise Http404
    try:
        report = services.auto_assign_experts(campaign, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("自动分配完成：新增%(created)d项分配。") % {"created": report.created})
        if report.shortfalls:
            messages.warning(request, _("%(entries)d件作品可分配的专家不足，共缺%(missing)d人，请增加专家或手工调整。") % {
                "entries": len(report.shortfalls), "missing": report.missing})
    return redirect("experts:assignments")


def _eligible_experts(entry):
    taken = ExpertAssignment.objects.filter(entry=entry).exclude(removed_at__isnull=False,
                                                                  conflict_declared_at__isnull=True)
    tied = Role.objects.filter(kind=RoleKind.EXPERT, node_id=entry.selection_union_id).values("user_id")
    return selectors.expert_users().exclude(pk__in=tied).exclude(pk__in=taken.values("expert_id"))


@permission_required("experts.manage_assignments")
@require_http_methods(["GET", "POST"])
def assignment_detail(request, pk):
    """One entry's experts: add one by hand (with a reason), remove one, read conflicts and removals."""
    entry = _in_review(request, pk)
    form = AssignExpertForm(request.POST or None, experts=_eligible_experts(entry))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.assign_expert(entry, form.cleaned_data["expert"], actor=request.user,
                                       reason=form.cleaned_data["reason"], request=request)
            except Refused as exc:
                refusal_message(request, exc)
            else:
                messages.success(request, _("已指定专家。"))
                return redirect("experts:assignment_detail", pk=entry.pk)
        else:
            messages.error(request, _("请选择专家并填写原因。"))
    rows = ExpertAssignment.objects.filter(entry=entry).select_related("expert", "assigned_by", "removed_by")
    return render(request, "experts/assignment_detail.html", {
        "entry": entry, "active": [r for r in rows if r.is_active],
        "conflicts": [r for r in rows if r.conflict_declared_at], "removed": [r for r in rows if r.removed_at],
        "form": form, "remove_form": ReasonForm(), "wanted": entry.campaign.experts_per_entry,
        "locked": selectors.lock_of(entry.campaign),
    })


@permission_required("experts.manage_assignments")
@require_POST
def remove_assignment(request, pk):
    assignment = get_object_or_404(ExpertAssignment, pk=pk)
    entry = _in_review(request, assignment.entry_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤销原因（不超过500字）。"))
    else:
        try:
            services.remove_assignment(assignment, actor=request.user, reason=form.cleaned_data["reason"],
                                       request=request)
        except Refused as exc:
            refusal_message(request, exc)
        else:
            messages.success(request, _("已撤销该专家的分配。"))
    return redirect("experts:assignment_detail", pk=entry.pk)


# --- the committee: dashboard and awards --------------------------------------------------------------------

DASHBOARD_FILTERS = {
    "flagged": lambda row: row.flagged,
    "short": lambda row: row.shortfall > 0,
    "incomplete": lambda row: row.count < row.wanted,
    "unscored": lambda row: row.count == 0,
    "awarded": lambda row: row.award is not None and row.award.level_id is not None,
}


@permission_required("experts.view_dashboard")
@require_GET
def dashboard(request):
    """Per entry: scores, mean, median, spread, disagreement flag, rank and award; the award quotas."""
    campaign = _campaign()
    threshold = selectors.parse_threshold(request.GET.get("threshold"))
    show = request.GET.get("show") if request.GET.get("show") in DASHBOARD_FILTERS else ""
    entries = _review_entries(request, campaign) if campaign else None
    # The counters, the filters and the checklist read the overview (computed in the database); only the
    # page's rows are loaded with their experts' scores and assignments.
    rows = selectors.dashboard_overview(entries, campaign, threshold) if campaign else []
    locked = selectors.lock_of(campaign)
    # The pre-lock checklist is worked out from the same rows (the committee's scope is the whole review).
    check = checklist.build(campaign, rows) if campaign and not locked else None
    tied = {member.pk for tie in check.ties if tie.kind == TieKind.WORK for member in tie.members} if check else set()
    for row in rows:
        row.tied = row.entry.pk in tied
    shown = [row for row in rows if DASHBOARD_FILTERS[show](row)] if show else rows
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    if campaign:
        page.object_list = selectors.dashboard_page(entries, campaign, list(page.object_list), threshold)
    return render(request, "experts/dashboard.html", {
        "campaign": campaign, "page": page, "total": len(rows), "threshold": threshold,
        "default_threshold": selectors.DISAGREEMENT_THRESHOLD, "show": show,
        "flagged": sum(1 for row in rows if row.flagged), "short": sum(1 for row in rows if row.shortfall),
        "unscored": sum(1 for row in rows if row.count == 0),
        "complete": sum(1 for row in rows if row.count >= row.wanted),
        "counts": selectors.award_counts(campaign) if campaign else [],
        "locked": locked, "checklist": check, "tie_form": ResolveTieForm(),
        "lock_form": ConfirmResultsForm(initial={"checklist": check.digest if check else ""}),
    })


def _post_campaign_action(request, action, success, target="experts:dashboard"):
    campaign = _campaign()
    if campaign is None:
        raise Http404
    try:
        result = action(campaign)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, success(result))
    return redirect(target)


@permission_required("experts.decide_awards")
@require_POST
def propose_awards(request):
    return _post_campaign_action(
        request, lambda campaign: services.propose_awards(campaign, actor=request.user, request=request),
        lambda proposed: _("已按名次拟定作品奖%(count)d项（人工调整的保持不变）。") % {"count": len(proposed)})


@permission_required("experts.decide_awards")
@require_POST
def confirm_results(request):
    """The lock; with items of the checklist open, only with a reason (the override)."""
    form = ConfirmResultsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("理由不能超过%(max)d个字。") % {"max": services.REASON_MAX_CHARS})
        return redirect("experts:dashboard")
    reason = form.cleaned_data["reason"]
    return _post_campaign_action(
        request, lambda campaign: services.confirm_results(
            campaign, actor=request.user, override_reason=reason,
            checklist_digest=form.cleaned_data["checklist"] or None, request=request),
        lambda lock: _("评审结果已确认并锁定（未完成的检查项及理由已记录）。") if lock.override_reason
        else _("评审结果已确认并锁定。"))


@permission_required("experts.decide_awards")
@require_POST
def resolve_tie(request):
    """Accept one tie at an award cut-off as it stands, with a reason."""
    form = ResolveTieForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写处理理由（不超过500字）。"))
        return redirect(reverse("experts:dashboard") + "#checklist")
    _post_campaign_action(
        request, lambda campaign: services.resolve_tie(campaign, form.cleaned_data["digest"], actor=request.user,
                                                       reason=form.cleaned_data["reason"], request=request),
        lambda resolution: _("已确认该并列情况，理由已记录。"))
    return redirect(reverse("experts:dashboard") + "#checklist")


@permission_required("experts.decide_awards")
@require_http_methods(["GET", "POST"])
def award_edit(request, pk):
    """Set one entry's work award by hand, with a reason (kept by later proposals)."""
    entry = _in_review(request, pk)
    levels = selectors.work_levels(entry.campaign)
    award = FinalAward.objects.filter(entry=entry).select_related("level").first()
    initial = {"level": str(award.level_id) if award and award.level_id else NO_AWARD} if award else {}
    form = AwardForm(request.POST or None, levels=levels, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_award(entry, form.chosen_level(), actor=request.user,
                                   reason=form.cleaned_data["reason"], request=request)
            except Refused as exc:
                refusal_message(request, exc)
            else:
                messages.success(request, _("奖项已调整。"))
                return redirect("experts:dashboard")
        else:
            messages.error(request, _("请选择奖项等次并填写调整原因。"))
    return render(request, "experts/award_edit.html", {
        "entry": entry, "award": award, "form": form, "locked": selectors.lock_of(entry.campaign)})


@permission_required("experts.decide_awards")
@require_GET
def organisation_awards(request):
    """组织奖: the computed scores with their parts, the rule's weights, and the hand confirmations."""
    campaign = _campaign()
    rows = list(OrganisationAward.objects.filter(campaign=campaign).select_related("union", "level", "confirmed_by")
                .order_by("rank", "union_id")) if campaign else []
    levels = selectors.organisation_levels(campaign) if campaign else []
    for row in rows:
        row.form = OrganisationAwardForm(levels=levels, prefix=f"o{row.pk}", initial={
            "level": str(row.level_id) if row.level_id else NO_AWARD})
    return render(request, "experts/organisation_awards.html", {
        "campaign": campaign, "rows": rows, "weights": organisation.weights_table(), "levels": levels,
        "unconfirmed": sum(1 for row in rows if not row.confirmed), "locked": selectors.lock_of(campaign),
    })


@permission_required("experts.decide_awards")
@require_POST
def propose_organisation_awards(request):
    return _post_campaign_action(
        request, lambda c: services.propose_organisation_awards(c, actor=request.user, request=request),
        lambda rows: _("已计算组织奖得分，拟定%(count)d个。") % {"count": sum(1 for r in rows if r.level_id)},
        target="experts:organisation_awards")


@permission_required("experts.decide_awards")
@require_POST
def confirm_all_organisation_awards(request):
    return _post_campaign_action(
        request, lambda c: services.confirm_all_organisation_awards(c, actor=request.user, request=request),
        lambda count: _("已确认%(count)d项组织奖。") % {"count": count}, target="experts:organisation_awards")


@permission_required("experts.decide_awards")
@require_POST
def organisation_award_edit(request, pk):
    campaign = _campaign()
    award = get_object_or_404(OrganisationAward, pk=pk, campaign=campaign)
    form = OrganisationAwardForm(request.POST, levels=selectors.organisation_levels(campaign), prefix=f"o{award.pk}")
    if not form.is_valid():
        messages.error(request, _("请选择奖项。"))
        return redirect("experts:organisation_awards")
    try:
        services.confirm_organisation_award(award, actor=request.user, level=form.chosen_level(),
                                            reason=form.cleaned_data["reason"], request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已确认%(union)s的组织奖。") % {"union": award.union.name})
    return redirect("experts:organisation_awards")
