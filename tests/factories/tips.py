"""Rewarded tips: the people of one area (handlers, custodian, reviewers, the reported unit's staff),
tips filed through the service and walked through the states."""

import importlib
import itertools

from django.apps import apps

from portal.accounts.enums import RoleKind
from tests.factories.accounts import make_user
from tests.factories.hazards import hazard_people
from tests.factories.submissions import small_jpeg, upload
from tips import services
from tips.enums import Disclosure, TipMatter, TipState

_photo_numbers = itertools.count(1)
REAL_NAME = {"name": "王举报", "phone": "13912345678"}


def ensure_tip_seed() -> None:
    """The data migration's default programme and national rules, again if a transactional test flushed them."""
    importlib.import_module("tips.migrations.0002_seed_rules").seed(apps, None)


def tip_people(org) -> dict:
    """The ledger's people at unit A1a (hazard_people) plus the tip roles: a handler of county A1, one of
    city A (the level above), one of city B (outside), the custodian and two reward reviewers of city A."""
    ensure_tip_seed()
    return {
        **hazard_people(org),
        "handler": make_user(RoleKind.TIP_HANDLER, org.county_a1, full_name="县受理员"),
        "handler_city": make_user(RoleKind.TIP_HANDLER, org.city_a, full_name="市受理员"),
        "handler_other": make_user(RoleKind.TIP_HANDLER, org.city_b, full_name="乙市受理员"),
        "custodian": make_user(RoleKind.CUSTODIAN, org.city_a, full_name="保管员"),
        "custodian_other": make_user(RoleKind.CUSTODIAN, org.city_b, full_name="乙市保管员"),
        "rewards1": make_user(RoleKind.REWARD_REVIEWER, org.city_a, full_name="委员一"),
        "rewards2": make_user(RoleKind.REWARD_REVIEWER, org.city_a, full_name="委员二"),
        "rewards3": make_user(RoleKind.REWARD_REVIEWER, org.city_a, full_name="委员三"),
    }


def tip_photo():
    return upload(small_jpeg(next(_photo_numbers) % 30))


def file_tip(org, *, matter=TipMatter.MAJOR_HAZARD, disclosure=Disclosure.ANONYMOUS_RECEIPT, photos: int = 1,
             **fields):
    """A tip about unit A1a filed through the service; returns (tip, receipt)."""
    data = {"description": "仓库堆放大量易燃物，消防通道堵塞", "unit": org.unit_a1a, **fields}
    if disclosure == Disclosure.REAL_NAME:
        data = {**REAL_NAME, **data}
    return services.submit_tip(matter=matter, disclosure=disclosure,
                               photos=[tip_photo() for _ in range(photos)], **data)


def walk_tip(people, tip, to_state: str, *, result=TipState.CONFIRMED, fine="100000"):
    """Move `tip` along the main line up to `to_state` (result states, 已告知结果, 复查中)."""
    handler = people["handler"]
    tip = services.accept_tip(tip, actor=handler)
    if to_state == TipState.ACCEPTED:
        return tip
    tip = services.start_verification(tip, actor=handler)
    if to_state == TipState.VERIFYING:
        return tip
    tip = services.conclude_tip(tip, actor=handler, result=result, conclusion="现场核实", fine_amount=fine,
                                fine_reference="应急罚〔2026〕1号")
    if to_state in (TipState.CONFIRMED, TipState.PARTLY_CONFIRMED, TipState.UNFOUNDED):
        return tip
    if result != TipState.UNFOUNDED and tip.unit_id and tip.matter in services.HAZARD_MATTERS:
        tip = services.send_to_ledger(tip, actor=handler)
    tip = services.notify_result(tip, actor=handler)
    if to_state == TipState.NOTIFIED:
        return tip
    return services.object_to_result(tip, text="核查不全面")
