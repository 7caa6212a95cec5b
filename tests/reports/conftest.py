import pytest

from portal.accounts.enums import RoleKind
from tests.factories import make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(org):
    """org.users() plus the peers these tests need."""
    users = org.users()
    users["unit_a0"] = make_user(RoleKind.UNIT, org.unit_a0)
    users["worker_a0"] = make_user(RoleKind.WORKER, org.unit_a0)
    users["worker_b"] = make_user(RoleKind.WORKER, org.unit_b1a)
    users["unit_b"] = make_user(RoleKind.UNIT, org.unit_b1a)
    users["worker_ga"] = make_user(RoleKind.WORKER, org.unit_ga)
    users["unit_ga"] = make_user(RoleKind.UNIT, org.unit_ga)
    return users
