"""The reward cells and the directory counts opened down to their records (returns.views.cell)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from returns import services
from tests.factories.returns import YEAR, filer, period
from tests.factories.tips import REAL_NAME, ensure_tip_seed, file_tip
from tips.enums import Disclosure
from tips.models import Reward, RewardRule, Tip, TipProgramme

pytestmark = pytest.mark.django_db


def _tip(code, unit):
    return Tip.objects.create(code=code, programme=TipProgramme.objects.get(is_default=True),
                              matter="general_hazard", unit=unit, description="x", disclosure="anonymous")


def _paid(tip, amount="500", paid_at=datetime.date(YEAR, 3, 1), state="paid"):
    return Reward.objects.create(tip=tip, rule=RewardRule.objects.first(), proposed_amount=amount, computation="x",
                                 amount=Decimal(amount), state=state, paid_at=paid_at)


@pytest.fixture
def rewards(org):
    """Paid in period 1: a real-name tip about unit A1a (化工) and one about unit A1b; not counted: one
    approved but unpaid, one paid in another period and one about a unit of city B."""
    ensure_tip_seed()
    chemical, _receipt = file_tip(org, disclosure=Disclosure.REAL_NAME)  # the identity sealed by the service
    plain, unpaid, late, other = (_tip(code, unit) for code, unit in (
        ("T-2", org.unit_a1b), ("T-3", org.unit_a1a), ("T-4", org.unit_a1a), ("T-5", org.unit_b1a)))
    _paid(chemical, "500")
    _paid(plain, "300", paid_at=datetime.date(YEAR, 3, 2))
    _paid(unpaid, state="approved", paid_at=None)
    _paid(late, paid_at=datetime.date(YEAR, 11, 1))
    _paid(other)
    return {"chemical": chemical, "plain": plain, "unpaid": unpaid, "late": late, "other": other}


@pytest.fixture
def city(org, programme, staff):
    return services.start_return(period(programme), filer(programme, org.city_a), actor=staff["city"])


def _codes(response, key="code"):
    return [record[key] for record in response.context["page"].object_list]


@pytest.mark.parametrize(("code", "expected"), [("city_rewarded", ("plain", "chemical")),
                                                ("city_reward_paid", ("plain", "chemical")),
                                                ("city_rewarded_chem", ("chemical",))])
def test_cell_rewards_lists_the_paid_rewards_behind_the_figure(client, staff, rewards, city, code, expected):
    client.force_login(staff["city"])
    response = client.get(reverse("returns:cell", args=[city.pk, code]))
    assert response.status_code == 200
    assert _codes(response) == [rewards[name].code for name in expected]
    figure = city.cells.get(cell__code=code).computed
    assert figure == (Decimal("0.08") if code == "city_reward_paid" else len(expected))


def test_cell_rewards_never_shows_the_reporter(client, staff, rewards, city):
    client.force_login(staff["committee"])
    content = client.get(reverse("returns:cell", args=[city.pk, "city_rewarded"])).content.decode()
    assert rewards["chemical"].code in content and "500" in content and "2026-03-01" in content
    assert REAL_NAME["name"] not in content and REAL_NAME["phone"] not in content
    assert rewards["chemical"].description not in content


@pytest.mark.parametrize(("who", "status"), [("city", 200), ("committee", 200), ("city_other", 404),
                                             ("county_other", 404), ("unit_other", 404), ("worker", 404)])
@pytest.mark.parametrize("code", ["city_rewarded", "county_unions"])
def test_cell_rewards_and_directory_outside_scope_is_404(client, staff, rewards, city, who, status, code):
    client.force_login(staff[who])
    assert client.get(reverse("returns:cell", args=[city.pk, code])).status_code == status


def test_cell_county_unions_lists_the_counted_counties(client, org, staff, city):
    client.force_login(staff["city"])
    response = client.get(reverse("returns:cell", args=[city.pk, "county_unions"]))
    nodes = list(response.context["page"].object_list)
    assert org.county_a1 in nodes and org.county_b1 not in nodes
    assert len(nodes) == city.cells.get(cell__code="county_unions").computed


@pytest.mark.parametrize(("node", "code", "count"), [("unit_a1a", "units", 1), ("unit_a1a", "units_chem", 1),
                                                     ("unit_a1b", "units", 1), ("unit_a1b", "units_chem", 0)])
def test_cell_units_lists_the_unit_itself(client, org, staff, programme, node, code, count):
    actor = staff["unit" if node == "unit_a1a" else "unit_b"]
    report = services.start_return(period(programme), filer(programme, getattr(org, node)), actor=actor)
    client.force_login(staff["county"])
    response = client.get(reverse("returns:cell", args=[report.pk, code]))
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"].object_list] == [getattr(org, node).pk][:count]
    assert report.cells.get(cell__code=code).computed == count


def test_cell_typed_reward_cell_is_404(client, org, staff, programme):
    county = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    client.force_login(staff["county"])
    assert client.get(reverse("returns:cell", args=[county.pk, "county_rewarded"])).status_code == 404


def test_detail_links_the_reward_and_directory_cells(client, staff, rewards, city):
    client.force_login(staff["city"])
    content = client.get(reverse("returns:detail", args=[city.pk])).content.decode()
    for code in ("city_rewarded", "city_reward_paid", "county_unions"):
        assert reverse("returns:cell", args=[city.pk, code]) in content
    assert reverse("returns:cell", args=[city.pk, "city_fund"]) not in content


@pytest.mark.parametrize("months", [(1, 6), (7, 12), (1, 12)])
def test_paid_reward_totals_equal_the_tip_statistics_figures(org, rewards, months):
    # The returns' reward cells count in the database what the tips' statistics page counts row by row.
    from tips.statistics import Period, paid_reward_totals, tip_figures

    first, last = months
    window = Period(datetime.date(YEAR, first, 1), datetime.date(YEAR, last, 30))
    for node in (org.city_a, org.unit_a1a, org.city_b):
        total = tip_figures(node, window).total
        assert paid_reward_totals(node, window) == (total.rewards_paid, total.rewards_amount)
    assert paid_reward_totals(org.city_a, Period(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 6, 30)))[0] == 2
