"""One gate for views: a `rules` permission, asked about the object the view loads through its scoping query.

A view names its permission and, when the permission is about an object, the loader that fetches that
object through the app's scoping query (a get_object_or_404 over entries_for_user, review.scoping, ...).
Outside the scope the page does not exist: the loader answers 404 for an object the user may not see, and
a missing permission answers 404 as well, so nobody learns what exists beyond their scope. A view whose
users may see the object but not take this step there (the scoring forms: a reviewer of the entry, but
not at this tier) says `in_scope_status=403`. An anonymous visitor is sent to the login page first.

Always `rules.has_perm(...)`, never `user.has_perm(...)`: Django's ModelBackend answers True to a
superuser for every permission, and being a superuser does not make someone a county's reviewer.
"""

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

# A permission name, or a function of the URL's keyword arguments giving one (the scoring form's
# permission depends on the tier in its URL).
Permission = str | Callable[..., str]
REFUSAL_STATUSES = (403, 404)


def check_permission(user, permission: str, obj=None, *, in_scope_status: int = 404) -> None:
    """Raise Http404 (or PermissionDenied for a visible object, with in_scope_status=403) unless the
    `rules` permission holds for `user` on `obj`."""
    if rules.has_perm(permission, user, obj):
        return
    if obj is not None and in_scope_status == 403:
        raise PermissionDenied
    raise Http404


def _checked_status(in_scope_status: int) -> int:
    if in_scope_status not in REFUSAL_STATUSES:
        raise ImproperlyConfigured(f"in_scope_status must be 403 or 404, not {in_scope_status!r}")
    return in_scope_status


def permission_required(permission: Permission, *, load: Callable | None = None, in_scope_status: int = 404):
    """Decorate a function view: login, then `load(request, **url_kwargs)` (404 outside the scope), then
    `permission` on the loaded object (404 without it, or 403 with in_scope_status=403).

    With a loader the view receives the object after the request: `view(request, obj, **url_kwargs)`;
    without one the permission is asked with no object and the view is called unchanged.
    """
    _checked_status(in_scope_status)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            obj = load(request, *args, **kwargs) if load is not None else None
            name = permission(**kwargs) if callable(permission) else permission
            check_permission(request.user, name, obj, in_scope_status=in_scope_status)
            if load is None:
                return view(request, *args, **kwargs)
            return view(request, obj, *args, **kwargs)

        return login_required(wrapper)

    return decorator


class PermissionRequiredMixin(AccessMixin):
    """The class-based twin of `permission_required` (pretalx's PermissionRequired).

    Set `permission_required`; the object asked about is `get_permission_object()`, by default
    `get_object()` when the view has one, whose `get_queryset()` must be the app's scoping query so that
    an object outside it is already a 404. The object is kept as `self.permission_object`.
    """

    permission_required: str | None = None
    in_scope_status = 404

    def get_permission_required(self) -> str:
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} is missing permission_required.")
        return self.permission_required

    def get_permission_object(self):
        get_object = getattr(self, "get_object", None)
        return get_object() if get_object is not None else None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # AccessMixin: to the login page with ?next=
        self.permission_object = self.get_permission_object()
        check_permission(request.user, self.get_permission_required(), self.permission_object,
                         in_scope_status=_checked_status(self.in_scope_status))
        return super().dispatch(request, *args, **kwargs)
