"""Who gets what on every URL of the scoring pages: one row per URL and method, one column per role.

The entries are city A's (unit A1a, county A1): SEL waits at the city's selection (every reviewer of its
channel sees it), PROV is in the provincial review with one expert assigned. Each request runs in a
savepoint that is rolled back, so every role meets the same data.

OK     200
LOGIN  302 to the login page with ?next=<url>
MOVED  302 elsewhere (the assessment was saved)
DENIED 403 (the entry is in the user's scope, but not theirs to assess at this tier or to read scores of)
GONE   404 (outside the scope: the page does not exist for them)
NOPE   405 (wrong method)
"""

import pytest
from django.db import transaction
from django.urls import reverse

from portal.accounts.enums import RoleKind
from submissions.enums import EntryState, Tier
from submissions.models import ExpertAssignment
from tests.factories import make_entry, make_user

pytestmark = pytest.mark.django_db

OK, LOGIN, MOVED, DENIED, GONE, NOPE = "200", "login", "302", "403", "404", "405"

ROLES = ("anonymous", "author", "worker_other", "unit", "unit_other", "county", "county_other", "city",
         "city_other", "committee", "expert_assigned", "expert", "superuser")
GOOD = {"l": "2", "e": "1.8", "c": "22", "x": "0.99", "y": "0.99", "comment": "隐患典型，整改到位"}
U, F, S, P = Tier.UNIT, Tier.FIRST_REVIEW, Tier.SELECTION, Tier.PROVINCE

MATRIX = [
    # method  url name         object  tier  data  anon   author  worker_o unit    unit_o county  county_o city    city_o committee exp_as expert super
    ("GET",   "entry_summary", "sel",  None, None, LOGIN, DENIED, GONE,    OK,     GONE,  OK,     GONE,    OK,     GONE,  OK,       GONE,  GONE,  GONE),
    ("GET",   "entry_summary", "prov", None, None, LOGIN, DENIED, GONE,    OK,     GONE,  OK,     GONE,    OK,     GONE,  OK,       GONE,  GONE,  GONE),
    ("GET",   "entry_summary", "none", None, None, LOGIN, GONE,   GONE,    GONE,   GONE,  GONE,   GONE,    GONE,   GONE,  GONE,     GONE,  GONE,  GONE),
    ("GET",   "assess",        "none", U,    None, LOGIN, GONE,   GONE,    GONE,   GONE,  GONE,   GONE,    GONE,   GONE,  GONE,     GONE,  GONE,  GONE),
    ("GET",   "assess",        "sel",  U,    None, LOGIN, DENIED, GONE,    OK,     GONE,  DENIED, GONE,    DENIED, GONE,  DENIED,   GONE,  GONE,  GONE),
    ("GET",   "assess",        "sel",  F,    None, LOGIN, DENIED, GONE,    DENIED, GONE,  OK,     GONE,    DENIED, GONE,  DENIED,   GONE,  GONE,  GONE),
    ("GET",   "assess",        "sel",  S,    None, LOGIN, DENIED, GONE,    DENIED, GONE,  DENIED, GONE,    OK,     GONE,  DENIED,   GONE,  GONE,  GONE),
    ("GET",   "assess",        "sel",  P,    None, LOGIN, DENIED, GONE,    DENIED, GONE,  DENIED, GONE,    DENIED, GONE,  DENIED,   GONE,  GONE,  GONE),
    ("GET",   "assess",        "prov", P,    None, LOGIN, DENIED, GONE,    DENIED, GONE,  DENIED, GONE,    DENIED, GONE,  DENIED,   OK,    GONE,  GONE),
    ("POST",  "assess",        "sel",  U,    GOOD, LOGIN, DENIED, GONE,    MOVED,  GONE,  DENIED, GONE,    DENIED, GONE,  DENIED,   GONE,  GONE,  GONE),
    ("POST",  "assess",        "sel",  F,    GOOD, LOGIN, DENIED, GONE,    DENIED, GONE,  MOVED,  GONE,    DENIED, GONE,  DENIED,   GONE,  GONE,  GONE),
    ("POST",  "assess",        "sel",  S,    GOOD, LOGIN, DENIED, GONE,    DENIED, GONE,  DENIED, GONE,    MOVED,  GONE,  DENIED,   GONE,  GONE,  GONE),
    ("POST",  "assess",        "prov", P,    GOOD, LOGIN, DENIED, GONE,    DENIED, GONE,  DENIED, GONE,    DENIED, GONE,  DENIED,   MOVED, GONE,  GONE),
    ("GET",   "ranking",       None,   None, None, LOGIN, GONE,   GONE,    OK,     OK,    OK,     OK,      OK,     OK,    OK,       GONE,  GONE,  GONE),
    # The other method: a 405 to everyone logged in (the login comes first, then the method, then the scope).
    ("POST",  "entry_summary", "sel",  None, {},   LOGIN, NOPE,   NOPE,    NOPE,   NOPE,  NOPE,   NOPE,    NOPE,   NOPE,  NOPE,     NOPE,  NOPE,  NOPE),
    ("PUT",   "assess",        "sel",  U,    None, LOGIN, NOPE,   NOPE,    NOPE,   NOPE,  NOPE,   NOPE,    NOPE,   NOPE,  NOPE,     NOPE,  NOPE,  NOPE),
    ("POST",  "ranking",       None,   None, {},   LOGIN, NOPE,   NOPE,    NOPE,   NOPE,  NOPE,   NOPE,    NOPE,   NOPE,  NOPE,     NOPE,  NOPE,  NOPE),
]


@pytest.fixture
def world(org, campaign):
    """The cast (one user per role column) and the entries the URLs point at."""
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
    return {"cast": cast, "objects": {"sel": sel, "prov": prov, "none": Missing()}}


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
            response = getattr(client, method.lower())(url, data) if data is not None else getattr(
                client, method.lower())(url)
            raise Rollback(outcome(response))
    except Rollback as result:
        return result.args[0]


def row_id(row) -> str:
    method, name, obj, tier = row[:4]
    return " ".join(part for part in (method, name, obj, tier.name.lower() if tier is not None else None) if part)


@pytest.mark.parametrize(("method", "name", "obj", "tier", "data", "expected"),
                         [pytest.param(*row[:5], row[5:], id=row_id(row)) for row in MATRIX])
def test_scoring_permission_matrix(client, world, method, name, obj, tier, data, expected):
    args = ([world["objects"][obj].pk] if obj else []) + ([tier] if tier is not None else [])
    url = reverse(f"scoring:{name}", args=args)
    actual = {role: attempt(client, world["cast"][role], method, url, data) for role in ROLES}
    # Compared as dicts so that a failure names the role.
    assert actual == dict(zip(ROLES, expected, strict=True))


def test_scoring_permission_matrix_covers_every_url_and_tier():
    from scoring.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == {row[1] for row in MATRIX}
    assert {row[3] for row in MATRIX if row[1] == "assess" and row[0] == "GET"} == set(Tier)
