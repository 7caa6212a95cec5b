"""State changes of the provincial expert review: assignments, conflicts, awards and the results lock.

Every function here is atomic and audited. Each first locks the campaign row (`select_for_update`), so
assignments, award decisions and the lock of one campaign are serialised: two committee members clicking
"自动分配" at once cannot give an entry more experts than asked, and no award changes once
`confirm_results` has run. A refusal raises `portal.refusals.Refused` with a Chinese message for the
user (code "permission_denied" when the actor holds no role for the step: views check first; this is
the backstop). E-mails to experts are queued with enqueue_on_commit and rendered by portal.mail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import rules
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from portal.audit.services import record_audit
from portal.campaigns.enums import AwardKind, PhaseKind
from portal.campaigns.models import AwardLevel, Campaign
from portal.celery import enqueue_on_commit
from portal.mail import absolute_url, send_templated_mail, send_templated_mails
from portal.refusals import Refused
from review.enums import NotificationKind
from review.experts import checklist, organisation, selectors

# review.experts.tasks imports this module too (its tasks call these services): both import the other as a
# module, whose attributes are read at call time, so the cycle resolves at import.
from review.experts import tasks  # isort: skip
from review.experts.enums import AwardSource
from review.experts.models import (
    FinalAward,
    OrganisationAward,
    ResultsLock,
    TieResolution,
)
from review.notifications import notify_authors
from review.phases import deadline_text, phase_end
from scoring.keys import refresh_ranking_keys
from scoring.models import Assessment
from submissions.enums import AssignmentOrigin, Tier
from submissions.models import Entry, ExpertAssignment

REASON_MAX_CHARS = 500


# --- helpers ----------------------------------------------------------------------------------------------


def require_perm(permission: str, actor, obj=None) -> None:
    if actor is None or not rules.has_perm(permission, actor, obj):
        raise Refused.permission_denied()


def clean_reason(reason, *, required: bool = True) -> str:
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if required and not text:
        raise Refused(_("请填写原因。"), code="reason_required")
    if len(text) > REASON_MAX_CHARS:
        raise Refused(_("原因不能超过%(max)d个字。") % {"max": REASON_MAX_CHARS}, code="reason_too_long")
    return text


def lock_campaign(campaign_id: int) -> Campaign:
    """The campaign's row, locked for the rest of the transaction: the one lock of this app."""
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def _refuse_if_locked(campaign: Campaign) -> None:
    if selectors.results_locked(campaign):
        raise Refused(_("评审结果已确认锁定，不能再更改。"), code="locked")


def _locked_entry(entry: Entry) -> tuple[Entry, Campaign]:
    campaign = lock_campaign(entry.campaign_id)
    fresh = Entry.objects.select_related("campaign").get(pk=entry.pk)
    return fresh, campaign


def _require_in_review(entry: Entry) -> None:
    if not selectors.in_review(entry):
        raise Refused(_("该作品不在省级评审中。"), code="not_in_review")


def _level_name(level) -> str:
    return level.name if level is not None else _("不授奖")


# --- assignments ------------------------------------------------------------------------------------------


@dataclass
class AssignmentReport:
    """What an automatic assignment did: how many assignments it made, and the entries left short."""

    created: int = 0
    entries: int = 0
    shortfalls: list[tuple[Entry, int]] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(missing for _entry, missing in self.shortfalls)


class _Pool:
    """The experts of the campaign with their ties and current loads, for picking in memory."""

    def __init__(self, campaign: Campaign):
        self.experts = list(selectors.expert_users().values_list("pk", flat=True))
        self.ties = selectors.expert_ties(self.experts)
        self.loads = defaultdict(int, selectors.expert_loads(campaign))

    def eligible(self, entry: Entry, taken: set[int]) -> list[int]:
        """Experts who may score `entry`: not tied to its union, never assigned to it before."""
        return [pk for pk in self.experts
                if entry.selection_union_id not in self.ties.get(pk, ()) and pk not in taken]

    def pick(self, entry: Entry, taken: set[int], count: int) -> list[int]:
        """The `count` eligible experts with the fewest assignments (ties: the smaller id first)."""
        chosen = sorted(self.eligible(entry, taken), key=lambda pk: (self.loads[pk], pk))[:count]
        for pk in chosen:
            self.loads[pk] += 1
        return chosen


