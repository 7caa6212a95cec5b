from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.accounts.lockout import lift_lockouts
from portal.accounts.models import Role, User
from portal.audit.models import AuditRecord
from portal.audit.services import client_ip, record_audit

SIGNUP_ACTION = "accounts.signup"


def signups_exhausted(request) -> bool:
    """Whether the client's address has made PORTAL_SIGNUPS_PER_ADDRESS sign-ups within the window.

    Counted from the audit log's sign-up records, which carry the real client address (issue 12.12).
    """
    address = client_ip(request)
    if not address:
        return False
    since = timezone.now() - timedelta(minutes=settings.PORTAL_SIGNUP_WINDOW_MINUTES)
    recent = AuditRecord.objects.filter(action=SIGNUP_ACTION, ip=address, created_at__gte=since).count()
    return recent >= settings.PORTAL_SIGNUPS_PER_ADDRESS


@transaction.atomic
def register_worker(form, *, request=None) -> User:
    """Create a worker account from a valid SignupForm and give it the worker role at the chosen unit."""
    user = form.save(commit=False)
    user.full_name = form.cleaned_data["full_name"]
    user.phone = form.cleaned_data["phone"]
    user.email = form.cleaned_data.get("email") or ""
    user.save()
    Role.objects.create(user=user, kind=RoleKind.WORKER, node=form.cleaned_data["unit"])
    record_audit(user, SIGNUP_ACTION, user, summary=str(form.cleaned_data["unit"]), request=request)
    return user


@transaction.atomic
def grant_role(user: User, kind: str, node, *, actor) -> Role:
    """Give `user` a role at `node` (validated against the directory), audited."""
    role = Role(user=user, kind=kind, node=node)
    role.full_clean()
    role.save()
    record_audit(actor, "accounts.grant_role", user, summary=str(role))
    return role


@transaction.atomic
def lift_login_lockouts(user: User, *, request=None) -> int:
    """After a completed password reset: forget the account's failed logins from every address, audited.

    The lock-out page sends people to 忘记密码; proving control of the mailbox ends the lock-out.
    """
    lifted = lift_lockouts(user.get_username())
    if lifted:
        record_audit(user, "accounts.lockout_lifted", user, summary="password reset",
                     changes={"attempts": lifted}, request=request)
    return lifted
