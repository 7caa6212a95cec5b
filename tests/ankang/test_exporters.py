import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ankang import exporters, services
from tests.factories.ankang import confirmed, full_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    sheet = services.start_sheet(competition, enrolment, actor=people["unit"])
    services.score_self(sheet, full_scores(sheet), {}, actor=people["unit"])
    services.submit_sheet(sheet, actor=people["unit"])
    veto = sheet.template.vetoes.get(number=1)
    return services.review_sheet(sheet, full_scores(sheet, scale=Decimal("0.9")), {veto.pk: True},
                                 actor=people["county"], comment="发生重伤事故")


def test_score_sheet_xlsx_reads_back(reviewed):
    out = io.BytesIO()
    exporters.ScoreSheetExporter([reviewed]).write_xlsx(out)
    out.seek(0)
    sheet = load_workbook(out).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == reviewed.template.title
    assert values[3][:3] == ["考核部分", "考核内容", "分值"]
    total_row = next(row for row in values if row[0] == "总 分")
    assert total_row[4] == 100 and total_row[5] == 90
    assert any(isinstance(row[0], str) and row[0].startswith("不符合表彰条件") and "重伤" in row[0] for row in values)
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape"


def test_score_sheet_xlsx_download(client, people, reviewed):
    client.force_login(people["city"])
    response = client.get(reverse("ankang:export_sheet", args=[reviewed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content)).active.max_row > 20
