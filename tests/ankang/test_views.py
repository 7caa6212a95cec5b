import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ankang import services
from ankang.enums import EnrolmentState, SheetState
from ankang.models import ActivityRecord, Enrolment
from tests.factories.ankang import confirmed, days, full_scores, make_competition, record
from tests.factories.hazards import photo_upload

pytestmark = pytest.mark.django_db

IN_SCOPE = ("unit", "county", "city", "committee")
OUT_OF_SCOPE = ("unit_b", "county_other", "city_other", "unit_other", "worker")
AREA = ("county", "city", "committee")


@pytest.fixture
def enrolment(competition, org, people):
    return confirmed(competition, org.unit_a1a, people["unit"], people["county"])


@pytest.fixture
def activity_record(competition, enrolment, people):
    return record(competition, enrolment, people["unit"], photos=1)


@pytest.fixture
def sheet(competition, enrolment, people):
    sheet = services.start_sheet(competition, enrolment, actor=people["unit"])
    services.score_self(sheet, full_scores(sheet), {}, actor=people["unit"])
    return services.submit_sheet(sheet, actor=people["unit"])


@pytest.mark.parametrize("name", ["ankang:competition", "ankang:enrolments", "ankang:records", "ankang:sheets"])
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_competition_pages_matrix(client, people, competition, name, who):
    client.force_login(people[who])
    # A provincial competition: every union in the province sees it; a worker has no union role.
    assert client.get(reverse(name, args=[competition.pk])).status_code == (404 if who == "worker" else 200)


@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_competition_of_city_a_is_404_in_city_b(client, org, people, who):
    competition = make_competition(org.city_a)
    client.force_login(people[who])
    outside = who in ("county_other", "city_other", "unit_other", "worker")
    assert client.get(reverse("ankang:competition", args=[competition.pk])).status_code == (404 if outside else 200)


@pytest.mark.parametrize("name", ["ankang:coverage", "ankang:calendar"])
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_coverage_pages_matrix(client, people, competition, activity_record, name, who):
    client.force_login(people[who])
    expected = 200 if who in (*AREA, "county_other", "city_other") else 404
    assert client.get(reverse(name, args=[competition.pk])).status_code == expected


def test_coverage_shows_units_only_in_scope(client, org, people, competition, activity_record):
    confirmed(competition, org.unit_a1b, people["unit_b"], people["county"])
    confirmed(competition, org.unit_b1a, people["unit_other"], people["county_other"])
    client.force_login(people["county"])
    rows = client.get(reverse("ankang:coverage", args=[competition.pk])).context["rows"]
    assert [row.enrolment.unit for row in rows] == [org.unit_a1a, org.unit_a1b]
    none = client.get(reverse("ankang:coverage", args=[competition.pk]), {"none": "on"}).context["rows"]
    assert [row.enrolment.unit for row in none] == [org.unit_a1b]
    client.force_login(people["county_other"])
    rows = client.get(reverse("ankang:coverage", args=[competition.pk])).context["rows"]
    assert [row.enrolment.unit for row in rows] == [org.unit_b1a]


def test_calendar_counts_records_in_their_month(client, people, competition, activity_record):
    client.force_login(people["city"])
    response = client.get(reverse("ankang:calendar", args=[competition.pk]))
    months, rows = response.context["months"], response.context["rows"]
    column = months.index((activity_record.held_on.year, activity_record.held_on.month))
    training = next(row for row in rows if row.activity.code == "training")
    assert training.cells[column].records == 1
    assert [cell.planned for cell, (year, month) in zip(training.cells, months, strict=True) if month in (8, 9)]


@pytest.mark.parametrize("name", ["ankang:record"])
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_record_page_matrix(client, people, activity_record, name, who):
    client.force_login(people[who])
    assert client.get(reverse(name, args=[activity_record.pk])).status_code == (200 if who in IN_SCOPE else 404)


@pytest.mark.parametrize("variant", ["preview", "original"])
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_evidence_file_matrix(client, people, activity_record, variant, who):
    evidence = activity_record.evidence.get()
    client.force_login(people[who])
    response = client.get(reverse("files:download_variant", args=["ankang_evidence", evidence.pk, variant]))
    assert response.status_code == (200 if who in IN_SCOPE else 404)


