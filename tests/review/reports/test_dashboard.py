"""The statistics dashboard: figures aggregated in the database, per scope, in a constant number of queries."""

import json
import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from review.reports.dashboard import chart_data, dashboard
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from submissions.scoping import entries_for_user
from tests.factories import recommended_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(people, campaign):
    """Entries across both cities, tiers, states, industries, categories and scores."""
    industries = list(campaign.industries.order_by("order"))
    categories = list(campaign.hazard_categories.order_by("order"))
    made = [
        recommended_entry(people["worker"], campaign, assessor=people["unit"], industry=industries[0],
                          category=categories[0], values={"l": "1", "e": "1", "c": "15", "x": "0.98", "y": "0.98"}),
        recommended_entry(people["worker_a0"], campaign, assessor=people["unit_a0"], industry=industries[13],
                          category=categories[1], values={"l": "2", "e": "2", "c": "25", "x": "1", "y": "1"}),
        recommended_entry(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.SELECTION,
                          rectified_photos=0, industry=industries[0], category=categories[1]),
        recommended_entry(people["worker"], campaign, state=EntryState.SUBMITTED, tier=Tier.UNIT),
        recommended_entry(people["worker"], campaign, state=EntryState.WITHDRAWN, tier=Tier.UNIT),
        recommended_entry(people["worker"], campaign, state=EntryState.DRAFT, tier=Tier.UNIT),
        recommended_entry(people["worker_b"], campaign, assessor=people["unit_b"]),
    ]
    Entry.objects.filter(pk=made[0].pk).update(submitted_at=timezone.now() - timedelta(days=2))
    return made


def figures_for(user, campaign):
    return dashboard(entries_for_user(user, campaign).exclude(state=EntryState.DRAFT), campaign)


def test_committee_figures_cover_the_province(spread, people, campaign, org):
    figures = figures_for(people["committee"], campaign)
    totals = figures["totals"]
    assert totals["entries"] == 5  # drafts and the withdrawn entry are left out
    assert (totals["units"], totals["authors"], totals["rectified"], totals["recommended"]) == (3, 3, 4, 3)
    assert totals["rectification_rate"] == 80.0
    assert totals["scored"] == 3
    unions = {row["selection_union__name"]: row for row in figures["unions"]}
    assert unions["甲市总工会"]["count"] == 4 and unions["甲市总工会"]["rectified"] == 3
    assert unions["甲市总工会"]["recommended"] == 2 and unions["甲市总工会"]["rate"] == 75.0
    assert unions["乙市总工会"]["count"] == 1
    industries = {row["label"]: row["count"] for row in figures["industries"]}
    assert industries["煤矿"] == 4 and industries["新业态（快递员）"] == 1
    assert {row["label"]: row["count"] for row in figures["categories"]} == {"人的不安全行为": 3, "物的不安全状态": 2}
    histogram = {row["label"]: row["count"] for row in figures["histogram"]}
    assert histogram["10–15"] == 1 and histogram["95–100"] == 1  # 14.406 and 100
    assert sum(histogram.values()) == 3
    assert len(histogram) == 18
    assert [row["count"] for row in figures["days"]] == [1, 4]
    assert [row["cumulative"] for row in figures["days"]] == [1, 5]
    progress = {row["tier"]: dict(zip([state for state, _label in figures["states"]], row["counts"], strict=True))
                for row in figures["progress"]}
    # The withdrawn entry is not in the tier chart: its totals add up to the 作品数 card.
    assert progress[Tier.UNIT] == {**dict.fromkeys(progress[Tier.UNIT], 0), "submitted": 1}
    assert "withdrawn" not in progress[Tier.UNIT]
    assert sum(row["total"] for row in figures["progress"]) == totals["entries"]
    assert figures["withdrawn"] == 1
    chart = chart_data(figures)["progress"]
    assert sum(sum(dataset["data"]) for dataset in chart["datasets"]) == totals["entries"]
    assert progress[Tier.SELECTION]["unit_recommended"] == 1
    assert progress[Tier.PROVINCE]["province_recommended"] == 3
    deadline = figures["progress"][Tier.SELECTION]["deadline"]
    assert deadline["open"] and deadline["ends_at"] == campaign.phases.get(kind="recommendation").ends_at


def test_a_city_sees_its_own_subtree_and_a_county_its_own_scope(spread, people, campaign):
    city = figures_for(people["city"], campaign)
    assert city["totals"]["entries"] == 3  # the entry still at the unit is not the city's yet
    assert [row["selection_union__name"] for row in city["unions"]] == ["甲市总工会"]
    other = figures_for(people["city_other"], campaign)
    assert other["totals"]["entries"] == 1
    county = figures_for(people["county"], campaign)
    assert county["totals"]["entries"] == 2  # unit A1a's entries past the unit tier


