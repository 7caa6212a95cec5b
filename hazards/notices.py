"""Who must act on a hazard now, and the notices that tell them (review.notifications.notify_users,
kind HAZARD, the one 通知 list). The services call these inside their transaction; e-mails are queued on
commit by review. Messages never name a hazard's finder (the reporter may not want to be known)."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from hazards.enums import HazardState
from hazards.roles import AREA_UNION, TRIAGE
from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from review.enums import NotificationKind
from review.notifications import notify_users


def unit_roles(unit_ids) -> dict:
    """{unit id: {role kind: [user ids]}} of the triage and union inspectors of the units, in one query."""
    found: dict = defaultdict(lambda: defaultdict(list))
    for node_id, kind, user_id in (Role.objects.filter(node_id__in=set(unit_ids),
                                                        kind__in=(*TRIAGE, RoleKind.UNION_INSPECTOR))
                                   .order_by("user_id").values_list("node_id", "kind", "user_id")):
        found[node_id][kind].append(user_id)
    return found


def _triage(roles: dict) -> list[int]:
    return [user_id for kind in TRIAGE for user_id in roles.get(kind, ())]


def people_to_act(hazard, roles: dict) -> list[int]:
    """The users whose move it is (`roles`: unit_roles()[hazard.unit_id]): triage to accept, verify or
    close; the responsible person while the rectification runs; the union inspector to sign off or to
    look at a declined report."""
    state = hazard.state
    if state in (HazardState.ACCEPTED, HazardState.RECTIFYING, HazardState.RETURNED) and hazard.responsible_id:
        return [hazard.responsible_id]
    if state == HazardState.DECLINED or (state == HazardState.VERIFIED and hazard.programme.union_signoff_required):
        return list(roles.get(RoleKind.UNION_INSPECTOR, ()))
    return _triage(roles)


def _send(hazard, user_ids, message: str, *, actor=None, email: bool = False) -> int:
    ids = sorted({pk for pk in user_ids if pk and (actor is None or pk != actor.pk)})
    if ids:
        notify_users([(pk, message) for pk in ids], NotificationKind.HAZARD,
                     subject=_("隐患%(code)s") % {"code": hazard.code},
                     target_url=reverse("hazards:detail", args=[hazard.pk]), email=email)
    return len(ids)


def notify_assigned(hazard, *, actor) -> int:
    return _send(hazard, [hazard.responsible_id], _("您被指定为隐患%(code)s的整改责任人，整改期限%(deadline)s。") % {
        "code": hazard.code, "deadline": hazard.deadline}, actor=actor)


def notify_returned(hazard, *, actor) -> int:
    return _send(hazard, [hazard.responsible_id, hazard.rectified_by_id],
                 _("隐患%(code)s的整改被退回：%(reason)s") % {"code": hazard.code, "reason": hazard.return_reason},
                 actor=actor)


def notify_verified(hazard, *, actor) -> int:
    """验收通过: the union inspector signs off next (or triage closes, where no sign-off is asked)."""
    waiting = people_to_act(hazard, unit_roles([hazard.unit_id])[hazard.unit_id])
    return _send(hazard, waiting, _("隐患%(code)s已验收通过，请办理下一步。") % {"code": hazard.code}, actor=actor)


def notify_closed(hazard, *, actor) -> int:
    return _send(hazard, [hazard.finder_id, hazard.responsible_id],
                 _("隐患%(code)s已销号，复查日期%(date)s。") % {"code": hazard.code, "date": hazard.follow_up_on},
                 actor=actor)


def notify_stoppage_proposed(proposal, *, actor) -> int:
    hazard = proposal.hazard
    return _send(hazard, _triage(unit_roles([hazard.unit_id])[hazard.unit_id]),
                 _("工会对隐患%(code)s提出%(kind)s建议，请于%(due)s前书面答复。") % {
                     "code": hazard.code, "kind": proposal.get_kind_display(), "due": proposal.answer_due},
                 actor=actor, email=True)


def notify_extension_requested(extension, *, actor) -> int:
    hazard = extension.hazard
    return _send(hazard, [hazard.assigned_by_id], _("隐患%(code)s申请延期至%(date)s，请审批。") % {
        "code": hazard.code, "date": extension.new_deadline}, actor=actor)


def notify_reported_up(report, *, actor) -> int:
    """The union staff of the node it was reported to and, for 重大, the regulator's liaisons of the area."""
    hazard = report.hazard
    kinds_at = Role.objects.filter(node=report.to_node, kind__in=AREA_UNION)
    ids = list(kinds_at.values_list("user_id", flat=True))
    if report.to_regulator:
        ancestors = [int(part) for part in hazard.unit.path.strip("/").split("/") if part]
        ids += list(Role.objects.filter(kind=RoleKind.REGULATOR, node_id__in=ancestors)
                    .values_list("user_id", flat=True))
    return _send(hazard, ids, _("%(unit)s上报隐患%(code)s：%(reason)s") % {
        "unit": hazard.unit.name, "code": hazard.code, "reason": report.reason}, actor=actor, email=True)


def notify_people(hazard, user_ids, message: str, *, actor) -> int:
    return _send(hazard, user_ids, message, actor=actor)
