from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import PhaseKind
from portal.campaigns.models import Phase
from portal.refusals import Refused
from review import notifications, services, tasks
from review.enums import NotificationKind
from review.models import Notification
from submissions.enums import EntryState, Tier
from tests.factories import make_user, ready

pytestmark = pytest.mark.django_db


def test_return_emails_the_author_with_reason_after_commit(people, campaign, django_capture_on_commit_callbacks):
    entry = ready(people["worker"], campaign)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.return_entry(entry, actor=people["unit"], reason="请补拍整改后照片")
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people["worker"].email]
    assert "退回修改" in message.subject
    assert "请补拍整改后照片" in message.body
    assert f"/submissions/{entry.pk}/" in message.body
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.parametrize(("act", "kind"), [
    (lambda p, e: services.recommend_entry(e, actor=p["unit"]), NotificationKind.ADVANCED),
    (lambda p, e: services.reject_entry(e, actor=p["unit"], reason="内部原因"), NotificationKind.REJECTED),
])
def test_advance_and_reject_email_the_author(people, campaign, django_capture_on_commit_callbacks, act, kind):
    entry = ready(people["worker"], campaign)
    with django_capture_on_commit_callbacks(execute=True):
        act(people, entry)
    assert len(mail.outbox) == 1
    assert Notification.objects.get().kind == kind
    assert "内部原因" not in mail.outbox[0].body


def test_undo_notifies_in_app_without_email(people, campaign, django_capture_on_commit_callbacks):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.undo_transition(entry, actor=people["unit"])
    assert callbacks == []
    assert Notification.objects.filter(kind=NotificationKind.UNDONE).count() == 1


def test_refused_action_sends_nothing(people, campaign, django_capture_on_commit_callbacks):
    entry = ready(people["worker"], campaign, has_rectification_photos=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Refused):
        services.recommend_entry(entry, actor=people["unit"])
    assert callbacks == []
    assert not Notification.objects.exists()


def test_email_task_sends_once_and_skips_missing_or_reassigned(people, campaign):
    entry = ready(people["worker"], campaign)
    services.reject_entry(entry, actor=people["unit"], reason="x")
    notification = Notification.objects.get()
    assert tasks.task_send_notification_email(notification.pk) is True
    assert tasks.task_send_notification_email(notification.pk) is False  # already e-mailed
    assert len(mail.outbox) == 1
    assert tasks.task_send_notification_email(999999) is False
    other = Notification.objects.create(user=people["worker_peer"], entry=entry, kind=NotificationKind.REJECTED,
                                        message="x")
    assert tasks.task_send_notification_email(other.pk) is False  # not the entry's author


def test_email_task_skips_user_without_address(people, campaign):
    people["worker"].email = ""
    people["worker"].save()
    entry = ready(people["worker"], campaign)
    services.reject_entry(entry, actor=people["unit"], reason="x")
    assert tasks.task_send_notification_email(Notification.objects.get().pk) is False
    assert mail.outbox == []


def test_digest_emails_each_reviewer_with_waiting_entries(people, campaign):
    ready(people["worker"], campaign)
    ready(people["worker"], campaign)
    ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    sent = notifications.send_review_digest()
    recipients = {message.to[0]: message for message in mail.outbox}
    assert sent == 2
    assert set(recipients) == {people["unit"].email, people["county"].email}
    unit_mail = recipients[people["unit"].email]
    assert "2 件" in unit_mail.subject
    role = people["unit"].roles.get()
    assert f"http://127.0.0.1:8000/review/?role={role.pk}" in unit_mail.body


def test_digest_counts_every_role_of_a_user_in_one_email(people, campaign, org):
    user = people["county"]
    from portal.accounts.models import Role

    Role.objects.create(user=user, kind=RoleKind.CITY, node=org.city_a)
    ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    notifications.send_review_digest()
    mine = [message for message in mail.outbox if message.to == [user.email]]
    assert len(mine) == 1
    assert "2 件" in mine[0].subject
    assert "县级/集团工会评审" in mine[0].body and "市/产业工会评审" in mine[0].body


def test_digest_skips_tiers_whose_phase_is_closed(people, campaign):
    past = timezone.now() - timedelta(days=10)
    Phase.objects.filter(campaign=campaign, kind__in=[PhaseKind.SUBMISSION, PhaseKind.FIRST_REVIEW]).update(
        starts_at=past - timedelta(days=30), ends_at=past)
    ready(people["worker"], campaign)
    assert notifications.send_review_digest() == 0


def test_digest_command_and_task_send_the_digest(people, campaign):
    ready(people["worker"], campaign)
    out = StringIO()
    call_command("send_review_digest", stdout=out)
    assert "已发送 1 封" in out.getvalue()
    assert tasks.task_send_review_digest() == 1
    assert len(mail.outbox) == 2


def test_digest_without_current_campaign(db):
    make_user(RoleKind.WORKER)
    assert notifications.send_review_digest() == 0


@pytest.mark.django_db
def test_notify_user_lists_the_subject_and_link_and_emails_it_once(client, django_capture_on_commit_callbacks):
    user = make_user(None, email="notified@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notifications.notify_user(
            user.pk, NotificationKind.HAZARD, "隐患已分派给您整改。", subject="HZ-2026-000001 配电箱未上锁",
            target_url="/hazards/1/", email=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "【隐患治理】HZ-2026-000001 配电箱未上锁"
    assert "/hazards/1/" in mail.outbox[0].body
    assert notifications.email_notification(Notification.objects.get(pk=notification.pk)) is False
    client.force_login(user)
    page = client.get("/review/notifications/").content.decode()
    assert "隐患治理：HZ-2026-000001 配电箱未上锁" in page
    assert 'href="/hazards/1/"' in page and "查看详情" in page


@pytest.mark.django_db
def test_notify_users_without_email_queues_nothing(django_capture_on_commit_callbacks):
    users = [make_user(None, email=f"n{i}@example.com") for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notifications.notify_users([(u.pk, "请处理。") for u in users], NotificationKind.TIP,
                                             subject="举报", target_url="/tips/")
    assert len(created) == 2 and callbacks == [] and mail.outbox == []
