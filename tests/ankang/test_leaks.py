"""The 安康杯 pages read tip figures (counts only): a sealed reporter's identity never shows on them."""

import pytest
from django.urls import reverse

from ankang import services
from tests.factories.ankang import confirmed
from tests.factories.tips import REAL_NAME, file_tip, tip_people, walk_tip
from tips.enums import Disclosure, TipState

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["unit", "county", "city"])
def test_sheet_pages_never_show_a_reporter(client, competition, org, people, who):
    tips_people = tip_people(org)
    tip, _receipt = file_tip(org, disclosure=Disclosure.REAL_NAME)
    walk_tip(tips_people, tip, TipState.CONFIRMED)
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    sheet = services.start_sheet(competition, enrolment, actor=people["unit"])
    client.force_login(people[who])
    for url in (reverse("ankang:sheet", args=[sheet.pk]), reverse("ankang:export_sheet", args=[sheet.pk])):
        body = client.get(url).content
        for secret in REAL_NAME.values():
            assert secret.encode() not in body
    page = client.get(reverse("ankang:sheet", args=[sheet.pk])).content.decode()
    assert "属实1件" in page
