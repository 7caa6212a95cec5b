"""The ledger's pages: a URL × role matrix inside and outside the scope, the worker's report through the
pages, the hazard page's actions, private photos, the finder's identity and constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.enums import HazardLevel, HazardPhotoKind, HazardState
from hazards.models import Hazard
from tests.factories import HazardFactory
from tests.factories.hazards import accept, criterion, in_days, photo_upload, report, walk
from tests.hazards.test_rules import GENERAL

pytestmark = pytest.mark.django_db

OK, LOGIN, GONE, DENIED = "200", "login", "404", "403"
WHO = ["anonymous", "worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit", "county",
       "city", "committee", "regulator", "safety_other", "inspector_other", "county_other", "regulator_other",
       "worker_other"]
REPORTERS = {"worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit",
             "safety_other", "inspector_other", "worker_other"}
LEDGER = set(WHO) - {"anonymous", "worker", "worker_peer", "worker_other"}
VIEW_IN = GENERAL["hazards.view_hazard"]  # a general hazard of unit A1a found by "worker"
VIEW_IN_MAJOR = VIEW_IN | {"regulator"}
VIEW_OUT = {"committee", "county_other", "worker_other"}  # a general hazard of unit B1a found by "worker_other"


@pytest.fixture
def anonymous_people(people):
    return {"anonymous": None, **people}


@pytest.fixture
def hazards(org, people):
    return {
        "in": HazardFactory(unit=org.unit_a1a, finder=people["worker"]),
        "in_major": HazardFactory(unit=org.unit_a1a, finder=people["worker"], level=HazardLevel.MAJOR),
        "out": HazardFactory(unit=org.unit_b1a, finder=people["worker_other"]),
    }


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return str(response.status_code)


def expected_row(allowed: set[str]) -> dict:
    return {who: LOGIN if who == "anonymous" else OK if who in allowed else GONE for who in WHO}


def run_row(client, anonymous_people, url, method="get", data=None):
    actual = {}
    for who in WHO:
        client.logout()
        if anonymous_people[who] is not None:
            client.force_login(anonymous_people[who])
        actual[who] = outcome(getattr(client, method)(url, data or {}))
    return actual


@pytest.mark.parametrize(("name", "allowed"), [
    ("hazards:ledger", LEDGER), ("hazards:report", REPORTERS), ("hazards:mine", REPORTERS),
    ("hazards:escalations", LEDGER)])
def test_page_matrix(client, anonymous_people, name, allowed):
    assert run_row(client, anonymous_people, reverse(name)) == expected_row(allowed)


@pytest.mark.parametrize(("key", "allowed"), [("in", VIEW_IN), ("in_major", VIEW_IN_MAJOR), ("out", VIEW_OUT)])
def test_detail_matrix_inside_and_outside_scope(client, anonymous_people, hazards, key, allowed):
    url = reverse("hazards:detail", args=[hazards[key].pk])
    assert run_row(client, anonymous_people, url) == expected_row(allowed)


ACTION_PERMISSIONS = {
    "accept": "hazards.accept_hazard", "decline": "hazards.decline_hazard", "reopen_declined": "hazards.reopen_declined",
    "start": "hazards.start_rectification", "submit": "hazards.submit_rectification",
    "verify": "hazards.verify_rectification", "return": "hazards.return_rectification", "sign_off": "hazards.sign_off",
    "close": "hazards.close_hazard", "review": "hazards.review_hazard", "reopen": "hazards.reopen_hazard",
    "extension": "hazards.request_extension", "decide_extension": "hazards.decide_extension",
    "stoppage": "hazards.propose_stoppage", "answer_stoppage": "hazards.answer_stoppage",
    "submit_plan": "hazards.submit_plan", "approve_plan": "hazards.approve_plan",
    "after_photo": "hazards.add_after_photo", "before_photo": "hazards.add_before_photo", "finder_named": "hazards.set_finder_named",
    "regulator_list": "hazards.record_regulator", "regulator_cancel": "hazards.record_regulator",
}


@pytest.mark.parametrize("action", list(ACTION_PERMISSIONS))
def test_action_matrix_inside_and_outside_scope(client, anonymous_people, org, people, action):
    """POSTing an action (empty form): holders reach the form (400) or the service (302), visible
    non-holders get 403, everyone else 404; the hazard of another unit is 404 to all of unit A1a."""
    hazard = HazardFactory(unit=org.unit_a1a, finder=people["worker"], responsible=people["workshop"],
                           assigned_by=people["safety"], level=HazardLevel.GENERAL)
    holders = GENERAL[ACTION_PERMISSIONS[action]]
    url = reverse("hazards:act", args=[hazard.pk, action])
    actual = run_row(client, anonymous_people, url, method="post")
    expected = {who: LOGIN if who == "anonymous" else ("ok" if who in holders else DENIED if who in VIEW_IN else GONE)
                for who in WHO}
    assert {who: ("ok" if value in ("302", "400") else value) for who, value in actual.items()} == expected


def test_action_unknown_or_get_refused(client, people, hazards):
    client.force_login(people["safety"])
    assert client.post(reverse("hazards:act", args=[hazards["in"].pk, "nonsense"])).status_code == 404
    assert client.get(reverse("hazards:act", args=[hazards["in"].pk, "accept"])).status_code == 405


def test_action_on_hazard_outside_scope_is_404_and_changes_nothing(client, people, hazards):
    client.force_login(people["safety"])
    response = client.post(reverse("hazards:act", args=[hazards["out"].pk, "decline"]), {"decline-reason": "x"})
    assert response.status_code == 404
    assert Hazard.objects.get(pk=hazards["out"].pk).state == HazardState.REGISTERED


# --- the worker's report and the loop through the pages -----------------------------------------------------


def test_worker_reports_through_the_form(client, people, org):
    client.force_login(people["worker"])
    response = client.post(reverse("hazards:report"), {
        "photos": [photo_upload(), photo_upload()], "category": "unsafe_act", "description": "未戴安全帽",
        "location": "二号车间", "unit": org.unit_a1a.pk})
    hazard = Hazard.objects.get()
    detail = reverse("hazards:detail", args=[hazard.pk])
    assert response.status_code == 302 and response["Location"] == f"{detail}?open=before_photo#before_photo"
    assert hazard.photos.count() == 2 and hazard.unit == org.unit_a1a
    page = client.get(reverse("hazards:mine")).content.decode()
    assert hazard.code in page and "已登记" in page


def test_report_form_bad_photo_shows_refusal_and_stores_nothing(client, people, org, isolated_tasks_and_media):
    from tests.factories import stored_files, upload
    client.force_login(people["worker"])
    response = client.post(reverse("hazards:report"), {
        "photos": [upload(b"%PDF-1.4 not a photo" * 20, "a.jpg")], "category": "unsafe_act",
        "description": "x", "location": "y", "unit": org.unit_a1a.pk}, follow=True)
    assert response.status_code == 200 and not Hazard.objects.exists()
    assert stored_files(isolated_tasks_and_media) == set()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_report_form_other_unit_not_offered(client, people, org):
    client.force_login(people["worker"])
    response = client.post(reverse("hazards:report"), {
        "photos": [photo_upload()], "category": "unsafe_act", "description": "x", "location": "y",
        "unit": org.unit_b1a.pk})
    assert response.status_code == 200 and not Hazard.objects.exists()


def post(client, user, hazard, action, data=None, **extra):
    client.force_login(user)
    fields = {f"{action}-{key}": value for key, value in (data or {}).items()}
    return client.post(reverse("hazards:act", args=[hazard.pk, action]), {**fields, **extra})


def test_general_hazard_loop_through_the_pages(client, people, org):
    hazard = report(people, org)
    post(client, people["safety"], hazard, "accept", {"level": "general", "responsible": people["workshop"].pk,
                                                      "deadline": in_days(7).isoformat()})
    post(client, people["workshop"], hazard, "start")
    post(client, people["workshop"], hazard, "after_photo", {"photo": photo_upload()})
    post(client, people["workshop"], hazard, "submit", {"note": "已加锁", "cost": "50"})
    post(client, people["safety"], hazard, "verify", {"note": "合格"})
    post(client, people["inspector"], hazard, "sign_off", {"note": "同意"})
    post(client, people["safety"], hazard, "close")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    for label in ("受理", "开始整改", "提交验收", "验收通过", "工会签字确认", "销号"):
        assert label in page


def test_major_hazard_plan_regulator_and_close_through_the_pages(client, people, org):
    hazard = report(people, org)
    post(client, people["safety"], hazard, "accept", {"level": "major", "criterion": criterion().pk,
                                                      "responsible": people["workshop"].pk,
                                                      "deadline": in_days(30).isoformat()})
    plan = {"goal": "a", "methods": "b", "funds": "c", "organisation": "d", "timeline": "e", "safety_measures": "f"}
    post(client, people["workshop"], hazard, "submit_plan", plan)
    post(client, people["head"], hazard, "approve_plan")
    post(client, people["workshop"], hazard, "start")
    post(client, people["regulator"], hazard, "regulator_list", {"note": "挂牌督办"})
    post(client, people["workshop"], hazard, "after_photo", {"photo": photo_upload()})
    post(client, people["workshop"], hazard, "submit", {"note": "已更换", "cost": "50000"})
    post(client, people["safety"], hazard, "verify")
    post(client, people["inspector"], hazard, "sign_off")
    response = post(client, people["safety"], hazard, "close")
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.SIGNED  # refused: no 核销 yet
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert shown[-1] == "重大事故隐患须经监管部门核销后才能销号。"
    post(client, people["regulator"], hazard, "regulator_cancel")
    post(client, people["safety"], hazard, "close")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED and hazard.regulator_listed


def test_refused_action_shows_message_and_changes_nothing(client, people, org):
    hazard = report(people, org)
    response = post(client, people["safety"], hazard, "accept", {
        "level": "general", "responsible": people["workshop"].pk, "deadline": in_days(-1).isoformat()})
    assert response.status_code == 302
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages == ["整改期限不能早于今天。"]
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.REGISTERED


def test_invalid_action_form_rerenders_with_errors(client, people, org):
    hazard = report(people, org)
    response = post(client, people["safety"], hazard, "decline", {"reason": ""})
    assert response.status_code == 400
    assert 'data-action="decline" open' in response.content.decode()


def test_detail_offers_only_the_users_actions(client, people, org):
    hazard = report(people, org)
    client.force_login(people["safety"])
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-action="accept"' in page and 'data-action="decline"' in page
    assert 'data-action="sign_off"' not in page
    client.force_login(people["inspector"])
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-action="accept"' not in page and 'data-action="stoppage"' in page
    assert 'data-confirm="' in page  # the stoppage proposal is confirmed first


# --- photos -------------------------------------------------------------------------------------------------


def test_hazard_photos_served_in_scope_originals_to_finder_and_union_only(client, people, org):
    hazard = report(people, org)
    photo = hazard.photos.get()
    preview = reverse("files:download_variant", args=["hazard_photo", photo.pk, "preview"])
    original = reverse("files:download_variant", args=["hazard_photo", photo.pk, "original"])
    expected = {"worker": (200, 200), "safety": (200, 404), "team_leader": (200, 404), "inspector": (200, 200),
                "county": (200, 200), "safety_other": (404, 404), "regulator": (404, 404), "worker_peer": (404, 404)}
    for who, (want_preview, want_original) in expected.items():
        client.force_login(people[who])
        assert (client.get(preview).status_code, client.get(original).status_code) == (want_preview,
                                                                                        want_original), who
    client.logout()
    assert client.get(preview).status_code == 404


def test_detail_shows_before_and_after_side_by_side(client, people, org):
    hazard = walk(people, org, HazardState.SUBMITTED)
    client.force_login(people["safety"])
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    for photo in hazard.photos.all():
        assert reverse("files:download_variant", args=["hazard_photo", photo.pk, "preview"]) in page
    assert {p.kind for p in hazard.photos.all()} == {HazardPhotoKind.BEFORE, HazardPhotoKind.AFTER}
    assert "整改前" in page and "整改后" in page


# --- the finder's identity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "shown"), [("safety", False), ("head", False), ("workshop", False),
                                            ("team_leader", False), ("inspector", True), ("unit", True),
                                            ("county", True), ("worker", True)])
def test_finder_name_on_every_page_only_for_union_staff_and_finder(client, people, org, who, shown):
    hazard = accept(report(people, org), people)
    name = people["worker"].get_full_name()
    client.force_login(people[who])
    pages = [reverse("hazards:detail", args=[hazard.pk])]
    pages.append(reverse("hazards:mine" if who == "worker" else "hazards:ledger"))
    for url in pages:
        content = client.get(url).content.decode()
        assert (name in content) is shown, url
        if not shown:
            assert "职工上报" in content


def test_finder_adds_before_photos_one_request_each_up_to_the_cap(client, people, org):
    from tests.factories.hazards import default_programme
    programme = default_programme()
    programme.before_photos_max = 2
    programme.save()
    hazard = report(people, org)
    post(client, people["worker"], hazard, "before_photo", {"photo": photo_upload()})
    response = post(client, people["worker"], hazard, "before_photo", {"photo": photo_upload()})
    assert hazard.photos.filter(kind=HazardPhotoKind.BEFORE).count() == 2
    assert [str(m) for m in client.get(response["Location"]).context["messages"]][-1] == "隐患照片不超过2幅。"


def test_finder_names_themselves_on_the_hazard_page(client, people, org):
    hazard = report(people, org)
    post(client, people["worker"], hazard, "finder_named", {"named": "on"})
    client.force_login(people["safety"])
    assert people["worker"].get_full_name() in client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()


def test_named_finder_shown_to_management(client, people, org):
    hazard = report(people, org, finder_named=True)
    client.force_login(people["safety"])
    assert people["worker"].get_full_name() in client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()


# --- the ledger ---------------------------------------------------------------------------------------------


def test_ledger_filters_state_level_overdue_category_source_and_search(client, people, org):
    import datetime

    from django.utils import timezone
    late = HazardFactory(unit=org.unit_a1a, state=HazardState.ACCEPTED,
                         deadline=timezone.localdate() - datetime.timedelta(days=1), description="脚手架松动")
    major = HazardFactory(unit=org.unit_a1a, level=HazardLevel.MAJOR, category="management", source="inspection")
    plain = HazardFactory(unit=org.unit_a1a, location="锅炉房")
    client.force_login(people["safety"])

    def codes(**query):
        return {row["hazard"].code for row in client.get(reverse("hazards:ledger"), query).context["rows"]}

    assert codes() == {late.code, major.code, plain.code}
    assert codes(state="accepted") == {late.code}
    assert codes(level="major") == {major.code}
    assert codes(overdue="on") == {late.code}
    assert codes(category="management") == {major.code}
    assert codes(source="inspection") == {major.code}
    assert codes(q="锅炉") == {plain.code}
    assert codes(q=late.code) == {late.code}
    assert 'data-flag="overdue"' in client.get(reverse("hazards:ledger")).content.decode()


def test_ledger_paginates(client, people, org):
    for _ in range(23):
        HazardFactory(unit=org.unit_a1a)
    client.force_login(people["safety"])
    assert len(client.get(reverse("hazards:ledger")).context["rows"]) == 20
    assert len(client.get(reverse("hazards:ledger"), {"page": 2}).context["rows"]) == 3


@pytest.mark.parametrize(("name", "who"), [("hazards:ledger", "safety"), ("hazards:ledger", "county"),
                                           ("hazards:mine", "worker"), ("hazards:escalations", "inspector")])
def test_list_pages_constant_queries(client, people, org, django_assert_num_queries, name, who):
    import datetime

    from hazards.models import StoppageProposal

    def add():
        hazard = HazardFactory(unit=org.unit_a1a, finder=people["worker"], state=HazardState.ACCEPTED,
                               deadline=in_days(1))
        StoppageProposal.objects.create(hazard=hazard, kind="stop", reasons="r", proposed_by=people["inspector"],
                                        answer_due=in_days(0) - datetime.timedelta(days=1))

    client.force_login(people[who])
    add()
    client.get(reverse(name))  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse(name))
    assert response.status_code == 200
    add()
    add()
    with django_assert_num_queries(len(one)):
        client.get(reverse(name))


def test_escalations_list_shows_unanswered_and_refused(client, people, org):
    from hazards import services
    from hazards.models import StoppageProposal
    hazard = accept(report(people, org), people)
    late = services.propose_stoppage(hazard, actor=people["inspector"], kind="stop", reasons="漏电")
    StoppageProposal.objects.filter(pk=late.pk).update(answer_due=in_days(-1))
    services.propose_stoppage(hazard, actor=people["inspector"], kind="evacuate", reasons="未到期")
    client.force_login(people["county"])
    page = client.get(reverse("hazards:escalations")).content.decode()
    assert f'data-proposal="{late.pk}"' in page and page.count("data-proposal=") == 1
    client.force_login(people["county_other"])
    assert "data-proposal=" not in client.get(reverse("hazards:escalations")).content.decode()


def test_navigation_links_for_ledger_roles(client, people):
    client.force_login(people["safety"])
    page = client.get("/accounts/home/safety_officer/").content.decode()
    assert reverse("hazards:ledger") in page
    client.force_login(people["worker"])
    page = client.get("/accounts/home/worker/").content.decode()
    assert reverse("hazards:report") in page and reverse("hazards:mine") in page


def test_admin_lists_every_hazard_model(client, org, people):
    from tests.factories import make_user
    admin = make_user(is_staff=True, is_superuser=True)
    HazardFactory(unit=org.unit_a1a)
    client.force_login(admin)
    for model in ("hazardprogramme", "majorhazardcriterion", "hazard", "hazardphoto", "hazardevent", "hazardplan",
                  "extensionrequest", "stoppageproposal"):
        assert client.get(f"/admin/hazards/{model}/").status_code == 200, model


def test_admin_and_audit_show_no_more_hazards_than_the_site(client, org, people):
    from django.contrib.auth.models import Permission

    from portal.accounts.enums import RoleKind
    from tests.factories import make_user
    inside = report(people, org)
    outside = HazardFactory(unit=org.unit_b1a, code="HZ-2099-OUTSIDE")
    committee = make_user(RoleKind.COMMITTEE, org.province, is_staff=True, is_superuser=True)
    client.force_login(committee)
    page = client.get("/admin/hazards/hazard/").content.decode()
    assert inside.code in page and outside.code in page
    staff = make_user(RoleKind.SAFETY_OFFICER, org.unit_b1a, is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_hazard", "view_auditrecord"]))
    client.force_login(staff)
    page = client.get("/admin/hazards/hazard/").content.decode()
    assert outside.code in page and inside.code not in page
    audit = client.get("/admin/audit/auditrecord/").content.decode()
    assert inside.code not in audit and people["worker"].get_full_name() not in audit


def test_finder_sees_decline_reason_and_status(client, people, org):
    from hazards import services
    hazard = services.decline_hazard(report(people, org), actor=people["safety"], reason="已列入设备大修计划")
    client.force_login(people["worker"])
    assert "不予受理" in client.get(reverse("hazards:mine")).content.decode()
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "已列入设备大修计划" in page
    assert "data-action=" not in page.replace('data-action="finder_named"', "")  # nothing else to do for the finder


def test_regulator_sees_escalations_of_major_hazards_of_the_area(client, people, org):
    from hazards import services
    from hazards.models import StoppageProposal
    major = accept(report(people, org), people, level=HazardLevel.MAJOR)
    general = accept(report(people, org), people)
    for hazard in (major, general):
        services.propose_stoppage(hazard, actor=people["inspector"], kind="stop", reasons="r")
    StoppageProposal.objects.update(answer_due=in_days(-1))
    client.force_login(people["regulator"])
    page = client.get(reverse("hazards:escalations")).content.decode()
    assert major.code in page and general.code not in page
    client.force_login(people["regulator_other"])
    assert major.code not in client.get(reverse("hazards:escalations")).content.decode()


# --- 逐级报告, dashboards, the 职代会 summary and bulk remind (hazards/oversight_views.py) --------------------

CONGRESS = {"head", "inspector", "unit", "inspector_other"}
DASHBOARD_IN = {"team_leader", "workshop", "safety", "head", "inspector", "unit", "county", "city", "committee",
                "regulator"}  # unit A1a's dashboard: a ledger role at A1a or above it
DASHBOARD_OUT = {"committee", "county_other", "regulator_other"}  # unit B1a's dashboard
NEW_ACTIONS = {
    "report_up": {"safety", "head", "inspector", "unit", "county", "city", "committee"},
    "remind": {"safety", "head", "inspector", "unit", "county", "city", "committee"},
    "comment": {"county", "city", "committee"},
}


@pytest.mark.parametrize(("name", "allowed"), [
    ("hazards:reported", LEDGER), ("hazards:dashboard", LEDGER)])
def test_oversight_page_matrix(client, anonymous_people, name, allowed):
    assert run_row(client, anonymous_people, reverse(name)) == expected_row(allowed)


def test_congress_index_matrix_redirects_readers(client, anonymous_people):
    actual = run_row(client, anonymous_people, reverse("hazards:congress_index"))
    assert actual == {who: LOGIN if who == "anonymous" else "302" if who in CONGRESS else GONE for who in WHO}


@pytest.mark.parametrize(("unit", "allowed"), [("unit_a1a", {"head", "inspector", "unit"}), ("unit_b1a", set())])
def test_congress_matrix_inside_and_outside_scope(client, anonymous_people, hazards, org, unit, allowed):
    url = reverse("hazards:congress", args=[getattr(org, unit).pk])
    assert run_row(client, anonymous_people, url) == expected_row(allowed)


@pytest.mark.parametrize(("node", "allowed"), [("unit_a1a", DASHBOARD_IN), ("unit_b1a", DASHBOARD_OUT)])
def test_dashboard_node_matrix_inside_and_outside_scope(client, anonymous_people, hazards, org, node, allowed):
    url = reverse("hazards:dashboard_node", args=[getattr(org, node).pk])
    assert run_row(client, anonymous_people, url) == expected_row(allowed)


def test_bulk_remind_matrix(client, anonymous_people, hazards):
    """Every ledger role reaches the reminder (it reminds or says why not); others 404; GET is refused."""
    actual = run_row(client, anonymous_people, reverse("hazards:remind"), method="post",
                     data={"hazard": [hazards["in"].pk]})
    assert actual == {who: LOGIN if who == "anonymous" else "302" if who in LEDGER else GONE for who in WHO}
    client.force_login(anonymous_people["safety"])
    assert client.get(reverse("hazards:remind")).status_code == 405


@pytest.mark.parametrize("action", list(NEW_ACTIONS))
def test_new_action_matrix_inside_and_outside_scope(client, anonymous_people, org, people, action):
    hazard = HazardFactory(unit=org.unit_a1a, finder=people["worker"], responsible=people["workshop"],
                           assigned_by=people["safety"], level=HazardLevel.GENERAL)
    actual = run_row(client, anonymous_people, reverse("hazards:act", args=[hazard.pk, action]), method="post")
    expected = {who: LOGIN if who == "anonymous" else ("ok" if who in NEW_ACTIONS[action] else DENIED
                                                       if who in VIEW_IN else GONE) for who in WHO}
    assert {who: ("ok" if value in ("302", "400") else value) for who, value in actual.items()} == expected


@pytest.mark.parametrize(("name", "who", "args"), [
    ("hazards:reported", "county", ()), ("hazards:reported", "safety", ()), ("hazards:dashboard", "city", ()),
    ("hazards:dashboard", "safety", ()), ("hazards:congress", "head", ("unit_a1a",))])
def test_oversight_pages_constant_queries(client, people, org, django_assert_num_queries, name, who, args):
    from hazards.models import UpwardReport

    def add():
        hazard = HazardFactory(unit=org.unit_a1a, finder=people["worker"], state=HazardState.ACCEPTED,
                               level=HazardLevel.MAJOR, deadline=in_days(1), responsible=people["workshop"])
        UpwardReport.objects.create(hazard=hazard, to_node=org.county_a1, reason="资金不足", reported_by=people["safety"])

    url = reverse(name, args=[getattr(org, arg).pk for arg in args])
    client.force_login(people[who])
    add()
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200
    add()
    add()
    with django_assert_num_queries(len(one)):
        client.get(url)


def test_ledger_bulk_remind_tells_the_responsible(client, people, org):
    from review.models import Notification
    first = accept(report(people, org), people)
    second = accept(report(people, org), people)
    closed_one = HazardFactory(unit=org.unit_a1a, state=HazardState.CLOSED)
    page = client_get(client, people["safety"], reverse("hazards:ledger"))
    assert 'form="bulk-remind"' in page and "data-confirm" in page
    response = client.post(reverse("hazards:remind"), {"hazard": [first.pk, second.pk, closed_one.pk],
                                                      "note": "本周内完成", "next": reverse("hazards:ledger")},
                           follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown[-1] == "已提醒2条隐患的责任人。另有1条无需或无权提醒，已跳过。"
    notices = Notification.objects.filter(user=people["workshop"], kind="hazard", message__contains="请尽快办理")
    assert notices.count() == 2 and all("本周内完成" in n.message for n in notices)


def test_ledger_bulk_remind_nothing_selected_or_outside_scope(client, people, org, hazards):
    client.force_login(people["safety"])
    response = client.post(reverse("hazards:remind"), {}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == "请先选择要提醒的隐患。"
    response = client.post(reverse("hazards:remind"), {"hazard": [hazards["out"].pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == "请先选择要提醒的隐患。"
    response = client.post(reverse("hazards:remind"), {"hazard": ["x"], "next": "https://evil.example/"})
    assert response["Location"] == reverse("hazards:ledger")


def client_get(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_report_up_through_the_page_then_on_the_county_list(client, people, org):
    hazard = accept(report(people, org), people)
    post(client, people["safety"], hazard, "report_up", {"reason": "需更换整条生产线，资金不足"})
    page = client_get(client, people["county"], reverse("hazards:reported"))
    assert hazard.code in page and "已上报至甲市一区总工会" in page and "资金不足" in page
    assert hazard.code not in client_get(client, people["county_other"], reverse("hazards:reported"))
    assert hazard.code not in client_get(client, people["regulator"], reverse("hazards:reported"))  # 一般
    detail = client_get(client, people["county"], reverse("hazards:detail", args=[hazard.pk]))
    assert "逐级报告" in detail and 'data-action="comment"' in detail and 'data-action="remind"' in detail


def test_detail_opens_the_photo_form_after_reporting(client, people, org):
    client.force_login(people["worker"])
    response = client.post(reverse("hazards:report"), {
        "photos": [photo_upload()], "category": "unsafe_act", "description": "x", "location": "y",
        "unit": org.unit_a1a.pk}, follow=True)
    page = response.content.decode()
    assert 'id="before_photo" data-action="before_photo" open' in page


def test_dashboard_draws_svg_charts_without_inline_script_or_style(client, people, org):
    accept(report(people, org), people)
    page = client_get(client, people["city"], reverse("hazards:dashboard"))
    assert "<svg" in page and "hazard-bar" in page and "甲市一区总工会" in page
    assert "style=" not in page and "<script>" not in page
    assert 'data-compliance="off"' in page


def test_dashboard_node_drills_down_and_refuses_other_units(client, people, org):
    page = client_get(client, people["county"], reverse("hazards:dashboard_node", args=[org.unit_a1a.pk]))
    assert org.unit_a1a.name in page and reverse("hazards:dashboard_node", args=[org.county_a1.pk]) in page
    client.force_login(people["safety"])
    assert client.get(reverse("hazards:dashboard_node", args=[org.county_a1.pk])).status_code == 404
    assert client.get(reverse("hazards:dashboard_node", args=[999999])).status_code == 404


def test_congress_page_lists_major_hazards_printable(client, people, org):
    major = accept(report(people, org), people, level=HazardLevel.MAJOR)
    general = accept(report(people, org, description="一般隐患"), people)
    page = client_get(client, people["head"], reverse("hazards:congress", args=[org.unit_a1a.pk]))
    assert major.code in page and general.code not in page and "data-print" in page
    assert "hazards/js/print.js" in page and "style=" not in page
    bad = client_get(client, people["inspector"], reverse("hazards:congress", args=[org.unit_a1a.pk]) + "?year=x")
    assert major.code in bad  # a bad period falls back to this year, never a 500
    client.force_login(people["head"])
    assert client.get(reverse("hazards:congress_index"))["Location"] == reverse("hazards:congress",
                                                                               args=[org.unit_a1a.pk])


def test_reported_list_hides_the_finder_from_unit_management(client, people, org):
    hazard = accept(report(people, org), people)
    from hazards import services
    services.report_hazard_up(hazard, actor=people["safety"], reason="资金不足")
    name = people["worker"].get_full_name()
    assert name not in client_get(client, people["safety"], reverse("hazards:reported"))
    assert name in client_get(client, people["county"], reverse("hazards:reported"))  # union staff see it


def test_reported_list_filters(client, people, org):
    from hazards import services
    general = accept(report(people, org, description="一般的"), people)
    services.report_hazard_up(general, actor=people["safety"], reason="资金不足")
    major = accept(report(people, org, description="重大的"), people, level=HazardLevel.MAJOR)
    url = reverse("hazards:reported")
    assert major.code in client_get(client, people["county"], url + "?level=major")
    assert general.code not in client_get(client, people["county"], url + "?level=major")
    page = client_get(client, people["county"], url + "?q=一般")
    assert general.code in page and major.code not in page
    Hazard.objects.filter(pk=general.pk).update(state=HazardState.CLOSED)
    assert general.code not in client_get(client, people["county"], url + "?open_only=on")
    assert "没有符合条件的隐患" in client_get(client, people["county"], url + "?q=不存在的内容")
    assert client_get(client, people["county"], url + "?level=bogus")  # bad filter: ignored, never a 500