def _existing(entries: list[Entry]) -> tuple[dict[int, set[int]], dict[int, int]]:
    """Per entry: every expert who ever had a row (never offered again) and the active count."""
    taken: dict[int, set[int]] = defaultdict(set)
    active: dict[int, int] = defaultdict(int)
    for entry_id, expert_id, conflict, removed in ExpertAssignment.objects.filter(
            entry__in=[e.pk for e in entries]).values_list("entry_id", "expert_id", "conflict_declared_at",
                                                          "removed_at"):
        taken[entry_id].add(expert_id)
        if conflict is None and removed is None:
            active[entry_id] += 1
    return taken, active


def _already_scored(entry_id: int, expert_ids) -> dict[int, object]:
    """{expert id: when} for experts who already hold a province assessment of the entry."""
    return dict(Assessment.objects.filter(entry_id=entry_id, assessor_id__in=list(expert_ids), tier=Tier.PROVINCE)
                .values_list("assessor_id", "updated_at"))


@transaction.atomic
def auto_assign_experts(campaign: Campaign, *, actor, request=None) -> AssignmentReport:
    """Give every entry in the provincial review `campaign.experts_per_entry` active experts.

    Entries that already have enough are left alone; the others are topped up with the experts who have
    the fewest active assignments (ties: the smaller user id), never an expert tied to the entry's own
    city/industry union and never one who declared a conflict on it or was removed from it. The most
    constrained entries (fewest eligible experts) are served first, so the load stays balanced. When
    too few experts are eligible, an entry gets as many as possible and is reported in `shortfalls`.
    """
    require_perm("experts.manage_assignments", actor)
    campaign = lock_campaign(campaign.pk)
    _refuse_if_locked(campaign)
    wanted = campaign.experts_per_entry
    entries = list(selectors.entries_in_review(campaign).order_by("pk"))
    taken, active = _existing(entries)
    pool = _Pool(campaign)
    needing = [entry for entry in entries if active[entry.pk] < wanted]
    needing.sort(key=lambda entry: (len(pool.eligible(entry, taken[entry.pk])), entry.pk))
    report = AssignmentReport()
    now = timezone.now()
    new_by_expert: dict[int, int] = defaultdict(int)
    rescored: list[int] = []
    for entry in needing:
        missing = wanted - active[entry.pk]
        chosen = pool.pick(entry, taken[entry.pk], missing)
        if chosen:
            scored = _already_scored(entry.pk, chosen)
            ExpertAssignment.objects.bulk_create([
                ExpertAssignment(entry=entry, expert_id=pk, origin=AssignmentOrigin.AUTO, assigned_by=actor,
                                 assigned_at=now, submitted_at=scored.get(pk)) for pk in chosen])
            record_audit(actor, "experts.assign", entry, request=request,
                         summary=_("自动分配%(count)d位专家") % {"count": len(chosen)},
                         changes={"experts": chosen, "origin": AssignmentOrigin.AUTO})
            if scored:  # an expert who already scored counts again
                rescored.append(entry.pk)
            report.created += len(chosen)
            report.entries += 1
            for pk in chosen:
                new_by_expert[pk] += 1
        if len(chosen) < missing:
            report.shortfalls.append((entry, missing - len(chosen)))
    record_audit(actor, "experts.auto_assign", campaign, request=request,
                 summary=_("自动分配：新增%(created)d项，%(short)d件作品专家不足") % {
                     "created": report.created, "short": len(report.shortfalls)},
                 changes={"created": report.created, "entries": report.entries,
                          "shortfalls": {str(entry.pk): missing for entry, missing in report.shortfalls}})
    refresh_ranking_keys(rescored)
    _notify_new_assignments(new_by_expert)
    return report


