"""The public pages: the report form with its CAPTCHA and rate limit, the receipt shown once, the lookup
(wrong codes indistinguishable, rate-limited) and the reporter's case page (message, objection, claim)."""

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.urls import reverse

from tests.factories.tips import file_tip, tip_photo, walk_tip
from tips import crypto, services
from tips.enums import Disclosure, TipMatter, TipState
from tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def captcha_answer() -> dict:
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def form_data(org, **extra) -> dict:
    return {"matter": TipMatter.MAJOR_HAZARD, "description": "消防通道被货物堵死", "unit": org.unit_a1a.pk,
            "disclosure": Disclosure.ANONYMOUS_RECEIPT, "photos": [tip_photo()], **captcha_answer(), **extra}


def test_report_form_renders_with_captcha_image_for_anonymous(client):
    response = client.get(reverse("tips:report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "captcha" in body and "<script>" not in body.replace("<script src=", "")
    image = client.get(body.split('src="')[1].split('"')[0]) if '/captcha/image/' in body else None
    assert image is not None and image.status_code == 200 and image["Content-Type"] == "image/png"


def test_report_files_tip_and_shows_receipt_once(client, org, people):
    response = client.post(reverse("tips:report"), form_data(org, passcode="口令"))
    assert response.status_code == 200
    receipt = response.content.decode().split("data-receipt>")[1].split("<")[0]
    tip = Tip.objects.get()
    assert services.tip_by_receipt(receipt, "口令") == tip
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_report_wrong_captcha_refused_in_chinese(client, org, people):
    data = form_data(org)
    data["captcha_1"] = "wrong"
    response = client.post(reverse("tips:report"), data)
    assert "验证码不正确" in response.content.decode()
    assert not Tip.objects.exists()


def test_report_rate_limited_per_address(client, org, people):
    for _ in range(5):
        client.post(reverse("tips:report"), form_data(org), REMOTE_ADDR="10.1.1.1")
    response = client.post(reverse("tips:report"), form_data(org), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert Tip.objects.count() == 5
    assert client.post(reverse("tips:report"), form_data(org), REMOTE_ADDR="10.1.1.2").status_code == 200


def test_lookup_wrong_code_same_answer_as_wrong_passcode(client, org, people):
    _, receipt = file_tip(org, passcode="口令")
    unknown = client.post(reverse("tips:lookup"), {"receipt": crypto.new_receipt(), "passcode": "口令"})
    wrong = client.post(reverse("tips:lookup"), {"receipt": receipt, "passcode": "错"})
    assert unknown.status_code == wrong.status_code == 200
    strip = lambda r: r.content.decode().replace(r.wsgi_request.META.get("CSRF_COOKIE", ""), "")  # noqa: E731
    assert "回执码或查询密码不正确" in strip(unknown) and "回执码或查询密码不正确" in strip(wrong)


def test_lookup_rate_limited(client, org, people):
    for _ in range(20):
        client.post(reverse("tips:lookup"), {"receipt": crypto.new_receipt()}, REMOTE_ADDR="10.2.2.2")
    response = client.post(reverse("tips:lookup"), {"receipt": crypto.new_receipt()}, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429


def test_case_page_needs_lookup(client):
    assert client.get(reverse("tips:case"))["Location"] == reverse("tips:lookup")


def test_reporter_reads_progress_messages_and_claims(client, org, people):
    tip, receipt = file_tip(org)
    tip = walk_tip(people, tip, TipState.NOTIFIED)
    services.handler_message(tip, actor=people["handler"], text="请补充仓库位置")
    reward = services.propose_reward(tip, actor=people["handler"])
    services.approve_reward(reward, actor=people["rewards1"])
    services.approve_reward(reward, actor=people["rewards2"])
    assert client.post(reverse("tips:lookup"), {"receipt": receipt}).status_code == 302
    page = client.get(reverse("tips:case")).content.decode()
    assert "已告知结果" in page and "请补充仓库位置" in page and "15000" in page
    client.post(reverse("tips:case"), {"action": "message", "text": "在三号库"})
    assert tip.messages.filter(author="reporter", text="在三号库").exists()
    claim = {"action": "claim", "name": "王", "account": "6222", "declared": "on"}
    client.post(reverse("tips:case"), claim)
    reward.refresh_from_db()
    assert reward.state == "claimed"
    replay = client.post(reverse("tips:case"), claim, follow=True)
    assert "不能重复申领" in replay.content.decode() or "已申领" in replay.content.decode()


def test_logged_in_worker_uses_the_same_form_account_only_sealed(client, org, people):
    client.force_login(people["worker"])
    response = client.post(reverse("tips:report"), form_data(org, disclosure=Disclosure.ANONYMOUS))
    assert response.status_code == 200
    tip = Tip.objects.get()
    assert tip.receipt_hash is None
    identity = services.open_identity(tip, actor=people["custodian"], reason="核对")
    assert identity["account"] == people["worker"].username
