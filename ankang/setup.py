"""Setting up a 安康杯 competition as data: its nomination quotas (名额) per level and award kind. Each change
is atomic and audited; only the committee (the province) configures a competition."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ankang.nomination_enums import AwardKind, NominationLevel
from ankang.nomination_models import NominationQuota
from portal.accounts.enums import RoleKind
from portal.audit.services import record_audit
from portal.refusals import Refused

CONFIGURING_ROLE = RoleKind.COMMITTEE


def require_configurer(actor) -> None:
    if not (actor.is_authenticated and actor.has_role(CONFIGURING_ROLE)):
        raise Refused.permission_denied()


@transaction.atomic
def set_quotas(competition, caps: dict[tuple[str, str], int | None], *, actor, request=None) -> list[NominationQuota]:
    """名额: `caps` maps (level, award kind) to the number each union at that level may pass upwards (the
    province: list); None removes the row (the step is then refused as 名额尚未设置). Lowering a cap never
    takes back what a union has already used: the next step is refused until it is below the cap again."""
    require_configurer(actor)
    for (level, kind), cap in caps.items():
        if level not in NominationLevel.values or kind not in AwardKind.values:
            raise Refused(_("名额的层级或表彰类别无效。"), code="bad_quota")
        if cap is not None and (not isinstance(cap, int) or cap < 0 or cap > 10_000):
            raise Refused(_("名额须为0到10000之间的整数。"), code="bad_quota")
    rows = []
    for (level, kind), cap in caps.items():
        if cap is None:
            NominationQuota.objects.filter(competition=competition, level=level, kind=kind).delete()
            continue
        row, _created = NominationQuota.objects.update_or_create(competition=competition, level=level, kind=kind,
                                                                 defaults={"cap": cap})
        rows.append(row)
    record_audit(actor, "ankang.set_quotas", competition, summary=_("设置推荐名额"),
                 changes={f"{level}:{kind}": cap for (level, kind), cap in caps.items()}, request=request)
    return rows
