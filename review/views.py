"""Pages of the tiered review: the reviewer's queue, an entry's review page, actions, notifications.

Every entry is loaded through review.scoping (a narrowing of entries_for_user): outside it the answer is
404. Every state change is a call to review.services; a refusal comes back as a message on the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.campaigns.models import Campaign
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message
from review import actions, phases, services
from review.checks import forward_purpose, quota_for
from review.enums import QueueSort, QueueStage
from review.forms import GRADE_NONE, BulkForm, GradeForm, QueueFilterForm, ReasonForm, work_levels
from review.history import entry_history
from review.models import Notification, TierGrade
from review.notifications import author_entry_url, mark_all_notifications_read, mark_notification_read
from review.rules import reviews_at_tier
from review.scoping import STAGE_HINTS, entries_for_reviewer, pick_role, queue_entries, reviewer_roles
from scoring.rules import can_assess, can_view_scores
from submissions.enums import PhotoKind, Tier
from submissions.models import Entry, Photo
from submissions.tiers import DECIDING_TIERS, TIERS

PAGE_SIZE = 25


def _current_campaign():
    return Campaign.objects.prefetch_related("phases").current()


def _photo_pairs(photos) -> list[tuple[str, list]]:
    """Before and after, side by side: [(整改前, hazard photos), (整改后, rectified photos)]."""
    return [(_("整改前"), [photo for photo in photos if photo.kind == PhotoKind.HAZARD]),
            (_("整改后"), [photo for photo in photos if photo.kind == PhotoKind.RECTIFIED])]


# The queue's yes/no filters and the Entry flag each one reads.
YES_NO_FILTERS = {"rectified": "has_rectification_photos", "duplicate": "has_duplicate_photo",
                  "near_duplicate": "has_near_duplicate"}


def _apply_filters(entries, filters: dict, tier: int):
    if "state" in filters:
        entries = entries.filter(state=filters["state"])
    if "category" in filters:
        entries = entries.filter(category=filters["category"])
    if "industry" in filters:
        entries = entries.filter(industry=filters["industry"])
    if "d_min" in filters:
        entries = entries.filter(unit_score__gte=filters["d_min"])
    if "d_max" in filters:
        entries = entries.filter(unit_score__lte=filters["d_max"])
    if "grade" in filters:
        graded = TierGrade.objects.filter(entry=OuterRef("pk"), tier=tier)
        if filters["grade"] == GRADE_NONE:
            entries = entries.filter(~Exists(graded))
        else:
            entries = entries.filter(Exists(graded.filter(award_level_id=filters["grade"])))
    for name, field in YES_NO_FILTERS.items():
        if name in filters:
            entries = entries.filter(**{field: filters[name] == "yes"})
    if "q" in filters:
        text = filters["q"].strip()
        match = Q(title__icontains=text) | Q(author_name__icontains=text) | Q(unit__name__icontains=text)
        # "2025-000123" or "123": the entry's code.
        digits = text.rsplit("-", 1)[-1]
        if digits.isdigit() and len(digits) <= 12:
            match |= Q(pk=int(digits))
        entries = entries.filter(match)
    return entries


def _order(entries, sort: str):
    if sort in (QueueSort.SCORE_DESC, QueueSort.SCORE_ASC):
        score = F("unit_score").desc(nulls_last=True) if sort == QueueSort.SCORE_DESC else F("unit_score").asc(
            nulls_last=True)
        return entries.order_by(score, "-id")
    if sort == QueueSort.DATE_ASC:
        return entries.order_by(F("submitted_at").asc(nulls_last=True), "id")
    return entries.order_by(F("submitted_at").desc(nulls_last=True), "-id")


@login_required
@require_GET
@permission_required("review.view_queue")
def queue(request):
    """The reviewer's list: entries of their node at (or beyond) their tier, filtered, sorted, paged."""
    roles = reviewer_roles(request.user)
    role = pick_role(request.user, request.GET.get("role"))
    campaign = _current_campaign()
    context = {"roles": roles, "role": role, "campaign": campaign}
    if campaign is None:
        return render(request, "review/queue.html", context)

    levels = list(work_levels(campaign))
    form = QueueFilterForm(request.GET, campaign=campaign, levels=levels)
    filters = form.filters()
    stage = filters.get("stage") or QueueStage.PENDING
    sort = filters.get("sort") or QueueSort.SCORE_DESC
    tier = role.tier
    entries = _apply_filters(queue_entries(request.user, role, campaign, stage), filters, tier)
    # Two steps: sort and cut the page on narrow rows (ids), then load the 25 entries with their joins;
    # sorting thousands of wide joined rows would spill to disk on deep pages.
    page = Paginator(_order(entries, sort).values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page"))
    ids = list(page.object_list)
    loaded = Entry.objects.filter(pk__in=ids).select_related("campaign", "unit", "category", "industry") \
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("kind", "position", "id"))) \
        if ids else []
    by_id = {entry.pk: entry for entry in loaded}
    rows = [by_id[pk] for pk in ids if pk in by_id]
    grades = dict(TierGrade.objects.filter(entry__in=[row.pk for row in rows], tier=tier)
                  .values_list("entry_id", "award_level__name")) if rows else {}
    for row in rows:
        row.photo_pairs = _photo_pairs(list(row.photos.all()))
        row.tier_grade = grades.get(row.pk, "")

    query = request.GET.copy()
    query.pop("page", None)
    query["role"] = str(role.pk)
    can_act = not role.is_committee
    window_refusal = ""
    if can_act:
        try:
            phases.check_window(campaign, tier, forward_purpose(tier))
        except Refused as exc:
            window_refusal = exc.message
    quota = quota_for(campaign, role.node) if TIERS[tier].capped else None
    context.update({
        "form": form, "page_obj": page, "rows": rows, "stage": stage, "stage_hint": STAGE_HINTS.get(stage, ""),
        "levels": levels, "querystring": query.urlencode(), "can_act": can_act,
        "forward_label": TIERS[tier].forward_label if can_act else "",
        "window_refusal": window_refusal, "quota": quota,
        "quota_cap": campaign.recommend_cap if quota else None,
        "next_url": request.get_full_path(),
    })
    return render(request, "review/queue.html", context)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _bulk_apply(request, role, entries, data) -> tuple[list[str], list[str]]:
    """Forward or grade each entry in its own transaction: (codes done, "code：refusal" lines)."""
    done, refused = [], []
    for entry in entries:
        try:
            if data["action"] == "forward":
                services.FORWARD_SERVICES[role.tier](entry, actor=request.user, request=request)
            else:
                services.grade_entry(entry, actor=request.user, tier=role.tier,
                                     award_level=data["award_level"], request=request)
        except Refused as exc:
            refused.append(f"{entry.code}：{exc.message}")
        else:
            done.append(entry.code)
    return done, refused


