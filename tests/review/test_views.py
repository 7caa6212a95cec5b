import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel
from review import services
from review.models import Notification, RecommendationQuota, TierGrade
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Photo
from tests.factories import ready

pytestmark = pytest.mark.django_db

QUEUE = "/review/"


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def codes(response) -> list[str]:
    return re.findall(r'data-entry="(\d+)"', text(response))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def add_photo(entry, kind, position=1, sha="0"):
    return Photo.objects.create(entry=entry, kind=kind, position=position, original=f"o/{entry.pk}{kind}{position}.jpg",
                                thumbnail=f"t/{entry.pk}{kind}{position}.jpg", preview=f"p/{entry.pk}{kind}{position}.jpg",
                                sha256=sha * 64, size=1, width=3000, height=2000)


# --- queue --------------------------------------------------------------------------------------------

def test_queue_unit_lists_pending_entries_of_own_unit(client, people, campaign):
    mine = ready(people["worker"], campaign)
    ready(people["worker_peer"], campaign)  # another unit
    ready(people["worker"], campaign, state=EntryState.DRAFT)
    response = login(client, people["unit"]).get(QUEUE)
    assert response.status_code == 200
    assert codes(response) == [str(mine.pk)]
    assert "D 40.000" in text(response)
    assert "单位推荐" in text(response)  # the bulk forward action of this tier


def test_queue_county_sees_entries_at_its_tier_only(client, people, campaign):
    waiting = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    ready(people["worker"], campaign)  # still with the unit
    forwarded = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    login(client, people["county"])
    assert codes(client.get(QUEUE)) == [str(waiting.pk)]
    assert codes(client.get(QUEUE, {"stage": "up"})) == [str(forwarded.pk)]
    assert sorted(codes(client.get(QUEUE, {"stage": "all"}))) == sorted([str(waiting.pk), str(forwarded.pk)])


def test_queue_city_shows_quota_used_against_cap(client, people, campaign, org):
    RecommendationQuota.objects.create(campaign=campaign, union=org.city_a, cap=50, used=37)
    ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    response = login(client, people["city"]).get(QUEUE)
    assert "已推荐 37/50" in text(response)
    assert "推荐省级评审" in text(response)


def test_queue_city_shows_zero_before_first_recommendation(client, people, campaign):
    response = login(client, people["city"]).get(QUEUE)
    assert "已推荐 0/50" in text(response)


