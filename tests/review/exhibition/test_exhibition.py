"""The public online exhibition: publication, what the pages show and never show, guessed URLs, filters,
pagination, the anonymous page cache, permissions and query counts."""

import pytest
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.audit.models import AuditRecord
from portal.refusals import Refused
from review.exhibition import cache, services
from review.exhibition.models import Publication
from submissions.models import Photo
from tests.factories import ARTIST, image_exif, set_counts
from tests.factories.exhibition import (
    ADDRESS,
    AUTHOR,
    EMAIL,
    PHONE,
    UNIT,
    confirm_and_publish,
    scored_at_province,
)

pytestmark = pytest.mark.django_db

CONTACTS = [PHONE, EMAIL, ADDRESS]


def detail_url(entry):
    return reverse("exhibition:detail", args=[entry.code])


def photo_url(photo_pk, variant="thumbnail"):
    return reverse("files:download_variant", args=["exhibition-photo", photo_pk, variant])


# --- publishing -------------------------------------------------------------------------------------------


def test_publishing_needs_confirmed_results(people, campaign):
    scored_at_province(people, campaign, "80")
    with pytest.raises(Refused) as refused:
        services.publish_results(campaign, actor=people["committee"])
    assert refused.value.code == "not_confirmed"
    with pytest.raises(Refused, check=lambda exc: exc.denied):
        services.publish_results(campaign, actor=people["expert_b"])


def test_publish_results_publishes_the_awarded_entries_once(people, campaign, shown):
    published = set(Publication.objects.values_list("entry_id", flat=True))
    assert published == {shown["star"].pk, shown["second"].pk, shown["third"].pk}
    assert services.publish_results(campaign, actor=people["committee"]) == 0
    assert AuditRecord.objects.for_object(campaign).filter(action="exhibition.publish").count() == 2


def test_unpublish_needs_a_reason_and_is_audited(people, shown):
    with pytest.raises(Refused):
        services.unpublish_entry(shown["third"], actor=people["committee"], reason="")
    assert services.unpublish_entry(shown["third"], actor=people["committee"], reason="作者申请撤下")
    assert not Publication.objects.filter(entry=shown["third"]).exists()
    assert AuditRecord.objects.for_object(shown["third"]).get(action="exhibition.unpublish").changes == {
        "reason": "作者申请撤下"}
    assert not services.unpublish_entry(shown["third"], actor=people["committee"], reason="x")


# --- what the public sees ---------------------------------------------------------------------------------


