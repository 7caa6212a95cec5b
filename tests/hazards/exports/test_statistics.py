"""The quarterly and yearly 统计分析表: the due dates from the programme, the figures from the ledger, the
signature block; the exports page shows the due dates to the unit; 404 outside the scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.enums import HazardCategory, HazardLevel, HazardState
from hazards.exports.statistics import Period, recent_periods, statistics_figures
from hazards.models import Hazard, HazardPlan
from tests.factories import HazardFactory
from tests.factories.hazards import default_programme
from tests.hazards.exports.sheets import texts, value_right_of, workbook

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10))


def test_due_dates_come_from_the_programme():
    programme = default_programme()
    assert Period(2026, 1).due(programme) == datetime.date(2026, 4, 15)
    assert Period(2026, 4).due(programme) == datetime.date(2027, 1, 15)
    assert Period(2026).due(programme) == datetime.date(2027, 1, 31)
    programme.quarterly_report_day, programme.yearly_report_month, programme.yearly_report_day = 10, 2, 31
    assert Period(2026, 2).due(programme) == datetime.date(2026, 7, 10)
    assert Period(2026).due(programme) == datetime.date(2027, 2, 28)  # the month's last day


def test_recent_periods_include_last_year_in_the_first_quarter():
    assert recent_periods(datetime.date(2026, 2, 1)) == [Period(2025, 4), Period(2025), Period(2026, 1)]
    assert recent_periods(datetime.date(2026, 8, 1)) == [Period(2026, 2), Period(2026, 3)]


@pytest.fixture
def ledger(org, people):
    """Hazards of unit A1a found in 2026 Q1 (and one outside it), in every situation the table counts."""
    unit = org.unit_a1a
    made = {
        "general_done": HazardFactory(unit=unit, found_at=at(2026, 1, 5), level=HazardLevel.GENERAL,
                                      state=HazardState.CLOSED, verified_at=at(2026, 2, 1), closed_at=at(2026, 2, 2),
                                      cost=Decimal("120.50")),
        "general_late": HazardFactory(unit=unit, found_at=at(2026, 3, 30), level=HazardLevel.GENERAL,
                                      state=HazardState.VERIFIED, verified_at=at(2026, 4, 3), cost=Decimal("80")),
        "general_overdue": HazardFactory(unit=unit, found_at=at(2026, 2, 1), level=HazardLevel.GENERAL,
                                         state=HazardState.RECTIFYING, deadline=datetime.date(2026, 3, 1),
                                         category=HazardCategory.MANAGEMENT),
        "major_closed": HazardFactory(unit=unit, found_at=at(2026, 1, 10), level=HazardLevel.MAJOR,
                                      state=HazardState.REVIEWED, verified_at=at(2026, 3, 1), closed_at=at(2026, 3, 5),
                                      cost=Decimal("50000")),
        "major_open": HazardFactory(unit=unit, found_at=at(2026, 2, 10), level=HazardLevel.MAJOR,
                                    state=HazardState.RECTIFYING, regulator_listed=True,
                                    deadline=datetime.date(2026, 6, 1)),
        "ungraded": HazardFactory(unit=unit, found_at=at(2026, 3, 1)),
        "declined": HazardFactory(unit=unit, found_at=at(2026, 3, 1), state=HazardState.DECLINED),
        "next_quarter": HazardFactory(unit=unit, found_at=at(2026, 4, 2), level=HazardLevel.GENERAL),
        "other_unit": HazardFactory(unit=org.unit_a1b, found_at=at(2026, 2, 1), level=HazardLevel.GENERAL),
    }
    HazardPlan.objects.create(hazard=made["major_open"], goal="g", methods="m", funds="f", organisation="o",
                              timeline="t", safety_measures="s", approved_by=people["head"], approved_at=at(2026, 2, 20))
    return made


def test_figures_count_the_period_from_the_ledger(org, ledger):
    figures = statistics_figures(Hazard.objects.filter(unit=org.unit_a1a), Period(2026, 1))
    assert (figures["general"], figures["general_rectified"], figures["general_rate"]) == (3, 1, "33.3")
    assert (figures["major"], figures["major_closed"], figures["major_rate"]) == (2, 1, "50.0")
    assert (figures["major_planned"], figures["major_plan_approved"], figures["major_listed"]) == (1, 1, 1)
    assert (figures["ungraded"], figures["overdue"], figures["funds"]) == (1, 1, Decimal("50120.50"))
    categories = {label: (found, done) for label, found, done in figures["categories"]}
    assert categories["管理缺陷"] == (1, 0) and categories["物的不安全状态"] == (5, 2)
    year = statistics_figures(Hazard.objects.filter(unit=org.unit_a1a), Period(2026))
    assert (year["general"], year["general_rectified"]) == (4, 2)


def test_quarterly_table_reads_back_with_due_date_and_signature(client, org, people, ledger):
    client.force_login(people["safety"])
    url = reverse("hazards:export_statistics", args=[org.unit_a1a.pk])
    sheet = workbook(client.get(url, {"year": 2026, "quarter": 1})).active
    cells = texts(sheet)
    assert "事故隐患排查治理统计分析表" in cells and "（2026年第一季度）" in cells
    assert value_right_of(sheet, "填报单位") == "甲市一区安泰机械有限公司"
    assert value_right_of(sheet, "统计期间") == "2026年1月1日至2026年3月31日"
    assert value_right_of(sheet, "报送期限") == "2026年4月15日前"
    assert value_right_of(sheet, "排查一般事故隐患（项）") == 3
    assert value_right_of(sheet, "其中：已整改（项）") == 1
    assert value_right_of(sheet, "排查重大事故隐患（项）") == 2
    assert value_right_of(sheet, "其中：已整改销号（项）") == 1
    assert value_right_of(sheet, "落实治理经费物资（项）") == 1
    assert value_right_of(sheet, "落实隐患治理资金（元）") == "50120.50"
    assert any("单位主要负责人（签字）" in text for text in cells)
    assert any("下一季度15日前" in text and "1月31日前" in text for text in cells)


def test_yearly_table_due_date_follows_the_programme(client, org, people, ledger):
    programme = default_programme()
    programme.yearly_report_month, programme.yearly_report_day = 1, 20
    programme.save()
    client.force_login(people["head"])
    sheet = workbook(client.get(reverse("hazards:export_statistics", args=[org.unit_a1a.pk]), {"year": 2026})).active
    assert "（2026年度）" in texts(sheet)
    assert value_right_of(sheet, "报送期限") == "2027年1月20日前"


STATISTICS = {"team_leader", "workshop", "safety", "safety2", "head", "inspector", "unit", "county", "city", "committee"}


def test_statistics_matrix_inside_and_outside_scope(client, org, people):
    url = reverse("hazards:export_statistics", args=[org.unit_a1a.pk])
    actual = {who: (client.force_login(user), client.get(url, {"year": 2026}).status_code)[1]
              for who, user in people.items()}
    assert actual == {who: 200 if who in STATISTICS else 404 for who in people}
    client.force_login(people["safety"])
    assert client.get(reverse("hazards:export_statistics", args=[org.county_a1.pk]), {"year": 2026}).status_code == 404
    assert client.get(reverse("hazards:export_statistics", args=[999999]), {"year": 2026}).status_code == 404


@pytest.mark.parametrize("query", [{}, {"year": "abc"}, {"year": 1990}, {"year": 2026, "quarter": 5}])
def test_statistics_bad_period_is_refused_with_a_message(client, org, people, query):
    client.force_login(people["safety"])
    response = client.get(reverse("hazards:export_statistics", args=[org.unit_a1a.pk]), query, follow=True)
    assert response.redirect_chain[-1][0] == reverse("hazards:exports")
    assert "请选择" in response.content.decode()
