"""The staff's pages: URL × role matrix, the handler's actions through the page, the custodian's vault
page, and the LEAK TEST: the reported unit's users and the handlers see no identity anywhere, nor does
the ledger's hazard page."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from hazards.services import report_hazard_up
from tests.factories.tips import REAL_NAME, file_tip, walk_tip
from tips import services
from tips.enums import Disclosure, TipState
from tips.models import VaultOpening

pytestmark = pytest.mark.django_db

SECRETS = (REAL_NAME["name"], REAL_NAME["phone"], "我是三号仓库的保管员", "6222888877776666")
UNIT_STAFF = ("worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def rewarded(org, people):
    """A real-name tip with identifying text, verified, in the ledger, rewarded and claimed."""
    tip, _receipt = file_tip(org, disclosure=Disclosure.REAL_NAME, identifying="我是三号仓库的保管员",
                             actor=people["worker"])
    tip = walk_tip(people, tip, TipState.NOTIFIED)
    services.handler_message(tip, actor=people["handler"], text="已核实")
    reward = services.propose_reward(tip, actor=people["handler"])
    services.approve_reward(reward, actor=people["rewards1"])
    services.approve_reward(reward, actor=people["rewards2"])
    services.claim_reward(tip, payment={"name": REAL_NAME["name"], "account": "6222888877776666"},
                          declared_not_excluded=True)
    return tip


def test_url_role_matrix(client, org, people, rewarded):
    tip = rewarded
    expected = {  # role: (cases, detail, vault)
        "handler": (200, 200, 404), "handler_city": (200, 200, 404), "handler_other": (200, 404, 404),
        "custodian": (200, 200, 200), "custodian_other": (200, 404, 404), "rewards1": (200, 200, 404),
        "worker": (404, 404, 404), "safety": (404, 404, 404), "head": (404, 404, 404), "unit": (404, 404, 404),
        "county": (404, 404, 404), "committee": (200, 200, 404), "regulator": (404, 404, 404),
    }
    urls = (reverse("tips:cases"), reverse("tips:detail", args=[tip.pk]), reverse("tips:vault", args=[tip.pk]))
    for who, statuses in expected.items():
        client.force_login(people[who])
        got = tuple(client.get(url).status_code for url in urls)
        assert got == statuses, who
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for url in (reverse("tips:report"), reverse("tips:lookup")):
        assert client.get(url).status_code == 200


def test_action_outside_scope_is_404_wrong_role_403(client, org, people):
    tip, _ = file_tip(org)
    url = reverse("tips:act", args=[tip.pk, "accept"])
    client.force_login(people["handler_other"])
    assert client.post(url).status_code == 404
    client.force_login(people["custodian"])
    assert client.post(url).status_code == 403
    client.force_login(people["handler"])
    assert client.post(url).status_code == 302
    tip.refresh_from_db()
    assert tip.state == TipState.ACCEPTED
    assert client.post(reverse("tips:act", args=[tip.pk, "nonsense"])).status_code == 404


def test_handler_walks_the_tip_through_the_page(client, org, people):
    tip, _ = file_tip(org)
    client.force_login(people["handler"])
    for action, data in (("accept", {}), ("start", {}),
                         ("conclude", {"conclude-result": "confirmed", "conclude-conclusion": "属实",
                                       "conclude-fine_amount": "50000"}),
                         ("ledger", {"ledger-category": "unsafe_condition"}), ("notify", {})):
        client.post(reverse("tips:act", args=[tip.pk, action]), data)
    tip.refresh_from_db()
    assert tip.state == TipState.NOTIFIED and tip.hazard is not None
    page = client.get(reverse("tips:cases")).content.decode()
    assert tip.code in page


def test_vault_page_needs_reason_and_confirmation_and_logs(client, org, people, rewarded):
    client.force_login(people["custodian"])
    url = reverse("tips:vault", args=[rewarded.pk])
    page = client.post(url, {"reason": "核对"}).content.decode()
    assert REAL_NAME["phone"] not in page and not VaultOpening.objects.exists()
    page = client.post(url, {"reason": "发放奖励前核对", "confirm": "on"}).content.decode()
    assert REAL_NAME["phone"] in page and "6222888877776666" in page
    assert VaultOpening.objects.get().reason == "发放奖励前核对"
    client.force_login(people["handler"])
    detail = client.get(reverse("tips:detail", args=[rewarded.pk])).content.decode()
    assert "发放奖励前核对" in detail  # the opening is visible, the identity is not
    assert REAL_NAME["phone"] not in detail


def test_leak_no_identity_on_any_page_the_unit_or_handlers_reach(client, org, people, rewarded):
    hazard = rewarded.hazard
    # Reported up, it is also on the levels' lists, dashboards and the 职代会 summary (hazards/oversight_views.py).
    report_hazard_up(hazard, actor=people["unit"], reason="需上级协调")
    pages = [reverse("hazards:ledger"), reverse("hazards:detail", args=[hazard.pk]), reverse("hazards:mine"),
             reverse("tips:cases"), reverse("tips:detail", args=[rewarded.pk]), reverse("tips:report"),
             reverse("accounts:home"), reverse("hazards:reported"), reverse("hazards:dashboard"),
             reverse("hazards:congress", args=[hazard.unit_id])]
    for who in (*UNIT_STAFF, "handler", "handler_city", "rewards1", "county", "city", "regulator"):
        client.force_login(people[who])
        for url in pages:
            response = client.get(url, follow=True)
            body = response.content.decode()
            for secret in SECRETS:
                assert secret not in body, (who, url, secret)
            if "/hazards/" in url and str(hazard.pk) in url and response.status_code == 200:
                assert "举报人（已保密）" in body
    # The reporting worker's own account does not reveal the tip either (not in "my reports").
    client.force_login(people["worker"])
    assert hazard.code not in client.get(reverse("hazards:mine")).content.decode()


def test_html_payloads_are_escaped_on_staff_and_reporter_pages(client, org, people):
    payload = '<script>alert("x")</script>=HYPERLINK("http://evil")'
    tip, _ = file_tip(org, description=payload)
    client.force_login(people["handler"])
    body = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert '<script>alert("x")</script>' not in body and "&lt;script&gt;" in body
    services.reporter_message(tip, text=payload)
    body = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert '<script>alert("x")</script>' not in body


def test_tip_photo_preview_for_staff_original_for_custodian_only(client, org, people):
    tip, _ = file_tip(org)
    photo = tip.photos.get()
    preview = reverse("files:download_variant", args=["tip_photo", photo.pk, "preview"])
    original = reverse("files:download_variant", args=["tip_photo", photo.pk, "original"])
    client.force_login(people["handler"])
    assert client.get(preview).status_code == 200 and client.get(original).status_code == 404
    client.force_login(people["custodian"])
    assert client.get(original).status_code == 200
    for who in ("safety", "handler_other", "worker"):
        client.force_login(people[who])
        assert client.get(preview).status_code == 404
