import pytest

from tests.factories.hazards import hazard_people


@pytest.fixture
def people(org):
    return hazard_people(org)
