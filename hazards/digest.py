"""The ledger's daily e-mail digest: for each person, the hazards newly assigned to them, due within the
programme's due-soon days, overdue, returned, verified and closed. A handful of queries for everyone
(one per section, the union inspectors, the users); sent by hazards.tasks.task_send_hazard_digest."""

import datetime
from collections import defaultdict

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.enums import DEADLINE_STATES, HazardState
from hazards.models import Hazard, HazardProgramme
from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.mail import absolute_url, send_templated_mails

SECTIONS = {
    "assigned": _("新指派给您整改的隐患"),
    "due_soon": _("即将到期的隐患"),
    "overdue": _("已逾期的隐患"),
    "returned": _("被退回整改的隐患"),
    "verified": _("已验收的隐患"),
    "closed": _("已销号的隐患"),
}
WINDOW = datetime.timedelta(days=1)  # "new" means since the previous digest


def digest_sections(now: datetime.datetime | None = None) -> dict[int, dict[str, list[Hazard]]]:
    """{user id: {section: [hazards]}} for every user with something in the digest."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - WINDOW
    found: dict = defaultdict(lambda: defaultdict(list))
    base = Hazard.objects.select_related("unit", "programme").order_by("deadline", "id")
    running = base.filter(state__in=DEADLINE_STATES, responsible__isnull=False)

    for hazard in running.filter(accepted_at__gte=since):
        found[hazard.responsible_id]["assigned"].append(hazard)
    horizon = HazardProgramme.objects.aggregate(days=Max("due_soon_days"))["days"] or 0
    for hazard in running.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=horizon)):
        if hazard.is_due_soon(today):
            found[hazard.responsible_id]["due_soon"].append(hazard)
    for hazard in running.filter(deadline__lt=today):
        found[hazard.responsible_id]["overdue"].append(hazard)
    for hazard in running.filter(state=HazardState.RETURNED):
        found[hazard.responsible_id]["returned"].append(hazard)

    verified = list(base.filter(state=HazardState.VERIFIED, verified_at__gte=since))
    inspectors = defaultdict(list)
    for node_id, user_id in Role.objects.filter(kind=RoleKind.UNION_INSPECTOR,
                                                node_id__in={h.unit_id for h in verified}).values_list(
                                                    "node_id", "user_id"):
        inspectors[node_id].append(user_id)
    for hazard in verified:
        for user_id in {hazard.finder_id, *inspectors[hazard.unit_id]} - {None}:
            found[user_id]["verified"].append(hazard)
    for hazard in base.filter(state=HazardState.CLOSED, closed_at__gte=since):
        for user_id in {hazard.finder_id, hazard.responsible_id} - {None}:
            found[user_id]["closed"].append(hazard)
    return found


def send_hazard_digest(now: datetime.datetime | None = None) -> int:
    """E-mail each active user with an address their digest; return how many e-mails were sent."""
    sections = digest_sections(now)
    users = User.objects.filter(pk__in=list(sections), is_active=True).exclude(email="").order_by("pk")
    messages = []
    for user in users:
        mine = sections[user.pk]
        parts = [{"label": str(label), "hazards": [
            {"code": h.code, "unit": h.unit.name, "location": h.location, "deadline": h.deadline,
             "link": absolute_url(reverse("hazards:detail", args=[h.pk]))} for h in mine[key]]}
            for key, label in SECTIONS.items() if mine.get(key)]
        messages.append((user.email, {"name": user.get_full_name(), "sections": parts,
                                      "total": sum(len(part["hazards"]) for part in parts),
                                      "ledger": absolute_url(reverse("hazards:ledger"))}))
    return send_templated_mails("hazard_digest", messages)
