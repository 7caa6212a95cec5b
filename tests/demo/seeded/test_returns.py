"""demo/returns.py on the shared seed (tests/returns/test_demo.py: without the demo)."""

import io

import pytest

from demo.returns import seed_returns
from returns import services
from returns.enums import ReturnState
from returns.models import Return, ReturnScan

pytestmark = pytest.mark.django_db


def test_seed_returns_builds_states_and_is_idempotent(seed_output):
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