@login_required
@require_POST
def bulk(request):
    """Forward or grade the ticked entries of the queue, each in its own transaction, and report."""
    role = pick_role(request.user, request.POST.get("role"))
    campaign = _current_campaign()
    if role is None or campaign is None:
        raise Http404
    back = _safe_next(request, reverse("review:queue") + f"?role={role.pk}")
    if role.is_committee:
        raise PermissionDenied
    form = BulkForm(request.POST, campaign=campaign)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    entries = list(queue_entries(request.user, role, campaign, QueueStage.ALL).filter(pk__in=ids)
                   .select_related("selection_union", "unit", "first_review_union"))
    done, refused = _bulk_apply(request, role, entries, form.cleaned_data)
    missing = len(set(ids)) - len(entries)
    verb = TIERS[role.tier].forward_label if form.cleaned_data["action"] == "forward" else _("评定等次")
    if done:
        messages.success(request, _("已%(verb)s %(count)d 件作品。") % {"verb": verb, "count": len(done)})
    if refused:
        messages.error(request, _("%(count)d 件作品未能%(verb)s：%(details)s") % {
            "count": len(refused), "verb": verb, "details": "；".join(refused)})
    if missing:
        messages.error(request, _("%(count)d 件作品不存在或不在您的评审范围内。") % {"count": missing})
    return redirect(back)


