"""Notices of the ledger where someone must act (hazards/notices.py, through review.notifications) and the
daily digest (hazards/digest.py, hazards.tasks.task_send_hazard_digest)."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from hazards import services
from hazards.digest import digest_sections, send_hazard_digest
from hazards.enums import HazardState
from hazards.models import Hazard
from hazards.tasks import task_send_hazard_digest
from review.models import Notification
from tests.factories import HazardFactory
from tests.factories.hazards import accept, in_days, rectify, report, walk

pytestmark = pytest.mark.django_db


def told(text: str) -> set:
    return set(Notification.objects.filter(kind="hazard", message__contains=text).values_list("user_id", flat=True))


def test_assigned_notice_to_the_responsible_with_link(people, org):
    hazard = accept(report(people, org), people)
    notice = Notification.objects.get(message__contains="整改责任人")
    assert notice.user == people["workshop"] and notice.target_url == f"/hazards/{hazard.pk}/"
    assert notice.subject == f"隐患{hazard.code}" and notice.entry_id is None


def test_returned_notice_to_the_responsible(people, org):
    hazard = rectify(accept(report(people, org), people), people)
    services.return_rectification(hazard, actor=people["safety"], reason="照片不清楚")
    assert told("照片不清楚") == {people["workshop"].pk}


def test_verified_notice_to_the_union_inspector_to_sign_off(people, org):
    walk(people, org, HazardState.VERIFIED)
    assert told("已验收通过") == {people["inspector"].pk}


def test_verified_notice_to_triage_when_no_sign_off_is_asked(people, org):
    hazard = rectify(accept(report(people, org), people), people)
    hazard.programme.union_signoff_required = False
    hazard.programme.save()
    services.verify_rectification(hazard, actor=people["safety"])
    assert told("已验收通过") == {people["safety2"].pk, people["head"].pk}  # not the verifier themself


def test_closed_notice_to_finder_and_responsible(people, org):
    walk(people, org, HazardState.CLOSED)
    assert told("已销号") == {people["worker"].pk, people["workshop"].pk}


def test_stoppage_proposal_notice_and_email_to_triage(people, org, django_capture_on_commit_callbacks):
    hazard = accept(report(people, org), people)
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_stoppage(hazard, actor=people["inspector"], kind="stop", reasons="漏电")
    assert told("书面答复") == {people["safety"].pk, people["safety2"].pk, people["head"].pk}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        people[who].email for who in ("safety", "safety2", "head"))


def test_extension_notice_to_the_assigner(people, org):
    hazard = accept(report(people, org), people)
    services.start_rectification(hazard, actor=people["workshop"])
    services.request_extension(hazard, actor=people["workshop"], new_deadline=in_days(30), reason="等配件")
    assert told("申请延期") == {people["safety"].pk}


def test_reported_up_notice_and_email_to_the_level_above(people, org, django_capture_on_commit_callbacks):
    hazard = accept(report(people, org), people)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_hazard_up(hazard, actor=people["safety"], reason="资金不足")
    assert told("资金不足") == {people["county"].pk}
    assert [message.to for message in mail.outbox] == [[people["county"].email]]


def test_notices_never_name_the_finder(people, org):
    walk(people, org, HazardState.CLOSED)
    assert not Notification.objects.filter(message__contains=people["worker"].get_full_name()).exists()


def test_actor_is_not_told_about_their_own_step(people, org):
    hazard = report(people, org)
    services.accept_hazard(hazard, actor=people["safety"], level="general", responsible=people["safety"],
                           deadline=in_days(3))
    assert not Notification.objects.filter(user=people["safety"]).exists()


# --- the daily digest --------------------------------------------------------------------------------------


def test_digest_sections_per_person(people, org):
    now = timezone.now()
    assigned = accept(report(people, org), people, deadline_days=30)
    due_soon = accept(report(people, org), people, deadline_days=2)
    overdue = HazardFactory(unit=org.unit_a1a, state=HazardState.RECTIFYING, responsible=people["workshop"],
                            deadline=in_days(-1), accepted_at=now - datetime.timedelta(days=5))
    returned = HazardFactory(unit=org.unit_a1a, state=HazardState.RETURNED, responsible=people["workshop"],
                             deadline=in_days(20), accepted_at=now - datetime.timedelta(days=5))
    verified = HazardFactory(unit=org.unit_a1a, state=HazardState.VERIFIED, finder=people["worker"],
                             verified_at=now)
    closed = HazardFactory(unit=org.unit_a1a, state=HazardState.CLOSED, finder=people["worker"],
                           responsible=people["workshop"], closed_at=now)
    HazardFactory(unit=org.unit_a1a, state=HazardState.CLOSED, finder=people["worker"],
                  closed_at=now - datetime.timedelta(days=3))  # closed before the last digest
    sections = digest_sections(now)
    workshop = {key: [h.code for h in hazards] for key, hazards in sections[people["workshop"].pk].items()}
    assert workshop == {"assigned": [due_soon.code, assigned.code], "due_soon": [due_soon.code],
                        "overdue": [overdue.code], "returned": [returned.code], "closed": [closed.code]}
    worker = {key: [h.code for h in hazards] for key, hazards in sections[people["worker"].pk].items()}
    assert worker == {"verified": [verified.code], "closed": [closed.code]}
    assert [h.code for h in sections[people["inspector"].pk]["verified"]] == [verified.code]


def test_digest_emails_each_person_once_with_links(people, org):
    hazard = accept(report(people, org), people, deadline_days=2)
    mail.outbox.clear()
    assert send_hazard_digest() == 1
    message = mail.outbox[0]
    assert message.to == [people["workshop"].email] and "隐患动态" in message.subject
    assert hazard.code in message.body and f"/hazards/{hazard.pk}/" in message.body
    assert "即将到期的隐患" in message.body and "新指派给您整改的隐患" in message.body


def test_digest_skips_people_without_address_or_news(people, org):
    accept(report(people, org), people, deadline_days=2)
    people["workshop"].email = ""
    people["workshop"].save()
    mail.outbox.clear()
    assert send_hazard_digest() == 0 and mail.outbox == []


def test_digest_task_registered_in_the_beat_schedule(people, org):
    accept(report(people, org), people, deadline_days=2)
    mail.outbox.clear()
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == task_send_hazard_digest.name)
    assert entry["task"] == "hazards.tasks.send_hazard_digest"
    assert task_send_hazard_digest.delay().get() == 1
    assert Hazard.objects.count() == 1