@pytest.mark.parametrize("name", ["ankang:sheet", "ankang:export_sheet"])
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_sheet_pages_matrix(client, people, sheet, name, who):
    client.force_login(people[who])
    assert client.get(reverse(name, args=[sheet.pk])).status_code == (200 if who in IN_SCOPE else 404)


def test_sheet_page_shows_the_fed_indicators(client, people, sheet):
    client.force_login(people["county"])
    response = client.get(reverse("ankang:sheet", args=[sheet.pk]))
    assert response.context["can_review"] and not response.context["can_score"]
    assert b'data-figure="entries"' in response.content and b'data-figure="ledger_closure"' in response.content


@pytest.mark.parametrize("who", ("county", "city"))
def test_review_post_by_evaluators(client, people, sheet, who):
    client.force_login(people[who])
    data = {f"s_{item_id}": score for item_id, (score, _note) in full_scores(sheet).items()}
    response = client.post(reverse("ankang:review", args=[sheet.pk]), {**data, "comment": "好"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.REVIEWED and sheet.review_total == 100


@pytest.mark.parametrize("who", ("unit", "committee"))
def test_review_post_by_others_is_refused(client, people, sheet, who):
    client.force_login(people[who])
    response = client.post(reverse("ankang:review", args=[sheet.pk]), {})
    assert response.status_code == 403
    assert type(sheet).objects.get(pk=sheet.pk).state == SheetState.SUBMITTED


@pytest.mark.parametrize("who", ("unit_b", "county_other", "unit_other", "worker"))
def test_review_post_outside_scope_is_404(client, people, sheet, who):
    client.force_login(people[who])
    assert client.post(reverse("ankang:review", args=[sheet.pk]), {}).status_code == 404


def test_review_bad_score_is_a_chinese_400(client, people, sheet):
    client.force_login(people["county"])
    item = sheet.scores.select_related("item").first().item
    response = client.post(reverse("ankang:review", args=[sheet.pk]), {f"s_{item.pk}": "999"})
    assert response.status_code == 400
    assert "得分须为0至" in response.content.decode()


def test_self_score_and_submit_through_the_page(client, competition, people, enrolment):
    client.force_login(people["unit"])
    response = client.post(reverse("ankang:start_sheet", args=[competition.pk]), {"enrolment": enrolment.pk})
    sheet = enrolment.sheet
    assert response.status_code == 302
    data = {f"s_{item_id}": score for item_id, (score, _note) in full_scores(sheet).items()}
    response = client.post(reverse("ankang:score", args=[sheet.pk]), {**data, "submit": "1"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED


def test_enrol_and_confirm_through_the_pages(client, competition, org, people):
    client.force_login(people["unit"])
    client.post(reverse("ankang:enrol", args=[competition.pk]), {"kind": "unit"})
    enrolment = Enrolment.objects.get(unit=org.unit_a1a)
    client.force_login(people["county"])
    client.post(reverse("ankang:decide", args=[enrolment.pk]), {"decision": "confirm"})
    assert Enrolment.objects.get(pk=enrolment.pk).state == EnrolmentState.CONFIRMED


def test_decide_by_county_elsewhere_is_404(client, competition, org, people):
    enrolment = services.enrol(competition, org.unit_a1a, actor=people["unit"])
    client.force_login(people["county_other"])
    assert client.post(reverse("ankang:decide", args=[enrolment.pk]), {"decision": "confirm"}).status_code == 404


def test_new_record_with_photo_through_the_page(client, competition, people, enrolment):
    client.force_login(people["unit"])
    training = competition.calendar.activity_types.get(code="training")
    response = client.post(reverse("ankang:new_record", args=[competition.pk]), {
        "enrolment": enrolment.pk, "activity_type": training.pk, "held_on": days(-1).isoformat(),
        "place": "会议室", "level": "unit", "participants": "12", "description": "培训", "photos": [photo_upload()]})
    assert response.status_code == 302
    assert ActivityRecord.objects.get().evidence.count() == 1


def test_new_record_outside_window_is_a_chinese_400(client, competition, people, enrolment):
    client.force_login(people["unit"])
    training = competition.calendar.activity_types.get(code="training")
    response = client.post(reverse("ankang:new_record", args=[competition.pk]), {
        "enrolment": enrolment.pk, "activity_type": training.pk, "held_on": days(-400).isoformat(),
        "place": "会议室", "level": "unit", "participants": "12", "description": "培训"})
    assert response.status_code == 400 and "不在竞赛期内" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_new_record_by_county_is_404(client, competition, people):
    client.force_login(people["county"])
    assert client.get(reverse("ankang:new_record", args=[competition.pk])).status_code == 404


def _records(competition, org, people, n):
    enrolment = Enrolment.objects.filter(unit=org.unit_a1a).first() or confirmed(
        competition, org.unit_a1a, people["unit"], people["county"])
    for _ in range(n):
        record(competition, enrolment, people["unit"])


@pytest.mark.parametrize("name", ["ankang:records", "ankang:enrolments", "ankang:sheets", "ankang:coverage",
                                  "ankang:index"])
def test_lists_constant_queries(client, competition, org, people, django_assert_num_queries, name):
    """The same number of queries with 1 and with 3 units, enrolments, records, sheets and competitions."""
    client.force_login(people["city"])
    url = reverse(name) if name == "ankang:index" else reverse(name, args=[competition.pk])
    first = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    record(competition, first, people["unit"])
    services.start_sheet(competition, first, actor=people["unit"])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for unit, user, county in ((org.unit_a1b, people["unit_b"], people["county"]),
                               (org.unit_a0, people["unit_a0"], people["city"])):
        enrolment = confirmed(competition, unit, user, county)
        record(competition, enrolment, user)
        services.start_sheet(competition, enrolment, actor=user)
    make_competition(org.city_a)
    make_competition(org.county_a1)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3


def test_new_record_form_lists_only_confirmed_enrolments(client, competition, org, people, enrolment, places):
    services.enrol(competition, org.unit_a1a, actor=people["unit"], kind="team", team=places["team_a"])  # not confirmed
    client.force_login(people["unit"])
    response = client.get(reverse("ankang:new_record", args=[competition.pk]))
    assert response.status_code == 200
    assert list(response.context["form"].fields["enrolment"].queryset) == [enrolment]


def test_draft_sheet_page_has_the_self_score_inputs(client, competition, people, enrolment):
    sheet = services.start_sheet(competition, enrolment, actor=people["unit"])
    client.force_login(people["unit"])
    response = client.get(reverse("ankang:sheet", args=[sheet.pk]))
    assert response.context["can_score"] and response.context["view"].live
    item = sheet.scores.first().item
    assert f'name="s_{item.pk}"'.encode() in response.content


def test_competition_page_for_the_unit_offers_enrolment(client, competition, people):
    client.force_login(people["unit"])
    response = client.get(reverse("ankang:competition", args=[competition.pk]))
    assert response.context["enrol_form"] is not None
    assert "送清凉" in response.content.decode() and "7–8月" in response.content.decode()


def test_enrol_a_team_node_from_the_competition_page(client, competition, org, people, places):
    client.force_login(people["unit"])
    page = client.get(reverse("ankang:competition", args=[competition.pk]))
    assert set(page.context["enrol_form"].fields["team"].queryset) == {
        places["team_a"], places["team_b"], places["team_c"]}
    response = client.post(reverse("ankang:enrol", args=[competition.pk]),
                           {"kind": "team", "team": places["team_c"].pk, "members": 12})
    assert response.status_code == 302
    assert competition.enrolments.get().team == places["team_c"]


def test_enrol_a_team_of_another_unit_is_refused_by_the_form(client, competition, org, people, places):
    client.force_login(people["unit"])
    client.post(reverse("ankang:enrol", args=[competition.pk]), {"kind": "team", "team": places["team_d"].pk})
    assert not competition.enrolments.exists()
