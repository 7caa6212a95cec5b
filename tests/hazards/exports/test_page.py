"""The exports page: who has it, the filters it carries into the 台账, the statistics due dates shown to the
unit; the per-hazard links include."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from hazards.enums import HazardLevel, HazardState
from hazards.exports.statistics import recent_periods
from hazards.models import HazardProgramme
from tests.factories.hazards import accept, report, walk

pytestmark = pytest.mark.django_db

LEDGER = {"team_leader", "workshop", "safety", "safety2", "head", "inspector", "unit", "county", "city", "committee",
          "regulator", "safety_other", "inspector_other", "county_other", "regulator_other"}


def test_exports_page_matrix(client, people):
    url = reverse("hazards:exports")
    assert client.get(url).status_code == 302
    actual = {who: (client.force_login(user), client.get(url).status_code)[1] for who, user in people.items()}
    assert actual == {who: 200 if who in LEDGER else 404 for who in people}


def test_exports_page_carries_the_filters_and_lists_the_nodes(client, org, people):
    client.force_login(people["county"])
    page = client.get(reverse("hazards:exports"), {"state": HazardState.CLOSED, "q": "配电"}).content.decode()
    assert f'name="node" value="{org.county_a1.pk}"' in page
    assert 'name="state" value="closed"' in page and 'name="q" value="配电"' in page
    assert "状态：已销号" in page


def test_exports_page_shows_the_unit_its_statistics_due_dates(client, org, people):
    client.force_login(people["head"])
    page = client.get(reverse("hazards:exports")).content.decode()
    periods = recent_periods()
    for period in periods:
        assert f'data-period="{period.slug}"' in page
    quarter = next(period for period in periods if period.quarter)
    due = quarter.due(HazardProgramme.objects.for_unit(org.unit_a1a))
    assert f"报送期限：{due.year}年{due.month}月{due.day}日前" in page
    # County staff oversee many units: the page does not list each one's table.
    client.force_login(people["county"])
    assert "data-period" not in client.get(reverse("hazards:exports")).content.decode()


def _links(user, hazard, plan=None) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("hazards/_export_links.html", {"hazard": hazard, "plan": plan}, request=request)


def test_export_links_follow_the_hazard_and_the_role(people, org):
    registered = report(people, org)
    assert "export/notice" not in _links(people["safety"], registered)
    general = accept(report(people, org), people)
    html = _links(people["safety"], general)
    assert reverse("hazards:export_notice", args=[general.pk]) in html and "major-report" not in html
    assert "export/notice" not in _links(people["worker"], general)  # the finder alone: no forms
    major = walk(people, org, HazardState.RECTIFYING, level=HazardLevel.MAJOR)
    html = _links(people["head"], major, plan=major.plan)
    assert reverse("hazards:export_major_report", args=[major.pk]) in html
    assert reverse("hazards:export_plan", args=[major.pk]) in html


def test_recent_periods_are_in_order():
    assert recent_periods(datetime.date(2026, 12, 31))[-1].quarter == 4
