import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.enums import HazardSource
from returns import services
from returns.enums import ReturnState
from tests.factories.hazards import HazardFactory
from tests.factories.returns import (
    ENTERPRISE_TYPED,
    filed_enterprise,
    filer,
    fill,
    in_period,
    period,
    programme_year,
)

pytestmark = pytest.mark.django_db

IN_SCOPE = ("unit", "county", "city", "committee")
OUT_OF_SCOPE = ("unit_b", "county_other", "city_other", "unit_other", "worker")


@pytest.fixture
def filed(org, programme, staff):
    HazardFactory(unit=org.unit_a1a, found_at=in_period())
    return filed_enterprise(programme, org.unit_a1a, staff["unit"])


@pytest.fixture
def draft(org, programme, staff):
    return services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])


READ_URLS = ("returns:detail", "returns:checklist", "returns:export_stat", "returns:export_checklist")


@pytest.mark.parametrize("name", READ_URLS)
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_read_pages_matrix(client, staff, filed, name, who):
    client.force_login(staff[who])
    response = client.get(reverse(name, args=[filed.pk]))
    assert response.status_code == (200 if who in IN_SCOPE else 404)


@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_cell_drilldown_matrix(client, staff, filed, who):
    client.force_login(staff[who])
    response = client.get(reverse("returns:cell", args=[filed.pk, "hazards_found"]))
    assert response.status_code == (200 if who in IN_SCOPE else 404)
    if who in IN_SCOPE:
        assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize("is_chemical", [True, False])
