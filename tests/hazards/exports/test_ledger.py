"""隐患排查治理台账: read back per unit, county and city, with the ledger's filters, out of scope (404), and
the big ones as an export job."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.enums import HazardLevel, HazardState
from hazards.export_views import DIRECT_ROWS
from hazards.exports import ledger as ledger_module
from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob
from tests.factories import HazardFactory
from tests.factories.hazards import in_days
from tests.hazards.exports.sheets import texts, workbook

pytestmark = pytest.mark.django_db

URL = "/hazards/exports/ledger/"


@pytest.fixture
def hazards(org, people):
    return {
        "open": HazardFactory(unit=org.unit_a1a, finder=people["worker"], code="HZ-2099-000001",
                              description="配电箱门未上锁", state=HazardState.RECTIFYING, level=HazardLevel.GENERAL,
                              responsible=people["workshop"], deadline=in_days(-2)),
        "closed": HazardFactory(unit=org.unit_a1a, finder=people["worker_peer"], code="HZ-2099-000002",
                                description="消防通道堵塞", state=HazardState.CLOSED, level=HazardLevel.MAJOR),
        "neighbour": HazardFactory(unit=org.unit_a1b, code="HZ-2099-000003", description="叉车无灯"),
        "other_city": HazardFactory(unit=org.unit_b1a, code="HZ-2099-000004", description="乙市隐患"),
    }


def codes(sheet) -> set[str]:
    return {value for value in texts(sheet) if value.startswith("HZ-")}


def test_ledger_of_a_unit_reads_back_with_title_header_and_rows(client, org, people, hazards):
    client.force_login(people["safety"])
    sheet = workbook(client.post(URL, {"node": org.unit_a1a.pk})).active
    assert sheet["A1"].value == "隐患排查治理台账"
    assert "甲市一区安泰机械有限公司" in sheet["A2"].value and "共2条" in sheet["A2"].value
    headers = [cell.value for cell in sheet[3]]
    assert headers[:3] == ["序号", "隐患编号", "发现日期"] and "单位" not in headers
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"HZ-2099-000001", "HZ-2099-000002"}
    row = dict(zip(headers, rows["HZ-2099-000001"], strict=True))
    assert row["隐患内容"] == "配电箱门未上锁" and row["整改责任人"] == "赵主任"
    assert row["隐患部位"] == "一号车间配电室"
    assert row["发现人"] == "职工上报"  # unit management does not see the finder's name
    assert row["状态"] == "整改中（已逾期）"
    # Printed like the paper table: header repeated on every page, A4, page numbers, borders.
    assert sheet.print_title_rows == "$3:$3"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.page_setup.orientation == "landscape"
    assert "第&P页 共&N页" in sheet.oddFooter.center.text
    assert sheet.cell(row=4, column=2).border.left.style == "thin"


def test_ledger_of_a_county_and_a_city_has_the_unit_column(client, org, people, hazards):
    client.force_login(people["county"])
    sheet = workbook(client.post(URL, {"node": org.county_a1.pk})).active
    assert codes(sheet) == {"HZ-2099-000001", "HZ-2099-000002", "HZ-2099-000003"}
    assert "单位" in [cell.value for cell in sheet[3]]
    assert "张职工" in texts(sheet)  # union staff see the finder's name
    client.force_login(people["city"])
    assert codes(workbook(client.post(URL, {"node": org.city_a.pk})).active) == {
        "HZ-2099-000001", "HZ-2099-000002", "HZ-2099-000003"}
    # A city's staff may export one county or unit below them.
    assert codes(workbook(client.post(URL, {"node": org.unit_a1b.pk})).active) == {"HZ-2099-000003"}


def test_ledger_filters_are_applied(client, org, people, hazards):
    client.force_login(people["county"])
    node = org.county_a1.pk
    assert codes(workbook(client.post(URL, {"node": node, "state": HazardState.CLOSED})).active) == {"HZ-2099-000002"}
    assert codes(workbook(client.post(URL, {"node": node, "level": HazardLevel.MAJOR})).active) == {"HZ-2099-000002"}
    assert codes(workbook(client.post(URL, {"node": node, "overdue": "on"})).active) == {"HZ-2099-000001"}
    sheet = workbook(client.post(URL, {"node": node, "q": "叉车"})).active
    assert codes(sheet) == {"HZ-2099-000003"} and "搜索：叉车" in sheet["A2"].value


def test_ledger_regulator_gets_only_major_hazards(client, org, people, hazards):
    client.force_login(people["regulator"])
    assert codes(workbook(client.post(URL, {"node": org.city_a.pk})).active) == {"HZ-2099-000002"}


@pytest.mark.parametrize(("who", "node"), [("safety", "unit_a1b"), ("safety", "county_a1"), ("county", "city_a"),
                                           ("county_other", "county_a1"), ("regulator_other", "city_a"),
                                           ("safety", None)])
def test_ledger_outside_scope_is_404(client, org, people, hazards, who, node):
    client.force_login(people[who])
    response = client.post(URL, {"node": getattr(org, node).pk if node else "999999999"})
    assert response.status_code == 404


def test_ledger_workers_and_get_are_refused(client, org, people, hazards):
    client.force_login(people["worker"])
    assert client.post(URL, {"node": org.unit_a1a.pk}).status_code == 404
    client.force_login(people["safety"])
    assert client.get(URL, {"node": org.unit_a1a.pk}).status_code == 405


def test_ledger_bad_filter_is_refused_with_a_message(client, org, people, hazards):
    client.force_login(people["safety"])
    response = client.post(URL, {"node": org.unit_a1a.pk, "state": "nonsense"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("hazards:exports")
    assert "筛选条件无效" in response.content.decode()


def test_ledger_queries_do_not_grow_with_rows(client, org, people):
    client.force_login(people["safety"])
    HazardFactory(unit=org.unit_a1a)
    client.post(URL, {"node": org.unit_a1a.pk})  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        client.post(URL, {"node": org.unit_a1a.pk})
    HazardFactory.create_batch(2, unit=org.unit_a1a)
    with CaptureQueriesContext(connection) as three:
        client.post(URL, {"node": org.unit_a1a.pk})
    assert len(one) == len(three)


def test_big_ledger_goes_through_an_export_job(client, org, people, hazards, monkeypatch,
                                               django_capture_on_commit_callbacks):
    monkeypatch.setattr("hazards.export_views.DIRECT_ROWS", 1)
    client.force_login(people["county"])
    response = client.post(URL, {"node": org.county_a1.pk, "level": HazardLevel.MAJOR, "q": ""})
    assert response.status_code == 200  # one row: still direct
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"node": org.county_a1.pk})
    job = ExportJob.objects.get(requested_by=people["county"])
    assert response.status_code == 302 and response["Location"] == reverse("exports:job", args=[job.pk])
    job.refresh_from_db()
    assert job.kind == ledger_module.SLUG and job.status == ExportStatus.DONE, job.error
    assert job.params == {"node": org.county_a1.pk, "filters": {}}
    download = client.get(reverse("files:download", args=["export", job.pk]))
    assert codes(workbook(download).active) == {"HZ-2099-000001", "HZ-2099-000002", "HZ-2099-000003"}
    assert DIRECT_ROWS >= 1000


def test_export_kind_refuses_a_node_taken_away(org, people):
    kind = ledger_module.LedgerExport()
    assert kind.allowed(people["county"], {"node": org.county_a1.pk})
    assert not kind.allowed(people["county"], {"node": org.city_a.pk})
    assert not kind.available_to(people["worker"])
