import re
from decimal import Decimal

import pytest
import rules
from django.urls import reverse

from portal.audit.models import AuditRecord
from scoring.models import Assessment
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.factories.scoring import score

pytestmark = pytest.mark.django_db

GOOD = {"l": "2", "e": "1.8", "c": "22", "x": "0.99", "y": "0.99", "comment": "隐患典型，整改到位"}


def assess_url(entry, tier):
    return reverse("scoring:assess", args=[entry.pk, tier])


def summary_url(entry):
    return reverse("scoring:entry_summary", args=[entry.pk])


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- URLs -----------------------------------------------------------------------------------------------

def test_assess_url_names_the_tier_and_accepts_tier_values():
    assert reverse("scoring:assess", args=[5, Tier.UNIT]) == "/scoring/entries/5/assess/unit/"
    assert reverse("scoring:assess", args=[5, Tier.FIRST_REVIEW]) == "/scoring/entries/5/assess/first-review/"
    assert reverse("scoring:assess", args=[5, "selection"]) == "/scoring/entries/5/assess/selection/"
    assert reverse("scoring:assess", args=[5, 3]) == "/scoring/entries/5/assess/province/"


def test_assess_unknown_tier_is_404(client, users, entry_at):
    entry = entry_at()
    as_user(client, users["unit"])
    assert client.get(f"/scoring/entries/{entry.pk}/assess/national/").status_code == 404
    assert client.get(f"/scoring/entries/{entry.pk}/assess/9/").status_code == 404


# --- the form ---------------------------------------------------------------------------------------------

def test_assess_get_renders_paper_form_with_tick_boxes(client, users, entry_at):
    entry = entry_at()
    response = as_user(client, users["unit"]).get(assess_url(entry, Tier.UNIT))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("造成事故可能性 L", "工作人员接触隐患频率 E", "可能造成事故后果 C", "排查难度 X", "画面质量 Y",
                  "非常可能 2分", "每天几次接触 1.8分", "灾难 25分", "较难 0.99分", "一般 0.98分"):
        assert label in html
    assert "造成3人以上死亡" in html  # C's class definitions as help text
    assert "scoring/js/assess.js" in html
    assert "<script>" not in html.replace('<script src=', '')  # no inline script (CSP)


def test_assess_post_saves_and_lands_back_where_recommend_is(client, users, entry_at):
    entry = entry_at()
    response = as_user(client, users["unit"]).post(assess_url(entry, Tier.UNIT), GOOD, follow=True)
    # Issue 11.9: after the unit assessment the coordinator is back on the review page, at its actions.
    assert response.redirect_chain[-1][0] == reverse("review:entry", args=[entry.pk]) + "#review-actions"
    actions = re.search(r'<section[^>]*id="review-actions".*?</section>', response.content.decode(), re.S).group(0)
    assert "推荐" in actions
    assessment = Assessment.objects.get()
    assert (assessment.assessor, assessment.tier, assessment.d) == (users["unit"], Tier.UNIT, Decimal("77.62392"))
    assert assessment.comment == "隐患典型，整改到位"
    assert "价值评价已保存：D = 77.624" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).unit_score == Decimal("77.62392")
    record = AuditRecord.objects.get(action="scoring.assess")
    assert (record.actor, record.ip, record.changes["d"]) == (users["unit"], "127.0.0.1", [None, "77.62392"])


def test_assess_get_prefills_existing_assessment(client, users, entry_at):
    entry = entry_at()
    score(entry, users["unit"], Tier.UNIT, "1.5", "1.8", "22", "0.99", "1", comment="已评")
    html = as_user(client, users["unit"]).get(assess_url(entry, Tier.UNIT)).content.decode()
    # "1.5" rather than the column's "1.50": the radio of the stored option is ticked.
    assert re.search(r'<input type="radio" name="l" value="1.5"[^>]* checked>', html)
    response = client.get(assess_url(entry, Tier.UNIT))
    form = response.context["form"]
    assert form.initial == {"l": "1.5", "e": "1.8", "c": "22", "x": "0.99", "y": "1", "comment": "已评"}
    assert "58.806" in html  # the server's preview of D before any JavaScript runs


def test_assess_post_again_updates_the_same_row(client, users, entry_at):
    entry = entry_at()
    as_user(client, users["unit"]).post(assess_url(entry, Tier.UNIT), GOOD)
    client.post(assess_url(entry, Tier.UNIT), {**GOOD, "c": "25"})
    assert Assessment.objects.count() == 1
    assert Assessment.objects.get().c == Decimal("25")
    assert AuditRecord.objects.filter(action="scoring.assess").count() == 2


