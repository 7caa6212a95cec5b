"""Who gets what on every submissions URL and on the photo files, for a draft and a submitted entry."""

import pytest
from django.urls import reverse

from portal.accounts.enums import RoleKind
from submissions import services
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Photo
from tests.factories import make_entry, make_user, small_jpeg, upload

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the login page


@pytest.fixture
def cast(org, people):
    """The owner and the people around them."""
    return {
        "owner": people["worker"],
        "same_unit_worker": make_user(RoleKind.WORKER, org.unit_a1a),
        "same_unit_coordinator": people["unit"],
        "other_unit_coordinator": make_user(RoleKind.UNIT, org.unit_a1b),
        "county_reviewer": people["county"],
        "other_city_reviewer": people["city_other"],
        "anonymous": None,
    }


@pytest.fixture
def entries(cast, small_campaign, django_capture_on_commit_callbacks):
    made = {}
    for state in (EntryState.DRAFT, EntryState.SUBMITTED):
        entry = make_entry(cast["owner"], campaign=small_campaign)
        with django_capture_on_commit_callbacks(execute=True):
            services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(len(made))), actor=cast["owner"])
        if state == EntryState.SUBMITTED:
            entry = services.submit_entry(entry, actor=cast["owner"])
        made[state] = entry
    return made


def request(client, user, method, url, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.status_code == 302 and response.url.startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


OTHERS = ("same_unit_worker", "other_unit_coordinator", "county_reviewer", "other_city_reviewer")

# url name -> method, {state: {person: expected}}; people not listed expect 404.
MATRIX = {
    "entry_detail": ("get", {
        EntryState.DRAFT: {"owner": 200, "anonymous": LOGIN},
        EntryState.SUBMITTED: {"owner": 200, "same_unit_coordinator": 200, "anonymous": LOGIN},
    }),
    "entry_edit": ("get", {
        EntryState.DRAFT: {"owner": 200, "anonymous": LOGIN},
        EntryState.SUBMITTED: {"owner": 302, "anonymous": LOGIN},
    }),
    "entry_submit": ("post", {
        EntryState.DRAFT: {"owner": 302, "anonymous": LOGIN},
        EntryState.SUBMITTED: {"owner": 302, "anonymous": LOGIN},
    }),
    "entry_withdraw": ("post", {
        EntryState.DRAFT: {"owner": 302, "anonymous": LOGIN},
        EntryState.SUBMITTED: {"owner": 302, "anonymous": LOGIN},
    }),
    "photo_upload": ("post", {
        EntryState.DRAFT: {"owner": 302, "anonymous": LOGIN},
        EntryState.SUBMITTED: {"owner": 302, "anonymous": LOGIN},
    }),
}
PHOTO_MATRIX = {
    "photo_delete": {"owner": 302, "anonymous": LOGIN},
    "photo_move": {"owner": 302, "anonymous": LOGIN},
}
PEOPLE = ("owner", "same_unit_worker", "same_unit_coordinator", "other_unit_coordinator", "county_reviewer",
          "other_city_reviewer", "anonymous")


@pytest.mark.parametrize("state", [EntryState.DRAFT, EntryState.SUBMITTED])
@pytest.mark.parametrize("name", list(MATRIX))
def test_entry_urls_permission_matrix(client, cast, entries, name, state):
    method, expected = MATRIX[name]
    url = reverse(f"submissions:{name}", args=[entries[state].pk])
    got = {person: request(client, cast[person], method, url, {"kind": "hazard", "direction": "up"})
           for person in PEOPLE}
    assert got == {person: expected[state].get(person, 404) for person in PEOPLE}


@pytest.mark.parametrize("state", [EntryState.DRAFT, EntryState.SUBMITTED])
@pytest.mark.parametrize("name", list(PHOTO_MATRIX))
def test_photo_urls_permission_matrix(client, cast, entries, name, state):
    photo = entries[state].photos.get()
    url = reverse(f"submissions:{name}", args=[photo.pk])
    got = {person: request(client, cast[person], "post", url, {"direction": "down"}) for person in PEOPLE
           if person != "owner"}
    assert got == {person: PHOTO_MATRIX[name].get(person, 404) for person in PEOPLE if person != "owner"}
    # The owner is redirected back; on a submitted entry nothing changes.
    assert request(client, cast["owner"], "post", url, {"direction": "down"}) == 302
    assert Photo.objects.filter(pk=photo.pk).exists() == (name == "photo_move" or state == EntryState.SUBMITTED)


def test_submitted_entry_owner_cannot_change_it(client, cast, entries):
    entry = entries[EntryState.SUBMITTED]
    client.force_login(cast["owner"])
    client.post(reverse("submissions:entry_edit", args=[entry.pk]), {"title": "改了", "author_name": "x",
                                                                    "unit": entry.unit_id})
    entry.refresh_from_db()
    assert entry.title != "改了"


@pytest.mark.parametrize("name", ["my_entries", "entry_create"])
def test_list_and_create_permission_matrix(client, cast, entries, name):
    url = reverse(f"submissions:{name}")
    got = {person: request(client, cast[person], "get", url) for person in PEOPLE}
    workers = {"owner", "same_unit_worker"}
    expected = {person: LOGIN if person == "anonymous" else 200 if name == "my_entries" or person in workers
                else 404 for person in PEOPLE}
    assert got == expected


def test_my_entries_never_shows_other_peoples_entries(client, cast, entries):
    client.force_login(cast["same_unit_coordinator"])
    response = client.get(reverse("submissions:my_entries"))
    assert list(response.context["entries"]) == []


# --- private files ----------------------------------------------------------------------------------------

FILE_MATRIX = {
    # person: (thumbnail, original) for a submitted entry
    "owner": (200, 200),
    "same_unit_coordinator": (200, 200),
    "same_unit_worker": (404, 404),
    "other_unit_coordinator": (404, 404),
    "county_reviewer": (404, 404),  # not yet forwarded to the county tier
    "other_city_reviewer": (404, 404),
    "anonymous": (404, 404),
}


def file_status(client, user, photo, variant):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("files:download_variant", args=["photo", photo.pk, variant])).status_code


