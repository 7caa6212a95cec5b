"""查保促 returns: the seed's forms, a programme year with filers in city A, and its people."""

import datetime
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from portal.accounts.enums import RoleKind
from returns import services
from returns.enums import FilerLevel
from returns.models import Filer, ReturnProgramme
from returns.seed_data import seed
from tests.factories.accounts import make_user

YEAR = 2026


def ensure_returns_seed() -> None:
    """The data migration's templates and default programme, again if a transactional test flushed them."""
    seed(apps)


def returns_people(org) -> dict:
    """The union staff who file at each level of city A, and peers outside it."""
    return {
        "unit": make_user(RoleKind.UNIT, org.unit_a1a, full_name="安泰工会"),
        "unit_b": make_user(RoleKind.UNIT, org.unit_a1b, full_name="顺通工会"),
        "unit_a0": make_user(RoleKind.UNIT, org.unit_a0, full_name="公交工会"),
        "county": make_user(RoleKind.COUNTY, org.county_a1, full_name="一区总工会"),
        "city": make_user(RoleKind.CITY, org.city_a, full_name="甲市总工会"),
        "committee": make_user(RoleKind.COMMITTEE, org.province, full_name="组委会"),
        "worker": make_user(RoleKind.WORKER, org.unit_a1a, full_name="职工"),
        "unit_other": make_user(RoleKind.UNIT, org.unit_b1a, full_name="乙市单位工会"),
        "county_other": make_user(RoleKind.COUNTY, org.county_b1, full_name="乙县总工会"),
        "city_other": make_user(RoleKind.CITY, org.city_b, full_name="乙市总工会"),
    }


def programme_year(org, actor=None, year: int = YEAR) -> ReturnProgramme:
    """The year's programme with city A's filers: units A1a (化工) and A1b under county A1, unit A0 directly
    under the city, county A1 and city A."""
    ensure_returns_seed()
    programme = services.open_year(year, actor=actor)
    for node, level, chemical in ((org.city_a, FilerLevel.CITY, False), (org.county_a1, FilerLevel.COUNTY, False),
                                  (org.unit_a1a, FilerLevel.ENTERPRISE, True),
                                  (org.unit_a1b, FilerLevel.ENTERPRISE, False),
                                  (org.unit_a0, FilerLevel.ENTERPRISE, False)):
        Filer.objects.get_or_create(programme=programme, node=node, defaults={"level": level, "is_chemical": chemical})
    return programme


def filer(programme, node) -> Filer:
    return programme.filers.get(node=node)


def period(programme, number: int = 1):
    return programme.periods.get(number=number)


ENTERPRISE_TYPED = {"trainings": "3", "trainees": "40"}
COUNTY_TYPED = {"union_trainings": "2", "union_trainees": "60", "county_fund": "1.5", "county_rewarded": "4",
                "county_rewarded_chem": "1", "county_reward_paid": "0.2"}
CITY_TYPED = {"union_trainings": "1", "union_trainees": "100", "city_fund": "10"}


def fill(report, actor, values: dict[str, str]):
    return services.save_cells(report, {code: services.CellInput(value) for code, value in values.items()},
                               actor=actor)


def score_all(report, actor, score: str | None = None):
    """Every criterion at full points (or `score`)."""
    scores = {s.criterion_id: (score if score is not None else str(s.criterion.points), "")
              for s in report.scores.select_related("criterion")}
    return services.score_self(report, scores, actor=actor)


def filed_enterprise(programme, node, actor, reviewer=None, *, number: int = 1):
    """An enterprise's return filled, self-scored, filed, and accepted when `reviewer` is given."""
    report = services.start_return(period(programme, number), filer(programme, node), actor=actor)
    fill(report, actor, ENTERPRISE_TYPED)
    score_all(report, actor)
    report = services.file_return(report, actor=actor)
    if reviewer is not None:
        report = services.accept_return(report, actor=reviewer)
    return report


def in_period(month: int = 3, day: int = 10, year: int = YEAR) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def money(text: str) -> Decimal:
    return Decimal(text)
