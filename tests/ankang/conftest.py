import pytest

from tests.factories.ankang import ankang_people, make_competition


@pytest.fixture
def people(org):
    return ankang_people(org)


@pytest.fixture
def competition(org, people):
    return make_competition(org.province)
