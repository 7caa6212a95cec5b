import pytest
from django.contrib import admin
from django.urls import reverse

from returns import models
from tests.factories.returns import filed_enterprise

pytestmark = pytest.mark.django_db

MODELS = [models.StatTemplate, models.StatCell, models.ChecklistTemplate, models.ChecklistItem,
          models.ChecklistCriterion, models.ReturnProgramme, models.ReturnPeriod, models.Filer, models.Return,
          models.ReturnCell, models.CriterionScore, models.ReturnScan, models.ReturnReminder]


@pytest.mark.parametrize("model", MODELS)
def test_admin_every_model_lists(client, staff, programme, model):
    assert admin.site.is_registered(model)
    user = staff["committee"]
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    response = client.get(reverse(f"admin:returns_{model._meta.model_name}_changelist"))
    assert response.status_code == 200


def test_admin_returns_scoped_like_the_site(client, org, staff, programme):
    filed_enterprise(programme, org.unit_a1a, staff["unit"])
    other = staff["city_other"]
    other.is_staff = other.is_superuser = True
    other.save()
    client.force_login(other)
    response = client.get(reverse("admin:returns_return_changelist"))
    assert response.context["cl"].result_count == 0