def test_photo_files_permission_matrix_submitted(client, cast, entries):
    photo = entries[EntryState.SUBMITTED].photos.get()
    got = {person: (file_status(client, cast[person], photo, "thumbnail"),
                    file_status(client, cast[person], photo, "original")) for person in FILE_MATRIX}
    assert got == FILE_MATRIX


def test_photo_files_of_a_draft_only_for_the_owner(client, cast, entries):
    photo = entries[EntryState.DRAFT].photos.get()
    assert file_status(client, cast["owner"], photo, "preview") == 200
    for person in ("same_unit_coordinator", "other_city_reviewer", "anonymous"):
        assert file_status(client, cast[person], photo, "thumbnail") == 404, person


def test_photo_files_county_sees_thumbnail_once_forwarded(client, cast, entries, people):
    entry = entries[EntryState.SUBMITTED]
    entry.__class__.objects.filter(pk=entry.pk).update(state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    photo = entry.photos.get()
    assert file_status(client, cast["county_reviewer"], photo, "thumbnail") == 200
    assert file_status(client, cast["county_reviewer"], photo, "original") == 200
    assert file_status(client, cast["other_city_reviewer"], photo, "thumbnail") == 404


def test_photo_files_headers_inline_copies_and_attachment_original(client, cast, entries):
    photo = entries[EntryState.SUBMITTED].photos.get()
    client.force_login(cast["owner"])
    thumb = client.get(reverse("files:download_variant", args=["photo", photo.pk, "thumbnail"]))
    assert thumb["Content-Type"] == "image/jpeg" and thumb["Content-Disposition"].startswith("inline")
    original = client.get(reverse("files:download_variant", args=["photo", photo.pk, "original"]))
    assert original["Content-Type"] == "image/jpeg"
    assert original["Content-Disposition"].startswith("attachment")
    assert original["X-Content-Type-Options"] == "nosniff"
    expected = f"{photo.entry.pk:03d}-配电箱门未上锁-甲市一区安泰机械有限公司-{photo.entry.author_name}-整改前1.jpg"
    from urllib.parse import quote

    assert quote(expected, safe="") in original["Content-Disposition"]
    assert b"".join(original.streaming_content) == photo.original.read()


def test_photo_files_unknown_variant_or_photo_is_404(client, cast, entries):
    photo = entries[EntryState.SUBMITTED].photos.get()
    client.force_login(cast["owner"])
    assert client.get(reverse("files:download_variant", args=["photo", photo.pk, "exif"])).status_code == 404
    assert client.get(reverse("files:download_variant", args=["photo", 99999, "thumbnail"])).status_code == 404


def test_photo_files_thumbnail_not_ready_is_404(client, cast, small_campaign):
    owner = cast["owner"]
    entry = make_entry(owner, campaign=small_campaign)
    photo = services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg()), actor=owner)  # never committed
    client.force_login(owner)
    assert client.get(reverse("files:download_variant", args=["photo", photo.pk, "thumbnail"])).status_code == 404
    assert client.get(reverse("files:download", args=["photo", photo.pk])).status_code == 200  # the original