@pytest.mark.parametrize(("override", "message"), [
    ({"c": "21"}, "可能造成事故后果（C）的取值 21 不在选项中"),
    ({"x": "0.97"}, "排查难度（X）的取值 0.97 不在选项中"),
    ({"l": None}, "请选择造成事故可能性（L）。"),
    ({"l": ""}, "请选择造成事故可能性（L）。"),
    ({"l": "<script>"}, "造成事故可能性（L）的取值 &lt;script&gt; 不在选项中"),
    ({"y": "1" * 500}, "不在选项中"),
    ({"e": "NaN"}, "不在选项中"),
    ({"e": "1e999999999"}, "不在选项中"),
    ({"comment": "长" * 1001}, "1000"),
])
def test_assess_tampered_post_is_refused_in_chinese_and_stores_nothing(client, users, entry_at, override,
                                                                       message):
    entry = entry_at()
    data = {key: value for key, value in {**GOOD, **override}.items() if value is not None}
    response = as_user(client, users["unit"]).post(assess_url(entry, Tier.UNIT), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>" not in html.replace('<script src=', '')
    assert not Assessment.objects.exists()
    assert not AuditRecord.objects.filter(action="scoring.assess").exists()
    assert Entry.objects.get(pk=entry.pk).unit_score is None


def test_assess_post_when_entry_was_withdrawn_meanwhile_is_refused_without_500(client, users, entry_at,
                                                                              monkeypatch):
    entry = entry_at(Tier.FIRST_REVIEW)
    as_user(client, users["county"])
    assert client.get(assess_url(entry, Tier.FIRST_REVIEW)).status_code == 200
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.WITHDRAWN)
    # Withdrawn entries stay visible to reviewers, but may no longer be scored.
    assert client.post(assess_url(entry, Tier.FIRST_REVIEW), GOOD).status_code == 403
    # Had the withdrawal landed between the permission check and the save, the service refuses it.
    monkeypatch.setitem(rules.permissions.permissions, "scoring.assess_at_first_review", rules.always_allow)
    response = client.post(assess_url(entry, Tier.FIRST_REVIEW), GOOD)
    assert response.status_code == 200
    assert "草稿或已撤回的作品不能评价。" in response.content.decode()
    assert not Assessment.objects.exists()


# --- permission matrix --------------------------------------------------------------------------------------

OK, FORBIDDEN, GONE, LOGIN = 200, 403, 404, "login"

ASSESS_MATRIX = [
    # role,        assess at tier,     entry at tier,      expected
    ("unit",       Tier.UNIT,          Tier.UNIT,          OK),
    ("unit",       Tier.UNIT,          Tier.SELECTION,     OK),
    ("unit",       Tier.FIRST_REVIEW,  Tier.FIRST_REVIEW,  FORBIDDEN),
    ("unit_other", Tier.UNIT,          Tier.UNIT,          GONE),
    ("worker",     Tier.UNIT,          Tier.UNIT,          FORBIDDEN),   # the author sees it but may not score it
    ("worker_peer", Tier.UNIT,         Tier.UNIT,          GONE),
    ("county",     Tier.FIRST_REVIEW,  Tier.UNIT,          GONE),        # not forwarded yet
    ("county",     Tier.FIRST_REVIEW,  Tier.FIRST_REVIEW,  OK),
    ("county",     Tier.FIRST_REVIEW,  Tier.PROVINCE,      OK),
    ("county",     Tier.UNIT,          Tier.FIRST_REVIEW,  FORBIDDEN),
    ("group",      Tier.FIRST_REVIEW,  Tier.FIRST_REVIEW,  GONE),        # another channel's first review
    ("city",       Tier.SELECTION,     Tier.FIRST_REVIEW,  GONE),
    ("city",       Tier.SELECTION,     Tier.SELECTION,     OK),
    ("city",       Tier.FIRST_REVIEW,  Tier.SELECTION,     FORBIDDEN),
    ("city_other", Tier.SELECTION,     Tier.SELECTION,     GONE),
    ("industry",   Tier.SELECTION,     Tier.SELECTION,     GONE),
    ("expert",     Tier.PROVINCE,      Tier.PROVINCE,      GONE),        # no assignments yet (#6)
    ("committee",  Tier.UNIT,          Tier.UNIT,          FORBIDDEN),   # superuser too: not a unit coordinator
    ("committee",  Tier.PROVINCE,      Tier.PROVINCE,      FORBIDDEN),
    ("anonymous",  Tier.UNIT,          Tier.UNIT,          LOGIN),
]


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("role", "tier", "entry_tier", "expected"), ASSESS_MATRIX,
                         ids=[f"{r}-{t.name}-at-{e.name}" for r, t, e, _ in ASSESS_MATRIX])
