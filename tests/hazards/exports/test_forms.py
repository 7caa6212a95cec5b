"""The one-hazard forms: 整改通知单, 重大事故隐患报告 and 治理方案 read back with the right cells, only for a
hazard where they make sense, only in scope (404 outside)."""

import pytest
from django.urls import reverse

from hazards import services
from hazards.enums import HazardLevel, HazardState
from tests.factories import HazardFactory
from tests.factories.hazards import PLAN, accept, report, walk
from tests.hazards.exports.sheets import texts, value_right_of, workbook

pytestmark = pytest.mark.django_db

FORM_VIEWERS = {"team_leader", "workshop", "safety", "head", "inspector", "unit", "county", "city", "committee"}
WHO = ["worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit", "county", "city",
       "committee", "regulator", "safety_other", "inspector_other", "county_other", "regulator_other", "worker_other"]


@pytest.fixture
def major(people, org):
    """A 重大 hazard in 整改中 with an approved plan, the interim measures and an LEC grading."""
    return walk(people, org, HazardState.RECTIFYING, level=HazardLevel.MAJOR)


def test_notice_reads_back(client, people, org):
    hazard = accept(report(people, org, description="配电箱门未上锁，线路裸露", location="二号车间"), people,
                    interim_measures="设置警示标志", lec=("2", "1.8", "25"))
    client.force_login(people["safety"])
    book = workbook(client.get(reverse("hazards:export_notice", args=[hazard.pk])))
    sheet = book.active
    cells = texts(sheet)
    assert "隐患整改通知单" in cells and f"编号：{hazard.code}" in cells
    assert value_right_of(sheet, "隐患内容") == "配电箱门未上锁，线路裸露"
    assert value_right_of(sheet, "隐患地点") == "二号车间"
    assert value_right_of(sheet, "整改责任人") == "赵主任"
    assert value_right_of(sheet, "临时管控措施") == "设置警示标志"
    assert value_right_of(sheet, "风险评价").endswith("D=90")
    assert value_right_of(sheet, "整改期限").startswith(str(hazard.deadline.year) + "年")
    assert any("下达人（签字）：钱安全员" in text for text in cells)
    assert any("整改责任人（签字）" in text for text in cells)
    assert "张职工" not in " ".join(cells)  # the finder is not on the notice
    assert sheet.page_setup.fitToHeight == 1 and "第&P页 共&N页" in sheet.oddFooter.center.text


def test_notice_needs_an_accepted_hazard(client, people, org):
    hazard = report(people, org)
    client.force_login(people["safety"])
    assert client.get(reverse("hazards:export_notice", args=[hazard.pk])).status_code == 404


def test_major_report_has_the_three_parts(client, people, major):
    client.force_login(people["head"])
    sheet = workbook(client.get(reverse("hazards:export_major_report", args=[major.pk]))).active
    cells = texts(sheet)
    for part in ("一、隐患的现状及其产生原因", "二、隐患的危害程度和整改难易程度分析", "三、隐患的治理方案"):
        assert part in cells
    assert value_right_of(sheet, "现状") == major.description
    assert value_right_of(sheet, "产生原因") == "隐患类别：物的不安全状态"
    assert "整改期限" in value_right_of(sheet, "整改难易程度")
    assert value_right_of(sheet, "治理的目标和任务") == PLAN["goal"]
    assert any("单位主要负责人（签字）：周厂长" in text for text in cells)


def test_plan_has_the_six_parts_and_the_head_signature(client, people, major):
    client.force_login(people["county"])
    sheet = workbook(client.get(reverse("hazards:export_plan", args=[major.pk]))).active
    labels = ["（一）治理的目标和任务", "（二）采取的方法和措施", "（三）经费和物资的落实", "（四）负责治理的机构和人员",
              "（五）治理的时限和要求", "（六）安全措施和应急预案"]
    assert [value_right_of(sheet, label) for label in labels] == [PLAN[name] for name in
                                                                 ("goal", "methods", "funds", "organisation",
                                                                  "timeline", "safety_measures")]
    cells = texts(sheet)
    assert "重大事故隐患治理方案" in cells and "（未批准）" not in cells
    assert any("单位主要负责人（签字）：周厂长" in text for text in cells)


def test_plan_not_yet_approved_says_so(client, people, org):
    hazard = accept(report(people, org), people, level=HazardLevel.MAJOR)
    services.submit_plan(hazard, actor=people["workshop"], **PLAN)
    client.force_login(people["safety"])
    sheet = workbook(client.get(reverse("hazards:export_plan", args=[hazard.pk]))).active
    assert "（未批准）" in texts(sheet)


def test_major_forms_404_for_a_general_hazard_or_without_plan(client, people, org):
    general = accept(report(people, org), people)
    major = accept(report(people, org), people, level=HazardLevel.MAJOR)
    client.force_login(people["safety"])
    assert client.get(reverse("hazards:export_major_report", args=[general.pk])).status_code == 404
    assert client.get(reverse("hazards:export_plan", args=[general.pk])).status_code == 404
    assert client.get(reverse("hazards:export_plan", args=[major.pk])).status_code == 404
    assert client.get(reverse("hazards:export_major_report", args=[major.pk])).status_code == 200


@pytest.mark.parametrize("name", ["hazards:export_notice", "hazards:export_major_report", "hazards:export_plan"])
def test_form_matrix_inside_and_outside_scope(client, people, major, name):
    url = reverse(name, args=[major.pk])
    allowed = FORM_VIEWERS | {"regulator"}  # a 重大 hazard: the area's regulator liaison too
    actual = {}
    for who in WHO:
        client.force_login(people[who])
        actual[who] = client.get(url).status_code
    assert actual == {who: 200 if who in allowed else 404 for who in WHO}
    client.logout()
    assert client.get(url).status_code == 302


def test_forms_of_another_units_hazard_are_404(client, people, org):
    other = HazardFactory(unit=org.unit_b1a, level=HazardLevel.MAJOR, state=HazardState.ACCEPTED)
    client.force_login(people["safety"])
    for name in ("hazards:export_notice", "hazards:export_major_report", "hazards:export_plan"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
