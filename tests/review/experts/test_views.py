"""The expert and committee pages: permission matrix for every URL, what each page shows, bad input, and
constant query counts."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.campaigns.enums import AwardKind
from review.experts import services
from review.experts.models import FinalAward, OrganisationAward
from submissions.enums import EntryState, Tier
from submissions.models import Entry, ExpertAssignment
from tests.factories import add_plain_photos, assign, at_province, make_entry, make_expert
from tests.factories.experts import score

pytestmark = pytest.mark.django_db

OK, MOVED, LOGIN, GONE, DENIED, NOPE = "200", "302", "login", "404", "403", "405"
ROLES = ("anonymous", "worker", "city", "expert_assigned", "expert_other", "expert_same_city", "committee")
USERS = {"worker": "worker", "city": "city", "expert_assigned": "expert_b", "expert_other": "expert_i",
         "expert_same_city": "expert_a", "committee": "committee"}


@pytest.fixture
def world(people, campaign):
    """Entry E of city A in the provincial review, with photos; expert_b assigned; an organisation award."""
    entry = make_entry(people["worker"], campaign=campaign)
    photos = add_plain_photos(entry, people["worker"])
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                                             has_rectification_photos=True)
    entry.refresh_from_db()
    assignment = assign(entry, people["expert_b"])
    award = OrganisationAward.objects.create(campaign=campaign, union=entry.selection_union)
    return {"E": entry.pk, "P": photos[0].pk, "A": assignment.pk, "O": award.pk,
            "free": people["expert_free"].pk}


#   method, url,                                              body,                     anonymous worker city  assigned other same  committee
MATRIX = [
    ("get",  "/experts/",                                      None,                     LOGIN, GONE,  GONE,  OK,    OK,   OK,   GONE),
    ("get",  "/experts/entries/{E}/",                          None,                     LOGIN, GONE,  GONE,  OK,    GONE, GONE, GONE),
    ("post", "/experts/entries/{E}/conflict/",                 {"reason": "认识作者"},     LOGIN, GONE,  GONE,  MOVED, GONE, GONE, GONE),
    ("get",  "/experts/entries/{E}/conflict/",                 None,                     LOGIN, NOPE,  NOPE,  NOPE,  NOPE, NOPE, NOPE),
    ("get",  "/experts/entries/999999/",                       None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, GONE),
    ("get",  "/experts/panel/",                                None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, OK),
    ("get",  "/experts/assignments/",                          None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, OK),
    ("post", "/experts/assignments/auto/",                     {},                       LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("get",  "/experts/assignments/auto/",                     None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, NOPE),
    ("get",  "/experts/assignments/entries/{E}/",              None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, OK),
    ("post", "/experts/assignments/entries/{E}/",              {"expert": "{free}", "reason": "x"},
                                                                                         LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("get",  "/experts/assignments/entries/999999/",           None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, GONE),
    ("post", "/experts/assignments/{A}/remove/",               {"reason": "x"},          LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("get",  "/experts/dashboard/",                            None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, OK),
    ("get",  "/experts/dashboard/?threshold=abc&show=x&page=-3", None,                   LOGIN, GONE,  GONE,  GONE,  GONE, GONE, OK),
    ("post", "/experts/awards/propose/",                       {},                       LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("post", "/experts/awards/confirm/",                       {},                       LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("get",  "/experts/awards/entries/{E}/",                   None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, OK),
    ("post", "/experts/awards/entries/{E}/",                   {"level": "none", "reason": "x"},
                                                                                         LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("get",  "/experts/organisation/",                         None,                     LOGIN, GONE,  GONE,  GONE,  GONE, GONE, OK),
    ("post", "/experts/organisation/propose/",                 {},                       LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("post", "/experts/organisation/confirm-all/",             {},                       LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("post", "/experts/organisation/{O}/",                     {"o{O}-level": "none", "o{O}-reason": "x"},
                                                                                         LOGIN, GONE,  GONE,  GONE,  GONE, GONE, MOVED),
    ("get",  "/files/blind-original/{P}/",                     None,                     GONE,  GONE,  GONE,  OK,    GONE, GONE, OK),
    ("get",  "/files/photo/{P}/thumbnail/",                    None,                     GONE,  OK,    OK,    OK,    GONE, GONE, OK),
    ("get",  "/files/photo/{P}/original/",                     None,                     GONE,  OK,    OK,    GONE,  GONE, GONE, OK),
    ("get",  "/scoring/entries/{E}/assess/province/",          None,                     LOGIN, DENIED, DENIED, OK,  GONE, GONE, DENIED),
    ("get",  "/submissions/{E}/",                              None,                     LOGIN, OK,    OK,    GONE,  GONE, GONE, OK),
]


class Rollback(Exception):
    pass


def outcome(response) -> str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return str(response.status_code)


def attempt(client, user, method, url, body) -> str:
    try:
        with transaction.atomic():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url, body) if body is not None else getattr(client, method)(url)
            raise Rollback(outcome(response))
    except Rollback as result:
        return result.args[0]


def fill(template, ids):
    return template.format(**ids) if isinstance(template, str) else template


@pytest.mark.parametrize(("method", "url", "body", "expected"), [(*row[:3], row[3:]) for row in MATRIX],
                         ids=[f"{row[0]} {row[1]}" for row in MATRIX])
def test_permission_matrix(client, people, world, method, url, body, expected):
    url = fill(url, world)
    body = {fill(key, world): fill(value, world) for key, value in body.items()} if body is not None else None
    got = {}
    for role in ROLES:
        user = None if role == "anonymous" else people[USERS[role]]
        got[role] = attempt(client, user, method, url, body)
    assert got == dict(zip(ROLES, expected, strict=True))


# --- the expert's pages -----------------------------------------------------------------------------------


def test_my_assignments_shows_progress_and_codes(client, people, campaign):
    entries = [at_province(people["worker"], campaign) for _ in range(3)]
    for entry in entries:
        assign(entry, people["expert_b"])
    score(entries[1], people["expert_b"], "60")
    client.force_login(people["expert_b"])
    response = client.get(reverse("experts:my_assignments"))
    html = response.content.decode()
    assert "已评 1/3" in html
    for entry in entries:
        assert entry.code in html
    assert people["worker"].get_full_name() not in html


def test_other_experts_scores_appear_only_after_submitting_ones_own(client, people, entry):
    assign(entry, people["expert_b"])
    assign(entry, people["expert_i"])
    score(entry, people["expert_i"], "100")  # D = 100.000
    client.force_login(people["expert_b"])
    url = reverse("experts:entry", args=[entry.pk])
    before = client.get(url)
    assert before.context["stats"] is None and "100.000" not in before.content.decode()
    assert "提交您的评分后才能看到" in before.content.decode()
    score(entry, people["expert_b"], "40")
    after = client.get(url)
    html = after.content.decode()
    assert "100.000" in html and "40.000" in html and "专家1" in html
    assert people["expert_i"].get_full_name() not in html  # other experts stay anonymous


def test_the_score_button_goes_to_the_scoring_form_only_while_the_review_is_open(client, people, campaign, entry):
    from django.utils import timezone

    from tests.factories import close_expert_review

    assign(entry, people["expert_b"])
    client.force_login(people["expert_b"])
    assess_url = reverse("scoring:assess", args=[entry.pk, Tier.PROVINCE])
    assert assess_url in client.get(reverse("experts:entry", args=[entry.pk])).content.decode()
    close_expert_review(campaign, timezone.now())
    html = client.get(reverse("experts:entry", args=[entry.pk])).content.decode()
    assert assess_url not in html and "已截止" in html
    assert client.get(assess_url).status_code == 403


def test_saving_a_score_returns_the_expert_to_their_blind_entry_page(client, people, entry):
    assign(entry, people["expert_b"])
    client.force_login(people["expert_b"])
    response = client.post(reverse("scoring:assess", args=[entry.pk, Tier.PROVINCE]),
                           {"l": "2", "e": "1.8", "c": "22", "x": "0.99", "y": "0.99", "comment": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("experts:entry", args=[entry.pk])
    assert "价值评价已保存：D = 77.624" in client.get(response["Location"]).content.decode()


def test_declaring_a_conflict_on_the_page(client, people, entry):
    assign(entry, people["expert_b"])
    client.force_login(people["expert_b"])
    url = reverse("experts:declare_conflict", args=[entry.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302 and response["Location"] == reverse("experts:entry", args=[entry.pk])
    assert ExpertAssignment.objects.active().filter(expert=people["expert_b"]).exists()
    response = client.post(url, {"reason": "x" * 501})
    assert ExpertAssignment.objects.active().filter(expert=people["expert_b"]).exists()
    response = client.post(url, {"reason": "作者是我的同事"})
    assert response["Location"] == reverse("experts:my_assignments")
    assert not ExpertAssignment.objects.active().filter(expert=people["expert_b"]).exists()
    # A replacement was assigned straight away.
    assert ExpertAssignment.objects.active().filter(entry=entry).count() == 1


# --- the committee's pages ----------------------------------------------------------------------------------


def test_dashboard_shows_spread_and_flags_disagreement_with_a_configurable_threshold(client, people, entry):
    for who, key in (("expert_b", "100"), ("expert_i", "60")):
        assign(entry, people[who])
        score(entry, people[who], key)
    client.force_login(people["committee"])
    response = client.get(reverse("experts:dashboard"))
    row = response.context["page"].object_list[0]
    assert (row.count, row.mean_display, row.median_display, row.spread_display) == (2, "80.000", "80.000", "40.000")
    assert row.flagged and row.rank == 1
    assert "分歧较大" in response.content.decode()
    relaxed = client.get(reverse("experts:dashboard"), {"threshold": "40"})
    assert not relaxed.context["page"].object_list[0].flagged  # strictly greater than the threshold
    flagged_only = client.get(reverse("experts:dashboard"), {"show": "flagged", "threshold": "40"})
    assert list(flagged_only.context["page"].object_list) == []


def test_auto_assign_button_reports_a_shortfall(client, people, campaign, entry):
    campaign.experts_per_entry = 4
    campaign.save()
    client.force_login(people["committee"])
    response = client.post(reverse("experts:auto_assign"), follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]]
    assert any("新增3项" in text for text in texts)
    assert any("不足" in text for text in texts)
    assert ExpertAssignment.objects.active().filter(entry=entry).count() == 3


def test_assignment_page_offers_only_eligible_experts(client, people, entry):
    assign(entry, people["expert_b"])
    client.force_login(people["committee"])
    response = client.get(reverse("experts:assignment_detail", args=[entry.pk]))
    offered = set(response.context["form"].fields["expert"].queryset)
    assert offered == {people["expert_i"], people["expert_free"]}  # not expert_a (city A), not expert_b (assigned)
    bad = client.post(reverse("experts:assignment_detail", args=[entry.pk]),
                      {"expert": people["expert_a"].pk, "reason": "x"})
    assert bad.status_code == 200 and not ExpertAssignment.objects.filter(expert=people["expert_a"]).exists()


def test_award_edit_with_bad_input_is_refused_without_an_error_page(client, people, campaign, entry):
    client.force_login(people["committee"])
    url = reverse("experts:award_edit", args=[entry.pk])
    for body in ({"level": "abc", "reason": "x"}, {"level": "none", "reason": ""}, {}):
        response = client.post(url, body)
        assert response.status_code == 200
    assert not FinalAward.objects.exists()
    level = campaign.award_levels.get(kind=AwardKind.WORK, name="二等奖")
    response = client.post(url, {"level": str(level.pk), "reason": "画面质量特别好"})
    assert response.status_code == 302
    assert FinalAward.objects.get(entry=entry).level == level


def test_organisation_page_prints_the_weights(client, people, campaign):
    client.force_login(people["committee"])
    html = client.get(reverse("experts:organisation_awards")).content.decode()
    assert "提交作品数（每件）：0.1" in html and "参加单位数（每个）：0.5" in html


def test_the_panel_lists_experts_with_their_load(client, people, entry):
    assign(entry, people["expert_b"])
    client.force_login(people["committee"])
    response = client.get(reverse("experts:panel"))
    rows = {row.expert.pk: row for row in response.context["rows"]}
    assert rows[people["expert_b"].pk].active == 1 and rows[people["expert_i"].pk].active == 0
    assert [node.name for node in rows[people["expert_a"].pk].ties] == ["甲市总工会"]


# --- constant query counts ----------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _scored_entry(people, campaign):
    entry = at_province(people["worker"], campaign)
    for who, key in (("expert_b", "80"), ("expert_i", "60")):
        assign(entry, people[who])
        score(entry, people[who], key)
    return entry


@pytest.mark.parametrize("url_name", ["experts:dashboard", "experts:assignments"])
def test_committee_lists_use_the_same_queries_for_one_and_three_entries(client, people, campaign, url_name,
                                                                         django_assert_num_queries):
    _scored_entry(people, campaign)
    services.propose_awards(campaign, actor=people["committee"])
    client.force_login(people["committee"])
    url = reverse(url_name)
    one = count_queries(client, url)
    _scored_entry(people, campaign)
    _scored_entry(people, campaign)
    services.propose_awards(campaign, actor=people["committee"])
    with django_assert_num_queries(one):
        client.get(url)


def test_my_assignments_uses_the_same_queries_for_one_and_three(client, people, campaign, django_assert_num_queries):
    assign(at_province(people["worker"], campaign), people["expert_b"])
    client.force_login(people["expert_b"])
    url = reverse("experts:my_assignments")
    one = count_queries(client, url)
    for _ in range(2):
        entry = at_province(people["worker"], campaign)
        assign(entry, people["expert_b"])
        score(entry, people["expert_b"], "60")
    with django_assert_num_queries(one):
        client.get(url)


def test_panel_uses_the_same_queries_for_one_and_three_experts(client, org, people, campaign,
                                                              django_assert_num_queries):
    for who in ("expert_i", "expert_free", "expert_a"):
        people[who].is_active = False
        people[who].save()
    client.force_login(people["committee"])
    url = reverse("experts:panel")
    one = count_queries(client, url)
    make_expert(org.industry)
    make_expert(None)
    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["rows"]) == 3


def test_organisation_page_uses_the_same_queries_for_one_and_three_rows(client, org, people, campaign,
                                                                       django_assert_num_queries):
    client.force_login(people["committee"])
    OrganisationAward.objects.create(campaign=campaign, union=org.city_a)
    url = reverse("experts:organisation_awards")
    one = count_queries(client, url)
    OrganisationAward.objects.create(campaign=campaign, union=org.city_b)
    OrganisationAward.objects.create(campaign=campaign, union=org.industry)
    with django_assert_num_queries(one):
        client.get(url)