@transaction.atomic
def assign_expert(entry: Entry, expert: User, *, actor, reason: str, request=None) -> ExpertAssignment:
    """Assign `expert` to `entry` by hand (the committee's override), with a reason.

    Refused for an expert tied to the entry's union, one who declared a conflict on it, one already
    assigned, an inactive account or one without the expert role. An expert the committee removed
    earlier is assigned again (the same row, reactivated).
    """
    require_perm("experts.manage_assignments", actor)
    reason = clean_reason(reason)
    entry, campaign = _locked_entry(entry)
    _refuse_if_locked(campaign)
    _require_in_review(entry)
    if not expert.is_active or not expert.has_role(RoleKind.EXPERT):
        raise Refused(_("该账号不是有效的评审专家。"), code="not_expert")
    if entry.selection_union_id in selectors.expert_ties([expert.pk]).get(expert.pk, ()):
        raise Refused(_("专家不能评审本市/本产业的作品（回避）。"), code="tied")
    row = ExpertAssignment.objects.select_for_update().filter(entry=entry, expert=expert).first()
    scored = _already_scored(entry.pk, [expert.pk]).get(expert.pk)
    now = timezone.now()
    if row is not None and row.conflict_declared_at is not None:
        raise Refused(_("该专家已对本作品申请回避。"), code="conflict")
    if row is not None and row.removed_at is None:
        raise Refused(_("该专家已分配评审本作品。"), code="already")
    if row is None:
        row = ExpertAssignment.objects.create(entry=entry, expert=expert, origin=AssignmentOrigin.MANUAL,
                                              assigned_by=actor, assigned_at=now, reason=reason,
                                              submitted_at=scored)
    else:
        row.origin, row.assigned_by, row.assigned_at, row.reason = AssignmentOrigin.MANUAL, actor, now, reason
        row.removed_at, row.removed_by, row.removal_reason, row.submitted_at = None, None, "", scored
        row.save()
    if scored is not None:  # their score counts again
        refresh_ranking_keys([entry.pk])
    record_audit(actor, "experts.assign", entry, request=request, summary=_("手工指定专家：%(name)s") % {
        "name": expert.get_full_name()}, changes={"experts": [expert.pk], "origin": AssignmentOrigin.MANUAL,
                                                 "reason": reason})
    _notify_new_assignments({expert.pk: 1})
    return row


@transaction.atomic
def remove_assignment(assignment: ExpertAssignment, *, actor, reason: str, request=None) -> ExpertAssignment:
    """Take an expert off an entry by hand, with a reason. The expert's score, if any, stops counting;
    the row stays (so the automatic assignment never offers this expert for the entry again)."""
    require_perm("experts.manage_assignments", actor)
    reason = clean_reason(reason)
    entry, campaign = _locked_entry(assignment.entry)
    _refuse_if_locked(campaign)
    row = ExpertAssignment.objects.select_for_update(of=("self",)).select_related("expert").get(pk=assignment.pk)
    if not row.is_active:
        raise Refused(_("该分配已不再有效。"), code="inactive")
    row.removed_at, row.removed_by, row.removal_reason = timezone.now(), actor, reason
    row.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    refresh_ranking_keys([entry.pk])  # their score, if any, stops counting
    record_audit(actor, "experts.unassign", entry, request=request, summary=_("撤销专家分配：%(name)s") % {
        "name": row.expert.get_full_name()}, changes={"expert": row.expert_id, "reason": reason})
    return row


@dataclass(frozen=True)
class ConflictResult:
    assignment: ExpertAssignment
    replacement: ExpertAssignment | None

    @property
    def needs_replacement(self) -> bool:
        """True when no eligible expert was left: the dashboard flags the entry as short of experts."""
        return self.replacement is None


