from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.accounts.enums import RoleKind
from portal.accounts.forms import SignupForm
from portal.accounts.navigation import ROLE_HOMES
from portal.accounts.services import lift_login_lockouts, register_worker, signups_exhausted
from portal.permissions import permission_required


def landing(request):
    """The public front page: logged-in users go straight to their own home."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    return render(request, "accounts/landing.html")


@login_required
def home(request):
    role = request.user.primary_role
    if role is None:
        return render(request, "accounts/home_none.html")
    return redirect("accounts:role_home", kind=role.kind)


def _role_kind(request, kind) -> RoleKind:
    if kind not in RoleKind.values:
        raise Http404
    return RoleKind(kind)


@permission_required("accounts.view_role_home", load=_role_kind)
def role_home(request, role_kind, kind):
    return render(request, f"accounts/home_{kind}.html", {
        "role_kind": role_kind, "roles": request.user.roles_of(kind), "home": ROLE_HOMES[kind]})


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and signups_exhausted(request):
        # Throttled per real client address, before validation, so a script learns nothing (issue 12.12).
        return render(request, "accounts/signup.html", {"form": SignupForm(), "throttled": True}, status=429)
    if request.method == "POST" and form.is_valid():
        user = register_worker(form, request=request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("注册成功，欢迎参加随手拍活动。"))
        return redirect("accounts:home")
    return render(request, "accounts/signup.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the mailed link also ends any login lock-out of the account."""

    def form_valid(self, form):
        response = super().form_valid(form)
        lift_login_lockouts(form.user, request=self.request)
        return response
