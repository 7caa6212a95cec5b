"""seed_demo's hazard ledger (demo/hazards.py): accounts, hazards in every state, each account's waiting work."""

import io

import pytest
from django.core.management import call_command

from demo.hazards import ACCOUNTS, UNIT
from hazards.enums import HazardLevel, HazardSource, HazardState
from hazards.models import (
    Hazard,
    HazardEvent,
    HazardPhoto,
    StoppageProposal,
)
from portal.accounts.models import Role
from tests.demo.accounts import DEMO_PASSWORD, logged_in

pytestmark = pytest.mark.django_db


def hazard(description: str) -> Hazard:
    return Hazard.objects.get(description__startswith=description)


def test_demo_hazards_cover_every_state_at_the_demo_unit(seed_output):
    assert set(Hazard.objects.values_list("state", flat=True)) == set(HazardState.values)
    # The ledger's own demo lies at the demo unit (a verified demo tip may enter another unit's ledger).
    reported = Hazard.objects.exclude(source=HazardSource.TIP)
    assert set(reported.values_list("unit__name", flat=True)) == {UNIT}
    assert Hazard.objects.overdue().count() >= 2
    # Every reported hazard has its timeline and a photo; every rectified one an after photo.
    for item in reported:
        assert item.events.exists() and item.photos.filter(kind="before").exists(), item.description
        if item.rectified_at:
            assert item.photos.filter(kind="after").exists(), item.description


def test_demo_major_hazard_has_an_approved_plan_and_the_regulators_record(seed_output):
    closed = Hazard.objects.get(level=HazardLevel.MAJOR, state=HazardState.CLOSED)
    assert closed.plan.is_approved and closed.criterion is not None
    assert closed.regulator_listed and closed.regulator_cancelled_at is not None
    assert closed.regulator_cancelled_by.username == "regulator1"


def test_demo_stoppage_proposal_is_unanswered_and_escalated(seed_output):
    proposal = StoppageProposal.objects.get()
    assert proposal.answered_at is None and proposal.proposed_by.username == "inspector1"
    assert StoppageProposal.objects.escalated().filter(pk=proposal.pk).exists()


def test_demo_ledger_accounts_have_their_roles_at_the_demo_unit(seed_output):
    for username, _name, kind, place in ACCOUNTS:
        role = Role.objects.select_related("node", "user").get(user__username=username)
        assert role.kind == kind and role.user.check_password(DEMO_PASSWORD), username
        assert role.node.name == (UNIT if place == "unit" else "太原市总工会"), username
        role.full_clean()


# account → (a hazard waiting for them, the action its page offers them)
WAITING = {
    "leader1": ("砂轮机防护罩", "start"),
    "workshop1": ("厂区内叉车", "after_photo"),
    "safety1": ("配电箱门未上锁", "accept"),
    "head1": ("外包维修队伍", "approve_plan"),
    "inspector1": ("空压机房噪声", "sign_off"),
    "regulator1": ("承包单位在厂区施工", "regulator_cancel"),
}


@pytest.mark.parametrize("username", list(WAITING))
def test_demo_ledger_account_logs_in_and_finds_its_waiting_work(seed_output, username):
    description, action = WAITING[username]
    client = logged_in(username)
    ledger = client.get("/hazards/")
    assert ledger.status_code == 200
    assert description in ledger.content.decode()
    page = client.get(f"/hazards/{hazard(description).pk}/").content.decode()
    assert f'data-action="{action}"' in page, username


def test_demo_regulator_sees_only_major_hazards(seed_output):
    page = logged_in("regulator1").get("/hazards/").content.decode()
    assert "承包单位在厂区施工" in page and "配电箱门未上锁" not in page


def test_demo_unit_head_answers_the_stoppage_proposal(seed_output):
    page = logged_in("head1").get(f"/hazards/{hazard('冲压机光电保护').pk}/").content.decode()
    assert 'data-action="answer_stoppage"' in page


def test_seed_demo_lists_each_ledger_account_with_its_waiting_work(seed_output):
    lines = {line.split()[0]: line for line in seed_output.splitlines() if line.startswith("  ")}
    # Waiting to be accepted: the ledger demo's two worker reports and two verified tips (source 举报), the two
    # hazards of the 查保促 demo's half-year (demo.returns) and the one finding of an inspection round.
    registered = Hazard.objects.filter(unit__name="太原市小店区恒安机械制造有限公司", state=HazardState.REGISTERED)
    assert registered.count() == 7
    assert "待受理 7 件，待验收 1 件，待销号 1 件，待答复停产整改建议 1 件" in lines["safety1"]
    assert "待答复停产整改建议 1 件，待批准治理方案 1 件" in lines["head1"]
    assert "待签字确认 1 件" in lines["inspector1"]
    assert "待核销重大事故隐患 1 件" in lines["regulator1"]
    assert "待整改 3 件，已逾期 1 件" in lines["leader1"]
    assert "待整改 4 件，已逾期 1 件" in lines["workshop1"]


def test_seed_demo_twice_adds_no_hazard(seed_output):
    counts = [model.objects.count() for model in (Hazard, HazardEvent, HazardPhoto, StoppageProposal)]
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert [model.objects.count() for model in (Hazard, HazardEvent, HazardPhoto, StoppageProposal)] == counts
    assert "新增演示隐患 0 条" in out.getvalue()


def test_demo_sources_include_inspection_and_union_check(seed_output):
    sources = set(Hazard.objects.values_list("source", flat=True))
    assert {HazardSource.WORKER_REPORT, HazardSource.INSPECTION, HazardSource.UNION_CHECK, HazardSource.TIP} <= sources