@transaction.atomic
def declare_conflict(entry: Entry, *, actor, reason: str, request=None) -> ConflictResult:
    """The actor (an assigned expert) declares a conflict of interest on `entry`, with a reason.

    Their assignment stops counting (their score too), the declaration is recorded on it, and one other
    eligible expert (fewest assignments first) replaces them if the entry now has fewer experts than the
    campaign asks; with none left, the entry shows on the committee's dashboard as short of experts.
    """
    reason = clean_reason(reason)
    entry, campaign = _locked_entry(entry)
    row = (ExpertAssignment.objects.select_for_update().active()
           .filter(entry=entry, expert=actor).first() if actor is not None else None)
    if row is None or not actor.has_role(RoleKind.EXPERT):
        raise Refused.permission_denied()
    _refuse_if_locked(campaign)
    if not campaign.phase_open(PhaseKind.EXPERT_REVIEW):
        raise Refused(_("省级专家评审阶段未开放，不能申请回避。"), code="closed")
    row.conflict_declared_at, row.conflict_reason = timezone.now(), reason
    row.save(update_fields=["conflict_declared_at", "conflict_reason"])
    record_audit(actor, "experts.conflict", entry, request=request, summary=_("专家申请回避"),
                 changes={"expert": actor.pk, "reason": reason})
    replacement = None
    taken, active = _existing([entry])
    if selectors.in_review(entry) and active[entry.pk] < campaign.experts_per_entry:
        pool = _Pool(campaign)
        chosen = pool.pick(entry, taken[entry.pk], 1)
        if chosen:
            replacement = ExpertAssignment.objects.create(
                entry=entry, expert_id=chosen[0], origin=AssignmentOrigin.REPLACEMENT, assigned_by=None,
                reason=_("替换申请回避的专家"), submitted_at=_already_scored(entry.pk, chosen).get(chosen[0]))
            record_audit(actor, "experts.assign", entry, request=request, summary=_("回避后自动补派专家"),
                         changes={"experts": chosen, "origin": AssignmentOrigin.REPLACEMENT,
                                  "replaces": actor.pk})
            _notify_new_assignments({chosen[0]: 1})
    refresh_ranking_keys([entry.pk])  # the score of the declaring expert stops counting, a replacement's may
    return ConflictResult(assignment=row, replacement=replacement)


def mark_submitted(entry_id: int, expert_id: int, when) -> int:
    """Record that an expert saved their province-tier assessment (first time only); no audit, the
    assessment itself is audited by scoring.services.assess_entry."""
    return (ExpertAssignment.objects.filter(entry_id=entry_id, expert_id=expert_id, submitted_at__isnull=True)
            .update(submitted_at=when))


# --- notifications ----------------------------------------------------------------------------------------


def _notify_new_assignments(new_by_expert: dict[int, int]) -> None:
    for expert_id, count in sorted(new_by_expert.items()):
        enqueue_on_commit(tasks.task_send_assignment_notice, expert_id, count)


def email_assignment_notice(expert: User, count: int) -> bool:
    """Tell an expert they have new entries to score: a count and a link, never an entry's details."""
    if not expert.is_active or not expert.email:
        return False
    send_templated_mail(expert.email, "expert_assignment", {
        "name": expert.get_full_name(), "count": count, "link": absolute_url(reverse("experts:my_assignments"))})
    return True


REMINDER_DAYS = 3


def send_expert_reminders(*, days: int = REMINDER_DAYS, campaign: Campaign | None = None, now=None) -> int:
    """E-mail every expert with unscored assignments when the EXPERT_REVIEW phase ends within `days`.

    Nothing is sent before that window, after the deadline, or once the results are locked. Returns
    the number of e-mails sent (one per expert: how many entries are left, the deadline and a link).
    """
    campaign = campaign or Campaign.objects.prefetch_related("phases").current()
    if campaign is None or selectors.results_locked(campaign):
        return 0
    now = now or timezone.now()
    deadline = phase_end(campaign, PhaseKind.EXPERT_REVIEW)
    if deadline is None or not (now < deadline <= now + timedelta(days=days)):
        return 0
    pending = (ExpertAssignment.objects.active()
               .filter(entry__in=selectors.entries_in_review(campaign).values("pk"), submitted_at__isnull=True,
                       expert__is_active=True)
               .exclude(expert__email="")
               .values_list("expert_id", flat=True))
    counts: dict[int, int] = defaultdict(int)
    for expert_id in pending:
        counts[expert_id] += 1
    if not counts:
        return 0
    link = absolute_url(reverse("experts:my_assignments"))
    return send_templated_mails("expert_reminder", [
        (expert.email, {"name": expert.get_full_name(), "campaign": campaign.title,
                        "deadline": deadline_text(deadline), "count": counts[expert.pk], "link": link})
        for expert in User.objects.filter(pk__in=list(counts)).order_by("pk")])


