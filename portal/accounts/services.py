from django.db import transaction

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.audit.services import record_audit


@transaction.atomic
def register_worker(form, *, request=None) -> User:
    """Create a worker account from a valid SignupForm and give it the worker role at the chosen unit."""
    user = form.save(commit=False)
    user.full_name = form.cleaned_data["full_name"]
    user.phone = form.cleaned_data["phone"]
    user.email = form.cleaned_data.get("email") or ""
    user.save()
    Role.objects.create(user=user, kind=RoleKind.WORKER, node=form.cleaned_data["unit"])
    record_audit(user, "accounts.signup", user, summary=str(form.cleaned_data["unit"]), request=request)
    return user


@transaction.atomic
def grant_role(user: User, kind: str, node, *, actor) -> Role:
    """Give `user` a role at `node` (validated against the directory), audited."""
    role = Role(user=user, kind=kind, node=node)
    role.full_clean()
    role.save()
    record_audit(actor, "accounts.grant_role", user, summary=str(role))
    return role
