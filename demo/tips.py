"""Rewarded tips' demo: the tip accounts of 太原市 (handlers, the identity custodian, two reward reviewers)
and tips in every state, walked there through tips/services.py.

One anonymous tip has a known receipt (`DEMO_RECEIPT`, printed by seed_demo) so that a tester can read
its result and claim its approved reward as the reporter would. Receipts are stored only as a keyed
hash: the known one is written over the random one the service drew, again on every run (the hash
depends on SECRET_KEY). Other receipts are thrown away, as a reporter who lost theirs.

Idempotent: a tip of the list is added only when no tip has its description.
"""

import datetime
import importlib
from dataclasses import dataclass

import rules
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from demo import data as demo_data
from demo.hazards import UNIT as LEDGER_UNIT
from demo.pictures import demo_jpeg
from hazards.enums import HazardCategory
from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from portal.directory.models import OrgNode
from tips import crypto, services
from tips.enums import CLOCK_STATES, RESULT_STATES, Disclosure, RejectReason, RewardState, TipMatter, TipState
from tips.models import Reward, RewardRule, Tip, TipProgramme
from tips.scoping import tips_for_user

# Crockford base32, 16 characters: the receipt of the demo's anonymous tip with an approved reward.
DEMO_RECEIPT = "DEM02025TYRCSAFE"
OTHER_UNIT = demo_data.unit_name("太原市", "小店区", demo_data.UNIT_SUFFIXES[1])
COUNTY = ("太原市", "小店区")

# (account, name, role, node key of seed_demo's directory)
ACCOUNTS = [
    ("handler1", "卫受理员", RoleKind.TIP_HANDLER, "太原市"),
    # A county handler: the tips it handled are reviewed (复查) by handler1, the level above.
    ("handler2", "蒋受理员", RoleKind.TIP_HANDLER, COUNTY),
    ("custodian1", "沈保管员", RoleKind.CUSTODIAN, "太原市"),
    ("rewards1", "韩委员", RoleKind.REWARD_REVIEWER, "太原市"),
    ("rewards2", "杨委员", RoleKind.REWARD_REVIEWER, "太原市"),
]


def tip_accounts(nodes) -> list[tuple]:
    """seed_demo's account rows (username, full name, role, node) of the tip line."""
    return [(username, name, kind, nodes[key]) for username, name, kind, key in ACCOUNTS]


def ensure_tip_configuration() -> None:
    """The default programme and reward rules of the data migration, again after `seed_demo --reset`."""
    if not TipProgramme.objects.filter(is_default=True).exists() or not RewardRule.objects.exists():
        importlib.import_module("tips.migrations.0002_seed_rules").seed(apps, None)


@dataclass(frozen=True)
class DemoTip:
    description: str
    target: str  # a TipState, or "rewarded" (paid), "claimed", "approved", "proposed" (after 已告知结果)
    matter: str = TipMatter.MAJOR_HAZARD
    disclosure: str = Disclosure.ANONYMOUS_RECEIPT
    unit: str = LEDGER_UNIT  # a unit's name, or "" for a free-text place in the county
    place_text: str = ""
    handler: str = "handler1"
    result: str = TipState.CONFIRMED
    fine: str = "100000"
    known_receipt: bool = False
    overdue: bool = False


TIPS = [
    DemoTip("仓库货架超高堆放，货物随时可能坠落", TipState.SUBMITTED, matter=TipMatter.GENERAL_HAZARD,
            disclosure=Disclosure.REAL_NAME, unit=OTHER_UNIT),
    DemoTip("小区底商餐馆后厨液化气瓶与明火距离过近", TipState.SUBMITTED, unit="",
            place_text="小店区某路12号底商餐馆", disclosure=Disclosure.ANONYMOUS),
    DemoTip("听说有个厂子不安全", TipState.REJECTED, unit="", place_text="不详"),
    DemoTip("夜班叉车司机无证驾驶", TipState.ACCEPTED, matter=TipMatter.VIOLATION, unit=OTHER_UNIT,
            handler="handler2"),
    DemoTip("危险化学品仓库未设置可燃气体报警装置", TipState.VERIFYING, handler="handler2", overdue=True),
    DemoTip("厂区变电所门常开，无人值守", TipState.CONFIRMED, matter=TipMatter.GENERAL_HAZARD,
            disclosure=Disclosure.REAL_NAME),
    DemoTip("装卸平台无防护栏，多名工人曾跌落", TipState.PARTLY_CONFIRMED, unit=OTHER_UNIT,
            result=TipState.PARTLY_CONFIRMED),
    DemoTip("车间顶棚漏雨，电线泡水", TipState.UNFOUNDED, matter=TipMatter.GENERAL_HAZARD, result=TipState.UNFOUNDED),
    # The known receipt: a tester reads the result and claims the approved reward.
    DemoTip("冲压车间安全联锁装置被短接，工人徒手送料", "approved", known_receipt=True),
    DemoTip("锅炉安全阀长期未校验", TipState.OBJECTED, handler="handler2", result=TipState.UNFOUNDED),
    DemoTip("物流车辆超载运输危险货物", TipState.REVIEWED, matter=TipMatter.VIOLATION, unit=OTHER_UNIT,
            handler="handler2", result=TipState.UNFOUNDED),
    DemoTip("喷漆房通风设施停用，作业人员头晕", "rewarded"),
    DemoTip("配电室灭火器全部过期", "claimed", unit=OTHER_UNIT, matter=TipMatter.VIOLATION, fine="20000"),
    DemoTip("二号仓库消防喷淋系统关闭", "proposed", unit=OTHER_UNIT, fine="60000"),
]
REWARD_STEPS = ("proposed", "approved", "claimed", "rewarded")