# --- work awards ------------------------------------------------------------------------------------------


@transaction.atomic
def propose_awards(campaign: Campaign, *, actor, request=None) -> list[FinalAward]:
    """Fill the campaign's WORK award levels (一等奖, 二等奖, ...) in rank order of the mean expert D.

    Ranking: selectors.dashboard_rows (scores of active experts only; scoring.ranking's tie-breaks).
    Decisions made by hand (set_award) are kept and take their level's places: each level gets
    `count - manual awards at that level` entries from the ranking, the best-ranked first, skipping
    entries decided by hand. Earlier proposals are replaced. Entries without expert scores get nothing.
    """
    require_perm("experts.decide_awards", actor)
    campaign = lock_campaign(campaign.pk)
    _refuse_if_locked(campaign)
    rows = selectors.dashboard_rows(selectors.entries_in_review(campaign), campaign)
    levels = selectors.work_levels(campaign)
    FinalAward.objects.filter(entry__campaign=campaign, source=AwardSource.RANK).delete()
    manual = {award.entry_id: award for award in FinalAward.objects.filter(entry__campaign=campaign)}
    slots = []
    for level in levels:
        taken_by_hand = sum(1 for award in manual.values() if award.level_id == level.pk)
        slots += [level] * max(level.count - taken_by_hand, 0)
    now = timezone.now()
    proposed = []
    for row in rows:
        if row.rank is None or not slots:
            break
        if row.entry.pk in manual:
            continue
        proposed.append(FinalAward(entry=row.entry, level=slots.pop(0), source=AwardSource.RANK, rank=row.rank,
                                   decided_by=actor, decided_at=now))
    FinalAward.objects.bulk_create(proposed)
    for row in rows:
        if row.entry.pk in manual and manual[row.entry.pk].rank != row.rank:
            FinalAward.objects.filter(pk=manual[row.entry.pk].pk).update(rank=row.rank)
    record_audit(actor, "experts.propose_awards", campaign, request=request,
                 summary=_("按专家评分名次拟定作品奖%(count)d项") % {"count": len(proposed)},
                 changes={"awards": {str(award.entry_id): award.level.name for award in proposed},
                          "kept_by_hand": sorted(manual)})
    return proposed


@transaction.atomic
def set_award(entry: Entry, level: AwardLevel | None, *, actor, reason: str, request=None) -> FinalAward:
    """Set an entry's final work award by hand (None: no award), with a recorded reason.

    The decision is kept by later proposals. Refused once the results are locked, for an entry not in
    the provincial review, and for a level that is not one of the campaign's work award levels.
    """
    require_perm("experts.decide_awards", actor)
    reason = clean_reason(reason)
    entry, campaign = _locked_entry(entry)
    _refuse_if_locked(campaign)
    _require_in_review(entry)
    if level is not None and (level.campaign_id != campaign.pk or level.kind != AwardKind.WORK):
        raise Refused(_("奖项等次无效。"), code="bad_level")
    award = FinalAward.objects.select_for_update(of=("self",)).select_related("level").filter(entry=entry).first()
    old = _level_name(award.level) if award is not None else None
    if award is None:
        award = FinalAward(entry=entry)
    award.level, award.source, award.reason = level, AwardSource.MANUAL, reason
    award.decided_by, award.decided_at = actor, timezone.now()
    award.save()
    record_audit(actor, "experts.set_award", entry, request=request,
                 summary=_("作品奖调整为：%(level)s") % {"level": _level_name(level)},
                 changes={"level": [old, _level_name(level)], "reason": reason})
    return award


# --- organisation awards ----------------------------------------------------------------------------------


