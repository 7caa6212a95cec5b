import pytest

from portal.accounts.enums import RoleKind
from tests.experts.helpers import SMALL, at_province, make_expert
from tests.factories import CampaignFactory, make_user


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(db):
    """The notice's campaign, every phase open, photo rules small enough for 400×300 fixtures."""
    return CampaignFactory(**SMALL)


@pytest.fixture
def people(org):
    """An author in city A, experts tied to city B, the industry union, city A itself and to nothing,
    the committee and city A's reviewer."""
    return {
        "worker": make_user(RoleKind.WORKER, org.unit_a1a),
        "worker_b": make_user(RoleKind.WORKER, org.unit_b1a),
        "worker_ga": make_user(RoleKind.WORKER, org.unit_ga),
        "expert_b": make_expert(org.city_b, full_name="乙市专家"),
        "expert_i": make_expert(org.industry, full_name="产业专家"),
        "expert_free": make_expert(None, full_name="无所属专家"),
        "expert_a": make_expert(org.city_a, full_name="甲市专家"),
        "committee": make_user(RoleKind.COMMITTEE, org.province, full_name="组委会"),
        "city": make_user(RoleKind.CITY, org.city_a),
    }


@pytest.fixture
def entry(people, campaign):
    """An entry of city A (unit A1a) in the provincial review."""
    return at_province(people["worker"], campaign)
