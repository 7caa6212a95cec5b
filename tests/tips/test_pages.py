"""The new pages (statistics, the log of vault openings), the worker's link to the form, the reporter's
message warning, a tip's photos copied into its ledger hazard without metadata, and the LEAK TEST
extended to every new page."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from portal.accounts.enums import RoleKind
from tests.factories import photos as pf
from tests.factories.accounts import make_user
from tests.factories.submissions import SMALL_SIZE, upload
from tests.factories.tips import file_tip, walk_tip
from tips import services
from tips.clocks import check_tip_clocks
from tips.enums import TipState
from tips.models import VaultOpening

pytestmark = pytest.mark.django_db

MARK = "WANG-JUBAO-PHONE"  # an EXIF ImageDescription naming the reporter's device
UNIT_STAFF = ("worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_url_role_matrix_of_the_new_pages(client, people, claimed_tip):
    expected = {  # role: (statistics, openings)
        "handler": (200, 404), "handler_city": (200, 404), "handler_other": (200, 404), "custodian": (200, 404),
        "custodian_other": (200, 404), "rewards1": (200, 200), "committee": (200, 200),
        **dict.fromkeys((*UNIT_STAFF, "county", "city", "regulator"), (404, 404)),
    }
    urls = (reverse("tips:statistics"), reverse("tips:openings"))
    for who, statuses in expected.items():
        client.force_login(people[who])
        assert tuple(client.get(url).status_code for url in urls) == statuses, who
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302


def test_openings_are_scoped_to_the_overseers_area(client, org, people, claimed_tip):
    services.open_identity(claimed_tip, actor=people["custodian"], reason="核实举报人身份以便发放奖励")
    other_reviewer = make_user(RoleKind.REWARD_REVIEWER, org.city_b, full_name="乙市委员")
    url = reverse("tips:openings")
    for who, sees in (("rewards1", True), ("committee", True)):
        client.force_login(people[who])
        page = client.get(url).content.decode()
        assert ("核实举报人身份以便发放奖励" in page) is sees and claimed_tip.code in page and "保管员" in page
    client.force_login(other_reviewer)
    page = client.get(url).content.decode()
    assert "核实举报人身份以便发放奖励" not in page and "没有身份查阅记录" in page


def test_openings_search_and_paginate(client, org, people, claimed_tip):
    for number in range(22):
        services.open_identity(claimed_tip, actor=people["custodian"], reason=f"理由{number:02d}")
    client.force_login(people["committee"])
    first = client.get(reverse("tips:openings")).content.decode()
    assert "1 / 2" in first and "理由21" in first and "理由00" not in first
    assert "理由00" in client.get(reverse("tips:openings"), {"page": 2}).content.decode()
    found = client.get(reverse("tips:openings"), {"q": "理由07"}).content.decode()
    assert "理由07" in found and "理由08" not in found


@pytest.mark.parametrize("count", [1, 3])
def test_openings_constant_queries(client, people, claimed_tip, count, django_assert_num_queries):
    for number in range(count):
        services.open_identity(claimed_tip, actor=people["custodian"], reason=f"理由{number}")
    client.force_login(people["rewards1"])
    client.get(reverse("tips:openings"))  # warm the session
    with django_assert_num_queries(7):
        response = client.get(reverse("tips:openings"))
    assert response.content.decode().count("data-opening=") == count


@pytest.mark.parametrize("count", [1, 3])
def test_cases_list_constant_queries_with_clocks(client, org, people, count, django_assert_num_queries):
    tips = [walk_tip(people, file_tip(org)[0], TipState.VERIFYING) for _number in range(count)]
    check_tip_clocks(tips[0].verify_due)
    client.force_login(people["handler"])
    client.get(reverse("tips:cases"))
    with django_assert_num_queries(8):
        response = client.get(reverse("tips:cases"))
    assert response.content.decode().count("data-tip=") == count


def test_statistics_page_shows_the_figures_and_refuses_a_bad_period(client, people, claimed_tip):
    client.force_login(people["rewards1"])
    page = client.get(reverse("tips:statistics")).content.decode()
    assert "甲市总工会" in page and 'data-export="tips_statistics"' in page and "合计" in page
    bad = client.get(reverse("tips:statistics"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert bad.status_code == 200 and "统计期间" in bad.content.decode()
    empty = client.get(reverse("tips:statistics"), {"start": "2001-01-01", "end": "2001-12-31"}).content.decode()
    assert "该期间没有举报" in empty


def test_leak_no_identity_on_the_new_pages(client, people, claimed_tip, identity_secrets):
    services.open_identity(claimed_tip, actor=people["custodian"], reason="发放奖励")
    pages = [reverse("tips:statistics"), reverse("tips:openings"), reverse("tips:cases"),
             reverse("tips:detail", args=[claimed_tip.pk]), reverse("exports:index"), reverse("accounts:home"),
             reverse("hazards:detail", args=[claimed_tip.hazard_id])]
    for who in (*UNIT_STAFF, "handler", "handler_city", "rewards1", "custodian", "committee", "county", "city",
                "regulator"):
        client.force_login(people[who])
        for url in pages:
            body = client.get(url, follow=True).content.decode()
            for secret in identity_secrets:
                assert secret not in body, (who, url, secret)


def test_worker_home_links_to_the_report_form(client, people):
    client.force_login(people["worker"])
    page = client.get(reverse("accounts:home"), follow=True).content.decode()
    assert f'href="{reverse("tips:report")}" data-tip-report' in page


def test_reporter_message_form_warns_against_identifying_details(client, org, people):
    _tip, receipt = file_tip(org)
    client.post(reverse("tips:lookup"), {"receipt": receipt, "passcode": ""})
    page = client.get(reverse("tips:case")).content.decode()
    assert "请勿填写姓名、电话、工号" in page


def test_tip_photos_are_copied_into_the_hazard_without_metadata(client, org, people):
    tagged = pf.jpeg(SMALL_SIZE, exif=(("description", MARK),))
    tip, _ = services.submit_tip(matter="major_hazard", disclosure="anonymous_receipt", unit=org.unit_a1a,
                                 description="配电箱破损", photos=[upload(tagged), upload(pf.jpeg(SMALL_SIZE, quality=70))])
    with tip.photos.first().original.open("rb") as stream:
        assert MARK.encode() in stream.read()  # the tip's original keeps its EXIF
    tip = walk_tip(people, tip, TipState.NOTIFIED)
    hazard = tip.hazard
    photos = list(hazard.photos.order_by("position"))
    assert [photo.kind for photo in photos] == ["before", "before"] and [p.position for p in photos] == [1, 2]
    tip_files = {name for photo in tip.photos.all() for name in (photo.original.name, photo.preview.name)}
    for photo in photos:
        assert photo.original.name not in tip_files and photo.entry_photo_id is None
        for field in (photo.original, photo.preview):
            with field.open("rb") as stream:
                data = stream.read()
            assert MARK.encode() not in data
            with Image.open(io.BytesIO(data)) as image:
                assert not image.getexif()
    client.force_login(people["safety"])
    original = reverse("files:download_variant", args=["hazard_photo", photos[0].pk, "original"])
    response = client.get(original)
    if response.status_code == 200:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARK.encode() not in body
    assert VaultOpening.objects.count() == 0