@transaction.atomic
def propose_organisation_awards(campaign: Campaign, *, actor, request=None) -> list[OrganisationAward]:
    """Compute every city/industry union's organisation score (review.experts.organisation) and propose
    the ORGANISATION award levels by rank. Replaces the previous proposal, confirmations included."""
    require_perm("experts.decide_awards", actor)
    campaign = lock_campaign(campaign.pk)
    _refuse_if_locked(campaign)
    scores = organisation.union_scores(campaign)
    slots = []
    for level in selectors.organisation_levels(campaign):
        slots += [level] * level.count
    existing = {award.union_id: award for award in OrganisationAward.objects.filter(campaign=campaign)}
    now = timezone.now()
    rows = []
    for score in scores:
        level = slots.pop(0) if slots and score.score > 0 else None
        award = existing.pop(score.union.pk, None) or OrganisationAward(campaign=campaign, union=score.union)
        award.level, award.score, award.rank = level, score.score, score.rank
        award.entries_submitted, award.units_taking_part = score.entries_submitted, score.units_taking_part
        award.entries_recommended, award.awards_won = score.entries_recommended, score.awards_won
        award.award_points, award.computed_at = score.award_points, now
        award.confirmed, award.confirmed_by, award.confirmed_at, award.reason = False, None, None, ""
        award.save()
        rows.append(award)
    for stale in existing.values():  # a union no longer active in the directory
        stale.delete()
    record_audit(actor, "experts.propose_organisation_awards", campaign, request=request,
                 summary=_("计算组织奖得分，拟定%(count)d个") % {"count": sum(1 for r in rows if r.level_id)},
                 changes={"awards": {str(r.union_id): [str(r.score), r.level.name if r.level else None]
                                     for r in rows}})
    return rows


@transaction.atomic
def confirm_organisation_award(award: OrganisationAward, *, actor, level: AwardLevel | None, reason: str = "",
                               request=None) -> OrganisationAward:
    """Confirm one union's organisation award by hand, possibly with another level (then with a reason)."""
    require_perm("experts.decide_awards", actor)
    campaign = lock_campaign(award.campaign_id)
    _refuse_if_locked(campaign)
    row = OrganisationAward.objects.select_for_update(of=("self",)).select_related("level", "union").get(pk=award.pk)
    if level is not None and (level.campaign_id != campaign.pk or level.kind != AwardKind.ORGANISATION):
        raise Refused(_("奖项等次无效。"), code="bad_level")
    changed = row.level_id != (level.pk if level else None)
    reason = clean_reason(reason, required=changed)
    old = _level_name(row.level)
    row.level, row.reason = level, reason
    row.confirmed, row.confirmed_by, row.confirmed_at = True, actor, timezone.now()
    row.save()
    record_audit(actor, "experts.confirm_organisation_award", row, request=request,
                 summary=_("确认组织奖：%(union)s %(level)s") % {"union": row.union.name, "level": _level_name(level)},
                 changes={"level": [old, _level_name(level)], "reason": reason})
    return row


@transaction.atomic
def confirm_all_organisation_awards(campaign: Campaign, *, actor, request=None) -> int:
    """Confirm, as proposed, every organisation award of `campaign` not yet confirmed."""
    require_perm("experts.decide_awards", actor)
    campaign = lock_campaign(campaign.pk)
    _refuse_if_locked(campaign)
    pending = list(OrganisationAward.objects.filter(campaign=campaign, confirmed=False).values_list("pk", flat=True))
    OrganisationAward.objects.filter(pk__in=pending).update(confirmed=True, confirmed_by=actor,
                                                            confirmed_at=timezone.now())
    record_audit(actor, "experts.confirm_organisation_awards", campaign, request=request,
                 summary=_("按拟定结果确认组织奖%(count)d项") % {"count": len(pending)}, changes={"awards": pending})
    return len(pending)


# --- the lock ---------------------------------------------------------------------------------------------


