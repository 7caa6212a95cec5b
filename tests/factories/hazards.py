"""The hazard ledger: the people of one unit's ledger, hazards written straight or reported through the
services, and a walk through the states."""

import datetime
import importlib
import itertools

import factory
from django.utils import timezone

from hazards import services
from hazards.enums import HazardCategory, HazardLevel, HazardPhotoKind, HazardSource, HazardState
from hazards.models import Hazard, HazardProgramme, MajorHazardCriterion
from portal.accounts.enums import RoleKind
from tests.factories.accounts import make_user
from tests.factories.submissions import small_jpeg, upload

_photo_numbers = itertools.count(1)


def ensure_ledger_seed() -> None:
    """The data migration's default programme and criteria, again if a transactional test flushed them."""
    from django.apps import apps

    importlib.import_module("hazards.migrations.0002_seed_programme").seed(apps, None)


def hazard_people(org) -> dict:
    """One user per ledger role at unit A1a (city A, county A1), plus peers elsewhere (and the seed)."""
    ensure_ledger_seed()
    return {
        "worker": make_user(RoleKind.WORKER, org.unit_a1a, full_name="张职工"),
        "worker_peer": make_user(RoleKind.WORKER, org.unit_a1a, full_name="李职工"),
        "team_leader": make_user(RoleKind.TEAM_LEADER, org.unit_a1a, full_name="王班长"),
        "workshop": make_user(RoleKind.WORKSHOP_HEAD, org.unit_a1a, full_name="赵主任"),
        "safety": make_user(RoleKind.SAFETY_OFFICER, org.unit_a1a, full_name="钱安全员"),
        "safety2": make_user(RoleKind.SAFETY_OFFICER, org.unit_a1a, full_name="孙安全员"),
        "head": make_user(RoleKind.UNIT_HEAD, org.unit_a1a, full_name="周厂长"),
        "inspector": make_user(RoleKind.UNION_INSPECTOR, org.unit_a1a, full_name="吴检查员"),
        "unit": make_user(RoleKind.UNIT, org.unit_a1a, full_name="郑工会"),
        "county": make_user(RoleKind.COUNTY, org.county_a1, full_name="县工会"),
        "city": make_user(RoleKind.CITY, org.city_a, full_name="市工会"),
        "committee": make_user(RoleKind.COMMITTEE, org.province, full_name="组委会"),
        "regulator": make_user(RoleKind.REGULATOR, org.city_a, full_name="甲市应急局"),
        # Outside the scope of unit A1a's hazards.
        "safety_other": make_user(RoleKind.SAFETY_OFFICER, org.unit_a1b, full_name="外单位安全员"),
        "inspector_other": make_user(RoleKind.UNION_INSPECTOR, org.unit_a1b, full_name="外单位检查员"),
        "county_other": make_user(RoleKind.COUNTY, org.county_b1, full_name="乙县工会"),
        "regulator_other": make_user(RoleKind.REGULATOR, org.city_b, full_name="乙市应急局"),
        "worker_other": make_user(RoleKind.WORKER, org.unit_b1a, full_name="外单位职工"),
    }


def default_programme() -> HazardProgramme:
    ensure_ledger_seed()
    return HazardProgramme.objects.get(is_default=True)


def criterion() -> MajorHazardCriterion:
    ensure_ledger_seed()
    return MajorHazardCriterion.objects.filter(is_active=True).first()


class HazardFactory(factory.django.DjangoModelFactory):
    """A hazard row written straight (no photos, no timeline); for lists, scoping and rules."""

    class Meta:
        model = Hazard

    code = factory.Sequence(lambda n: f"HZ-2099-{n:06d}")
    programme = factory.LazyFunction(default_programme)
    source = HazardSource.WORKER_REPORT
    location = "一号车间配电室"
    category = HazardCategory.UNSAFE_CONDITION
    description = "配电箱门未上锁"
    state = HazardState.REGISTERED


def photo_upload(n: int | None = None):
    """A valid small JPEG upload, different bytes each call."""
    return upload(small_jpeg(next(_photo_numbers) % 30 if n is None else n))


def report(people, org, *, photos: int = 1, **fields) -> Hazard:
    """A hazard reported through the service by people["worker"] at unit A1a."""
    data = {"category": HazardCategory.UNSAFE_CONDITION, "description": "配电箱门未上锁",
            "location": "一号车间配电室", **fields}
    return services.report_hazard(actor=people["worker"], unit=org.unit_a1a,
                                  photos=[photo_upload() for _ in range(photos)], **data)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def accept(hazard, people, *, level=HazardLevel.GENERAL, deadline_days=7, **extra) -> Hazard:
    if level == HazardLevel.MAJOR:
        extra.setdefault("criterion", criterion())
    return services.accept_hazard(hazard, actor=people["safety"], level=level, responsible=people["workshop"],
                                  deadline=in_days(deadline_days), **extra)


PLAN = {"goal": "消除隐患", "methods": "更换设备", "funds": "5万元", "organisation": "设备科",
        "timeline": "30日内", "safety_measures": "停机挂牌，制定应急预案"}


def rectify(hazard, people) -> Hazard:
    """From 已受理 to 待验收: (plan for 重大,) start, one after photo, submit."""
    if hazard.level == HazardLevel.MAJOR:
        services.submit_plan(hazard, actor=people["workshop"], **PLAN)
        services.approve_plan(hazard, actor=people["head"])
    services.start_rectification(hazard, actor=people["workshop"])
    services.add_hazard_photo(hazard, HazardPhotoKind.AFTER, photo_upload(), actor=people["workshop"])
    return services.submit_rectification(hazard, actor=people["workshop"], note="已加锁", cost="120.50")


def walk(people, org, to_state: str, *, level=HazardLevel.GENERAL) -> Hazard:
    """A reported hazard moved through the services up to `to_state` (the main line of states)."""
    hazard = report(people, org)
    order = [HazardState.REGISTERED, HazardState.ACCEPTED, HazardState.SUBMITTED, HazardState.VERIFIED,
             HazardState.SIGNED, HazardState.CLOSED]
    if to_state in (HazardState.DECLINED,):
        return services.decline_hazard(hazard, actor=people["safety"], reason="不属于隐患")
    if to_state in (HazardState.RECTIFYING,):
        hazard = accept(hazard, people, level=level)
        if level == HazardLevel.MAJOR:
            services.submit_plan(hazard, actor=people["workshop"], **PLAN)
            services.approve_plan(hazard, actor=people["head"])
        return services.start_rectification(hazard, actor=people["workshop"])
    target = order.index(to_state)
    if target >= 1:
        hazard = accept(hazard, people, level=level)
    if target >= 2:
        hazard = rectify(hazard, people)
    if target >= 3:
        hazard = services.verify_rectification(hazard, actor=people["safety2"], note="合格")
    if target >= 4:
        hazard = services.sign_off_hazard(hazard, actor=people["inspector"], comment="同意")
    if target >= 5:
        if level == HazardLevel.MAJOR:
            services.record_regulator_cancellation(hazard, actor=people["regulator"])
        hazard = services.close_hazard(hazard, actor=people["safety"])
    return hazard
