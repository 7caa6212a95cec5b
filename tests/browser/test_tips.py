"""Rewarded tips in a browser (issue 16): an anonymous visitor on a phone files a tip with a photo and keeps
the receipt; the handler accepts and verifies it; the hazard enters the unit's ledger as "举报人（已保密）";
the reward reviewers approve the rule-computed reward; the visitor reads the result with the receipt and
claims it; the custodian opens the identity and the opening is in the log."""

import datetime
import re

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone
from playwright.sync_api import expect

from hazards.enums import HazardSource, HazardState
from tests.browser.conftest import DESKTOP, log_in
from tests.factories import photos as pf
from tips.enums import Disclosure, RewardState, TipState
from tips.models import Reward, Tip, VaultOpening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "铸造车间熔炼炉旁堆放大量油漆桶，无人管理"


def staff(cast, username: str):
    someone = cast.person(DESKTOP)
    someone.page.on("dialog", lambda dialog: dialog.accept())
    log_in(someone, username)
    return someone


def act(someone, tip: Tip, action: str, fill=None, *, expect_text: str = ""):
    """Post one of the tip page's action forms (field name → text, or ("select", label))."""
    page = someone.page
    someone.goto(f"/tips/cases/{tip.pk}/")
    form = page.locator(f"form[action$='/{tip.pk}/{action}/']")
    for name, value in (fill or {}).items():
        field = form.locator(f"[name={action}-{name}]")
        if isinstance(value, tuple):
            field.select_option(label=value[1])
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert").first).to_contain_text(expect_text or "已")
    return page


def test_anonymous_tip_from_a_phone_to_a_claimed_reward_and_a_logged_identity_opening(phone, cast, demo, tmp_path):
    page = phone.page
    photo = tmp_path / "IMG_5001.jpg"
    photo.write_bytes(pf.jpeg((1600, 1200), quality=75))

    # An anonymous visitor (no account) on a phone.
    phone.goto("/tips/")
    page.get_by_label("重大事故隐患").check()
    page.locator("input[name=photos]").set_input_files(str(photo))
    page.locator("textarea[name=description]").fill(DESCRIPTION)
    page.locator("input[data-unit-search-box]").press_sequentially("恒安机械", delay=20)
    unit = page.locator("select[name=unit]")
    expect(unit.locator("option", has_text="太原市小店区恒安机械制造有限公司")).to_have_count(1)
    unit.select_option(label="太原市小店区恒安机械制造有限公司")
    page.get_by_label("匿名（凭回执查询）").check()
    # The CAPTCHA is answered as tests/tips/test_public.py does: django-simple-captcha keeps each
    # challenge's answer in its CaptchaStore row, found by the key the form carries in captcha_0.
    # No test-mode setting is switched on, so the real field and its image are exercised.
    key = page.locator("input[name=captcha_0]").input_value()
    page.locator("input[name=captcha_1]").fill(CaptchaStore.objects.get(hashkey=key).response)
    phone.step("tip-form")
    page.get_by_role("button", name="提交举报").click()
    expect(page.locator("h1")).to_have_text("举报已提交")
    receipt = page.locator("[data-receipt]").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt), receipt
    phone.step("receipt")
    tip = Tip.objects.get(description=DESCRIPTION)
    assert tip.disclosure == Disclosure.ANONYMOUS_RECEIPT and tip.photos.count() == 1

    # The handler of 太原市 accepts, verifies (the regulator's fine recorded), sends it to the ledger with
    # a deadline, tells the reporter and lets the rules compute the reward.
    handler = staff(cast, "handler1")
    handler.goto("/tips/cases/")
    expect(handler.page.locator("main")).to_contain_text(tip.code)
    act(handler, tip, "accept")
    act(handler, tip, "start")
    act(handler, tip, "conclude", {"result": ("select", "属实"), "conclusion": "现场核实，油漆桶紧邻熔炼炉",
                                   "fine_amount": "100000", "fine_reference": "太应急罚〔2026〕21号"})
    deadline = timezone.localdate() + datetime.timedelta(days=15)
    act(handler, tip, "ledger", {"category": ("select", "物的不安全状态"), "location": "铸造车间熔炼炉旁",
                                 "deadline": deadline.isoformat()})
    act(handler, tip, "notify")
    act(handler, tip, "propose")
    expect(handler.page.locator("main")).to_contain_text("建议15000.00元")
    expect(handler.page.locator("[data-reporter]")).to_have_text("举报人（已保密）")
    cast.shoot(handler, "handled")
    tip.refresh_from_db()
    assert tip.state == TipState.NOTIFIED and tip.hazard.deadline == deadline

    # The hazard is in the unit's ledger, its reporter sealed.
    safety = staff(cast, "safety1")
    safety.goto("/hazards/?source=tip")
    expect(safety.page.locator("main")).to_contain_text(tip.hazard.code)
    safety.goto(f"/hazards/{tip.hazard.pk}/")
    expect(safety.page.locator("[data-finder]")).to_have_text("举报人（已保密）")
    expect(safety.page.locator("main")).to_contain_text(deadline.isoformat())
    assert (tip.hazard.source, tip.hazard.state) == (HazardSource.TIP, HazardState.REGISTERED)
    cast.shoot(safety, "ledger-hazard")

    # Two members of the reward committee approve the proposed amount.
    for username in ("rewards1", "rewards2"):
        act(staff(cast, username), tip, "approve")
    assert Reward.objects.get(tip=tip).state == RewardState.APPROVED

    # The visitor reads the result with the receipt and claims the reward.
    phone.goto("/tips/lookup/")
    page.locator("input[name=receipt]").fill(receipt.lower())
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/tips/case/$"))
    expect(page.locator("[data-state]")).to_have_text("已告知结果")
    expect(page.locator("main")).to_contain_text("属实：现场核实，油漆桶紧邻熔炼炉")
    expect(page.locator("[data-reward]")).to_contain_text("15000.00")
    phone.step("case-result")
    page.locator("input[name=name]").fill("匿名举报人甲")
    page.locator("input[name=account]").fill("6222020200009876543")
    page.locator("input[name=declared]").check()
    page.get_by_role("button", name="申领奖励").click()
    expect(page.locator(".alert-success")).to_contain_text("奖励申领已提交")
    expect(page.locator("[data-reward]")).to_contain_text("已申领")
    phone.step("claimed")

    # The custodian opens the sealed identity (here: the payment details) with a reason; it is logged.
    custodian = staff(cast, "custodian1")
    custodian.goto(f"/tips/cases/{tip.pk}/")
    custodian.page.get_by_role("link", name="查阅举报人身份").click()
    custodian.page.locator("textarea[name=reason]").fill("核对奖励申领人收款信息")
    custodian.page.locator("input[name=confirm]").check()
    custodian.page.get_by_role("button", name="确认查阅").click()
    identity = custodian.page.locator("[data-identity]")
    expect(identity).to_contain_text("收款账号")  # labelled rows, not the vault's raw keys
    expect(identity).to_contain_text("6222020200009876543")
    cast.shoot(custodian, "identity-opened")
    custodian.page.get_by_role("link", name="返回举报").click()
    expect(custodian.page.locator("main")).to_contain_text("核对奖励申领人收款信息")
    opening = VaultOpening.objects.get(tip=tip)
    assert opening.opened_by.username == "custodian1" and opening.reason == "核对奖励申领人收款信息"
