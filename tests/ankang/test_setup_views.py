"""The province's competition pages: the new-competition form starts from the seed, saving opens it; the
settings page changes it and its quotas; other roles get 404."""

import pytest
from django.urls import reverse

from ankang.models import Competition
from ankang.setup_forms import quota_field_name

pytestmark = pytest.mark.django_db


def _post_data(form):
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = value.pk if hasattr(value, "pk") else ("" if value is None else str(value))
    return data


def test_committee_opens_a_competition_from_the_prefilled_form(client, org, people):
    client.force_login(people["committee"])
    assert "new-competition" in client.get(reverse("ankang:index")).content.decode()
    page = client.get(reverse("ankang:new_competition"))
    data = _post_data(page.context["form"]) | {"theme": "落实安全生产责任", "organisers": "省总工会\n省应急管理厅"}
    response = client.post(reverse("ankang:new_competition"), data)
    competition = Competition.objects.get()
    assert response.status_code == 302 and response.url == reverse("ankang:competition_settings",
                                                                   args=[competition.pk])
    assert competition.place == org.province and competition.organiser_list == ["省总工会", "省应急管理厅"]


def test_new_competition_with_an_end_before_its_start_is_refused(client, org, people):
    client.force_login(people["committee"])
    data = _post_data(client.get(reverse("ankang:new_competition")).context["form"]) | {
        "theme": "x", "organisers": "省总工会", "ends_on": "2000-01-01"}
    response = client.post(reverse("ankang:new_competition"), data)
    assert response.status_code == 400 and not Competition.objects.exists()


def test_settings_page_saves_quotas(client, competition, people):
    client.force_login(people["committee"])
    url = reverse("ankang:competition_settings", args=[competition.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"quotas": "1", quota_field_name("county", "unit"): "2",
                                 quota_field_name("province", "person"): "10"})
    assert response.status_code == 302
    assert sorted(competition.quotas.values_list("level", "kind", "cap")) == [
        ("county", "unit", 2), ("province", "person", 10)]


def test_settings_page_saves_the_competition(client, competition, people):
    client.force_login(people["committee"])
    url = reverse("ankang:competition_settings", args=[competition.pk])
    data = _post_data(client.get(url).context["form"]) | {"theme": "新的主题", "settings": "1"}
    assert client.post(url, data).status_code == 302
    competition.refresh_from_db()
    assert competition.theme == "新的主题"


@pytest.mark.parametrize("who", ["unit", "county", "city"])
def test_other_roles_cannot_open_or_configure(client, competition, people, who):
    client.force_login(people[who])
    assert client.get(reverse("ankang:new_competition")).status_code == 404
    assert client.get(reverse("ankang:competition_settings", args=[competition.pk])).status_code == 404
    assert "new-competition" not in client.get(reverse("ankang:index")).content.decode()


def test_settings_page_saves_the_grades(client, competition, people):
    client.force_login(people["committee"])
    url = reverse("ankang:competition_settings", args=[competition.pk])
    assert client.get(url).context["grades_form"].initial["names"] == "一等\n二等\n三等"
    response = client.post(url, {"grades": "1", "names": "特等\n一等\n二等"})
    assert response.status_code == 302
    assert list(competition.grades.values_list("name", flat=True)) == ["特等", "一等", "二等"]


def test_settings_page_refuses_duplicate_grades_with_a_message(client, competition, people):
    client.force_login(people["committee"])
    url = reverse("ankang:competition_settings", args=[competition.pk])
    response = client.post(url, {"grades": "1", "names": "一等\n一等"}, follow=True)
    assert "表彰等次不能重复" in response.content.decode()
    assert list(competition.grades.values_list("name", flat=True)) == ["一等", "二等", "三等"]


@pytest.mark.parametrize("who", ["unit", "county", "city"])
def test_other_roles_cannot_set_the_grades(client, competition, people, who):
    client.force_login(people[who])
    response = client.post(reverse("ankang:competition_settings", args=[competition.pk]),
                           {"grades": "1", "names": "甲"})
    assert response.status_code == 404
    assert list(competition.grades.values_list("name", flat=True)) == ["一等", "二等", "三等"]
