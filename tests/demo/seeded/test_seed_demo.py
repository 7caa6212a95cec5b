"""`manage.py seed_demo`: the demo directory, campaign and accounts promised by the README (on the shared seed)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from hazards.enums import HazardState, InspectionLevel
from hazards.models import Hazard, HazardProgramme, InspectionRound, InspectionRule, MajorHazardCriterion
from portal.accounts.models import Role, User
from portal.accounts.navigation import ROLE_HOMES
from portal.campaigns.models import AwardLevel, Campaign, HazardCategory, Industry, Phase
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from returns.models import Return, StatTemplate
from tests.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from tips.models import RewardRule, TipProgramme

pytestmark = pytest.mark.django_db

COUNTED = (OrgNode, User, Role, Campaign, Phase, Industry, HazardCategory, AwardLevel)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def only_role(username: str) -> Role:
    return Role.objects.select_related("node__parent").get(user__username=username)


def test_seed_demo_twice_changes_nothing(seed_output):
    first = counts()
    assert all(first.values()), first
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    assert "演示数据就绪" in out.getvalue()


def test_seed_demo_does_not_reset_a_changed_password(seed_output):
    user = User.objects.get(username="worker1")
    user.set_password("Changed-by-the-user-2025")
    user.save()
    call_command("seed_demo", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.check_password("Changed-by-the-user-2025")


def test_seed_demo_accounts_have_the_documented_roles(seed_output):
    for username, (kind, node_name) in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD), username
        role = only_role(username)
        assert role.kind == kind, username
        if node_name is not None:
            assert role.node.name == node_name, username
        role.full_clean()  # every demo role is valid for its node


def test_seed_demo_worker_and_unit_share_a_unit_under_xiaodian(seed_output):
    worker, unit = only_role("worker1"), only_role("unit1")
    assert worker.node == unit.node
    assert worker.node.kind == NodeKind.UNIT
    assert worker.node.name == "太原市小店区恒安机械制造有限公司"
    assert worker.node.parent.name == "太原市小店区总工会"
    assert worker.node.selection_union.name == "太原市总工会"


def test_seed_demo_industry_and_group_accounts(seed_output):
    industry, group = only_role("industry1"), only_role("group1")
    assert industry.node.kind == NodeKind.INDUSTRY
    assert industry.node.parent.kind == NodeKind.PROVINCE
    assert industry.node.name == "山西省煤炭工会"
    assert group.node.kind == NodeKind.GROUP
    assert group.node.parent == industry.node


def test_seed_demo_experts_are_tied_to_different_cities(seed_output):
    nodes = [only_role(f"expert{n}").node for n in range(1, 6)]
    assert all(node.kind == NodeKind.CITY for node in nodes)
    assert len({node.pk for node in nodes}) == 5
    assert {node.name for node in nodes} == {"太原市总工会", "大同市总工会", "长治市总工会", "晋城市总工会", "吕梁市总工会"}
    # A panel of experts_per_entry (3) can be met for an entry of any of these cities.
    assert Campaign.objects.current().experts_per_entry + 1 <= len(nodes)
    assert not User.objects.filter(username="expert6").exists()


def test_seed_demo_committee_is_a_superuser_at_the_province(seed_output):
    user = User.objects.get(username="committee")
    assert user.is_superuser and user.is_staff
    assert only_role("committee").node.kind == NodeKind.PROVINCE
    others = User.objects.exclude(username="committee")
    assert not others.filter(is_staff=True).exists()
    assert not others.filter(is_superuser=True).exists()


def test_seed_demo_directory_has_eleven_cities_and_both_channels(seed_output):
    cities = OrgNode.objects.filter(kind=NodeKind.CITY)
    assert cities.count() == 11
    assert all(city.parent.kind == NodeKind.PROVINCE for city in cities)
    assert OrgNode.objects.filter(kind=NodeKind.PROVINCE).count() == 1
    assert OrgNode.objects.filter(kind=NodeKind.INDUSTRY).count() == 3
    # A city-level enterprise hangs directly under its city.
    bus = OrgNode.objects.get(name="太原市城市公共交通有限公司")
    assert bus.parent.kind == NodeKind.CITY and bus.first_review_union is None
    for node in OrgNode.objects.select_related("parent"):
        node.full_clean()


def test_seed_demo_campaign_is_current_with_open_phases(seed_output):
    campaign = Campaign.objects.current()
    assert campaign is not None and campaign.year == 2025
    assert campaign.phases.count() == 6
    assert all(phase.is_open(timezone.now()) for phase in campaign.phases.all())


def test_seed_demo_every_account_logs_in_to_its_home(seed_output):
    for username, (kind, _node) in ACCOUNTS.items():
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD},
                               REMOTE_ADDR="10.0.0.9", follow=True)
        assert response.status_code == 200, username
        assert response.redirect_chain[-1][0] == f"/accounts/home/{kind}/", username
        content = response.content.decode()
        assert str(ROLE_HOMES[kind].title) in content, username
        # The footer names the seed_output campaign.
        assert "第四届全省职工安全隐患和职业危害" in content, username


def test_seed_demo_committee_reaches_the_admin(client, seed_output):
    client.post("/accounts/login/", {"username": "committee", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert client.get("/admin/").status_code == 200


def test_seed_demo_lists_the_accounts_and_their_work(seed_output):
    output = seed_output
    assert "演示账号（密码均为 Demo@2025）" in output
    for username in ACCOUNTS:
        assert f"  {username} " in output, username
    assert "unit1      单位工会 · 太原市小店区恒安机械制造有限公司  待处理 0 件" in output


# --- --reset (issue 11.19): the results lock is irreversible, so the demo is rebuilt from scratch --------------


class Terminal:
    """sys.stdin as on a terminal."""

    def isatty(self):
        return True


class Pipe:
    def isatty(self):
        return False


@pytest.fixture
def stale_demo(seed_output):
    """A demo with photos, an account of its own and the results locked, as after a committee's rehearsal."""
    from review.experts.models import ResultsLock
    from submissions.models import Photo

    call_command("seed_demo", "--entries", "2", stdout=io.StringIO())
    User.objects.create_user(username="rehearsal", password="Rehearsal-2025!")
    ResultsLock.objects.create(campaign=Campaign.objects.current())
    files = [photo.original.name for photo in Photo.objects.all()]
    assert files and all(default_storage.exists(name) for name in files)
    return files


