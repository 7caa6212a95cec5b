import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import transaction

from portal.accounts.enums import RoleKind
from portal.audit.models import AuditRecord
from portal.audit.services import record_audit
from tests.factories import make_user

pytestmark = pytest.mark.django_db



@pytest.fixture
def record(org):
    actor = make_user(RoleKind.COMMITTEE, org.province, full_name="省组委会甲")
    return record_audit(actor, "directory.rename", org.unit_a1a, summary="改名", changes={"name": ["旧", "新"]})


def test_record_audit_writes_actor_action_target_summary_and_ip(rf, org):
    actor = make_user(RoleKind.COUNTY, org.county_a1, full_name="王五")
    request = rf.post("/anything/", REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="6.6.6.6")
    request.user = actor
    record = record_audit(actor, "entry.forward", org.unit_a1a, summary="推荐到市", request=request,
                          changes={"state": ["unit", "county"]})
    record.refresh_from_db()
    assert record.actor == actor
    assert record.actor_name == "王五"
    assert record.action == "entry.forward"
    assert record.target_type == ContentType.objects.get_for_model(org.unit_a1a)
    assert record.target_id == str(org.unit_a1a.pk)
    assert record.target_repr == org.unit_a1a.name
    assert record.summary == "推荐到市"
    assert record.changes == {"state": ["unit", "county"]}
    # Only REMOTE_ADDR counts: a client-supplied X-Forwarded-For is never trusted.
    assert record.ip == "192.0.2.44"
    assert record.created_at is not None
    assert list(AuditRecord.objects.for_object(org.unit_a1a)) == [record]


def test_record_audit_without_request_or_target(org):
    record = record_audit(None, "system.job", None, summary="nightly")
    assert record.actor is None and record.actor_name == ""
    assert record.target_type is None and record.target_id == "" and record.target_repr == ""
    assert record.ip is None


def test_record_audit_anonymous_actor_is_stored_as_none(rf, org):
    from django.contrib.auth.models import AnonymousUser

    record = record_audit(AnonymousUser(), "accounts.failed", org.unit_a1a, request=rf.get("/"))
    assert record.actor is None and record.actor_name == ""
    assert record.ip == "127.0.0.1"


def test_record_audit_actor_name_falls_back_to_username(org):
    actor = make_user(username="nobody-named", full_name="")
    assert record_audit(actor, "x", None).actor_name == "nobody-named"


def test_record_audit_rolled_back_with_the_change(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_audit(None, "doomed", org.unit_a1a)
        raise RuntimeError
    assert not AuditRecord.objects.filter(action="doomed").exists()


def test_record_audit_keeps_the_name_when_the_actor_is_deleted(record):
    actor = record.actor
    actor.delete()
    reloaded = AuditRecord.objects.get(pk=record.pk)
    assert reloaded.actor is None
    assert reloaded.actor_name == "省组委会甲"


def test_audit_record_instance_cannot_be_saved_again(record):
    record.summary = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        record.save()
    assert AuditRecord.objects.get(pk=record.pk).summary == "改名"


def test_audit_record_instance_cannot_be_deleted(record):
    with pytest.raises(TypeError, match="append-only"):
        record.delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_audit_record_queryset_cannot_be_updated(record):
    with pytest.raises(TypeError, match="append-only"):
        AuditRecord.objects.filter(pk=record.pk).update(summary="tampered")
    with pytest.raises(TypeError, match="append-only"):
        AuditRecord.objects.all().update(summary="tampered")
    assert AuditRecord.objects.get(pk=record.pk).summary == "改名"


def test_audit_record_queryset_cannot_be_deleted(record):
    with pytest.raises(TypeError, match="append-only"):
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_audit_admin_denies_add_change_delete_even_to_a_superuser(rf, record):
    superuser = make_user(username="root", is_staff=True, is_superuser=True)
    request = rf.get("/admin/audit/auditrecord/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = superuser
    model_admin = admin.site._registry[AuditRecord]
    assert model_admin.has_view_permission(request, record)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_delete_permission(request, record)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_audit_admin_pages_for_a_superuser(client, record):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    changelist = client.get("/admin/audit/auditrecord/")
    assert changelist.status_code == 200
    assert "改名" in changelist.content.decode()
    assert client.get("/admin/audit/auditrecord/add/").status_code == 403
    detail = client.get(f"/admin/audit/auditrecord/{record.pk}/change/")
    assert detail.status_code == 200  # read-only view
    assert 'name="summary"' not in detail.content.decode()
    post = client.post(f"/admin/audit/auditrecord/{record.pk}/change/", {"summary": "tampered"})
    assert post.status_code == 403
    assert client.post(f"/admin/audit/auditrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.get(pk=record.pk).summary == "改名"
