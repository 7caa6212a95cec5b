"""Who gets what on every URL of the review pages: one row per URL and method, one column per role.

The entries are city A's (unit A1a, county A1): SEL waits at the city's selection (every reviewer of its
channel sees it), PROV is in the provincial review with one expert assigned. Each request runs in a
savepoint that is rolled back, so every role meets the same data.

OK     200
LOGIN  302 to the login page with ?next=<url>
MOVED  302 elsewhere (the step was taken, or refused with a message on the page it returns to)
DENIED 403 (the entry is in the user's review scope, the step is not theirs)
GONE   404 (outside the scope: the page does not exist for them)
NOPE   405 (wrong method)
"""

import pytest
from django.db import transaction
from django.urls import reverse

from portal.accounts.enums import RoleKind
from review.enums import NotificationKind
from review.models import Notification
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import ExpertAssignment, Photo
from tests.factories import make_entry, make_user

pytestmark = pytest.mark.django_db

OK, LOGIN, MOVED, DENIED, GONE, NOPE = "200", "login", "302", "403", "404", "405"

ROLES = ("anonymous", "author", "worker_other", "unit", "unit_other", "county", "county_other", "city",
         "city_other", "committee", "expert_assigned", "expert", "superuser")
REVIEW_DATA = {"reason": "请核实", "tier": str(int(Tier.SELECTION)), "award_level": ""}

MATRIX = [
    # method  url name                  object  data         anon   author worker_o unit    unit_o county  county_o city    city_o committee exp_as expert super
    ("GET",   "queue",                  None,   None,        LOGIN, GONE,  GONE,    OK,     OK,    OK,     OK,      OK,     OK,    OK,       GONE,  GONE,  GONE),
    ("POST",  "bulk",                   None,   "bulk",      LOGIN, GONE,  GONE,    MOVED,  MOVED, MOVED,  MOVED,   MOVED,  MOVED, DENIED,   GONE,  GONE,  GONE),
    ("GET",   "entry",                  "sel",  None,        LOGIN, GONE,  GONE,    OK,     GONE,  OK,     GONE,    OK,     GONE,  GONE,     GONE,  GONE,  GONE),
    ("GET",   "entry",                  "prov", None,        LOGIN, GONE,  GONE,    OK,     GONE,  OK,     GONE,    OK,     GONE,  OK,       GONE,  GONE,  GONE),
    ("GET",   "entry",                  "none", None,        LOGIN, GONE,  GONE,    GONE,   GONE,  GONE,   GONE,    GONE,   GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "recommend",              "sel",  REVIEW_DATA, LOGIN, GONE,  GONE,    MOVED,  GONE,  DENIED, GONE,    DENIED, GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "forward",                "sel",  REVIEW_DATA, LOGIN, GONE,  GONE,    DENIED, GONE,  MOVED,  GONE,    DENIED, GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "recommend_province",     "sel",  REVIEW_DATA, LOGIN, GONE,  GONE,    DENIED, GONE,  DENIED, GONE,    MOVED,  GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "return",                 "sel",  REVIEW_DATA, LOGIN, GONE,  GONE,    DENIED, GONE,  DENIED, GONE,    MOVED,  GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "reject",                 "sel",  REVIEW_DATA, LOGIN, GONE,  GONE,    DENIED, GONE,  DENIED, GONE,    MOVED,  GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "undo",                   "sel",  REVIEW_DATA, LOGIN, GONE,  GONE,    MOVED,  GONE,  MOVED,  GONE,    MOVED,  GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "undo",                   "prov", REVIEW_DATA, LOGIN, GONE,  GONE,    MOVED,  GONE,  MOVED,  GONE,    MOVED,  GONE,  DENIED,   GONE,  GONE,  GONE),
    ("POST",  "grade",                  "sel",  REVIEW_DATA, LOGIN, GONE,  GONE,    DENIED, GONE,  DENIED, GONE,    MOVED,  GONE,  GONE,     GONE,  GONE,  GONE),
    ("GET",   "duplicates",             "sel",  None,        LOGIN, GONE,  GONE,    OK,     GONE,  OK,     GONE,    OK,     GONE,  GONE,     GONE,  GONE,  GONE),
    ("GET",   "duplicates",             "prov", None,        LOGIN, GONE,  GONE,    OK,     GONE,  OK,     GONE,    OK,     GONE,  OK,       GONE,  GONE,  GONE),
    ("POST",  "duplicate_dismiss",      "photo", {},         LOGIN, GONE,  GONE,    DENIED, GONE,  DENIED, GONE,    DENIED, GONE,  MOVED,    GONE,  GONE,  GONE),
    ("GET",   "notifications",          None,   None,        LOGIN, OK,    OK,      OK,     OK,    OK,     OK,      OK,     OK,    OK,       OK,    OK,    OK),
    ("POST",  "notification_read",      "note", {},          LOGIN, MOVED, GONE,    GONE,   GONE,  GONE,   GONE,    GONE,   GONE,  GONE,     GONE,  GONE,  GONE),
    ("POST",  "notifications_read_all", None,   {},          LOGIN, MOVED, MOVED,   MOVED,  MOVED, MOVED,  MOVED,   MOVED,  MOVED, MOVED,    MOVED, MOVED, MOVED),
]
POST_ONLY = {(name, obj) for method, name, obj, *_ in MATRIX if method == "POST"}
GET_ONLY = {(name, obj) for method, name, obj, *_ in MATRIX if method == "GET"}
# The other method of every URL: a 405 to everyone logged in (the login comes first).
WRONG_METHOD = ([("GET", name, obj, None, LOGIN, *[NOPE] * (len(ROLES) - 1)) for name, obj in sorted(
    POST_ONLY, key=str)] + [("POST", name, obj, {}, LOGIN, *[NOPE] * (len(ROLES) - 1)) for name, obj in sorted(
        GET_ONLY, key=str)])