def test_queue_committee_sees_province_list_read_only(client, people, campaign):
    recommended = ready(people["worker"], campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
    ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    response = login(client, people["committee"]).get(QUEUE)
    assert response.status_code == 200
    assert codes(response) == [str(recommended.pk)]
    assert 'id="bulk-form"' not in text(response)


@pytest.mark.parametrize("who", ["worker", "expert"])
def test_queue_without_reviewer_role_is_404(client, people, who):
    assert login(client, people[who]).get(QUEUE).status_code == 404


def test_queue_anonymous_redirects_to_login(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_queue_role_switcher_selects_the_role_queue(client, people, campaign, org):
    user = people["county"]
    Role.objects.create(user=user, kind=RoleKind.CITY, node=org.city_a)
    at_county = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    at_city = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    login(client, user)
    city_role = user.roles.get(kind=RoleKind.CITY)
    county_role = user.roles.get(kind=RoleKind.COUNTY)
    default = client.get(QUEUE)
    assert codes(default) == [str(at_city.pk)]  # the highest role first
    assert f"?role={county_role.pk}" in text(default)
    assert codes(client.get(QUEUE, {"role": county_role.pk})) == [str(at_county.pk)]
    assert codes(client.get(QUEUE, {"role": city_role.pk})) == [str(at_city.pk)]
    # Someone else's role id, or garbage, falls back to the default role.
    other = people["city_other"].roles.get()
    assert codes(client.get(QUEUE, {"role": other.pk})) == [str(at_city.pk)]
    assert client.get(QUEUE, {"role": "x"}).status_code == 200


def test_queue_filters_narrow_the_list(client, people, campaign):
    category = campaign.hazard_categories.last()
    industry = campaign.industries.last()
    low = ready(people["worker"], campaign, score="20", title="低分作品")
    high = ready(people["worker"], campaign, score="80", title="高分作品", has_rectification_photos=False,
                 category=None, industry=None)
    dup = ready(people["worker"], campaign, score=None, title="重复照片", has_duplicate_photo=True)
    low.category, low.industry = category, industry
    low.save()
    services.grade_entry(high, actor=people["unit"], tier=Tier.UNIT,
                         award_level=AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name="二等奖"))
    login(client, people["unit"])

    def listed(**params):
        return sorted(codes(client.get(QUEUE, params)))

    assert listed(category=category.pk) == [str(low.pk)]
    assert listed(industry=industry.pk) == [str(low.pk)]
    assert listed(d_min="30") == [str(high.pk)]
    assert listed(d_max="30") == [str(low.pk)]
    assert listed(d_min="10", d_max="90") == sorted([str(low.pk), str(high.pk)])
    assert listed(rectified="no") == [str(high.pk)]
    assert listed(duplicate="yes") == [str(dup.pk)]
    level = TierGrade.objects.get().award_level
    assert listed(grade=level.pk) == [str(high.pk)]
    assert listed(grade="none") == sorted([str(low.pk), str(dup.pk)])
    assert listed(state=EntryState.SUBMITTED) == sorted([str(low.pk), str(high.pk), str(dup.pk)])
    assert listed(q="高分") == [str(high.pk)]
    assert listed(q=people["worker"].get_full_name()) == sorted([str(low.pk), str(high.pk), str(dup.pk)])
    assert listed(q="安泰机械") == sorted([str(low.pk), str(high.pk), str(dup.pk)])
    assert listed(q=low.code) == [str(low.pk)]


def test_queue_sort_by_score_and_date(client, people, campaign):
    first = ready(people["worker"], campaign, score="20")
    second = ready(people["worker"], campaign, score="80")
    unscored = ready(people["worker"], campaign, score=None)
    login(client, people["unit"])
    assert codes(client.get(QUEUE, {"sort": "-d"})) == [str(second.pk), str(first.pk), str(unscored.pk)]
    assert codes(client.get(QUEUE, {"sort": "d"})) == [str(first.pk), str(second.pk), str(unscored.pk)]
    assert codes(client.get(QUEUE, {"sort": "date"})) == [str(first.pk), str(second.pk), str(unscored.pk)]
    assert codes(client.get(QUEUE, {"sort": "-date"})) == [str(unscored.pk), str(second.pk), str(first.pk)]


@pytest.mark.parametrize("params", [
    {"d_min": "abc"}, {"d_max": "1e999"}, {"category": "999999"}, {"industry": "x"}, {"grade": "'; drop"},
    {"sort": "evil"}, {"stage": "nope"}, {"page": "-5"}, {"page": "x"}, {"q": "x" * 500}, {"state": "draft"},
    {"rectified": "maybe"}, {"role": "1" * 30},
])
def test_queue_bad_input_never_500(client, people, campaign, params):
    ready(people["worker"], campaign)
    response = login(client, people["unit"]).get(QUEUE, params)
    assert response.status_code == 200


def test_queue_paginates_25_per_page(client, people, campaign):
    for _ in range(27):
        ready(people["worker"], campaign)
    login(client, people["unit"])
    first = client.get(QUEUE)
    assert len(codes(first)) == 25
    assert "共 27 件作品" in text(first)
    assert "1 / 2" in text(first)
    assert len(codes(client.get(QUEUE, {"page": 2}))) == 2
    assert len(codes(client.get(QUEUE, {"page": 99}))) == 2  # past the end: the last page


def test_queue_shows_before_and_after_photos_with_lightbox_and_originals(client, people, campaign):
    entry = ready(people["worker"], campaign)
    hazard = add_photo(entry, PhotoKind.HAZARD, sha="1")
    rectified = add_photo(entry, PhotoKind.RECTIFIED, sha="2")
    content = text(login(client, people["unit"]).get(QUEUE))
    assert reverse("files:download_variant", args=["photo", hazard.pk, "thumbnail"]) in content
    assert reverse("files:download_variant", args=["photo", rectified.pk, "thumbnail"]) in content
    assert f'href="{reverse("files:download_variant", args=["photo", hazard.pk, "preview"])}" data-lightbox' in content
    assert reverse("files:download_variant", args=["photo", rectified.pk, "original"]) in content
    assert "review/js/review.js" in content
    assert "<script>" not in content  # no inline scripts


def test_queue_query_count_is_constant(client, people, campaign, django_assert_num_queries):
    login(client, people["city"])

    def make(count):
        for _ in range(count):
            entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
            add_photo(entry, PhotoKind.HAZARD, sha=str(entry.pk % 10))
            add_photo(entry, PhotoKind.RECTIFIED, 1, sha=str((entry.pk + 1) % 10))

    make(1)
    client.get(QUEUE)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(codes(client.get(QUEUE))) == 1
    make(2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(codes(client.get(QUEUE))) == 3
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(codes(client.get(QUEUE, {"sort": "-date", "q": "配电箱", "grade": "none"}))) == 3


# --- bulk -------------------------------------------------------------------------------------------

def test_bulk_forward_reports_each_refusal(client, people, campaign):
    good = [ready(people["worker"], campaign) for _ in range(2)]
    bad = ready(people["worker"], campaign, has_rectification_photos=False)
    foreign = ready(people["worker_peer"], campaign)
    login(client, people["unit"])
    role = people["unit"].roles.get()
    response = client.post(reverse("review:bulk"), {
        "role": role.pk, "action": "forward", "ids": [e.pk for e in [*good, bad, foreign]],
        "next": "/review/?stage=pending"}, follow=True)
    assert response.redirect_chain[0][0] == "/review/?stage=pending"
    notes = messages_of(response)
    assert "已单位推荐 2 件作品。" in notes
    assert any(bad.code in note and "整改后的照片" in note for note in notes)
    assert "1 件作品不存在或不在您的评审范围内。" in notes
    for entry in good:
        entry.refresh_from_db()
        assert entry.state == EntryState.UNIT_RECOMMENDED
    foreign.refresh_from_db()
    assert foreign.state == EntryState.SUBMITTED


def test_bulk_recommend_stops_at_cap(client, people, campaign, org):
    RecommendationQuota.objects.create(campaign=campaign, union=org.city_a, cap=50, used=48)
    entries = [ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
               for _ in range(4)]
    login(client, people["city"])
    response = client.post(reverse("review:bulk"), {
        "role": people["city"].roles.get().pk, "action": "forward", "ids": [e.pk for e in entries]}, follow=True)
    notes = messages_of(response)
    assert "已推荐省级评审 2 件作品。" in notes
    assert any("2 件作品未能推荐省级评审" in note and "已推荐 50/50" in note for note in notes)
    assert RecommendationQuota.objects.get(union=org.city_a).used == 50
    assert "已推荐 50/50" in text(response)


def test_bulk_grade_sets_tier_grades(client, people, campaign):
    entries = [ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
               for _ in range(3)]
    level = AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name="三等奖")
    login(client, people["county"])
    response = client.post(reverse("review:bulk"), {
        "role": people["county"].roles.get().pk, "action": "grade", "award_level": level.pk,
        "ids": [e.pk for e in entries]}, follow=True)
    assert "已评定等次 3 件作品。" in messages_of(response)
    assert TierGrade.objects.filter(tier=Tier.FIRST_REVIEW, award_level=level).count() == 3


@pytest.mark.parametrize("data", [
    {"action": "grade", "ids": ["1"]},          # no level
    {"action": "forward"},                        # nothing ticked
    {"action": "forward", "ids": ["abc"]},
    {"action": "explode", "ids": ["1"]},
    {"action": "grade", "ids": ["1"], "award_level": "999999"},
    {"action": "forward", "ids": ["1"], "next": "https://evil.example/"},
])
def test_bulk_bad_input_is_a_message(client, people, campaign, data):
    login(client, people["unit"])
    response = client.post(reverse("review:bulk"), {"role": people["unit"].roles.get().pk, **data})
    assert response.status_code == 302
    assert response["Location"].startswith("/review/")


def test_bulk_form_has_confirmation(client, people, campaign):
    ready(people["worker"], campaign)
    content = text(login(client, people["unit"]).get(QUEUE))
    assert 'data-bulk-form' in content and "data-confirm=" in content


def test_bulk_by_committee_is_forbidden(client, people, campaign):
    login(client, people["committee"])
    response = client.post(reverse("review:bulk"), {"role": people["committee"].roles.get().pk,
                                                    "action": "forward", "ids": ["1"]})
    assert response.status_code == 403


# --- entry page --------------------------------------------------------------------------------------

def test_entry_page_shows_fields_actions_and_history(client, people, campaign):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"], comment="内部意见：很好")
    content = text(login(client, people["county"]).get(reverse("review:entry", args=[entry.pk])))
    for value in (entry.title, entry.author_name, entry.unit.name, entry.location, entry.hazard,
                  entry.suggestion, entry.contact_phone, "40.000"):
        assert value in content
    assert "内部意见：很好" in content  # staff read internal notes
    assert people["unit"].get_full_name() in content
    for action in ("forward", "return", "reject"):
        assert reverse(f"review:{action}", args=[entry.pk]) in content
    assert reverse("review:grade", args=[entry.pk]) in content
    assert 'data-confirm="确定县级/集团报送该作品吗？"' in content


def test_entry_page_explains_why_an_action_is_not_possible(client, people, campaign):
    entry = ready(people["worker"], campaign, has_rectification_photos=False)
    content = text(login(client, people["unit"]).get(reverse("review:entry", args=[entry.pk])))
    assert "没有隐患整改后的照片" in content
    assert reverse("review:recommend", args=[entry.pk]) not in content


def test_entry_page_links_scoring_assessment_for_unit(client, people, campaign):
    entry = ready(people["worker"], campaign, score=None)
    content = text(login(client, people["unit"]).get(reverse("review:entry", args=[entry.pk])))
    assert reverse("scoring:assess", args=[entry.pk, Tier.UNIT]) in content
    forwarded = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    content = text(login(client, people["county"]).get(reverse("review:entry", args=[forwarded.pk])))
    assert reverse("scoring:assess", args=[forwarded.pk, Tier.FIRST_REVIEW]) in content
    assert reverse("scoring:assess", args=[forwarded.pk, Tier.UNIT]) not in content


def test_entry_page_for_author_only_is_404(client, people, campaign):
    entry = ready(people["worker"], campaign)
    assert login(client, people["worker"]).get(reverse("review:entry", args=[entry.pk])).status_code == 404


def test_actions_through_pages_walk_the_demo_flow(client, people, campaign, org):
    entry = ready(people["worker"], campaign)
    steps = [("unit", "recommend"), ("county", "forward"), ("city", "recommend_province")]
    for who, action in steps:
        login(client, people[who])
        response = client.post(reverse(f"review:{action}", args=[entry.pk]), {"reason": ""}, follow=True)
        assert response.status_code == 200
        assert not [m for m in response.context["messages"] if m.level_tag == "error"]
    entry.refresh_from_db()
    assert (entry.state, entry.tier) == (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE)
    content = text(client.get(reverse("review:entry", args=[entry.pk])))
    for label in ("单位推荐", "县级/集团报送", "推荐省级评审"):
        assert label in content
    assert "已推荐 1/50" in content
    assert "已推荐 1/50" in text(client.get(QUEUE))


def test_return_through_page_needs_reason_and_then_leaves_scope(client, people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    login(client, people["county"])
    url = reverse("review:return", args=[entry.pk])
    response = client.post(url, {"reason": " ", "tier": Tier.FIRST_REVIEW}, follow=True)
    assert "请填写退回原因。" in messages_of(response)
    response = client.post(url, {"reason": "请补充说明", "tier": Tier.FIRST_REVIEW})
    # Back at the unit tier, the county can no longer open it: back to the queue.
    assert response["Location"] == reverse("review:queue")
    entry.refresh_from_db()
    assert entry.state == EntryState.RETURNED


def test_grade_through_page_sets_and_clears(client, people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    level = AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name="优秀奖")
    login(client, people["city"])
    url = reverse("review:grade", args=[entry.pk])
    response = client.post(url, {"tier": Tier.SELECTION, "award_level": level.pk}, follow=True)
    assert "已评定等次：优秀奖。" in messages_of(response)
    assert TierGrade.objects.get(entry=entry).award_level == level
    assert "请选择有效的等次。" in messages_of(client.post(url, {"tier": "x", "award_level": "y"}, follow=True))
    response = client.post(url, {"tier": Tier.SELECTION, "award_level": ""}, follow=True)
    assert "已清除等次。" in messages_of(response)


def test_author_detail_page_includes_public_history(client, people, campaign):
    from django.template.loader import render_to_string

    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    services.reject_entry(entry, actor=people["county"], reason="内部：画面模糊")
    services.undo_transition(entry, actor=people["county"], reason="内部：误操作")
    services.return_entry(entry, actor=people["county"], reason="请补充整改后说明")
    html = render_to_string("review/_history_public.html", {"entry": entry})
    assert "请补充整改后说明" in html
    assert "退回修改" in html and "未入选" in html
    assert "画面模糊" not in html and "误操作" not in html
    assert people["county"].get_full_name() not in html


# --- notifications ------------------------------------------------------------------------------------

def test_notifications_page_lists_and_marks_read(client, people, campaign):
    entry = ready(people["worker"], campaign)
    services.return_entry(entry, actor=people["unit"], reason="照片不清晰")
    login(client, people["worker"])
    page = client.get(reverse("review:notifications"))
    assert "照片不清晰" in text(page)
    assert reverse("submissions:entry_detail", args=[entry.pk]) in text(page)
    assert 'data-notification-count>1<' in text(page)
    notification = Notification.objects.get()
    client.post(reverse("review:notification_read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "data-notification-count" not in text(client.get(reverse("review:notifications")))


def test_notifications_mark_all_read(client, people, campaign):
    for _ in range(3):
        services.reject_entry(ready(people["worker"], campaign), actor=people["unit"], reason="不符合")
    login(client, people["worker"])
    response = client.post(reverse("review:notifications_read_all"), follow=True)
    assert "已将 3 条通知标记为已读。" in messages_of(response)
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_notification_of_someone_else_is_404(client, people, campaign):
    services.reject_entry(ready(people["worker"], campaign), actor=people["unit"], reason="不符合")
    login(client, people["worker_peer"])
    notification = Notification.objects.get()
    assert client.post(reverse("review:notification_read", args=[notification.pk])).status_code == 404
    assert client.get(reverse("review:notifications")).status_code == 200


def test_unread_count_tag_counts_unread(rf, people, campaign):
    from django.template import Context, Template

    services.reject_entry(ready(people["worker"], campaign), actor=people["unit"], reason="不符合")
    request = rf.get("/")
    request.user = people["worker"]
    rendered = Template("{% load review_tags %}{% unread_notification_count as n %}{{ n }}").render(
        Context({"request": request}))
    assert rendered == "1"


def test_score_filter_formats_three_decimals():
    from review.templatetags.review_tags import score

    assert score(Decimal("14.40600")) == "14.406"
    assert score(None) == "—"
    assert score(1.5) == "—"  # floats are refused by format_score
