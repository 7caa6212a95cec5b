import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from returns import exporters, services
from returns.models import ChecklistCriterion
from tests.factories.hazards import HazardFactory
from tests.factories.returns import COUNTY_TYPED, filed_enterprise, filer, fill, in_period, period, score_all

pytestmark = pytest.mark.django_db


def workbook(exporter):
    out = io.BytesIO()
    exporter.write_xlsx(out)
    out.seek(0)
    return load_workbook(out)


def label_values(sheet) -> dict:
    """label → the value in the cell to its right (the paper form's pairs)."""
    found = {}
    for row in sheet.iter_rows(min_row=4):
        for index in (0, 2):
            if index + 1 < len(row) and isinstance(row[index].value, str):
                found[row[index].value] = row[index + 1].value
        if isinstance(row[0].value, str) and row[3].value is not None and row[1].value is None:
            found[row[0].value] = row[3].value
    return found


def test_stat_sheet_reads_back_cell_by_cell(org, programme, staff):
    HazardFactory(unit=org.unit_a1a, found_at=in_period())
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    services.save_cells(report, {"trainings": services.CellInput("3"), "trainees": services.CellInput("40"),
                                 "participants": services.CellInput("12", "线下参与")}, actor=staff["unit"])
    score_all(report, staff["unit"])
    report = services.file_return(report, actor=staff["unit"])
    sheet = workbook(exporters.StatSheetExporter([report])).active
    assert sheet["A1"].value == "附件1"
    assert sheet["A2"].value == "“查保促”工作情况统计表"
    assert sheet["A3"].value == f"填报单位（章）：{org.unit_a1a.name}"
    assert sheet["C3"].value.startswith("填报日期：") and "年" in sheet["C3"].value
    values = label_values(sheet)
    assert values["组织开展“查保促”工作企事业单位数"] == 1
    assert values["其中化工行业开展“查保促”工作企业数"] == 1
    assert values["参与职工人数"] == 12
    assert values["企业组织开展安全生产培训次数"] == 3
    assert values["其中化工行业的企业组织开展安全生产培训次数"] == 3
    assert values["查出安全隐患数"] == 1
    labels = {cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    seed_labels = list(programme.stat_template.cells.values_list("label", flat=True))
    shown = [cell.value for row in sheet.iter_rows(min_row=4) for cell in row if cell.value in seed_labels]
    assert len(seed_labels) == 24 and sorted(shown) == sorted(seed_labels)  # 其中奖励化工行业职工人数 twice
    assert any("线下参与" in text for text in labels)  # the override is marked with its reason
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet["A5"].value == "参与职工人数" and sheet["B5"].fill.fgColor.rgb.endswith("FFF2CC")  # 参与职工人数, overridden


def test_county_sheet_shows_the_rollup(org, programme, staff):
    filed_enterprise(programme, org.unit_a1a, staff["unit"], staff["county"])
    county = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    fill(county, staff["county"], COUNTY_TYPED)
    values = label_values(workbook(exporters.StatSheetExporter([county])).active)
    assert values["企业组织开展安全生产培训次数"] == 3
    assert values["县（市、区）级总工会设立“查保促”专项奖励资金总额（万元）"] == 1.5


def test_checklist_sheet_reads_back(org, programme, staff):
    report = filed_enterprise(programme, org.unit_a1a, staff["unit"])
    drills = ChecklistCriterion.objects.get(item__template=programme.checklist_template, item__number=4)
    sheet = workbook(exporters.ChecklistExporter([report])).active
    assert sheet["A2"].value == "企业工会开展“查保促”活动自查表"
    assert sheet["A3"].value == f"企业工会：{org.unit_a1a.name}"
    assert [sheet.cell(4, c).value for c in (1, 2, 3)] == ["项目", "自查内容", "得分"]
    items = {sheet.cell(r, 2).value.split(".")[0]: sheet.cell(r, 3).value for r in range(5, 16)}
    assert items["1"] == 3 and items["6"] == 12 and items["9"] == 10 and items["4"] == int(drills.points)
    assert sheet.cell(5, 1).value == "动员部署"
    assert sheet.cell(16, 1).value == "总 得 分" and sheet.cell(16, 3).value == 57
    assert sheet.print_title_rows == "$4:$4"
    assert Decimal(sum(items.values())) == report.self_total


def test_export_view_is_an_attachment(client, org, programme, staff):
    report = filed_enterprise(programme, org.unit_a1a, staff["unit"])
    client.force_login(staff["county"])
    response = client.get(reverse("returns:export_checklist", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert load_workbook(io.BytesIO(response.content)).active["A2"].value == "企业工会开展“查保促”活动自查表"


@pytest.mark.parametrize(("name", "first_line"), [("returns:export_stat", "填报单位（章）：{}"),
                                                   ("returns:export_checklist", "企业工会：{}")])
def test_county_export_adds_a_sheet_per_accepted_return(client, org, programme, staff, name, first_line):
    """附件1: the county's own sheet, then one per accepted return; 附件2: the accepted enterprises' 自查表."""
    filed_enterprise(programme, org.unit_a1a, staff["unit"], staff["county"])
    filed_enterprise(programme, org.unit_a1b, staff["unit_b"])  # not accepted: no sheet
    county = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    client.force_login(staff["county"])
    response = client.get(reverse(name, args=[county.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[-1]["A3"].value == first_line.format(org.unit_a1a.name)
    assert len(book.worksheets) == (2 if name == "returns:export_stat" else 1)


def test_county_checklist_export_without_accepted_returns_says_so(client, org, programme, staff):
    county = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    client.force_login(staff["county"])
    response = client.get(reverse("returns:export_checklist", args=[county.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("returns:detail", args=[county.pk])
    assert "本期尚无已接收的企业自查表" in response.content.decode()