ROWS = MATRIX + WRONG_METHOD


@pytest.fixture
def world(org, campaign):
    """The cast (one user per role column) and the objects the URLs point at."""
    author = make_user(RoleKind.WORKER, org.unit_a1a)
    expert_assigned = make_user(RoleKind.EXPERT, org.city_b)
    cast = {
        "anonymous": None, "author": author,
        "worker_other": make_user(RoleKind.WORKER, org.unit_a1b),
        "unit": make_user(RoleKind.UNIT, org.unit_a1a), "unit_other": make_user(RoleKind.UNIT, org.unit_a1b),
        "county": make_user(RoleKind.COUNTY, org.county_a1),
        "county_other": make_user(RoleKind.COUNTY, org.county_b1),
        "city": make_user(RoleKind.CITY, org.city_a), "city_other": make_user(RoleKind.CITY, org.city_b),
        "committee": make_user(RoleKind.COMMITTEE, org.province),
        "expert_assigned": expert_assigned, "expert": make_user(RoleKind.EXPERT, org.city_b),
        "superuser": make_user(is_superuser=True, is_staff=True),
    }
    sel = make_entry(author, campaign=campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION,
                     has_rectification_photos=True)
    prov = make_entry(author, campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                      has_rectification_photos=True)
    ExpertAssignment.objects.create(entry=prov, expert=expert_assigned)
    note = Notification.objects.create(user=author, entry=sel, kind=NotificationKind.ADVANCED, message="晋级")
    photo = Photo.objects.create(entry=prov, kind=PhotoKind.HAZARD, position=1, original="o/p.jpg", sha256="0" * 64,
                                 size=1, width=3000, height=2000, phash=1)
    return {"cast": cast, "objects": {"sel": sel, "prov": prov, "none": Missing(), "note": note, "photo": photo}}


class Missing:
    pk = 999999  # no such entry: a 404 for everyone


class Rollback(Exception):
    pass


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login") + "?next="):
        return LOGIN
    return str(response.status_code)


def attempt(client, user, method, url, data) -> str:
    try:
        with transaction.atomic():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url) if method == "GET" else client.post(url, data or {})
            raise Rollback(outcome(response))
    except Rollback as result:
        return result.args[0]


@pytest.mark.parametrize(("method", "name", "obj", "data", "expected"),
                         [pytest.param(*row[:4], row[4:], id=f"{row[0]} {row[1]} {row[2] or ''}".strip())
                          for row in ROWS])
def test_review_permission_matrix(client, world, method, name, obj, data, expected):
    args = [world["objects"][obj].pk] if obj else []
    url = reverse(f"review:{name}", args=args)
    if data == "bulk":
        data = {"action": "forward", "ids": [str(world["objects"]["sel"].pk)]}
    actual = {role: attempt(client, world["cast"][role], method, url, data) for role in ROLES}
    # Compared as dicts so that a failure names the role.
    assert actual == dict(zip(ROLES, expected, strict=True))


def test_review_permission_matrix_covers_every_url():
    from review.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == {row[1] for row in MATRIX}
