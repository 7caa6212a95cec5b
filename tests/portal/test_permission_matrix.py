"""Who gets what on every URL of the foundation: one row per URL, one column per role.

OK     200
LOGIN  302 to the login page with ?next=<url>
ADMIN  302 to the admin login page with ?next=<url>
HOME   302 to /accounts/home/ (a logged-in user does not need the public page)
OWN    302 to /accounts/home/<kind>/ of the user's own role
GONE   404 (not found, or not yours: a role page you do not hold does not exist for you)
NOPE   405 (wrong method)
"""

import pytest
from django.contrib.auth.models import Permission

from portal.accounts.enums import RoleKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OK, LOGIN, ADMIN, HOME, OWN, GONE, NOPE = "200", "login", "admin-login", "home", "own-home", "404", "405"

ROLES = ("anonymous", "worker", "unit", "county", "city", "expert", "committee")

MATRIX = [
    # url                                       anonymous worker unit   county city   expert committee
    ("/",                                       OK,       HOME,  HOME,  HOME,  HOME,  HOME,  HOME),
    ("/accounts/login/",                        OK,       HOME,  HOME,  HOME,  HOME,  HOME,  HOME),
    ("/accounts/signup/",                       OK,       HOME,  HOME,  HOME,  HOME,  HOME,  HOME),
    ("/accounts/logout/",                       NOPE,     NOPE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE),
    ("/accounts/home/",                         LOGIN,    OWN,   OWN,   OWN,   OWN,   OWN,   OWN),
    ("/accounts/home/worker/",                  LOGIN,    OK,    GONE,  GONE,  GONE,  GONE,  GONE),
    ("/accounts/home/unit/",                    LOGIN,    GONE,  OK,    GONE,  GONE,  GONE,  GONE),
    ("/accounts/home/county/",                  LOGIN,    GONE,  GONE,  OK,    GONE,  GONE,  GONE),
    ("/accounts/home/city/",                    LOGIN,    GONE,  GONE,  GONE,  OK,    GONE,  GONE),
    ("/accounts/home/expert/",                  LOGIN,    GONE,  GONE,  GONE,  GONE,  OK,    GONE),
    ("/accounts/home/committee/",               LOGIN,    GONE,  GONE,  GONE,  GONE,  GONE,  OK),
    ("/accounts/home/nonsense/",                LOGIN,    GONE,  GONE,  GONE,  GONE,  GONE,  GONE),
    ("/accounts/password/change/",              LOGIN,    OK,    OK,    OK,    OK,    OK,    OK),
    ("/accounts/password/reset/",               OK,       OK,    OK,    OK,    OK,    OK,    OK),
    ("/directory/units/?q=甲市",                OK,       OK,    OK,    OK,    OK,    OK,    OK),
    ("/health/",                                OK,       OK,    OK,    OK,    OK,    OK,    OK),
    ("/files/no-such-kind/1/",                  GONE,     GONE,  GONE,  GONE,  GONE,  GONE,  GONE),
    ("/files/no-such-kind/1/original/",         GONE,     GONE,  GONE,  GONE,  GONE,  GONE,  GONE),
    ("/admin/",                                 ADMIN,    ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, OK),
    ("/admin/directory/orgnode/",               ADMIN,    ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, OK),
    ("/admin/directory/orgnode/import/",        ADMIN,    ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, OK),
    ("/admin/directory/orgnode/export/",        ADMIN,    ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, OK),
    ("/admin/audit/auditrecord/",               ADMIN,    ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, OK),
]

# The hazard ledger's roles (issue 15) get what a worker gets on these foundation URLs, except the role home
# pages: their own only. Their ledger URLs have their own matrix in tests/hazards/test_views.py.
LEDGER_ROLES = ("team_leader", "workshop_head", "safety_officer", "unit_head", "union_inspector", "regulator",
                "tip_handler", "custodian", "reward_reviewer")  # the last three: rewarded tips (issue 16)
ROLES = ROLES + LEDGER_ROLES
MATRIX = [(url, *row, *((OWN if url == "/accounts/home/" else row[1]) for _ in LEDGER_ROLES)) for url, *row in MATRIX]
MATRIX = [(url, *row[:len(ROLES) - len(LEDGER_ROLES)],
           *((OK if url == f"/accounts/home/{kind}/" else GONE) if url.startswith("/accounts/home/")
             and url != "/accounts/home/" else value for kind, value in zip(LEDGER_ROLES, row[-len(LEDGER_ROLES):],
                                                                              strict=True)))
          for url, *row in MATRIX]
MATRIX += [(f"/accounts/home/{kind}/", LOGIN, *(OK if other == kind else GONE for other in ROLES[1:]))
           for kind in LEDGER_ROLES]


AREA_KINDS = (RoleKind.REGULATOR, RoleKind.TIP_HANDLER, RoleKind.CUSTODIAN, RoleKind.REWARD_REVIEWER)


@pytest.fixture
def users(org):
    users = {"anonymous": None}
    users.update({
        "worker": make_user(RoleKind.WORKER, org.unit_a1a),
        "unit": make_user(RoleKind.UNIT, org.unit_a1a),
        "county": make_user(RoleKind.COUNTY, org.county_a1),
        "city": make_user(RoleKind.CITY, org.city_a),
        "expert": make_user(RoleKind.EXPERT, org.city_b),
        # As seed_demo makes it: the committee office also runs the admin.
        "committee": make_user(RoleKind.COMMITTEE, org.province, is_staff=True, is_superuser=True),
        **{kind: make_user(kind, org.city_a if kind in AREA_KINDS else org.unit_a1a)
           for kind in LEDGER_ROLES},
    })
    return users



def outcome(response, url: str, role: str) -> str:
    """The table's name for what happened, or the raw status and location when it is none of them."""
    path = url.split("?")[0]
    status, location = response.status_code, response.get("Location")
    if status == 302:
        named = {f"/accounts/login/?next={path}": LOGIN, f"/admin/login/?next={path}": ADMIN,
                 "/accounts/home/": HOME, f"/accounts/home/{role}/": OWN}
        return named.get(location, f"302 → {location}")
    return str(status)


@pytest.mark.parametrize(("url", "expected"), [pytest.param(row[0], row[1:], id=row[0]) for row in MATRIX])
def test_permission_matrix(client, users, url, expected):
    actual = []
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        actual.append(outcome(client.get(url), url, role))
    # Compared row against row, so a failure prints both, role by role.
    assert dict(zip(ROLES, actual, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_permission_matrix_covers_every_role_kind():
    assert set(ROLES) - {"anonymous"} == set(RoleKind.values)


def test_admin_staff_without_directory_permission_gets_nothing(client, org):
    staff = make_user(RoleKind.CITY, org.city_a, is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/directory/orgnode/").status_code == 403
    for url in ("/admin/directory/orgnode/import/", "/admin/directory/orgnode/export/",
                "/admin/directory/orgnode/export/?format=csv"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/admin/"


def test_admin_staff_with_view_permission_may_export_but_not_import(client, org):
    staff = make_user(RoleKind.CITY, org.city_a, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_orgnode"))
    client.force_login(staff)
    response = client.get("/admin/directory/orgnode/export/?format=csv")
    assert response.status_code == 200
    assert org.unit_a1a.name in response.content.decode("utf-8-sig")
    response = client.get("/admin/directory/orgnode/import/")
    assert response["Location"] == "/admin/"


def test_admin_export_gives_a_spreadsheet_to_the_committee(client, users):
    client.force_login(users["committee"])
    response = client.get("/admin/directory/orgnode/export/")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="directory.xlsx"'
    assert response.content[:2] == b"PK"
