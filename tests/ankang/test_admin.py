import pytest
from django.contrib import admin
from django.urls import reverse

from ankang import models, services
from tests.factories.ankang import confirmed, record

pytestmark = pytest.mark.django_db

MODELS = [models.CalendarTemplate, models.ActivityType, models.ScoreTemplate, models.ScoreSection, models.ScoreItem,
          models.VetoItem, models.BaseCondition, models.Competition, models.Enrolment, models.ActivityRecord,
          models.ActivityEvidence, models.ScoreSheet, models.SheetScore, models.SheetVeto]


def staff_user(user):
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def filled(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    record(competition, enrolment, people["unit"], photos=1)
    services.start_sheet(competition, enrolment, actor=people["unit"])


@pytest.mark.parametrize("model", MODELS)
def test_admin_every_model_lists(client, people, filled, model):
    assert admin.site.is_registered(model)
    client.force_login(staff_user(people["committee"]))
    response = client.get(reverse(f"admin:ankang_{model._meta.model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [models.Enrolment, models.ActivityRecord, models.ActivityEvidence,
                                   models.ScoreSheet, models.SheetScore, models.SheetVeto])
def test_admin_records_scoped_like_the_site(client, people, filled, model):
    client.force_login(staff_user(people["city_other"]))
    response = client.get(reverse(f"admin:ankang_{model._meta.model_name}_changelist"))
    assert response.context["cl"].result_count == 0


def test_admin_competition_form_opens(client, people, competition):
    client.force_login(staff_user(people["committee"]))
    assert client.get(reverse("admin:ankang_competition_change", args=[competition.pk])).status_code == 200
    assert client.get(reverse("admin:ankang_scoretemplate_change",
                              args=[competition.score_template_id])).status_code == 200
