"""安康杯 nominations: quotas as data, reviewed sheets (eligible or vetoed) and nominations made through the
services."""

from ankang import nominations, services
from ankang.nomination_enums import AwardKind, NominationLevel
from ankang.nomination_models import NominationQuota
from tests.factories.ankang import confirmed, full_scores


def set_quotas(competition, cap: int = 2, **caps) -> None:
    """Every level and award kind at `cap`; `caps` overrides one, e.g. county_unit=1."""
    for level in NominationLevel.values:
        for kind in AwardKind.values:
            NominationQuota.objects.update_or_create(
                competition=competition, level=level, kind=kind,
                defaults={"cap": caps.get(f"{level}_{kind}", cap)})


def reviewed_unit(competition, unit, unit_user, reviewer, *, vetoed: bool = False):
    """A confirmed unit whose sheet was self-scored, submitted and reviewed (vetoed when asked)."""
    enrolment = confirmed(competition, unit, unit_user, reviewer)
    sheet = services.start_sheet(competition, enrolment, actor=unit_user)
    services.score_self(sheet, full_scores(sheet), {}, actor=unit_user)
    services.submit_sheet(sheet, actor=unit_user)
    vetoes = {sheet.template.vetoes.get(number=1).pk: True} if vetoed else {}
    return services.review_sheet(sheet, full_scores(sheet), vetoes, actor=reviewer)


def person(name: str = "张安全", deeds: str = "带头排查隐患十余项。") -> nominations.NominationInput:
    return nominations.NominationInput(kind=AwardKind.PERSON, person_name=name, person_post="安全员", deeds=deeds)


def propose_person(competition, unit, actor, name: str = "张安全"):
    return nominations.propose_nomination(competition, unit, person(name), actor=actor)
