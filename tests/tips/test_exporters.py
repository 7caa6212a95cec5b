"""The tip line's xlsx exports, run as export jobs and read back with openpyxl: the 举报登记台账 (scope,
filters, neutralised payloads), the four documents of a tip (A4, one page, footer), the custodian's named
notice (a logged vault opening) and the LEAK TEST over every export a handler, reviewer or the reported
unit can reach."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob
from portal.exports.registry import get_export_kind
from portal.exports.services import request_export
from portal.refusals import Refused
from tests.factories.tips import REAL_NAME, file_tip, walk_tip
from tests.tips.conftest import ACCOUNT_NO, IDENTIFYING
from tips import services
from tips.enums import RejectReason, TipMatter, TipState
from tips.models import VaultOpening

pytestmark = pytest.mark.django_db

DOCUMENTS = ("tip_acceptance", "tip_result", "tip_reward_approval", "tip_reward_notice")
UNIT_STAFF = ("worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit")


def _run(kind, data, actor, capture):
    with capture(execute=True):
        job = request_export(kind, data, actor=actor)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    with job.file.open("rb") as stream:
        return load_workbook(io.BytesIO(stream.read()))


def _text(book) -> str:
    return "\n".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


def _assert_printable(sheet, *, one_page: bool):
    assert sheet.page_setup.paperSize in (9, "9")  # A4
    assert sheet.oddFooter.center.text == "第&P页 共&N页"
    assert sheet.page_setup.fitToWidth in (1, "1")
    if one_page:
        assert sheet.page_setup.fitToHeight in (1, "1")


def test_ledger_holds_the_handlers_tips_only_sealed_and_printable(org, people, claimed_tip,
                                                                 django_capture_on_commit_callbacks):
    other, _ = file_tip(org, unit=org.unit_b1a) if hasattr(org, "unit_b1a") else (None, None)
    book = _run("tips_ledger", {}, people["handler"], django_capture_on_commit_callbacks)
    sheet = book.active
    assert sheet.title == "举报登记台账"
    _assert_printable(sheet, one_page=False)
    assert sheet.print_title_rows == "$3:$3"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert [row[1] for row in rows] == [claimed_tip.code]
    assert rows[0][6] == "举报人（已保密）"
    assert sheet.cell(4, 2).border.left.style == "thin"
    if other is not None:
        assert other.code not in _text(book)


def test_ledger_filters_by_state_matter_and_period(org, people, django_capture_on_commit_callbacks):
    accepted = services.accept_tip(file_tip(org)[0], actor=people["handler"])
    submitted, _ = file_tip(org, matter=TipMatter.VIOLATION)
    handler = people["handler"]
    text = _text(_run("tips_ledger", {"state": TipState.ACCEPTED}, handler, django_capture_on_commit_callbacks))
    assert accepted.code in text and submitted.code not in text
    text = _text(_run("tips_ledger", {"matter": TipMatter.VIOLATION}, handler, django_capture_on_commit_callbacks))
    assert submitted.code in text and accepted.code not in text
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    text = _text(_run("tips_ledger", {"start": tomorrow}, handler, django_capture_on_commit_callbacks))
    assert accepted.code not in text and submitted.code not in text


@pytest.mark.parametrize("data", [{"start": "2026-13-01"}, {"start": "2026-05-02", "end": "2026-05-01"},
                                  {"state": "nonsense"}])
def test_ledger_bad_parameters_are_refused(people, data):
    with pytest.raises(Refused):
        request_export("tips_ledger", data, actor=people["handler"])
    assert not ExportJob.objects.exists()


def test_ledger_neutralises_formula_payloads(org, people, django_capture_on_commit_callbacks):
    file_tip(org, unit=None, place_text='=HYPERLINK("http://evil","x")', area=org.county_a1)
    book = _run("tips_ledger", {}, people["handler"], django_capture_on_commit_callbacks)
    values = [cell.value for row in book.active.iter_rows(min_row=4) for cell in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in values


@pytest.mark.parametrize(("kind", "title"), [
    ("tip_acceptance", "举报受理告知书"), ("tip_result", "举报核查结果告知书"),
    ("tip_reward_approval", "举报奖励审批表"), ("tip_reward_notice", "举报奖励通知书")])
def test_each_document_prints_on_one_a4_page(people, claimed_tip, kind, title, django_capture_on_commit_callbacks):
    book = _run(kind, {"tip": claimed_tip.pk}, people["handler"], django_capture_on_commit_callbacks)
    sheet = book.active
    _assert_printable(sheet, one_page=True)
    assert sheet["A1"].value == title and claimed_tip.code in sheet["A2"].value
    text = _text(book)
    assert "举报人（已保密）" in text
    if kind == "tip_result":
        assert claimed_tip.hazard.code in text
    if kind == "tip_reward_approval":
        assert "委员一" in text and "委员二" in text and claimed_tip.reward.computation in text


def test_rejection_notice_gives_the_reason(org, people, django_capture_on_commit_callbacks):
    tip = services.reject_tip(file_tip(org)[0], actor=people["handler"], reason=RejectReason.NO_TARGET)
    book = _run("tip_acceptance", {"tip": tip.pk}, people["handler"], django_capture_on_commit_callbacks)
    assert book.active["A1"].value == "举报不予受理告知书"
    assert "无明确对象" in _text(book)


def test_documents_wait_for_their_state(org, people):
    tip, _ = file_tip(org)
    for kind in DOCUMENTS:
        with pytest.raises(Refused):
            request_export(kind, {"tip": tip.pk}, actor=people["handler"])
    tip = walk_tip(people, tip, TipState.VERIFYING)
    request_export("tip_acceptance", {"tip": tip.pk}, actor=people["handler"])
    for kind in ("tip_result", "tip_reward_approval", "tip_reward_notice"):
        with pytest.raises(Refused):
            request_export(kind, {"tip": tip.pk}, actor=people["handler"])


@pytest.mark.parametrize("tip_value", ["", "abc", "99999999", "1" * 20])
def test_document_of_an_unknown_tip_is_refused(people, tip_value):
    with pytest.raises(Refused):
        request_export("tip_acceptance", {"tip": tip_value}, actor=people["handler"])


def test_only_the_custodian_prints_a_named_notice_and_it_is_logged(people, claimed_tip,
                                                                  django_capture_on_commit_callbacks):
    for who in ("handler", "handler_city", "rewards1"):
        with pytest.raises(Refused):
            request_export("tip_result", {"tip": claimed_tip.pk, "named": "1"}, actor=people[who])
    with pytest.raises(Refused):  # internal form: never named
        request_export("tip_reward_approval", {"tip": claimed_tip.pk, "named": "1"}, actor=people["custodian"])
    before = VaultOpening.objects.count()
    book = _run("tip_result", {"tip": claimed_tip.pk, "named": "1"}, people["custodian"],
                django_capture_on_commit_callbacks)
    assert book.active["A3"].value == f"{REAL_NAME['name']}："
    assert REAL_NAME["phone"] not in _text(book) and IDENTIFYING not in _text(book)
    opening = VaultOpening.objects.exclude(pk__in=[]).order_by("-id").first()
    assert VaultOpening.objects.count() == before + 1
    assert opening.opened_by == people["custodian"] and "核查结果告知书" in opening.reason


def test_named_notice_is_not_downloadable_by_anyone_else(client, people, claimed_tip,
                                                         django_capture_on_commit_callbacks):
    _run("tip_reward_notice", {"tip": claimed_tip.pk, "named": "1"}, people["custodian"],
         django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    url = reverse("files:download", args=["export", job.pk])
    for who in ("handler", "rewards1", "custodian_other", "safety"):
        client.force_login(people[who])
        assert client.get(url).status_code == 404
    client.force_login(people["custodian"])
    assert client.get(url).status_code == 200


def test_outside_scope_document_is_refused(people, claimed_tip):
    for who in ("handler_other", "custodian_other"):
        with pytest.raises(Refused):
            request_export("tip_result", {"tip": claimed_tip.pk}, actor=people[who])


def test_statistics_export_reads_back(people, claimed_tip, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    services.record_payment(claimed_tip.reward, actor=people["rewards1"], paid_on=today, method="银行转账",
                            reference="PZ-1")
    book = _run("tips_statistics", {"start": f"{today:%Y}-01-01", "end": today.isoformat()}, people["rewards1"],
                django_capture_on_commit_callbacks)
    sheet = book.active
    _assert_printable(sheet, one_page=False)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert rows[0][1] == "甲市总工会" and rows[0][2] == 1 and rows[0][5] == 1 and rows[0][10] == 1
    assert rows[-1][1] == "合计" and float(rows[-1][11]) == float(claimed_tip.reward.amount)


@pytest.mark.parametrize("data", [{"start": "2026-05-02", "end": "2026-05-01"}, {"start": "x", "end": "y"},
                                  {"start": "2000-01-01", "end": "2026-01-01"}])
def test_statistics_bad_period_is_refused(people, data):
    with pytest.raises(Refused):
        request_export("tips_statistics", data, actor=people["handler"])


def test_leak_no_export_a_handler_reviewer_or_the_unit_reaches_names_the_reporter(
        org, people, claimed_tip, identity_secrets, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    exports = [("tips_ledger", {}), ("tips_statistics", {"start": f"{today:%Y}-01-01", "end": today.isoformat()}),
               *[(kind, {"tip": claimed_tip.pk}) for kind in DOCUMENTS]]
    for who in ("handler", "handler_city", "rewards1", "rewards2", "custodian", "committee"):
        for kind, data in exports:
            try:
                book = _run(kind, data, people[who], django_capture_on_commit_callbacks)
            except Refused:
                continue
            text = _text(book)
            for secret in identity_secrets:
                assert secret not in text, (who, kind, secret)
            ExportJob.objects.all().delete()  # at most five running jobs per user
    for who in (*UNIT_STAFF, "county", "city", "regulator"):
        for kind, data in exports:
            assert not get_export_kind(kind).available_to(people[who]), (who, kind)
            with pytest.raises(Refused):
                request_export(kind, data, actor=people[who])
    assert ACCOUNT_NO in identity_secrets and IDENTIFYING in identity_secrets


def test_tip_page_offers_the_documents_and_the_named_variant_to_the_custodian_only(client, people, claimed_tip):
    url = reverse("tips:detail", args=[claimed_tip.pk])
    client.force_login(people["handler"])
    page = client.get(url).content.decode()
    for kind in DOCUMENTS:
        assert f'data-export="{kind}"' in page
    assert 'name="named"' not in page
    client.force_login(people["custodian"])
    assert 'name="named"' in client.get(url).content.decode()


def test_unit_staff_posting_an_export_get_no_job(client, people, claimed_tip):
    client.force_login(people["safety"])
    for kind in ("tips_ledger", *DOCUMENTS):
        response = client.post(reverse("exports:start"), {"kind": kind, "tip": claimed_tip.pk})
        assert response.status_code == 302
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_ledger_queries_do_not_grow_with_the_tips(org, people, count, django_assert_num_queries):
    for _number in range(count):
        walk_tip(people, file_tip(org)[0], TipState.NOTIFIED)
    handler = people["handler"]
    handler.role_list  # noqa: B018 - loaded once per request in real use
    with django_assert_num_queries(3):  # count, the tips with their relations, their alerts
        get_export_kind("tips_ledger").generate({}, handler, io.BytesIO(), lambda done, total: None)