def test_the_exhibition_lists_published_entries_with_author_and_unit_but_no_contacts(client, shown):
    response = client.get(reverse("exhibition:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("star", "second", "third"):
        assert detail_url(shown[key]) in html
    assert detail_url(shown["hidden"]) not in html
    assert AUTHOR in html and UNIT in html and "一等奖" in html
    for secret in CONTACTS:
        assert secret not in html
    assert 'name="viewport"' in html and "col-12 col-sm-6" in html  # mobile first


def test_the_detail_page_shows_before_and_after_and_no_contacts(client, shown):
    response = client.get(detail_url(shown["star"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert AUTHOR in html and UNIT in html and shown["star"].description in html
    for photo in shown["star_photos"]:
        assert photo_url(photo.pk, "preview") in html
    assert "整改前" in html and "整改后" in html
    for secret in CONTACTS:
        assert secret not in html
    assert f"/exhibition/{shown['star'].code}/" in html  # the share link


def test_published_images_carry_no_metadata(client, shown):
    for photo in shown["star_photos"]:
        for variant in ("thumbnail", "preview"):
            response = client.get(photo_url(photo.pk, variant))
            assert response.status_code == 200
            data = b"".join(response.streaming_content)
            for secret in [*CONTACTS, AUTHOR, ARTIST]:
                assert secret.encode() not in data
            assert b"Exif\x00\x00" not in data
            exif = image_exif(data)
            assert 0x8825 not in exif and 0x013B not in exif


def test_nothing_unpublished_is_reachable_by_guessing(client, people, shown):
    hidden = shown["hidden"]
    assert client.get(detail_url(hidden)).status_code == 404
    assert client.get(f"/exhibition/1999-{hidden.pk:06d}/").status_code == 404  # wrong year
    assert client.get("/exhibition/2025-999999/").status_code == 404
    assert client.get(f"/exhibition/{hidden.pk}/").status_code == 404
    assert client.get("/exhibition/not-a-code/").status_code == 404
    hidden_photos = list(Photo.objects.filter(entry=hidden).values_list("pk", flat=True))
    assert hidden_photos
    last = Photo.objects.order_by("-pk").first().pk
    published = set(Photo.objects.filter(entry__publication__isnull=False).values_list("pk", flat=True))
    for pk in range(1, last + 5):
        for variant in ("thumbnail", "preview", "original"):
            expected = 200 if pk in published and variant != "original" else 404
            assert client.get(photo_url(pk, variant)).status_code == expected, (pk, variant)
        # The private kinds stay closed to the public, published or not.
        assert client.get(reverse("files:download_variant", args=["photo", pk, "thumbnail"])).status_code == 404
        assert client.get(reverse("files:download", args=["blind-original", pk])).status_code == 404


def test_a_taken_down_entry_disappears_at_once(client, people, shown):
    url = detail_url(shown["star"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("exhibition:index")).status_code == 200
    services.unpublish_entry(shown["star"], actor=people["committee"], reason="x")
    cache.bump_version()  # done on commit by the service; the test's transaction never commits
    assert client.get(url).status_code == 404
    assert detail_url(shown["star"]) not in client.get(reverse("exhibition:index")).content.decode()


# --- filters and pages --------------------------------------------------------------------------------------


def codes_on(response):
    return {item.code for item in response.context["items"]}


def test_filters_by_award_category_industry_and_union(client, org, campaign, shown):
    index = reverse("exhibition:index")
    first = campaign.award_levels.get(name="一等奖")
    assert codes_on(client.get(index, {"award": first.pk})) == {shown["star"].code}
    assert codes_on(client.get(index, {"union": org.industry.pk})) == {shown["third"].code}
    assert codes_on(client.get(index, {"union": org.city_a.pk})) == {shown["star"].code, shown["second"].code}
    other_category = campaign.hazard_categories.last()
    assert codes_on(client.get(index, {"category": other_category.pk})) == set()
    industry = shown["star"].industry
    assert len(codes_on(client.get(index, {"industry": industry.pk}))) == 3


@pytest.mark.parametrize("query", [{"award": "abc"}, {"category": "999999"}, {"industry": "-1"},
                                   {"union": "x" * 300}, {"page": "abc"}, {"page": "-5"}, {"page": "99999"}])
def test_bad_filters_are_ignored_never_an_error(client, shown, query):
    response = client.get(reverse("exhibition:index"), query)
    assert response.status_code == 200
    assert len(response.context["items"]) >= 1


def test_twelve_a_page(client, people, campaign):
    for _ in range(13):
        scored_at_province(people, campaign, "60")
    set_counts(campaign, {"一等奖": 0, "二等奖": 0, "三等奖": 0, "优秀奖": 13})
    confirm_and_publish(people, campaign)
    first = client.get(reverse("exhibition:index"))
    assert len(first.context["items"]) == 12 and first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("exhibition:index"), {"page": 2})
    assert len(second.context["items"]) == 1


# --- the anonymous page cache ---------------------------------------------------------------------------------


def test_anonymous_pages_are_cached_until_publication_changes(client, people, shown, django_assert_num_queries):
    index = reverse("exhibition:index")
    assert detail_url(shown["star"]) in client.get(index).content.decode()
    Publication.objects.filter(entry=shown["star"]).delete()  # behind the services' back: no invalidation
    with django_assert_num_queries(0):  # served from the cache, without touching the database
        assert detail_url(shown["star"]) in client.get(index).content.decode()
    cache.bump_version()
    assert detail_url(shown["star"]) not in client.get(index).content.decode()


def test_publishing_invalidates_the_cache_on_commit(people, campaign, django_capture_on_commit_callbacks):
    version = cache.version()
    scored_at_province(people, campaign, "80")
    with django_capture_on_commit_callbacks(execute=True):
        confirm_and_publish(people, campaign)
    assert cache.version() != version


def test_logged_in_visitors_are_not_served_from_the_cache(client, people, shown):
    client.force_login(people["worker"])
    index = reverse("exhibition:index")
    client.get(index)
    Publication.objects.filter(entry=shown["star"]).delete()
    assert detail_url(shown["star"]) not in client.get(index).content.decode()


def test_random_query_strings_do_not_fill_the_cache(client, shown, monkeypatch):
    stored = []
    monkeypatch.setattr(cache, "put", lambda key, content: stored.append(key))
    index = reverse("exhibition:index")
    for n in range(5):
        client.get(index, {"page": 1000 + n, "junk": n})   # pages that do not exist
        client.get(index, {"award": 900000 + n})            # filters that do not exist
    assert stored == []
    client.get(index, {"junk": "a"})
    client.get(index, {"junk": "b"})  # the same page: one key, whatever else the query string holds
    assert len(stored) == 2 and len(set(stored)) == 1


# --- the committee's page, permissions and queries ------------------------------------------------------------

OK, MOVED, LOGIN, GONE, NOPE = "200", "302", "login", "404", "405"
# expert_b and expert_i scored the published entries; expert_a belongs to their city. The exhibition is
# public: an expert sees what everybody sees.
ROLES = ("anonymous", "worker", "city", "expert_b", "expert_i", "expert_a", "committee")


class Rollback(Exception):
    pass


def attempt(client, user, method, url, body=None) -> str:
    try:
        with transaction.atomic():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url, body or {})
            location = response.get("Location", "")
            raise Rollback(LOGIN if response.status_code == 302 and "/accounts/login/" in location
                           else str(response.status_code))
    except Rollback as result:
        return result.args[0]


def test_permission_matrix(client, people, shown):
    star, hidden = shown["star"], shown["hidden"]
    matrix = [
        # method, url,                                              anonymous worker city  assigned other same  committee
        ("get",  reverse("exhibition:index"),                       OK,    OK,   OK,   OK,   OK,   OK,   OK),
        ("get",  detail_url(star),                                  OK,    OK,   OK,   OK,   OK,   OK,   OK),
        ("get",  detail_url(hidden),                                GONE,  GONE, GONE, GONE, GONE, GONE, GONE),
        ("get",  photo_url(shown["star_photos"][0].pk),             OK,    OK,   OK,   OK,   OK,   OK,   OK),
        ("get",  photo_url(shown["star_photos"][0].pk, "original"), GONE,  GONE, GONE, GONE, GONE, GONE, GONE),
        ("get",  reverse("exhibition:manage"),                      LOGIN, GONE, GONE, GONE, GONE, GONE, OK),
        ("post", reverse("exhibition:publish"),                     LOGIN, GONE, GONE, GONE, GONE, GONE, MOVED),
        ("post", reverse("exhibition:unpublish", args=[star.pk]),   LOGIN, GONE, GONE, GONE, GONE, GONE, MOVED),
        ("post", reverse("exhibition:unpublish", args=[hidden.pk]), LOGIN, GONE, GONE, GONE, GONE, GONE, GONE),
        ("get",  reverse("exhibition:publish"),                     LOGIN, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE),
    ]
    for method, url, *expected in matrix:
        got = [attempt(client, None if role == "anonymous" else people[role], method, url, {"reason": "x"})
               for role in ROLES]
        assert got == expected, url


def test_manage_page_lists_what_is_published(client, people, shown):
    client.force_login(people["committee"])
    html = client.get(reverse("exhibition:manage")).content.decode()
    assert "已发布 3 件" in html and shown["star"].code in html


def count(client, url) -> int:
    django_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_public_list_uses_the_same_queries_for_one_and_three_entries(client, people, campaign,
                                                                    django_assert_num_queries):
    scored_at_province(people, campaign, "80", photos=True)
    set_counts(campaign, {"一等奖": 3})
    confirm_and_publish(people, campaign)
    index = reverse("exhibition:index")
    one = count(client, index)
    from review.experts.models import ResultsLock

    ResultsLock.objects.all().delete()
    scored_at_province(people, campaign, "72", photos=True)
    scored_at_province(people, campaign, "60", photos=True)
    confirm_and_publish(people, campaign)
    assert Publication.objects.count() == 3
    django_cache.clear()
    with django_assert_num_queries(one):
        response = client.get(index)
    assert len(response.context["items"]) == 3


def test_manage_uses_the_same_queries_for_one_and_three_entries(client, people, campaign, django_assert_num_queries):
    scored_at_province(people, campaign, "80", photos=True)
    set_counts(campaign, {"一等奖": 3})
    confirm_and_publish(people, campaign)
    client.force_login(people["committee"])
    url = reverse("exhibition:manage")
    one = count(client, url)
    from review.experts.models import ResultsLock

    ResultsLock.objects.all().delete()
    scored_at_province(people, campaign, "72")
    scored_at_province(people, campaign, "60")
    confirm_and_publish(people, campaign)
    with django_assert_num_queries(one):
        client.get(url)
