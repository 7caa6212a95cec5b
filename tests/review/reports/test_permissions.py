"""Who gets what on every URL of the exports and statistics: one row per URL, one column per role.

The job, its status and its file belong to city A's reviewer, who asked for it. Out of scope is 404;
anonymous users are sent to the login page (the private download view answers 404 to them too).
"""

import pytest
from django.urls import reverse

from portal.accounts.enums import RoleKind
from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob
from portal.exports.services import request_export
from tests.factories import recommended_entry

pytestmark = pytest.mark.django_db

OK, LOGIN, GONE, NOPE = 200, "login", 404, 405
ROLES = ("anonymous", "worker", "unit", "county", "city", "city_other", "expert", "committee")

MATRIX = [
    # url                            anonymous worker unit  county city city_other expert committee
    # Unit and county union staff have the hazard ledger's 台账 export (hazards.exports.ledger) there.
    ("/exports/",                    LOGIN,    GONE,  OK,   OK,    OK,  OK,        GONE,  OK),
    ("/exports/start/",              LOGIN,    NOPE,  NOPE, NOPE,  NOPE, NOPE,     NOPE,  NOPE),
    ("/exports/jobs/{job}/",         LOGIN,    GONE,  GONE, GONE,  OK,  GONE,      GONE,  GONE),
    ("/exports/jobs/{job}/status/",  LOGIN,    GONE,  GONE, GONE,  OK,  GONE,      GONE,  GONE),
    ("/exports/jobs/999999/",        LOGIN,    GONE,  GONE, GONE,  GONE, GONE,     GONE,  GONE),
    ("/files/export/{job}/",         GONE,     GONE,  GONE, GONE,  OK,  GONE,      GONE,  GONE),
    ("/files/export/{job}/preview/", GONE,     GONE,  GONE, GONE,  GONE, GONE,     GONE,  GONE),
    ("/stats/",                      LOGIN,    GONE,  OK,   OK,    OK,  OK,        GONE,  OK),
    ("/stats/?union=abc",            LOGIN,    GONE,  OK,   OK,    OK,  OK,        GONE,  OK),
    ("/stats/entries/",              LOGIN,    GONE,  GONE, GONE,  OK,  OK,        GONE,  OK),
    ("/stats/entries/?stage=x&union=y", LOGIN, GONE,  GONE, GONE,  OK,  OK,        GONE,  OK),
    ("/stats/statistics/",           LOGIN,    GONE,  GONE, GONE,  OK,  OK,        GONE,  OK),
    ("/stats/statistics/{city_a}/",  LOGIN,    GONE,  GONE, GONE,  OK,  GONE,      GONE,  OK),
    ("/stats/statistics/{city_b}/",  LOGIN,    GONE,  GONE, GONE,  GONE, OK,       GONE,  OK),
    ("/stats/statistics/{unit}/",    LOGIN,    GONE,  GONE, GONE,  GONE, GONE,     GONE,  GONE),
    ("/stats/statistics/999999/",    LOGIN,    GONE,  GONE, GONE,  GONE, GONE,     GONE,  GONE),
]


@pytest.fixture
def cast(people):
    return {"anonymous": None, **{role: people[role] for role in ROLES if role != "anonymous"}}


@pytest.fixture
def job(people, campaign, org, django_capture_on_commit_callbacks):
    recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"])
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export("fujian2", {"union": str(org.city_a.pk)}, actor=people["city"])
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    return job


def outcome(response, path):
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('accounts:login')}?next="):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(("url", "expected"), [pytest.param(row[0], row[1:], id=row[0]) for row in MATRIX])
def test_permission_matrix(client, cast, job, org, url, expected):
    url = url.format(job=job.pk, city_a=org.city_a.pk, city_b=org.city_b.pk, unit=org.unit_a1a.pk)
    actual = {}
    for role in ROLES:
        client.logout()
        if cast[role] is not None:
            client.force_login(cast[role])
        actual[role] = outcome(client.get(url), url)
    assert actual == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(("who", "params", "creates"), [
    ("city", {"kind": "fujian2", "union": "{city_a}"}, True),
    ("committee", {"kind": "fujian2", "union": "{city_a}"}, True),
    ("committee", {"kind": "fujian2"}, True),  # the whole province
    ("city", {"kind": "fujian2"}, False),  # a city cannot export the province
    ("city_other", {"kind": "fujian2", "union": "{city_a}"}, False),
    ("city", {"kind": "photos", "entries": ["{entry_b}"]}, False),  # another city's entry
    ("city", {"kind": "fujian1", "entries": ["abc"]}, False),
    ("city", {"kind": "fujian1", "union": "999999"}, False),
    ("city", {"kind": "fujian3", "entries": ["{entry_a}"]}, False),
    ("county", {"kind": "fujian2", "union": "{city_a}"}, False),
    ("expert", {"kind": "fujian2", "union": "{city_b}"}, False),
    ("worker", {"kind": "fujian2", "union": "{city_a}"}, False),
    ("unit", {"kind": "photos", "entries": ["{entry_a}"]}, False),
])
def test_who_may_start_which_export(client, cast, people, campaign, org, who, params, creates,
                                    django_capture_on_commit_callbacks):
    entry_a = recommended_entry(people["worker"], campaign)
    entry_b = recommended_entry(people["worker_b"], campaign)
    values = {"city_a": org.city_a.pk, "city_b": org.city_b.pk, "entry_a": entry_a.pk, "entry_b": entry_b.pk}
    data = {key: [item.format(**values) for item in value] if isinstance(value, list) else value.format(**values)
            for key, value in params.items()}
    client.force_login(cast[who])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start"), data)
    assert response.status_code == 302
    assert ExportJob.objects.exists() is creates
    if creates:
        assert ExportJob.objects.get().status == ExportStatus.DONE


def test_an_anonymous_post_goes_to_the_login_page(client):
    response = client.post(reverse("exports:start"), {"kind": "fujian2"})
    assert outcome(response, "/exports/start/") == LOGIN


@pytest.mark.parametrize(("kind", "labels"), [
    (RoleKind.CITY, ["导出材料", "统计"]),
    (RoleKind.COMMITTEE, ["导出材料", "统计"]),
    (RoleKind.COUNTY, ["统计"]),
])
def test_navigation_links(client, cast, kind, labels):
    from portal.accounts.navigation import ROLE_HOMES

    links = {str(link.label): link.url for link in ROLE_HOMES[kind].links}
    for label in labels:
        assert links[label] in ("/exports/", "/stats/")
    user = next(user for role, user in cast.items() if user is not None and user.has_role(kind))
    client.force_login(user)
    page = client.get(reverse("accounts:role_home", args=[kind])).content.decode()
    assert all(f'href="{links[label]}"' in page for label in labels)
