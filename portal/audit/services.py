from django.contrib.contenttypes.models import ContentType

from portal.audit.client_ip import client_ip
from portal.audit.models import AuditRecord

__all__ = ["client_ip", "record_audit"]


def record_audit(actor, action: str, target, *, summary: str = "", changes: dict | None = None,
                 request=None) -> AuditRecord:
    """Append an audit record of a state change.

    Call it inside the same transaction as the change, so a rolled-back change leaves no record.
    `changes` is a JSON-serialisable dict, e.g. {"state": ["draft", "submitted"], "reason": "..."}.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditRecord.objects.create(
        actor=actor,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        summary=str(summary),
        changes=changes or {},
        ip=client_ip(request),
    )