@login_required
@require_GET
def entry_detail(request, pk: int):
    """An entry's review page: every field, photos, assessments, grades, allowed actions and history."""
    entry = get_object_or_404(
        entries_for_reviewer(request.user).select_related(
            "campaign", "unit", "first_review_union", "selection_union", "category", "industry", "author"),
        pk=pk)
    campaign = Campaign.objects.prefetch_related("phases").get(pk=entry.campaign_id)
    entry.campaign = campaign
    photo_pairs = _photo_pairs(list(entry.photos.order_by("kind", "position", "id")))
    assessments = (list(entry.assessments.select_related("assessor").order_by("tier", "created_at"))
                   if can_view_scores(request.user, entry) else [])
    grades = list(entry.tier_grades.select_related("award_level", "graded_by").order_by("tier"))
    grade_by_tier = {grade.tier: grade for grade in grades}
    grade_forms = [{
        "tier": tier, "allowed": allowed, "refusal": refusal, "current": grade_by_tier.get(tier),
        "form": GradeForm(campaign=campaign, initial={
            "tier": int(tier), "award_level": grade_by_tier[tier].award_level_id if tier in grade_by_tier else None}),
    } for tier, allowed, refusal in actions.gradeable_tiers(entry, request.user, campaign)]
    quota = None
    if reviews_at_tier(request.user, entry, Tier.SELECTION):
        quota = quota_for(campaign, entry.selection_union)
    return render(request, "review/entry_detail.html", {
        "entry": entry, "campaign": campaign, "photo_pairs": photo_pairs,
        "assessments": assessments, "grades": grades, "grade_forms": grade_forms,
        "actions": actions.available_actions(entry, request.user, campaign),
        "reason_form": ReasonForm(initial={"tier": entry.tier}),
        "history": entry_history(entry, staff=True), "quota": quota,
        "quota_cap": campaign.recommend_cap if quota else None,
        "scoring_assess_tiers": [tier for tier in DECIDING_TIERS if can_assess(request.user, entry, tier)],
    })


def _act(request, pk: int, perform, success: str):
    """Run one action on an entry in the user's review scope; a refusal becomes a message on the page."""
    entry = get_object_or_404(entries_for_reviewer(request.user), pk=pk)
    form = ReasonForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"reason": request.POST.get("reason", ""), "tier": None}
    try:
        perform(entry, data)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, success % {"code": entry.code})
    # After a return the entry has gone back to the unit: a county or city can no longer open it.
    if entries_for_reviewer(request.user).filter(pk=pk).exists():
        return redirect("review:entry", pk=pk)
    return redirect("review:queue")


@login_required
@require_POST
def recommend(request, pk: int):
    return _act(request, pk, lambda entry, data: services.recommend_entry(
        entry, actor=request.user, comment=data["reason"], request=request), _("已推荐作品 %(code)s。"))


@login_required
@require_POST
def forward(request, pk: int):
    return _act(request, pk, lambda entry, data: services.forward_entry(
        entry, actor=request.user, comment=data["reason"], request=request), _("已报送作品 %(code)s。"))


@login_required
@require_POST
def recommend_province(request, pk: int):
    return _act(request, pk, lambda entry, data: services.recommend_entry_to_province(
        entry, actor=request.user, comment=data["reason"], request=request), _("已推荐作品 %(code)s 参加省级评审。"))


@login_required
@require_POST
def return_(request, pk: int):
    return _act(request, pk, lambda entry, data: services.return_entry(
        entry, actor=request.user, reason=data["reason"], tier=data["tier"], request=request),
        _("已将作品 %(code)s 退回作者修改。"))


@login_required
@require_POST
def reject(request, pk: int):
    return _act(request, pk, lambda entry, data: services.reject_entry(
        entry, actor=request.user, reason=data["reason"], tier=data["tier"], request=request),
        _("作品 %(code)s 已标记为不予推荐。"))


@login_required
@require_POST
def undo(request, pk: int):
    return _act(request, pk, lambda entry, data: services.undo_transition(
        entry, actor=request.user, reason=data["reason"], request=request), _("已撤销作品 %(code)s 的上一步操作。"))


@login_required
@require_POST
def grade(request, pk: int):
    entry = get_object_or_404(entries_for_reviewer(request.user).select_related("campaign"), pk=pk)
    form = GradeForm(request.POST, campaign=entry.campaign)
    if not form.is_valid():
        messages.error(request, _("请选择有效的等次。"))
        return redirect("review:entry", pk=pk)
    try:
        result = services.grade_entry(entry, actor=request.user, tier=form.cleaned_data["tier"],
                                      award_level=form.cleaned_data["award_level"], request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已评定等次：%(level)s。") % {"level": result.award_level.name} if result
                         else _("已清除等次。"))
    return redirect("review:entry", pk=pk)


@login_required
@require_GET
def notifications(request):
    items = Notification.objects.filter(user=request.user).select_related("entry")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for item in rows:
        item.link = author_entry_url(item.entry) if item.entry_id else item.target_url
    return render(request, "review/notifications.html", {"page_obj": page, "rows": rows})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_notification_read(notification, actor=request.user)
    return redirect(_safe_next(request, reverse("review:notifications")))


@login_required
@require_POST
def notifications_read_all(request):
    count = mark_all_notifications_read(actor=request.user)
    if count:
        messages.success(request, _("已将 %(count)d 条通知标记为已读。") % {"count": count})
    return redirect("review:notifications")
