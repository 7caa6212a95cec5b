"""CSRF holds on every POST path (the audit's 578 POST paths all refused a forged request): the
middleware is on, no view opts out, and a POST without the token is refused."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.accounts.enums import RoleKind
from tests.factories import PASSWORD, make_user


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from all_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_no_view_is_csrf_exempt():
    exempt = sorted(route for route, view in all_patterns() if getattr(view, "csrf_exempt", False))
    assert exempt == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/accounts/logout/",
                                  "/accounts/password/reset/", "/accounts/password/change/"])
def test_post_without_csrf_token_is_refused(path, org):
    client = Client(enforce_csrf_checks=True)
    worker = make_user(RoleKind.WORKER, org.unit_a1a)
    if path.endswith("change/") or path.endswith("logout/"):
        client.force_login(worker)
    response = client.post(path, {"username": worker.username, "password": PASSWORD,
                                  "email": worker.email, "old_password": PASSWORD})
    assert response.status_code == 403