def test_cell_drilldown_chemical_cell_follows_the_filers_industry(client, staff, filed, is_chemical):
    # An enterprise's 其中化工 cell counts all of its hazards or none (computed_value): its list does the same.
    filed.filer.is_chemical = is_chemical
    filed.filer.save(update_fields=["is_chemical"])
    client.force_login(staff["unit"])
    response = client.get(reverse("returns:cell", args=[filed.pk, "hazards_found_chem"]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == (1 if is_chemical else 0)


def test_cell_drilldown_typed_cell_is_404(client, staff, filed):
    client.force_login(staff["unit"])
    assert client.get(reverse("returns:cell", args=[filed.pk, "trainings"])).status_code == 404


def test_anonymous_is_sent_to_login(client, filed):
    response = client.get(reverse("returns:detail", args=[filed.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(("who", "status"), [("unit", 302), ("county", 403), ("city", 403), ("unit_b", 404),
                                             ("county_other", 404)])
def test_save_matrix(client, staff, draft, who, status):
    client.force_login(staff[who])
    response = client.post(reverse("returns:save", args=[draft.pk]), {"v_trainings": "5"})
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("county", 302), ("unit", 403), ("city", 403), ("county_other", 404),
                                             ("unit_b", 404)])
def test_accept_matrix(client, staff, filed, who, status):
    client.force_login(staff[who])
    response = client.post(reverse("returns:review", args=[filed.pk, "accept"]))
    assert response.status_code == status
    filed.refresh_from_db()
    assert (filed.state == ReturnState.ACCEPTED) == (status == 302)


def test_unknown_review_step_is_404(client, staff, filed):
    client.force_login(staff["county"])
    assert client.post(reverse("returns:review", args=[filed.pk, "delete"])).status_code == 404


def test_save_bad_value_shows_message_and_stores_nothing(client, staff, draft):
    client.force_login(staff["unit"])
    response = client.post(reverse("returns:save", args=[draft.pk]), {"v_trainings": "-3"})
    assert response.status_code == 400
    assert "不能为负数" in response.content.decode()
    assert draft.cells.get(cell__code="trainings").value is None


def test_save_override_without_reason_refused(client, staff, draft):
    client.force_login(staff["unit"])
    response = client.post(reverse("returns:save", args=[draft.pk]), {"v_participants": "9"})
    assert response.status_code == 400
    assert "须填写理由" in response.content.decode()


def test_file_through_the_page(client, staff, draft):
    fill(draft, staff["unit"], ENTERPRISE_TYPED)
    client.force_login(staff["unit"])
    scores = {f"s_{s.criterion_id}": "1" for s in draft.scores.all()}
    assert client.post(reverse("returns:score", args=[draft.pk]), scores).status_code == 302
    response = client.post(reverse("returns:file", args=[draft.pk]), {"filed_on": "2026-06-20", "confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ReturnState.SUBMITTED and str(draft.filed_on) == "2026-06-20"
    assert draft.self_total == 21


def test_file_incomplete_lists_what_is_missing(client, staff, draft):
    client.force_login(staff["unit"])
    response = client.post(reverse("returns:file", args=[draft.pk]), {"filed_on": "2026-06-20", "confirm": "on"},
                           follow=True)
    assert "请填写“企业组织开展安全生产培训次数”" in response.content.decode()


def test_start_from_the_list(client, org, programme, staff):
    client.force_login(staff["unit"])
    response = client.post(reverse("returns:start", args=[period(programme).pk,
                                                          filer(programme, org.unit_a1a).pk]))
    assert response.status_code == 302
    client.force_login(staff["unit_b"])
    response = client.post(reverse("returns:start", args=[period(programme).pk,
                                                          filer(programme, org.unit_a1a).pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("unit", 200), ("county", 200), ("city", 200), ("worker", 404)])
def test_index_and_missing_matrix(client, staff, programme, who, status):
    client.force_login(staff[who])
    assert client.get(reverse("returns:index")).status_code == status
    assert client.get(reverse("returns:missing", args=[period(programme).pk])).status_code == status


def test_missing_lists_only_the_scope(client, org, staff, programme, filed):
    client.force_login(staff["county"])
    response = client.get(reverse("returns:missing", args=[period(programme).pk]))
    names = [f.node.name for f in response.context["page"].object_list]
    assert names == [org.county_a1.name, org.unit_a1b.name]


def _returns(org, programme, staff, count):
    units = [org.unit_a1a, org.unit_a1b, org.unit_a0]
    people = [staff["unit"], staff["unit_b"], staff["unit_a0"]]
    for unit, person in list(zip(units, people, strict=True))[:count]:
        services.start_return(period(programme), filer(programme, unit), actor=person)


@pytest.mark.parametrize("url", ["returns:index", "missing", "ranking"])
def test_lists_constant_queries(client, org, staff, programme, django_assert_num_queries, url):
    client.force_login(staff["city"])

    def target():
        if url == "missing":
            return reverse("returns:missing", args=[period(programme).pk])
        if url == "ranking":
            return reverse("returns:ranking", args=[programme.year])
        return reverse(url)

    _returns(org, programme, staff, 1)
    assert client.get(target()).status_code == 200
    with CaptureQueriesContext(connection) as one:
        client.get(target())
    _returns(org, programme, staff, 3)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(target())


def test_other_city_programme_not_shown(client, org, staff):
    programme_year(org, staff["committee"], year=2025)
    client.force_login(staff["city_other"])
    response = client.get(reverse("returns:index"))
    assert response.status_code == 200 and not response.context["mine"]


def test_drilldown_never_names_a_tip_reporter(client, org, staff, programme):
    HazardFactory(unit=org.unit_a1a, source=HazardSource.TIP, found_at=in_period(), description="仓库消防通道堵塞")
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    client.force_login(staff["county"])
    content = client.get(reverse("returns:cell", args=[report.pk, "participants"])).content.decode()
    assert "仓库消防通道堵塞" in content and "举报人" not in content


def test_score_bad_value_shows_message_and_stores_nothing(client, staff, draft):
    criterion_id = draft.scores.first().criterion_id
    client.force_login(staff["unit"])
    response = client.post(reverse("returns:score", args=[draft.pk]), {f"s_{criterion_id}": "x" * 20})
    assert response.status_code == 400 and "过长" in response.content.decode()
    response = client.post(reverse("returns:score", args=[draft.pk]), {f"s_{criterion_id}": "99"})
    assert response.status_code == 400 and "之间" in response.content.decode()
    assert draft.scores.get(criterion_id=criterion_id).self_score is None


def test_evidence_bad_file_shows_message(client, staff, draft):
    client.force_login(staff["unit"])
    upload = SimpleUploadedFile("a.jpg", b"GIF89a" + b"0" * 100, content_type="image/jpeg")
    response = client.post(reverse("returns:evidence", args=[draft.pk]),
                           {"criterion": draft.scores.first().criterion_id, "photo": upload}, follow=True)
    assert response.status_code == 200
    assert not draft.files.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_unit_review_score_by_reviewer_on_the_page(client, staff, filed):
    criterion_id = filed.scores.first().criterion_id
    client.force_login(staff["county"])
    response = client.post(reverse("returns:score", args=[filed.pk]), {f"s_{criterion_id}": "0",
                                                                       f"n_{criterion_id}": "未见方案"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.review_total == 0
    client.force_login(staff["city"])
    assert client.post(reverse("returns:score", args=[filed.pk]), {}).status_code == 404


def test_detail_draft_shows_the_ledger_as_it_is_now(client, org, staff, draft):
    HazardFactory(unit=org.unit_a1a, found_at=in_period())  # found after the return was started
    client.force_login(staff["county"])  # a reader refreshes it too: the figures are the records'
    response = client.get(reverse("returns:detail", args=[draft.pk]))
    assert response.context["rows"][5].cells[0].total == 1
    assert draft.cells.get(cell__code="hazards_found").value == 1


def test_detail_filed_return_keeps_its_frozen_figures(client, org, staff, filed):
    HazardFactory(unit=org.unit_a1a, found_at=in_period())
    client.force_login(staff["unit"])
    client.get(reverse("returns:detail", args=[filed.pk]))
    assert filed.cells.get(cell__code="hazards_found").value == 1