def test_seed_demo_reset_rebuilds_the_demo_from_scratch(stale_demo, monkeypatch):
    from demo.entries import AUTHOR_PREFIX
    from review.experts.models import ResultsLock
    from submissions.models import Entry

    monkeypatch.setattr("sys.stdin", Pipe())
    out = io.StringIO()
    call_command("seed_demo", "--reset", "--yes", "--entries", "2", "--no-photos", stdout=out)
    assert "已清空数据库" in out.getvalue()
    assert not User.objects.filter(username="rehearsal").exists()
    assert not ResultsLock.objects.exists()
    assert not any(default_storage.exists(name) for name in stale_demo)
    # The demo is back: every account, a current campaign, the entries.
    assert set(ACCOUNTS) <= set(User.objects.values_list("username", flat=True))
    assert User.objects.get(username="worker1").check_password(DEMO_PASSWORD)
    assert Campaign.objects.current() is not None
    assert Entry.objects.filter(author__username__startswith=AUTHOR_PREFIX).count() == 2


def test_seed_demo_reset_off_a_terminal_needs_yes(stale_demo, monkeypatch):
    monkeypatch.setattr("sys.stdin", Pipe())
    with pytest.raises(CommandError, match="--yes"):
        call_command("seed_demo", "--reset", stdout=io.StringIO())
    assert User.objects.filter(username="rehearsal").exists()
    assert all(default_storage.exists(name) for name in stale_demo)


def test_seed_demo_reset_on_a_terminal_asks_first(stale_demo, monkeypatch):
    questions = []
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("seed_demo", "--reset", stdout=io.StringIO())
    assert "不可恢复" in questions[0]
    assert User.objects.filter(username="rehearsal").exists()

    monkeypatch.setattr("builtins.input", lambda question: "yes")
    call_command("seed_demo", "--reset", stdout=io.StringIO())
    assert not User.objects.filter(username="rehearsal").exists()
    assert User.objects.filter(username="committee").exists()


def test_seed_demo_reset_refuses_in_production_without_force(stale_demo, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda question: pytest.fail("asked before refusing"))
    with pytest.raises(CommandError, match="PORTAL_DEBUG=0"):
        call_command("seed_demo", "--reset", "--yes", stdout=io.StringIO())
    assert User.objects.filter(username="rehearsal").exists()
    call_command("seed_demo", "--reset", "--yes", "--force", stdout=io.StringIO())
    assert not User.objects.filter(username="rehearsal").exists()


def test_seed_demo_entries_on_locked_results_leaves_the_panels_alone(stale_demo):
    out = io.StringIO()
    call_command("seed_demo", "--entries", "3", "--no-photos", stdout=out)
    assert "新增演示作品 1 件" in out.getvalue()
    assert "未分配专家：" in out.getvalue()


def test_seed_demo_reset_brings_back_the_programmes_the_data_migrations_wrote(seed_output):
    # --reset flushes every table, the rows of the data migrations too: the demo writes them again.
    call_command("seed_demo", "--reset", "--yes", stdout=io.StringIO())
    assert HazardProgramme.objects.filter(is_default=True).exists() and MajorHazardCriterion.objects.exists()
    assert TipProgramme.objects.filter(is_default=True).exists() and RewardRule.objects.exists()
    assert set(Hazard.objects.values_list("state", flat=True)) == set(HazardState.values)
    assert set(InspectionRule.objects.values_list("level", flat=True)) == set(InspectionLevel.values)
    assert InspectionRound.objects.exists() and StatTemplate.objects.exists() and Return.objects.exists()
