"""The hazard ledger in a browser (issue 15): a worker's phone report through 受理, 整改, 验收, the union's
确认, 销号 and 复查; a 重大 hazard through the 治理方案's approval, the regulator's 核销 and closing.

Every step is a click on the hazard page's own action forms (`details[data-action=…]`), as each role sees
them, with the page's confirmations (data-confirm) accepted."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazards.enums import HazardLevel, HazardPhotoKind, HazardState
from hazards.models import Hazard, MajorHazardCriterion
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from tests.browser.conftest import DESKTOP, log_in
from tests.factories import photos as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg(tmp_path, name: str, n: int) -> str:
    path = tmp_path / name
    path.write_bytes(pf.jpeg((1600, 1200), quality=70 + n))
    return str(path)


def person(cast, username: str, device=None):
    someone = cast.person(device) if device else cast.person()
    someone.page.on("dialog", lambda dialog: dialog.accept())
    log_in(someone, username)
    return someone


def act(someone, hazard: Hazard, action: str, fill=None, *, files=None, expect_text: str = ""):
    """Open the hazard's page, unfold one action, fill it (name → value: text, or ("select", label) /
    ("check", True)), and post it; the page then shows the result."""
    page = someone.page
    someone.goto(f"/hazards/{hazard.pk}/")
    box = page.locator(f"details[data-action={action}]")
    box.locator("summary").click()
    for name, value in (fill or {}).items():
        field = box.locator(f"[name={action}-{name}]")
        if isinstance(value, tuple):
            field.select_option(label=value[1])
        else:
            field.fill(value)
    for name, path in (files or {}).items():
        box.locator(f"input[name={action}-{name}]").set_input_files(path)
    box.locator("button[type=submit]").click()
    expect(page.locator(".alert").first).to_contain_text(expect_text or "已")
    return page


def state_of(hazard: Hazard) -> str:
    hazard.refresh_from_db()
    return hazard.state


def test_worker_phone_report_through_acceptance_rectification_signoff_closing_and_follow_up(
        phone, cast, demo, tmp_path):
    page = phone.page
    log_in(phone, "worker1")

    # The worker reports from the phone: a photo, a category, where and what.
    phone.goto("/accounts/home/")
    page.locator("main").get_by_role("link", name="上报隐患").first.click()
    expect(page).to_have_url(re.compile(r"/hazards/report/$"))
    page.locator("input[name=photos]").set_input_files(jpeg(tmp_path, "IMG_2001.jpg", 1))
    page.get_by_label("物的不安全状态").check()
    page.locator("textarea[name=description]").fill("三号机床传动皮带防护罩脱落")
    page.locator("input[name=location]").fill("二车间三号机床")
    workshop = OrgNode.objects.get(kind=NodeKind.WORKSHOP, short_name="二车间",
                                   parent__name="太原市小店区恒安机械制造有限公司")
    page.locator("select[name=workshop]").select_option(str(workshop.pk))
    phone.step("report-form")
    page.get_by_role("button", name="上报").click()
    # The hazard page opens at its 补充隐患照片 form, for the photos that did not fit into one request.
    expect(page).to_have_url(re.compile(r"/hazards/\d+/\?open=before_photo#before_photo$"))
    expect(page.locator(".alert-success")).to_contain_text("隐患已上报，编号HZ-")
    hazard = Hazard.objects.get(description="三号机床传动皮带防护罩脱落")
    assert hazard.state == HazardState.REGISTERED and hazard.photos.filter(kind=HazardPhotoKind.BEFORE).count() == 1
    expect(page.locator("[data-finder]")).to_have_text("张三")
    phone.step("reported")

    # The safety officer (on a PC) sees "职工上报", not the name, and accepts: level, responsible, deadline.
    safety = person(cast, "safety1", DESKTOP)
    safety.goto("/hazards/")
    expect(safety.page.locator("main")).to_contain_text("三号机床传动皮带防护罩脱落")
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    act(safety, hazard, "accept", {"level": ("select", "一般事故隐患"), "responsible": ("select", "周班长"),
                                   "deadline": deadline.isoformat(), "interim_measures": "停机挂牌"})
    expect(safety.page.locator("[data-finder]")).to_have_text("职工上报")
    cast.shoot(safety, "accepted")
    hazard.refresh_from_db()
    assert (hazard.state, hazard.responsible.username, hazard.deadline) == (HazardState.ACCEPTED, "leader1", deadline)

    # The responsible team leader, on a phone: starts, uploads the after photo, submits for verification.
    leader = person(cast, "leader1")
    act(leader, hazard, "start")
    act(leader, hazard, "after_photo", files={"photo": jpeg(tmp_path, "IMG_2002.jpg", 2)})
    expect(leader.page.locator("img[alt^=整改后]")).to_have_count(1)
    act(leader, hazard, "submit", {"note": "已重新安装防护罩并紧固", "cost": "350"})
    cast.shoot(leader, "rectified")
    assert state_of(hazard) == HazardState.SUBMITTED

    # Someone other than the rectifier verifies; the union inspector signs off; the officer closes.
    act(safety, hazard, "verify", {"note": "现场验收合格"})
    assert state_of(hazard) == HazardState.VERIFIED
    inspector = person(cast, "inspector1")
    act(inspector, hazard, "sign_off", {"note": "整改到位"})
    expect(inspector.page.locator("[data-finder]")).to_have_text("张三")  # the union knows the finder
    assert state_of(hazard) == HazardState.SIGNED
    act(safety, hazard, "close")
    assert state_of(hazard) == HazardState.CLOSED
    expect(safety.page.locator("main")).to_contain_text("复查日期")

    # 复查 is refused before the follow-up date (the programme's 30 days after closing) ...
    act(inspector, hazard, "review", {"result": "未反弹"}, expect_text="复查日期")
    assert state_of(hazard) == HazardState.CLOSED
    # ... and a browser test cannot wait a month: the follow-up date is moved to today in the database.
    Hazard.objects.filter(pk=hazard.pk).update(follow_up_on=timezone.localdate())
    act(inspector, hazard, "review", {"result": "复查防护罩完好，未反弹"})
    assert state_of(hazard) == HazardState.REVIEWED
    timeline = inspector.page.locator(".hazard-timeline")
    for step in ("登记", "受理", "开始整改", "提交验收", "验收通过", "工会签字确认", "销号", "跟踪复查"):
        expect(timeline).to_contain_text(step)
    cast.shoot(inspector, "reviewed")

    # The worker follows it in 我的隐患报告.
    phone.goto("/hazards/mine/")
    expect(page.locator("main")).to_contain_text("三号机床传动皮带防护罩脱落")
    expect(page.locator("main")).to_contain_text("已复查")


def test_major_hazard_through_plan_approval_regulator_cancellation_and_closing(phone, cast, demo, tmp_path):
    page = phone.page
    log_in(phone, "worker1")
    phone.goto("/hazards/report/")
    page.locator("input[name=photos]").set_input_files(jpeg(tmp_path, "IMG_3001.jpg", 3))
    page.get_by_label("管理缺陷").check()
    page.locator("textarea[name=description]").fill("电焊作业人员无特种作业操作证")
    page.locator("input[name=location]").fill("焊接工位")
    page.get_by_role("button", name="上报").click()
    # The hazard page opens at its 补充隐患照片 form, for the photos that did not fit into one request.
    expect(page).to_have_url(re.compile(r"/hazards/\d+/\?open=before_photo#before_photo$"))
    hazard = Hazard.objects.get(description="电焊作业人员无特种作业操作证")

    # 重大: the officer names the criterion of the library.
    safety = person(cast, "safety1", DESKTOP)
    act(safety, hazard, "accept", {
        "level": ("select", "重大事故隐患"), "criterion": ("select", hazard_criterion_label()),
        "responsible": ("select", "吴主任"),
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()})
    hazard.refresh_from_db()
    assert hazard.level == HazardLevel.MAJOR and hazard.state == HazardState.ACCEPTED

    # The regulator's liaison of 太原市 sees it and records 挂牌督办.
    regulator = person(cast, "regulator1", DESKTOP)
    regulator.goto("/hazards/")
    expect(regulator.page.locator("main")).to_contain_text("电焊作业人员无特种作业操作证")
    act(regulator, hazard, "regulator_list", {"note": "市应急管理局挂牌督办"})

    # The responsible workshop head writes the six-part 治理方案; it cannot start before approval.
    workshop = person(cast, "workshop1")
    act(workshop, hazard, "submit_plan", {
        "goal": "全部焊工持证上岗", "methods": "停止无证人员作业，组织培训考核", "funds": "培训费2万元",
        "organisation": "车间主任负责", "timeline": "30日内完成", "safety_measures": "作业期间专人监护"})
    act(workshop, hazard, "start", expect_text="须先由主要负责人批准治理方案")
    assert state_of(hazard) == HazardState.ACCEPTED

    head = person(cast, "head1", DESKTOP)
    act(head, hazard, "approve_plan")
    expect(head.page.locator("main")).to_contain_text("已批准")
    cast.shoot(head, "plan-approved")

    act(workshop, hazard, "start")
    act(workshop, hazard, "after_photo", files={"photo": jpeg(tmp_path, "IMG_3002.jpg", 4)})
    act(workshop, hazard, "submit", {"note": "无证人员已调离，三人取证上岗", "cost": "20000"})
    act(safety, hazard, "verify", {"note": "验收合格"})
    act(person(cast, "inspector1"), hazard, "sign_off", {"note": "同意"})
    assert state_of(hazard) == HazardState.SIGNED

    # Closing waits for the regulator's 核销.
    act(safety, hazard, "close", expect_text="须经监管部门核销")
    assert state_of(hazard) == HazardState.SIGNED
    act(regulator, hazard, "regulator_cancel", {"note": "经核查同意核销"})
    expect(regulator.page.locator("main")).to_contain_text("核销")
    act(safety, hazard, "close")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED and hazard.regulator_cancelled_by.username == "regulator1"
    assert hazard.plan.approved_by.username == "head1"
    cast.shoot(safety, "major-closed")


def hazard_criterion_label() -> str:
    return str(MajorHazardCriterion.objects.filter(is_active=True).order_by("sort_order", "id").first())
