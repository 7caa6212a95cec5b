import pytest

from tests.factories.ankang import ankang_people, make_competition
from tests.factories.inspections import workplaces


@pytest.fixture
def people(org):
    return ankang_people(org)


@pytest.fixture
def competition(org, people):
    return make_competition(org.province)


@pytest.fixture
def places(org):
    """车间/班组 nodes of units A1a and A1b (tests.factories.inspections.workplaces)."""
    return workplaces(org)