def test_assess_permission_matrix(client, users, entry_at, role, tier, entry_tier, expected):
    entry = entry_at(entry_tier)
    as_user(client, users.get(role))
    check(client.get(assess_url(entry, tier)), expected)
    response = client.post(assess_url(entry, tier), GOOD)
    if expected == OK:
        assert response.status_code == 302
        assert Assessment.objects.filter(entry=entry, tier=tier, assessor=users[role]).exists()
    else:
        check(response, expected)
        assert not Assessment.objects.exists()


@pytest.mark.parametrize("state", [EntryState.DRAFT, EntryState.WITHDRAWN])
def test_assess_draft_or_withdrawn_entry_is_not_assessable(client, users, entry_at, state):
    entry = entry_at(state=state)
    response = as_user(client, users["unit"]).get(assess_url(entry, Tier.UNIT))
    assert response.status_code == (404 if state == EntryState.DRAFT else 403)


def test_assess_returned_entry_may_still_be_scored(client, users, entry_at):
    entry = entry_at(state=EntryState.RETURNED)
    assert as_user(client, users["unit"]).post(assess_url(entry, Tier.UNIT), GOOD).status_code == 302


def test_assess_missing_entry_is_404(client, users):
    as_user(client, users["unit"])
    assert client.get("/scoring/entries/999999/assess/unit/").status_code == 404


SUMMARY_MATRIX = [
    ("unit", Tier.UNIT, OK),
    ("unit_other", Tier.UNIT, GONE),
    ("worker", Tier.UNIT, FORBIDDEN),
    ("worker_peer", Tier.UNIT, GONE),
    ("county", Tier.UNIT, GONE),
    ("county", Tier.FIRST_REVIEW, OK),
    ("group", Tier.FIRST_REVIEW, GONE),
    ("city", Tier.FIRST_REVIEW, GONE),
    ("city", Tier.SELECTION, OK),
    ("city_other", Tier.SELECTION, GONE),
    ("expert", Tier.PROVINCE, GONE),
    ("committee", Tier.UNIT, OK),
    ("anonymous", Tier.UNIT, LOGIN),
]


@pytest.mark.parametrize(("role", "entry_tier", "expected"), SUMMARY_MATRIX,
                         ids=[f"{r}-at-{e.name}" for r, e, _ in SUMMARY_MATRIX])
def test_entry_summary_permission_matrix(client, users, entry_at, role, entry_tier, expected):
    entry = entry_at(entry_tier)
    as_user(client, users.get(role))
    check(client.get(summary_url(entry)), expected)
    assert client.post(summary_url(entry)).status_code in (302, 403, 404, 405)


# --- the summary ---------------------------------------------------------------------------------------------

@pytest.fixture
def scored_at_province(users, entry_at, org):
    from tests.factories import make_user

    entry = entry_at(Tier.PROVINCE)
    score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    experts = [make_user("expert", org.industry, full_name=name) for name in ("李专家", "王专家", "赵专家")]
    score(entry, experts[0], Tier.PROVINCE, "2", "2", "25", "1", "1")          # 100
    score(entry, experts[1], Tier.PROVINCE, "1.5", "2", "20", "1", "1")        # 60
    score(entry, experts[2], Tier.PROVINCE, "1", "1", "15", "0.98", "0.98")    # 14.406
    return entry


def test_entry_summary_shows_statistics_per_tier(client, users, scored_at_province):
    response = as_user(client, users["committee"]).get(summary_url(scored_at_province))
    assert response.status_code == 200
    province = next(block for block in response.context["tiers"] if block["tier"] == Tier.PROVINCE)
    assert dict(province["stats"]) == {"份数": 3, "平均": "58.135", "中位数": "60.000", "最低": "14.406",
                                       "最高": "100.000", "标准差": "42.827"}
    unit = next(block for block in response.context["tiers"] if block["tier"] == Tier.UNIT)
    assert dict(unit["stats"])["平均"] == "100.000"
    html = response.content.decode()
    assert "李专家" in html  # the committee sees who the experts are
    assert "灾难" in html


def test_entry_summary_hides_expert_names_from_non_committee(client, users, scored_at_province):
    html = as_user(client, users["city"]).get(summary_url(scored_at_province)).content.decode()
    assert "李专家" not in html and "王专家" not in html
    assert "专家1" in html and "专家3" in html
    assert users["unit"].get_full_name() in html  # the unit's assessor is visible to staff


def test_entry_summary_lists_tiers_reached_without_assessments(client, users, entry_at):
    entry = entry_at(Tier.FIRST_REVIEW)
    response = as_user(client, users["county"]).get(summary_url(entry))
    assert [block["tier"] for block in response.context["tiers"]] == [Tier.UNIT, Tier.FIRST_REVIEW]
    assert [block["can_assess"] for block in response.context["tiers"]] == [False, True]
    assert "本层级尚无评价" in response.content.decode()
    assert assess_url(entry, Tier.FIRST_REVIEW) in response.content.decode()

