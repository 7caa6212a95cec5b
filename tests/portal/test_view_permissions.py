"""portal.permissions: the decorator and the mixin ask a `rules` permission about the scoped object."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.views.generic import DetailView, View

from portal.accounts.enums import RoleKind
from portal.directory.models import OrgNode
from portal.permissions import PermissionRequiredMixin, check_permission, permission_required
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# Test-only permissions: a node is "own" when the user holds a role anchored at it.
OWN_NODE = "tests.own_node"
COORDINATOR = "tests.coordinator"


@rules.predicate
def holds_role_at_node(user, node) -> bool:
    return node is not None and user.is_authenticated and any(role.node_id == node.pk for role in user.role_list)


@pytest.fixture(autouse=True)
def test_permissions():
    rules.add_perm(OWN_NODE, holds_role_at_node)
    rules.add_perm(COORDINATOR, rules.predicate(lambda user: user.is_authenticated and user.has_role(RoleKind.UNIT)))
    yield
    rules.remove_perm(OWN_NODE)
    rules.remove_perm(COORDINATOR)


def request_as(user, path="/somewhere/?page=2"):
    request = RequestFactory().get(path)
    request.user = user if user is not None else AnonymousUser()
    return request


def scoped_nodes(request, pk):
    # The "scoping query" of these tests: the unit nodes only.
    return get_object_or_404(OrgNode.objects.filter(kind="unit"), pk=pk)


def echo(request, node, pk):
    return HttpResponse(f"{node.pk}")


def plain(request):
    return HttpResponse("ok")


def test_check_permission_passes_silently_when_the_rule_holds(org):
    check_permission(make_user(RoleKind.UNIT, org.unit_a1a), OWN_NODE, org.unit_a1a)


def test_check_permission_is_404_without_the_rule_and_403_only_when_asked_for_a_visible_object(org):
    other = make_user(RoleKind.UNIT, org.unit_a1b)
    with pytest.raises(Http404):
        check_permission(other, OWN_NODE, org.unit_a1a)
    with pytest.raises(PermissionDenied):
        check_permission(other, OWN_NODE, org.unit_a1a, in_scope_status=403)
    # Without an object there is no scope to be inside: always 404.
    with pytest.raises(Http404):
        check_permission(make_user(RoleKind.WORKER, org.unit_a1a), COORDINATOR, in_scope_status=403)


def test_decorator_sends_anonymous_visitors_to_the_login_page(org):
    response = permission_required(OWN_NODE, load=scoped_nodes)(echo)(request_as(None), pk=org.unit_a1a.pk)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/somewhere/%3Fpage%3D2"


def test_decorator_passes_the_loaded_object_to_the_view(org):
    view = permission_required(OWN_NODE, load=scoped_nodes)(echo)
    response = view(request_as(make_user(RoleKind.UNIT, org.unit_a1a)), pk=org.unit_a1a.pk)
    assert response.content.decode() == str(org.unit_a1a.pk)


def test_decorator_is_404_outside_the_scope_and_without_the_permission(org):
    view = permission_required(OWN_NODE, load=scoped_nodes, in_scope_status=403)(echo)
    user = make_user(RoleKind.UNIT, org.unit_a1a)
    with pytest.raises(Http404):  # not a unit: outside the loader's scope, whatever in_scope_status says
        view(request_as(user), pk=org.county_a1.pk)
    with pytest.raises(PermissionDenied):  # in scope, not theirs
        view(request_as(user), pk=org.unit_a1b.pk)
    with pytest.raises(Http404):
        permission_required(OWN_NODE, load=scoped_nodes)(echo)(request_as(user), pk=org.unit_a1b.pk)


def test_decorator_without_loader_asks_the_permission_with_no_object(org):
    view = permission_required(COORDINATOR)(plain)
    assert view(request_as(make_user(RoleKind.UNIT, org.unit_a1a))).content == b"ok"
    with pytest.raises(Http404):
        view(request_as(make_user(RoleKind.WORKER, org.unit_a1a)))


def test_decorator_takes_the_permission_from_the_url_kwargs(org):
    # The loader and the view receive every URL keyword too.
    view = permission_required(lambda pk, name: name, load=lambda request, pk, name: scoped_nodes(request, pk))(
        lambda request, node, pk, name: HttpResponse(name))
    user = make_user(RoleKind.UNIT, org.unit_a1a)
    assert view(request_as(user), pk=org.unit_a1a.pk, name=OWN_NODE).content.decode() == OWN_NODE
    with pytest.raises(Http404):
        view(request_as(make_user(RoleKind.WORKER, org.unit_a1b)), pk=org.unit_a1a.pk, name=COORDINATOR)


def test_a_superuser_without_roles_does_not_pass(org):
    superuser = make_user(is_superuser=True, is_staff=True)
    assert superuser.has_perm(OWN_NODE, org.unit_a1a)  # Django's answer, which the gate does not use
    with pytest.raises(Http404):
        permission_required(OWN_NODE, load=scoped_nodes)(echo)(request_as(superuser), pk=org.unit_a1a.pk)


def test_decorator_refuses_a_status_other_than_403_or_404():
    with pytest.raises(ImproperlyConfigured):
        permission_required(OWN_NODE, in_scope_status=401)


class NodeDetail(PermissionRequiredMixin, DetailView):
    permission_required = OWN_NODE
    queryset = OrgNode.objects.filter(kind="unit")

    def render_to_response(self, context, **kwargs):
        return HttpResponse(f"{self.object.pk}/{self.permission_object.pk}")


class CoordinatorPage(PermissionRequiredMixin, View):
    permission_required = COORDINATOR

    def get(self, request):
        return HttpResponse("ok")


def test_mixin_checks_the_object_of_get_object(org):
    view = NodeDetail.as_view()
    response = view(request_as(make_user(RoleKind.UNIT, org.unit_a1a)), pk=org.unit_a1a.pk)
    assert response.content.decode() == f"{org.unit_a1a.pk}/{org.unit_a1a.pk}"
    with pytest.raises(Http404):  # in the queryset, not theirs
        view(request_as(make_user(RoleKind.UNIT, org.unit_a1b)), pk=org.unit_a1a.pk)
    with pytest.raises(Http404):  # outside the queryset
        view(request_as(make_user(RoleKind.UNIT, org.unit_a1a)), pk=org.county_a1.pk)


def test_mixin_with_in_scope_status_403_forbids_a_visible_object(org):
    view = type("Forbidding", (NodeDetail,), {"in_scope_status": 403}).as_view()
    with pytest.raises(PermissionDenied):
        view(request_as(make_user(RoleKind.UNIT, org.unit_a1b)), pk=org.unit_a1a.pk)


def test_mixin_without_object_and_for_anonymous_visitors(org):
    view = CoordinatorPage.as_view()
    assert view(request_as(make_user(RoleKind.UNIT, org.unit_a1a))).content == b"ok"
    with pytest.raises(Http404):
        view(request_as(make_user(RoleKind.WORKER, org.unit_a1a)))
    response = view(request_as(None))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_mixin_without_permission_name_is_a_configuration_error(org):
    view = type("Unnamed", (CoordinatorPage,), {"permission_required": None}).as_view()
    with pytest.raises(ImproperlyConfigured):
        view(request_as(make_user(RoleKind.UNIT, org.unit_a1a)))