@transaction.atomic
def resolve_tie(campaign: Campaign, digest: str, *, actor, reason: str, request=None) -> TieResolution:
    """Accept one tie at an award cut-off as it stands, with a reason (see review.experts.checklist).

    `digest` names the tie the committee looked at; when scores or awards changed since, that tie no
    longer exists and the decision is refused (the page shows the new one).
    """
    require_perm("experts.decide_awards", actor)
    reason = clean_reason(reason)
    campaign = lock_campaign(campaign.pk)
    _refuse_if_locked(campaign)
    tie = next((tie for tie in checklist.build(campaign).ties if tie.digest == digest), None)
    if tie is None:
        raise Refused(_("该并列情况已发生变化（评分或奖项有调整），请刷新页面后再处理。"), code="tie_changed")
    if not tie.is_open:
        raise Refused(_("该并列情况已经处理过。"), code="tie_resolved")
    resolution = TieResolution.objects.create(campaign=campaign, kind=tie.kind, digest=digest, score=tie.score,
                                              members=tie.snapshot()["members"], reason=reason, resolved_by=actor)
    record_audit(actor, "experts.resolve_tie", campaign, request=request,
                 summary=_("确认%(kind)s分界处的并列（得分%(score)s）") % {"kind": tie.kind_label, "score": tie.score},
                 changes={**tie.snapshot(), "reason": reason})
    return resolution


@transaction.atomic
def confirm_results(campaign: Campaign, *, actor, override_reason: str = "", checklist_digest: str | None = None,
                    request=None) -> ResultsLock:
    """Lock the campaign's results: after this, no award, organisation award or assignment changes, and
    nothing enters or leaves the province tier (review.services checks the lock).

    Refused when no entry holds a work award yet. Refused while the pre-lock checklist
    (review.experts.checklist: missing expert scores, unconfirmed 组织奖, ties at a cut-off) has open
    items, unless `override_reason` says why the committee locks anyway; the reason and the open items
    are kept on the lock and in the audit record. `checklist_digest`, when given, is the checklist the
    committee saw: if it changed meanwhile, the override is refused.

    Every author of an entry in the provincial review is told the result (award level, or no award),
    in the portal and by e-mail.
    """
    require_perm("experts.decide_awards", actor)
    campaign = lock_campaign(campaign.pk)
    _refuse_if_locked(campaign)
    if not FinalAward.objects.filter(entry__campaign=campaign, level__isnull=False).exists():
        raise Refused(_("尚未确定任何作品奖，不能确认结果。"), code="no_awards")
    reason = clean_reason(override_reason, required=False)
    check = checklist.build(campaign)
    open_items = check.open_items
    if open_items and not reason:
        raise Refused(_("锁定前检查还有%(count)d项未完成：%(items)s。请先处理；确需现在锁定的，请填写理由后强制锁定。") % {
            "count": len(open_items), "items": "；".join(item.label for item in open_items)}, code="checklist_open")
    if open_items and checklist_digest is not None and checklist_digest != check.digest:
        raise Refused(_("锁定前检查的结果已有变化，请查看最新的检查结果后再确认。"), code="checklist_changed")
    snapshot = check.snapshot()
    lock = ResultsLock.objects.create(campaign=campaign, confirmed_by=actor,
                                      override_reason=reason if open_items else "", open_items=snapshot)
    counts = {count.level.name: count.given for count in selectors.award_counts(campaign)}
    changes = {"awards": counts}
    if open_items:
        changes.update({"override_reason": reason, "open_items": snapshot})
    record_audit(actor, "experts.confirm_results", campaign, request=request,
                 summary=_("确认并锁定评审结果") if not open_items else _("在检查未完成的情况下确认并锁定评审结果"),
                 changes=changes)
    _notify_results(campaign)
    return lock


def _notify_results(campaign: Campaign) -> None:
    """Tell every author in the provincial review their result: the award level, or no award."""
    awarded, not_awarded = [], []
    entries = (selectors.entries_in_review(campaign).select_related("final_award__level")
               .order_by("pk"))
    for entry in entries:
        award = getattr(entry, "final_award", None)
        title = entry.title or entry.code
        if award is not None and award.level_id is not None:
            awarded.append((entry, _("恭喜！您的作品《%(title)s》在%(campaign)s省级评审中荣获%(level)s。") % {
                "title": title, "campaign": campaign.title, "level": award.level.name}))
        else:
            not_awarded.append((entry, _("%(campaign)s省级评审结果已确定，您的作品《%(title)s》未获奖。感谢您的参与！") % {
                "title": title, "campaign": campaign.title}))
    notify_authors(awarded, NotificationKind.AWARDED, email=True)
    notify_authors(not_awarded, NotificationKind.NOT_AWARDED, email=True)
