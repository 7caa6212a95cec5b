import io

import pytest
from django.core.management import call_command

from demo.returns import seed_returns
from returns import services
from returns.enums import ReturnState
from returns.models import Return, ReturnScan

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_returns_builds_states_and_is_idempotent(demo):
    out = io.StringIO()
    report = seed_returns(stdout=out)
    assert report.state == ReturnState.DRAFT and report.filer.node.name == "太原市小店区恒安机械制造有限公司"
    states = set(Return.objects.values_list("state", flat=True))
    assert states == {ReturnState.DRAFT, ReturnState.ACCEPTED, ReturnState.RETURNED}
    assert ReturnScan.objects.filter(report=report).count() == 1
    city = Return.objects.get(filer__node__name="太原市总工会")
    totals = services.totals(city)
    assert totals["county_fund"] == 2.5 and totals["units"] == 3
    count = Return.objects.count()
    assert seed_returns() == report and Return.objects.count() == count
    cells = {row.cell.code: row.value for row in report.cells.select_related("cell")}
    assert cells["hazards_found"] == 2 and cells["participants"] == 1


def test_seed_returns_without_the_demo_says_so(db):
    out = io.StringIO()
    assert seed_returns(stdout=out) is None
    assert "seed_demo" in out.getvalue()
