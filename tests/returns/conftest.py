import pytest

from tests.factories.returns import programme_year, returns_people


@pytest.fixture
def staff(org):
    return returns_people(org)


@pytest.fixture
def programme(org, staff):
    return programme_year(org, staff["committee"])