def test_the_page_passes_chart_data_as_json_and_has_no_inline_script(client, spread, people):
    client.force_login(people["committee"])
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    for attributes, body in scripts:
        if 'type="application/json"' in attributes:
            continue
        assert "src=" in attributes and not body.strip(), attributes
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html
    assert "reports/js/dashboard.js" in html
    data = json.loads(re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert set(data) == {"overTime", "byUnion", "byIndustry", "byCategory", "rectification", "histogram", "progress"}
    assert data["rectification"]["data"] == [4, 1]
    assert sum(data["histogram"]["data"]) == 3


def test_the_committee_may_narrow_to_one_union_and_bad_input_is_ignored(client, spread, people, org):
    client.force_login(people["committee"])
    response = client.get(reverse("reports:dashboard"), {"union": org.city_b.pk})
    assert response.context["figures"]["totals"]["entries"] == 1
    for bad in ("abc", "999999", org.unit_a1a.pk):
        response = client.get(reverse("reports:dashboard"), {"union": bad})
        assert response.status_code == 200
        assert response.context["figures"]["totals"]["entries"] == 5
    client.force_login(people["city"])
    response = client.get(reverse("reports:dashboard"), {"union": org.city_b.pk})
    assert response.context["figures"]["totals"]["entries"] == 3  # not its union: the filter is dropped


@pytest.mark.parametrize(("url_name", "who"), [
    ("reports:dashboard", "committee"), ("reports:dashboard", "city"), ("reports:dashboard", "county"),
    ("reports:entries", "committee"), ("reports:entries", "city"),
    ("reports:statistics", "committee"), ("reports:statistics", "city"),
    ("exports:index", "committee"), ("exports:index", "city"),
])
def test_pages_use_the_same_number_of_queries_for_one_and_three_entries(client, people, campaign,
                                                                        django_assert_num_queries, url_name, who):
    client.force_login(people[who])
    url = reverse(url_name)
    recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"],
                      unit_score=Decimal("40"))
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    recommended_entry(people["worker_a0"], campaign, assessor=people["unit_a0"], grader=people["city"])
    recommended_entry(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.SELECTION)
    with django_assert_num_queries(len(one)):
        assert client.get(url).status_code == 200


def test_the_page_names_the_withdrawn_entries_and_labels_every_figure_for_phones(client, spread, people):
    client.force_login(people["committee"])
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-withdrawn="1"' in html and "另有 1 件作品已撤回，不计入统计。" in html
    # On a phone (static/reports/css/reports.css) each row of these tables becomes a block and every
    # figure is shown under its data-label.
    assert html.count("table-stack") == 2
    tier_row = re.search(r'<tr data-tier="0">(.*?)</tr>', html, re.S)[1]
    assert re.findall(r"<td(?! data-label=)", tier_row) == []
    assert 'data-label="已提交，待单位审核"' in tier_row and 'data-label="截止时间"' in tier_row
    union_row = re.search(r"<tr data-union=\"\d+\">(.*?)</tr>", html, re.S)[1]
    assert 'data-label="整改率"' in union_row


def test_totals_of_the_one_pass_equal_the_aggregates_over_a_random_spread(people, campaign):
    # On PostgreSQL the dashboard counts in one pass (_grouped_postgresql); on SQLite with the ORM's
    # aggregates. Either way the totals must equal the plain aggregates below.
    from review.reports.dashboard import dashboard
    from review.reports.hazard_counts import rectified_condition

    rng = random.Random(14)
    pairs = [("worker", "unit"), ("worker_a0", "unit_a0"), ("worker_b", "unit_b")]
    states = [(EntryState.SUBMITTED, Tier.UNIT), (EntryState.UNIT_RECOMMENDED, Tier.SELECTION),
              (EntryState.WITHDRAWN, Tier.UNIT), (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE),
              (EntryState.DRAFT, Tier.UNIT)]
    # An author and a unit whose only entry is withdrawn: counted in neither `units` nor `authors`.
    recommended_entry(people["worker_ga"], campaign, hazard_photos=0, rectified_photos=0,
                      state=EntryState.WITHDRAWN, tier=Tier.UNIT)
    for _ in range(14):
        worker, unit = rng.choice(pairs)
        state, tier = rng.choice(states)
        assessed = state not in (EntryState.DRAFT, EntryState.WITHDRAWN) and rng.random() < 0.6
        recommended_entry(people[worker], campaign, assessor=people[unit] if assessed else None,
                          hazard_photos=0, rectified_photos=0, has_rectification_photos=rng.random() < 0.5,
                          state=state, tier=tier)
    for who in ("committee", "city", "county"):
        visible = entries_for_user(people[who], campaign).exclude(state=EntryState.DRAFT)
        totals = dashboard(visible, campaign)["totals"]
        totals.pop("rectification_rate")
        expected = visible.exclude(state=EntryState.WITHDRAWN).aggregate(
            entries=Count("id"), units=Count("unit", distinct=True), authors=Count("author", distinct=True),
            rectified=Count("id", filter=rectified_condition()), scored=Count("unit_score"),
            recommended=Count("id", filter=Q(tier__gte=Tier.PROVINCE)))
        assert totals == expected, who
