"""State changes of the 安康杯 commendations (seed 003: 优胜单位, 优胜班组, 优秀组织单位, 先进个人 "handed down level
by level under quotas"): propose, forward (county → city → province), list, return, reject, resubmit, grade,
fix and publish the list. Each is atomic, audited (portal.audit) and written to the nomination's timeline.

Why a level table here and not submissions/tiers.py: that table describes a 随手拍 Entry (its columns
unit_id / first_review_union_id / selection_union_id, its EntryState values, review.* permissions and the
campaign's windows); a nomination has none of them. The levels below are the same chain as data (role kind,
the nomination column naming the acting union, the next level), and the cap is the review's idea reused:
one conditional UPDATE (`used + 1 WHERE used < cap`) on a counter row, backed by a CHECK constraint."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ankang.enums import EnrolmentState
from ankang.models import Enrolment, ScoreSheet
from ankang.nomination_enums import (
    AwardKind,
    NominationAction,
    NominationLevel,
    NominationState,
)
from ankang.nomination_models import (
    AwardGrade,
    Commendation,
    Nomination,
    NominationQuota,
    NominationStep,
    NominationTally,
)
from ankang.roles import unit_union_of
from portal.accounts.enums import RoleKind
from portal.audit.services import record_audit
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.refusals import Refused
from review.enums import NotificationKind
from review.notifications import notify_users


@dataclass(frozen=True)
class Level:
    """One level of the chain: the role deciding there, the nomination column naming its union (None at the
    province: the committee), the node kinds that union may be, and the level a forward reaches."""

    level: str
    role_kind: str
    node_field: str | None
    node_kinds: tuple[str, ...]
    next_level: str | None


LEVELS: dict[str, Level] = {spec.level: spec for spec in (
    Level(NominationLevel.COUNTY, RoleKind.COUNTY, "county_union", (NodeKind.COUNTY, NodeKind.GROUP),
          NominationLevel.CITY),
    Level(NominationLevel.CITY, RoleKind.CITY, "city_union", (NodeKind.CITY, NodeKind.INDUSTRY),
          NominationLevel.PROVINCE),
    Level(NominationLevel.PROVINCE, RoleKind.COMMITTEE, None, (), None),
)}
LEVEL_ORDER = list(LEVELS)
OPEN_STATES = (NominationState.PENDING, NominationState.LISTED)


# --- the chain ---------------------------------------------------------------------------------------------

def _ancestors(unit: OrgNode) -> list[OrgNode]:
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    return sorted(OrgNode.objects.filter(pk__in=ids), key=lambda node: node.depth, reverse=True)


def unions_of(unit: OrgNode) -> dict[str, OrgNode | None]:
    """The nearest union of each level above `unit` (None where the unit skips a level)."""
    above = _ancestors(unit)
    return {spec.node_field: next((node for node in above if node.kind in spec.node_kinds), None)
            for spec in LEVELS.values() if spec.node_field}


def union_at(nomination: Nomination, level: str, competition=None) -> OrgNode | None:
    """The union deciding `nomination` at `level` (the competition's organising union at the province)."""
    spec = LEVELS[level]
    if spec.node_field is None:
        return (competition or nomination.competition).place
    return getattr(nomination, spec.node_field)


def first_level(nomination: Nomination) -> str:
    return next(spec.level for spec in LEVELS.values()
                if spec.node_field is None or getattr(nomination, spec.node_field) is not None)


def next_level(nomination: Nomination, level: str) -> str | None:
    """The level a forward from `level` reaches, skipping a level the unit has no union at."""
    following = LEVELS[level].next_level
    while following is not None and LEVELS[following].node_field is not None \
            and getattr(nomination, LEVELS[following].node_field) is None:
        following = LEVELS[following].next_level
    return following


def decides_at(user, nomination: Nomination, level: str | None = None) -> bool:
    """Whether `user` decides on `nomination` at `level` (default: where it waits)."""
    level = level or nomination.level
    if not user.is_authenticated or level not in LEVELS:
        return False
    spec = LEVELS[level]
    if spec.node_field is None:
        return user.has_role(spec.role_kind)
    node_id = getattr(nomination, f"{spec.node_field}_id")
    return node_id is not None and any(role.kind == spec.role_kind and role.node_id == node_id
                                       for role in user.role_list)


def proposes_for(user, unit: OrgNode) -> bool:
    """The unit union itself, or the county union above it (seed 003: proposed by the unit or the county)."""
    if unit_union_of(user, unit):
        return True
    county = unions_of(unit)["county_union"]
    return county is not None and any(role.kind == RoleKind.COUNTY and role.node_id == county.pk
                                      for role in user.role_list)


# --- quota ---------------------------------------------------------------------------------------------------

def quota_cap(competition, level: str, kind: str) -> int:
    row = NominationQuota.objects.filter(competition=competition, level=level, kind=kind).first()
    if row is None:
        raise Refused(_("%(level)s“%(kind)s”名额尚未设置，请联系竞赛组织单位。") % {
            "level": NominationLevel(level).label, "kind": AwardKind(kind).label}, code="no_quota")
    return row.cap


def _take_quota(nomination: Nomination, level: str) -> None:
    """Count one more of the union's quota at `level`, or refuse when it is used up (safe under concurrent
    clicks: the conditional UPDATE waits for a concurrent one to commit and re-checks `used < cap`)."""
    competition = nomination.competition
    cap = quota_cap(competition, level, nomination.kind)
    union = union_at(nomination, level)
    tally, _created = NominationTally.objects.get_or_create(
        competition=competition, union=union, level=level, kind=nomination.kind, defaults={"cap": cap})
    if tally.cap != cap:
        # The quota was changed as data: follow it, never below what is already used.
        NominationTally.objects.filter(pk=tally.pk, used__lte=cap).update(cap=cap)
    taken = (NominationTally.objects.filter(pk=tally.pk, used__lt=F("cap")).filter(used__lt=cap)
             .update(used=F("used") + 1))
    if not taken:
        tally.refresh_from_db()
        raise Refused(_("%(union)s“%(kind)s”名额已用完：已用 %(used)d/%(cap)d，不能再%(verb)s。") % {
            "union": union, "kind": nomination.get_kind_display(), "used": tally.used, "cap": min(tally.cap, cap),
            "verb": _("列入名单") if level == NominationLevel.PROVINCE else _("上报")}, code="quota_full")


def _release_quotas(nomination: Nomination, levels) -> None:
    for level in levels:
        NominationTally.objects.filter(competition=nomination.competition_id, union=union_at(nomination, level),
                                       level=level, kind=nomination.kind, used__gt=0).update(used=F("used") - 1)


def _spent_levels(nomination: Nomination) -> list[str]:
    """The levels whose quota this nomination holds: every level it passed, and the province once listed."""
    levels = [level for level in LEVEL_ORDER[:LEVEL_ORDER.index(nomination.level)]
              if LEVELS[level].node_field is None or getattr(nomination, LEVELS[level].node_field) is not None]
    if nomination.state == NominationState.LISTED:
        levels.append(nomination.level)
    return levels


def quota_rows(competition, union: OrgNode, level: str) -> list[dict]:
    """名额 and use of `union` at `level` for each award kind (shown above the queue)."""
    caps = dict(NominationQuota.objects.filter(competition=competition, level=level).values_list("kind", "cap"))
    used = dict(NominationTally.objects.filter(competition=competition, union=union, level=level)
                .values_list("kind", "used"))
    return [{"kind": label, "cap": caps.get(value), "used": used.get(value, 0)}
            for value, label in AwardKind.choices]


# --- checks -------------------------------------------------------------------------------------------------

def check_unit_eligible(competition, unit: OrgNode) -> None:
    """A 优胜单位 needs a reviewed score sheet that is not vetoed and meets the base conditions (the reasons
    come from ankang.eligibility through the sheet)."""
    sheet = ScoreSheet.objects.filter(competition=competition, unit=unit).first()
    if sheet is None or sheet.eligible is None or sheet.review_total is None:
        raise Refused(_("%(u)s的考核评分表尚未评审，不能推荐为优胜单位。") % {"u": unit.name}, code="not_reviewed")
    if sheet.vetoed or not sheet.eligible:
        raise Refused(_("%(u)s不符合优胜单位条件，不能推荐。") % {"u": unit.name}, code="not_eligible",
                      details=sheet.reasons)


def _check_team_enrolled(competition, unit: OrgNode, team: OrgNode | None) -> None:
    """A 优胜班组 is one of the unit's 班组 whose own enrolment the county confirmed."""
    if team is not None and not Enrolment.objects.filter(competition=competition, unit=unit, team=team,
                                                         state=EnrolmentState.CONFIRMED).exists():
        raise Refused(_("%(t)s未报名参赛或报名尚未确认，不能推荐为优胜班组。") % {"t": team}, code="team_not_enrolled")


def _locked(nomination: Nomination) -> Nomination:
    return (Nomination.objects.select_for_update(of=("self",))
            .select_related("competition__place", "unit", "county_union", "city_union").get(pk=nomination.pk))


def _check_not_fixed(competition) -> None:
    if Commendation.objects.filter(competition=competition, fixed_at__isnull=False).exists():
        raise Refused(_("表彰名单已确定，不能再变更。"), code="fixed")


def _check_pending_here(nomination: Nomination, actor) -> None:
    if not decides_at(actor, nomination):
        raise Refused.permission_denied()
    if nomination.state != NominationState.PENDING:
        raise Refused(_("该推荐当前为“%(s)s”，不能进行此操作。") % {"s": nomination.get_state_display()},
                      code="wrong_state")


def _step(nomination: Nomination, action: str, *, actor, level: str = "", node=None, comment: str = "",
          request=None) -> NominationStep:
    step = NominationStep.objects.create(nomination=nomination, action=action, level=level, actor=actor, node=node,
                                         comment=comment[:300])
    record_audit(actor, f"ankang.nomination.{action}", nomination,
                 summary=f"{NominationAction(action).label} {nomination.label}",
                 changes={"level": nomination.level, "state": nomination.state, "comment": comment}, request=request)
    return step


def _notify_proposer(nomination: Nomination, message: str) -> None:
    if nomination.proposed_by_id:
        notify_users([(nomination.proposed_by_id, message)], NotificationKind.ANKANG,
                     subject=nomination.competition.name,
                     target_url=reverse("ankang:nomination", args=[nomination.pk]))


# --- services ------------------------------------------------------------------------------------------------

@dataclass
class NominationInput:
    kind: str
    team: OrgNode | None = None  # a 班组 node (优胜班组)
    person_name: str = ""
    person_post: str = ""
    deeds: str = ""


def _clean_input(data: NominationInput) -> NominationInput:
    data = NominationInput(data.kind, data.team, data.person_name.strip()[:40], data.person_post.strip()[:60],
                           data.deeds.strip())
    if data.kind not in AwardKind.values:
        raise Refused(_("请选择表彰类别。"), code="bad_kind")
    if data.kind == AwardKind.TEAM and not data.team:
        raise Refused(_("推荐优胜班组请选择已确认参赛的班组。"), code="team_missing")
    if data.kind == AwardKind.PERSON and not (data.person_name and data.deeds):
        raise Refused(_("推荐先进个人请填写姓名和主要事迹。"), code="person_missing")
    if data.kind != AwardKind.TEAM:
        data.team = None
    if data.kind != AwardKind.PERSON:
        data.person_name = data.person_post = ""
    return data


@transaction.atomic
def propose_nomination(competition, unit: OrgNode, data: NominationInput, *, actor, request=None) -> Nomination:
    """推荐: the unit union (or the county union above it) proposes a unit, 班组 or person of an enrolled unit;
    the nomination waits at the unit's first level (the county, or the city for a unit directly under it)."""
    if not proposes_for(actor, unit):
        raise Refused.permission_denied()
    data = _clean_input(data)
    _check_not_fixed(competition)
    if not Enrolment.objects.filter(competition=competition, unit=unit, state=EnrolmentState.CONFIRMED).exists():
        raise Refused(_("%(u)s未报名参赛或报名尚未确认，不能推荐。") % {"u": unit.name}, code="not_enrolled")
    if data.kind == AwardKind.UNIT:
        check_unit_eligible(competition, unit)
    _check_team_enrolled(competition, unit, data.team)
    duplicate = Nomination.objects.filter(competition=competition, unit=unit, kind=data.kind, team=data.team,
                                          person_name=data.person_name, state__in=OPEN_STATES)
    if duplicate.exists():
        raise Refused(_("已经推荐过，无需重复推荐。"), code="duplicate")
    nomination = Nomination(competition=competition, unit=unit, proposed_by=actor, kind=data.kind, team=data.team,
                            person_name=data.person_name, person_post=data.person_post, deeds=data.deeds,
                            **unions_of(unit))
    nomination.level = first_level(nomination)
    nomination.save()
    _step(nomination, NominationAction.PROPOSE, actor=actor, level=nomination.level, node=unit, request=request)
    return nomination


@transaction.atomic
def forward_nomination(nomination: Nomination, *, actor, comment: str = "", request=None) -> Nomination:
    """审核通过并上报: the county passes a nomination to the city, the city to the province, each within its
    quota for the award kind; a 优胜单位 is re-checked against its score sheet."""
    nomination = _locked(nomination)
    _check_pending_here(nomination, actor)
    following = next_level(nomination, nomination.level)
    if following is None:
        raise Refused(_("省级请直接列入表彰名单。"), code="top")
    _check_not_fixed(nomination.competition)
    if nomination.kind == AwardKind.UNIT:
        check_unit_eligible(nomination.competition, nomination.unit)
    level = nomination.level
    _take_quota(nomination, level)
    nomination.level = following
    nomination.save(update_fields=["level", "updated_at"])
    _step(nomination, NominationAction.FORWARD, actor=actor, level=level, node=union_at(nomination, level),
          comment=comment.strip(), request=request)
    _notify_proposer(nomination, _("“%(l)s”已通过%(n)s审核，报%(next)s。") % {
        "l": nomination.label, "n": union_at(nomination, level), "next": NominationLevel(following).label})
    return nomination


@transaction.atomic
def list_nomination(nomination: Nomination, *, actor, grade: str = "", comment: str = "", request=None) -> Nomination:
    """列入表彰名单: the province puts a nomination on the list, within its quota for the award kind, with one
    of the competition's 等次 (by its code) or none."""
    nomination = _locked(nomination)
    if nomination.level != NominationLevel.PROVINCE:
        if decides_at(actor, nomination, NominationLevel.PROVINCE):
            raise Refused(_("该推荐尚未报到省级。"), code="wrong_level")
        raise Refused.permission_denied()
    _check_pending_here(nomination, actor)
    _check_not_fixed(nomination.competition)
    grade_row = None
    if grade:
        grade_row = AwardGrade.objects.filter(competition=nomination.competition_id, code=grade).first()
        if grade_row is None:
            raise Refused(_("请选择有效的等次。"), code="bad_grade")
    if nomination.kind == AwardKind.UNIT:
        check_unit_eligible(nomination.competition, nomination.unit)
    _take_quota(nomination, NominationLevel.PROVINCE)
    nomination.state, nomination.grade = NominationState.LISTED, grade_row
    nomination.save(update_fields=["state", "grade", "updated_at"])
    _step(nomination, NominationAction.LIST, actor=actor, level=NominationLevel.PROVINCE,
          node=nomination.competition.place, comment=comment.strip(), request=request)
    return nomination


def _close(nomination: Nomination, *, actor, reason: str, action: str, state: str, request=None) -> Nomination:
    nomination = _locked(nomination)
    _check_pending_here(nomination, actor)
    _check_not_fixed(nomination.competition)
    reason = reason.strip()
    if not reason:
        raise Refused(_("请填写理由。"), code="reason_missing")
    level = nomination.level
    _release_quotas(nomination, _spent_levels(nomination))
    nomination.state = state
    nomination.save(update_fields=["state", "updated_at"])
    _step(nomination, action, actor=actor, level=level, node=union_at(nomination, level), comment=reason,
          request=request)
    _notify_proposer(nomination, _("“%(l)s”%(a)s：%(r)s") % {
        "l": nomination.label, "a": NominationAction(action).label, "r": reason})
    return nomination


@transaction.atomic
def return_nomination(nomination: Nomination, *, actor, reason: str, request=None) -> Nomination:
    """退回 to the proposer for changes (the quotas it held below are given back)."""
    return _close(nomination, actor=actor, reason=reason, action=NominationAction.RETURN,
                  state=NominationState.RETURNED, request=request)


@transaction.atomic
def reject_nomination(nomination: Nomination, *, actor, reason: str, request=None) -> Nomination:
    """不予通过 (final; the quotas it held below are given back)."""
    return _close(nomination, actor=actor, reason=reason, action=NominationAction.REJECT,
                  state=NominationState.REJECTED, request=request)


@transaction.atomic
def resubmit_nomination(nomination: Nomination, data: NominationInput, *, actor, request=None) -> Nomination:
    """重新推荐 a returned nomination with changed details; it starts again at its first level."""
    nomination = _locked(nomination)
    if not proposes_for(actor, nomination.unit):
        raise Refused.permission_denied()
    if nomination.state != NominationState.RETURNED:
        raise Refused(_("只有退回的推荐可以重新推荐。"), code="wrong_state")
    _check_not_fixed(nomination.competition)
    data = _clean_input(NominationInput(nomination.kind, data.team, data.person_name, data.person_post, data.deeds))
    if nomination.kind == AwardKind.UNIT:
        check_unit_eligible(nomination.competition, nomination.unit)
    _check_team_enrolled(nomination.competition, nomination.unit, data.team)
    nomination.team, nomination.person_name, nomination.person_post, nomination.deeds = (
        data.team, data.person_name, data.person_post, data.deeds)
    nomination.state, nomination.level = NominationState.PENDING, first_level(nomination)
    nomination.save()
    _step(nomination, NominationAction.RESUBMIT, actor=actor, level=nomination.level, node=nomination.unit,
          request=request)
    return nomination


@transaction.atomic
def fix_commendation(competition, *, actor, title: str, note: str = "", request=None) -> Commendation:
    """确定表彰名单: the province closes the list (nothing more is listed, returned or forwarded)."""
    if not actor.has_role(LEVELS[NominationLevel.PROVINCE].role_kind):
        raise Refused.permission_denied()
    title = title.strip()
    if not title:
        raise Refused(_("请填写表彰标题。"), code="title_missing")
    if not Nomination.objects.filter(competition=competition, state=NominationState.LISTED).exists():
        raise Refused(_("表彰名单为空，不能确定。"), code="empty")
    try:
        with transaction.atomic():
            commendation, _created = Commendation.objects.select_for_update().get_or_create(
                competition=competition, defaults={"title": title[:120]})
    except IntegrityError:
        commendation = Commendation.objects.select_for_update().get(competition=competition)
    if commendation.fixed_at is not None:
        raise Refused(_("表彰名单已确定。"), code="fixed")
    commendation.title, commendation.note = title[:120], note.strip()
    commendation.fixed_by, commendation.fixed_at = actor, timezone.now()
    commendation.save()
    record_audit(actor, "ankang.nomination.fix", commendation, summary=commendation.title, request=request)
    return commendation


@transaction.atomic
def publish_commendation(competition, *, actor, request=None) -> Commendation:
    """发布表彰: the fixed list goes on the public page (names of units, 班组 and persons only)."""
    if not actor.has_role(LEVELS[NominationLevel.PROVINCE].role_kind):
        raise Refused.permission_denied()
    commendation = Commendation.objects.select_for_update().filter(competition=competition).first()
    if commendation is None or commendation.fixed_at is None:
        raise Refused(_("请先确定表彰名单，再发布。"), code="not_fixed")
    if commendation.published_at is not None:
        raise Refused(_("表彰已发布。"), code="published")
    commendation.published_at = timezone.now()
    commendation.save(update_fields=["published_at"])
    record_audit(actor, "ankang.nomination.publish", commendation, summary=commendation.title, request=request)
    return commendation
