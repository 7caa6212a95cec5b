from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.accounts.navigation import ROLE_HOMES
from portal.campaigns.models import Campaign
from review.experts.services import declare_conflict
from scoring.views import RANKING_PAGE_SIZE
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.factories import make_entry, make_user
from tests.factories.scoring import score

pytestmark = pytest.mark.django_db

URL = "/scoring/ranking/"
T0 = timezone.now() - timedelta(days=10)


def ranking(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def ranked_ids(response):
    return [(row.rank, row.entry.pk) for row in response.context["page"].object_list]


def test_ranking_url_and_navigation_links():
    assert reverse("scoring:ranking") == URL
    for kind in (RoleKind.UNIT, RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE):
        assert any(link.url_name == "scoring:ranking" and link.url == URL for link in ROLE_HOMES[kind].links)
    for kind in (RoleKind.WORKER, RoleKind.EXPERT):
        assert all(link.url_name != "scoring:ranking" for link in ROLE_HOMES[kind].links)


@pytest.mark.parametrize(("role", "status"), [
    ("unit", 200), ("county", 200), ("city", 200), ("industry", 200), ("committee", 200),
    ("worker", 404), ("expert", 404),
])
def test_ranking_access_by_role(client, users, campaign, role, status):
    client.force_login(users[role])
    assert client.get(URL).status_code == status


def test_ranking_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


@pytest.fixture
def tied(users, entry_at):
    """Entries made in an order unrelated to their rank; see the test for the expected order."""
    def entry(minutes, *values, **fields):
        made = entry_at(Tier.SELECTION, submitted_at=T0 + timedelta(minutes=minutes), **fields)
        if values:
            score(made, users["unit"], Tier.UNIT, *values)
        return made

    made = {}
    made["unscored_late"] = entry(90)
    made["c15"] = entry(1, "2", "2", "15", "1", "1")              # D 60, C 15
    made["c25_l2_late"] = entry(50, "2", "1.2", "25", "1", "1")   # D 60, C 25, L 2, submitted later
    made["c25_l2_same_time"] = entry(50, "2", "1.2", "25", "1", "1")  # ... same time, larger id
    made["c20"] = entry(2, "1.5", "2", "20", "1", "1")            # D 60, C 20
    made["c25_l15"] = entry(3, "1.5", "1.6", "25", "1", "1")      # D 60, C 25, L 1.5
    made["c25_l2_early"] = entry(40, "2", "1.2", "25", "1", "1")  # D 60, C 25, L 2, submitted earlier
    made["top"] = entry(99, "2", "2", "25", "1", "1")             # D 100
    made["unscored_early"] = entry(80)
    return made


def test_ranking_tie_breaks_are_visible_in_order(client, users, tied):
    response = ranking(client, users["city"])
    expected = ["top", "c25_l2_early", "c25_l2_late", "c25_l2_same_time", "c25_l15", "c20", "c15",
                "unscored_early", "unscored_late"]
    assert ranked_ids(response) == [
        (rank, tied[name].pk) for rank, name in zip([1, 2, 3, 4, 5, 6, 7, None, None], expected, strict=True)]
    html = response.content.decode()
    # In the page too, in the same order, with D shown to 3 decimals.
    positions = [html.index(f'data-entry="{tied[name].pk}"') for name in expected]
    assert positions == sorted(positions)
    assert "100.000" in html and "60.000" in html and "未评价" in html


def test_ranking_the_same_for_every_reviewer_in_scope(client, users, tied):
    for role in ("unit", "county", "city", "committee"):
        assert [pk for _, pk in ranked_ids(ranking(client, users[role]))][:2] == [tied["top"].pk,
                                                                                  tied["c25_l2_early"].pk]


def test_ranking_city_reviewer_never_sees_another_city(client, users, org, campaign, entry_at):
    ours = entry_at(Tier.SELECTION)
    score(ours, users["unit"], Tier.UNIT, "1", "1", "15", "0.98", "0.98")
    worker_b = make_user(RoleKind.WORKER, org.unit_b1a)
    theirs = make_entry(worker_b, campaign=campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    score(theirs, make_user(RoleKind.UNIT, org.unit_b1a), Tier.UNIT, "2", "2", "25", "1", "1")
    worker_g = make_user(RoleKind.WORKER, org.unit_ga)
    industry_entry = make_entry(worker_g, campaign=campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)

    assert ranked_ids(ranking(client, users["city"])) == [(1, ours.pk)]
    assert ranked_ids(ranking(client, users["city_other"])) == [(1, theirs.pk)]
    assert ranked_ids(ranking(client, users["industry"])) == [(None, industry_entry.pk)]
    assert {pk for _, pk in ranked_ids(ranking(client, users["committee"]))} == {ours.pk, theirs.pk,
                                                                                 industry_entry.pk}


def test_ranking_county_sees_only_forwarded_entries(client, users, entry_at):
    entry_at(Tier.UNIT)
    forwarded = entry_at(Tier.FIRST_REVIEW)
    assert ranked_ids(ranking(client, users["county"])) == [(None, forwarded.pk)]
    assert len(ranked_ids(ranking(client, users["unit"]))) == 2


def test_ranking_leaves_out_drafts_withdrawn_and_other_campaigns(client, users, entry_at):
    listed = entry_at(Tier.UNIT)
    entry_at(Tier.UNIT, state=EntryState.DRAFT)
    entry_at(Tier.UNIT, state=EntryState.WITHDRAWN)
    old = Campaign.objects.create(slug="suishoupai-3", title="第三届", year=2024)
    make_entry(users["worker"], campaign=old, state=EntryState.SUBMITTED)
    for role in ("unit", "committee"):
        assert ranked_ids(ranking(client, users[role])) == [(None, listed.pk)]


def test_ranking_committee_uses_mean_expert_score_when_present(client, users, org, entry_at):
    by_experts = entry_at(Tier.PROVINCE)
    score(by_experts, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")                # unit D 100
    experts = [make_user(RoleKind.EXPERT, org.industry) for _ in range(2)]
    score(by_experts, experts[0], Tier.PROVINCE, "1.5", "2", "20", "1", "1")             # 60
    score(by_experts, experts[1], Tier.PROVINCE, "1", "2", "20", "1", "1")               # 40 → mean 50
    by_unit = entry_at(Tier.PROVINCE)
    score(by_unit, users["unit"], Tier.UNIT, "1.5", "1.6", "25", "1", "1")               # unit D 60

    response = ranking(client, users["committee"])
    rows = response.context["page"].object_list
    assert [(row.rank, row.entry.pk, row.d, row.basis) for row in rows] == [
        (1, by_unit.pk, Decimal("60"), "unit"), (2, by_experts.pk, Decimal("50"), "experts")]
    assert rows[1].expert_count == 2
    assert rows[1].c_display == "20" and rows[1].l_display == "1.25"
    assert "专家平均" in response.content.decode()
    # An expert who then declares a conflict no longer counts: the mean is the other expert's 40.
    declare_conflict(by_experts, actor=experts[0], reason="与申报单位有利害关系")
    rows = ranking(client, users["committee"]).context["page"].object_list
    assert [(row.entry.pk, row.d, row.expert_count) for row in rows] == [
        (by_unit.pk, Decimal("60"), 0), (by_experts.pk, Decimal("40"), 1)]
    # Below the province, expert scores never change the order.
    rows = ranking(client, users["city"]).context["page"].object_list
    assert [(row.entry.pk, row.d) for row in rows] == [(by_experts.pk, Decimal("100")), (by_unit.pk, Decimal("60"))]


def test_ranking_filters_by_category_and_industry(client, users, campaign, entry_at):
    categories = list(campaign.hazard_categories.all()[:2])
    industries = list(campaign.industries.all()[:2])
    first, second = entry_at(), entry_at()
    Entry.objects.filter(pk=first.pk).update(category=categories[0], industry=industries[0])
    Entry.objects.filter(pk=second.pk).update(category=categories[1], industry=industries[1])
    assert ranked_ids(ranking(client, users["unit"], category=categories[1].pk)) == [(None, second.pk)]
    assert ranked_ids(ranking(client, users["unit"], industry=industries[0].pk)) == [(None, first.pk)]
    assert ranked_ids(ranking(client, users["unit"], category=categories[0].pk, industry=industries[1].pk)) == []
    # Unknown or malformed filter values are ignored, never a 500.
    for bad in ("abc", "999999", "99999999999999999999999", "<script>"):
        assert len(ranked_ids(ranking(client, users["unit"], category=bad, industry=bad))) == 2


def test_ranking_paginates_fifty_per_page(client, users, entry_at):
    entries = [entry_at(submitted_at=T0 + timedelta(minutes=index)) for index in range(RANKING_PAGE_SIZE + 2)]
    score(entries[-1], users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    page1 = ranking(client, users["unit"])
    assert len(page1.context["page"].object_list) == RANKING_PAGE_SIZE
    assert ranked_ids(page1)[0] == (1, entries[-1].pk)
    page2 = ranking(client, users["unit"], page=2)
    assert [pk for _, pk in ranked_ids(page2)] == [entries[-3].pk, entries[-2].pk]
    assert ranked_ids(ranking(client, users["unit"], page="abc")) == ranked_ids(page1)
    assert ranked_ids(ranking(client, users["unit"], page=99)) == ranked_ids(page2)
    assert "page=2" in page1.content.decode()


def test_ranking_empty_state(client, users, campaign):
    response = ranking(client, users["city"])
    assert "您的范围内还没有可排名的作品。" in response.content.decode()
    Campaign.objects.update(is_current=False)
    assert "当前没有进行中的活动。" in ranking(client, users["city"]).content.decode()


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("role", ["city", "committee"])
def test_ranking_query_count_does_not_grow_with_entries(client, users, org, entry_at, django_assert_num_queries,
                                                        role, count):
    expert = make_user(RoleKind.EXPERT, org.industry)
    for _ in range(count):
        entry = entry_at(Tier.PROVINCE)
        score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
        score(entry, expert, Tier.PROVINCE, "1.5", "2", "25", "1", "1")
    client.force_login(users[role])
    # session, user, roles, current campaign, the ranking's counts and page (ids in order, entries, assessments),
    # notification badge, categories, industries, footer campaign (+ its phases); the committee also reads the
    # award quotas for the cut-off lines. The same whether there are 1 or 3 entries.
    with django_assert_num_queries(14 if role == "committee" else 13):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == count


EXPECTED = ["top", "c25_l2_early", "c25_l2_late", "c25_l2_same_time", "c25_l15", "c20", "c15",
            "unscored_early", "unscored_late"]


def test_ranking_pages_continue_the_ranks_of_the_previous_page(client, users, tied, monkeypatch):
    monkeypatch.setattr("scoring.views.RANKING_PAGE_SIZE", 3)
    pages = [ranked_ids(ranking(client, users["city"], page=number)) for number in (1, 2, 3)]
    assert [row for page in pages for row in page] == [
        (rank, tied[name].pk) for rank, name in zip([1, 2, 3, 4, 5, 6, 7, None, None], EXPECTED, strict=True)]
    response = ranking(client, users["city"], page=99)  # past the end: the last page, as before
    assert ranked_ids(response) == pages[2]
    assert response.context["total"] == 9 and response.context["ranked"] == 7


def test_ranking_search_shows_the_rank_in_the_whole_ranking(client, users, tied, monkeypatch):
    monkeypatch.setattr("scoring.views.RANKING_PAGE_SIZE", 2)
    entry = tied["c20"]
    for query in (entry.code, str(entry.pk)):
        response = ranking(client, users["city"], q=query)
        assert ranked_ids(response) == [(6, entry.pk)]
        assert response.context["total"] == 9  # the counters stay those of the whole ranking
    Entry.objects.filter(pk__in=[tied["c15"].pk, tied["unscored_late"].pk]).update(title="独有标题甲乙丙")
    response = ranking(client, users["city"], q="甲乙丙")
    assert ranked_ids(response) == [(7, tied["c15"].pk), (None, tied["unscored_late"].pk)]
    assert "显示全部" in response.content.decode()
    assert ranked_ids(ranking(client, users["city"], q="没有这个作品")) == []


def test_ranking_committee_sees_the_award_quota_lines(client, users, campaign, tied):
    levels = list(campaign.award_levels.filter(kind="work").order_by("rank", "pk"))
    campaign.award_levels.filter(kind="work").update(count=0)
    for level, count in zip(levels, [1, 3], strict=False):
        level.count = count
        level.save(update_fields=["count"])
    response = ranking(client, users["committee"])
    cutoffs = response.context["cutoffs"]
    assert [(cutoff["rank"], cutoff["page"]) for cutoff in cutoffs] == [(1, 1), (4, 1)]
    rows = response.context["page"].object_list
    assert [row.rank for row in rows if row.cutoff] == [1, 4]
    assert response.content.decode().count("data-cutoff-line") == 2
    assert "cutoffs" in ranking(client, users["city"]).context and not ranking(client, users["city"]).context["cutoffs"]


def test_ranking_sequence_slices_agree_with_the_whole(users, campaign, tied):
    from scoring.selectors import ranking_rows, search_entries

    entries = Entry.objects.filter(campaign=campaign)
    rows = ranking_rows(entries, use_experts=False)
    whole = [(row.rank, row.entry.pk) for row in rows]
    assert len(rows) == 9 and rows.ranked_count == 7
    assert [(row.rank, row.entry.pk) for row in rows[2:5]] == whole[2:5]
    assert (rows[-1].rank, rows[-1].entry.pk) == whole[-1]
    found = rows.within(search_entries(entries, tied["c25_l15"].code))
    assert [(row.rank, row.entry.pk) for row in found] == [(5, tied["c25_l15"].pk)]
