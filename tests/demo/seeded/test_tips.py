"""seed_demo's rewarded tips (demo/tips.py): accounts, tips in every state, the known receipt, waiting work."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from demo.tips import ACCOUNTS, DEMO_RECEIPT
from hazards.enums import HazardSource
from hazards.models import Hazard
from portal.accounts.models import Role
from tests.demo.accounts import DEMO_PASSWORD, logged_in
from tips import services
from tips.enums import RewardState, TipState
from tips.models import Reward, Tip, VaultOpening

pytestmark = pytest.mark.django_db


def tip(description: str) -> Tip:
    return Tip.objects.get(description__startswith=description)


def test_demo_tips_cover_every_state_and_reward_state(seed_output):
    assert set(Tip.objects.values_list("state", flat=True)) == set(TipState.values)
    assert set(Reward.objects.values_list("state", flat=True)) >= {
        RewardState.PROPOSED, RewardState.APPROVED, RewardState.CLAIMED, RewardState.PAID}
    assert tip("危险化学品").is_overdue()  # its verification clock has run out


def test_demo_rewarded_tip_is_paid_and_its_identity_opening_logged(seed_output):
    rewarded = Reward.objects.select_related("tip").get(state=RewardState.PAID)
    assert rewarded.amount == rewarded.proposed_amount and rewarded.approvals.count() == 2
    assert VaultOpening.objects.filter(tip=rewarded.tip, opened_by__username="custodian1").exists()


def test_demo_known_receipt_reads_the_result_and_an_approved_reward(seed_output):
    assert "DEM0-2025-TYRC-SAFE" in seed_output
    known = services.tip_by_receipt(DEMO_RECEIPT)
    assert known.state == TipState.NOTIFIED and known.reward.state == RewardState.APPROVED
    client = Client()
    response = client.post("/tips/lookup/", {"receipt": "dem0 2025 tyrc safe"}, REMOTE_ADDR="10.0.0.7", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/tips/case/"
    assert known.code in page and str(known.reward.amount) in page


def test_demo_tip_hazard_is_in_the_units_ledger_without_the_reporter(seed_output):
    known = tip("冲压车间安全联锁")
    assert known.hazard.source == HazardSource.TIP and known.hazard.deadline is not None
    page = logged_in("safety1").get(f"/hazards/{known.hazard.pk}/").content.decode()
    assert "举报人（已保密）" in page


def test_demo_tip_accounts_have_their_roles(seed_output):
    for username, _name, kind, _node in ACCOUNTS:
        role = Role.objects.select_related("user").get(user__username=username)
        assert role.kind == kind and role.user.check_password(DEMO_PASSWORD), username
        role.full_clean()


# account → (a tip waiting for them, a label of the form its page offers them)
WAITING = {
    "handler1": ("仓库货架超高堆放", "受理"),
    "handler2": ("夜班叉车司机", "开始核查"),
    "custodian1": ("配电室灭火器", "查阅举报人身份"),
    "rewards1": ("二号仓库消防喷淋", "审查奖励"),
    "rewards2": ("二号仓库消防喷淋", "审查奖励"),
}


@pytest.mark.parametrize("username", list(WAITING))
def test_demo_tip_account_logs_in_and_finds_its_waiting_work(seed_output, username):
    description, offered = WAITING[username]
    client = logged_in(username)
    cases = client.get("/tips/cases/")
    assert cases.status_code == 200 and description in cases.content.decode()
    page = client.get(f"/tips/cases/{tip(description).pk}/").content.decode()
    assert offered in page, username


def test_demo_city_handler_reviews_the_county_handlers_objected_tip(seed_output):
    objected = tip("锅炉安全阀")
    assert objected.handler.username == "handler2"
    page = logged_in("handler1").get(f"/tips/cases/{objected.pk}/").content.decode()
    assert f"/tips/cases/{objected.pk}/review/" in page


def test_seed_demo_lists_each_tip_account_with_its_waiting_work(seed_output):
    lines = {line.split()[0]: line for line in seed_output.splitlines() if line.startswith("  ")}
    assert "待受理 2 件" in lines["handler1"] and "待复查 1 件" in lines["handler1"]
    assert "奖励申领待核对身份 1 件" in lines["custodian1"]
    assert "待审查奖励 1 件" in lines["rewards1"] and "待审查奖励 1 件" in lines["rewards2"]


def test_seed_demo_twice_adds_no_tip_and_keeps_the_known_receipt(seed_output):
    counts = (Tip.objects.count(), Reward.objects.count(), Hazard.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert (Tip.objects.count(), Reward.objects.count(), Hazard.objects.count()) == counts
    assert "演示举报 0 件" in out.getvalue()
    assert services.tip_by_receipt(DEMO_RECEIPT).description.startswith("冲压车间安全联锁")
