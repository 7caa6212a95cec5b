"""The nomination and report pages: URL × role × in/out of scope (404 outside), the steps through the
buttons, the xlsx and Word downloads read back, the public commendation page (names only), and the list
pages' query counts at 1 and 3 items."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from ankang import nominations, report
from ankang.nomination_enums import NominationLevel
from tests.factories.ankang import confirmed
from tests.factories.ankang_nominations import propose_person, set_quotas

pytestmark = pytest.mark.django_db

IN_SCOPE = ("unit", "county", "city", "committee")
OUT_OF_SCOPE = ("unit_b", "county_other", "city_other", "unit_other", "worker")


@pytest.fixture
def nomination(competition, org, people):
    set_quotas(competition)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    return propose_person(competition, org.unit_a1a, people["unit"])


@pytest.fixture
def county_report(competition, org, people, nomination):
    return report.draft_report(competition, org.county_a1, actor=people["county"])


@pytest.mark.parametrize("name", ["ankang:nominations", "ankang:reports", "ankang:export_nominations"])
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_competition_pages_matrix(client, people, competition, nomination, name, who):
    client.force_login(people[who])
    assert client.get(reverse(name, args=[competition.pk])).status_code == (404 if who == "worker" else 200)


@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_nomination_page_matrix(client, people, nomination, who):
    client.force_login(people[who])
    response = client.get(reverse("ankang:nomination", args=[nomination.pk]))
    assert response.status_code == (200 if who in IN_SCOPE else 404)


@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_report_pages_matrix(client, people, county_report, who):
    client.force_login(people[who])
    inside = who in ("county", "city", "committee")
    for name in ("ankang:report", "ankang:report_docx"):
        assert client.get(reverse(name, args=[county_report.pk])).status_code == (200 if inside else 404)


@pytest.mark.parametrize("who", OUT_OF_SCOPE)
def test_act_out_of_scope_is_404(client, people, nomination, who):
    client.force_login(people[who])
    response = client.post(reverse("ankang:act", args=[nomination.pk]), {"action": "forward"})
    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.level == NominationLevel.COUNTY


def test_act_by_wrong_role_in_scope_changes_nothing(client, people, nomination):
    client.force_login(people["city"])
    response = client.post(reverse("ankang:act", args=[nomination.pk]), {"action": "forward"})
    assert response.status_code == 403  # in scope, but not the level it waits at
    nomination.refresh_from_db()
    assert nomination.level == NominationLevel.COUNTY


def test_forward_and_list_through_the_buttons(client, people, nomination):
    for who, action in (("county", "forward"), ("city", "forward"), ("committee", "list")):
        client.force_login(people[who])
        assert client.post(reverse("ankang:act", args=[nomination.pk]), {"action": action}).status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == "listed"
    page = client.get(reverse("ankang:nomination", args=[nomination.pk])).content.decode()
    assert page.count("list-group-item") >= 4  # the timeline: proposed, forwarded twice, listed


def test_propose_an_enrolled_team_through_the_form(client, competition, org, people, nomination, places):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"], kind="team", team=places["team_c"])
    client.force_login(people["unit"])
    page = client.get(reverse("ankang:nominations", args=[competition.pk]))
    assert [e.team for e in page.context["teams"]] == [places["team_c"]]
    response = client.post(reverse("ankang:propose", args=[competition.pk]),
                           {"unit": org.unit_a1a.pk, "kind": "team", "team": places["team_c"].pk})
    assert response.status_code == 302
    assert competition.nominations.get(kind="team").team == places["team_c"]


def test_propose_a_team_not_enrolled_is_refused(client, competition, org, people, nomination, places):
    client.force_login(people["unit"])
    client.post(reverse("ankang:propose", args=[competition.pk]),
                {"unit": org.unit_a1a.pk, "kind": "team", "team": places["team_a"].pk})
    assert not competition.nominations.filter(kind="team").exists()


def test_propose_for_a_unit_outside_is_refused(client, competition, org, people, nomination):
    client.force_login(people["unit_b"])
    client.post(reverse("ankang:propose", args=[competition.pk]),
                {"unit": org.unit_a1a.pk, "kind": "person", "person_name": "李", "deeds": "x"})
    assert competition.nominations.count() == 1


def test_commend_needs_the_province(client, competition, people, nomination):
    client.force_login(people["city"])
    assert client.post(reverse("ankang:commend", args=[competition.pk]), {"title": "x"}).status_code == 404


def test_public_page_shows_names_only_once_published(client, competition, people, nomination):
    url = reverse("ankang:public_commendation", args=[competition.pk])
    assert client.get(url).status_code == 404
    for who in ("county", "city"):
        nomination = nominations.forward_nomination(nomination, actor=people[who])
    nominations.list_nomination(nomination, actor=people["committee"], grade="first")
    nominations.fix_commendation(competition, actor=people["committee"], title="表彰决定")
    assert client.get(url).status_code == 404
    nominations.publish_commendation(competition, actor=people["committee"])
    page = client.get(url).content.decode()
    assert "张安全" in page and "一等" in page
    assert "安全员" not in page and "带头排查" not in page  # no post, no deeds, no contact data
    assert people["unit"].username not in page


def test_export_reads_back(client, competition, people, nomination):
    client.force_login(people["county"])
    response = client.get(reverse("ankang:export_nominations", args=[competition.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert any("张安全" in row for row in rows)


def test_export_of_other_county_leaves_the_nomination_out(client, competition, people, nomination):
    client.force_login(people["county_other"])
    response = client.get(reverse("ankang:export_nominations", args=[competition.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert not any("张安全" in row for row in rows)


def test_report_edit_submit_and_word(client, people, county_report):
    client.force_login(people["county"])
    url = reverse("ankang:report", args=[county_report.pk])
    client.post(url, {"overview": "全年开展活动<img src=x onerror=alert(1)>"})
    client.post(url, {"step": "submit"})
    county_report.refresh_from_db()
    assert county_report.state == "submitted" and "<img" not in county_report.overview
    response = client.get(reverse("ankang:report_docx", args=[county_report.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "全年开展活动" in text


def test_draft_for_another_union_changes_nothing(client, competition, org, people):
    client.force_login(people["county"])
    client.post(reverse("ankang:draft_report", args=[competition.pk]), {"union": org.county_b1.pk})
    assert not competition.annual_reports.exists()


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_nomination_list_queries_same_at_1_and_3(client, competition, org, people):
    set_quotas(competition)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    client.force_login(people["county"])
    url = reverse("ankang:nominations", args=[competition.pk])
    propose_person(competition, org.unit_a1a, people["unit"], "职工0")
    one = _queries(client, url)
    for i in (1, 2):
        propose_person(competition, org.unit_a1a, people["unit"], f"职工{i}")
    assert _queries(client, url) == one


def test_report_list_queries_same_at_1_and_3(client, competition, org, people):
    client.force_login(people["committee"])
    url = reverse("ankang:reports", args=[competition.pk])
    report.draft_report(competition, org.county_a1, actor=people["county"])
    one = _queries(client, url)
    report.draft_report(competition, org.city_a, actor=people["city"])
    report.draft_report(competition, org.county_b1, actor=people["county_other"])
    assert _queries(client, url) == one