def add_demo_tips(stdout=None) -> int:
    """The list's tips not there yet; returns how many were added. The known receipt is (re)written."""
    ensure_tip_configuration()
    people = {user.username: user for user in User.objects.filter(
        username__in=["handler1", "handler2", "custodian1", "rewards1", "rewards2"])}
    existing = set(Tip.objects.values_list("description", flat=True))
    added = 0
    for spec in TIPS:
        if spec.description not in existing:
            with transaction.atomic():  # a step refused leaves no half-walked record behind
                _add(spec, people)
            added += 1
    known = next(spec for spec in TIPS if spec.known_receipt)
    Tip.objects.filter(description=known.description).update(receipt_hash=crypto.receipt_hash(DEMO_RECEIPT))
    return added


def _add(spec: DemoTip, people) -> Tip:
    place = {"unit": OrgNode.objects.get(name=spec.unit)} if spec.unit else {
        "place_text": spec.place_text, "area": OrgNode.objects.get(name=demo_data.county_union_name(*COUNTY))}
    identity = {"name": "王举报", "phone": "13912345678"} if spec.disclosure == Disclosure.REAL_NAME else {}
    tip, _receipt = services.submit_tip(
        matter=spec.matter, description=spec.description, disclosure=spec.disclosure, photos=[demo_jpeg()],
        happened_on=timezone.localdate() - datetime.timedelta(days=3), **place, **identity)
    if spec.target == TipState.SUBMITTED:
        return tip
    handler = people[spec.handler]
    if spec.target == TipState.REJECTED:
        return services.reject_tip(tip, actor=handler, reason=RejectReason.NO_TARGET, note="未说明单位名称和地点。")
    tip = services.accept_tip(tip, actor=handler)
    if spec.target != TipState.ACCEPTED:
        tip = _verify(tip, spec, handler)
    if spec.overdue:
        # Accepted two months ago: the clock has run out.
        Tip.objects.filter(pk=tip.pk).update(verify_due=timezone.localdate() - datetime.timedelta(days=2))
    if spec.target in (*CLOCK_STATES, *RESULT_STATES):
        return tip
    tip = services.notify_result(tip, actor=handler)
    if spec.target in (TipState.OBJECTED, TipState.REVIEWED):
        tip = services.object_to_result(tip, text="核查时设备临时停用，平时一直如此，请复查。")
        if spec.target == TipState.REVIEWED:
            tip = services.review_tip(tip, actor=people["handler1"], result=TipState.UNFOUNDED,
                                      note="复查维持原结论。")
        return tip
    if spec.target in REWARD_STEPS:
        _reward(tip, spec, people, handler)
    return tip


def _verify(tip, spec, handler):
    tip = services.start_verification(tip, actor=handler)
    if spec.target == TipState.VERIFYING:
        return tip
    true = spec.result != TipState.UNFOUNDED
    fine = {"fine_amount": spec.fine, "fine_reference": "太应急罚〔2026〕8号"} if true else {}
    tip = services.conclude_tip(tip, actor=handler, result=spec.result,
                                conclusion="经现场核查，举报情况属实。" if true else "经现场核查，未发现举报所述情况。",
                                **fine)
    if true and tip.unit_id and spec.matter in services.HAZARD_MATTERS and spec.target != spec.result:
        tip = services.send_to_ledger(tip, actor=handler, category=HazardCategory.UNSAFE_CONDITION)
    return tip


def _reward(tip, spec, people, handler) -> None:
    reward = services.propose_reward(tip, actor=handler)
    step = REWARD_STEPS.index(spec.target)
    if step >= 1:
        services.approve_reward(reward, actor=people["rewards1"])
        reward = services.approve_reward(reward, actor=people["rewards2"])
    if step >= 2:
        services.claim_reward(tip, declared_not_excluded=True,
                              payment={"name": "王举报", "account": "6222020200001234567", "bank": "工商银行太原分行"})
        services.open_identity(tip, actor=people["custodian1"], reason="核对奖励申领人与举报人是否一致。")
    if step >= 3:
        services.record_payment(reward, actor=people["rewards1"], paid_on=timezone.localdate(), method="银行转账",
                                reference="TYZG-2026-001")


def waiting(role) -> str:
    """What waits for a tip account in the demo, for seed_demo's account listing."""
    user, kind = role.user, role.kind
    tips = tips_for_user(user)
    if kind == RoleKind.TIP_HANDLER:
        counts = [("待受理", tips.filter(state=TipState.SUBMITTED).count()),
                  ("核查中", tips.filter(state__in=CLOCK_STATES).count()),
                  ("待告知结果", tips.filter(state__in=RESULT_STATES).count()),
                  ("待复查", sum(1 for tip in tips.filter(state=TipState.OBJECTED).select_related("handler")
                              if rules.has_perm("tips.review_tip", user, tip)))]
    elif kind == RoleKind.CUSTODIAN:
        counts = [("奖励申领待核对身份", Reward.objects.filter(tip__in=tips, state=RewardState.CLAIMED).count())]
    else:
        counts = [("待审查奖励", Reward.objects.filter(tip__in=tips, state=RewardState.PROPOSED)
                   .exclude(approvals__reviewer=user).count())]
    return "，".join(f"{label} {count} 件" for label, count in counts)
