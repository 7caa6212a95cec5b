import pytest

from portal.accounts.enums import RoleKind
from submissions.enums import Tier
from tests.factories import make_entry, make_user
from tests.factories.scoring import STATE_AT_TIER


@pytest.fixture
def users(org):
    """org.users() plus a coordinator of a sibling unit and a committee member who is also superuser."""
    users = org.users()
    users["unit_other"] = make_user(RoleKind.UNIT, org.unit_a1b)
    users["committee"].is_staff = users["committee"].is_superuser = True
    users["committee"].save()
    return users


@pytest.fixture
def entry_at(users, campaign):
    """entry_at(tier, **fields): an entry by users["worker"] (unit A1a, city A) that has reached `tier`."""

    def build(tier=Tier.UNIT, **fields):
        fields.setdefault("state", STATE_AT_TIER[Tier(tier)])
        return make_entry(users["worker"], campaign=campaign, tier=tier, **fields)

    return build

