import pytest

from tests.factories.tips import tip_people


@pytest.fixture
def people(org):
    return tip_people(org)
