import pytest

from tests.factories import at_province


@pytest.fixture(autouse=True)
def _empty_cache(clear_cache):
    """Every expert test starts and ends with an empty cache."""


@pytest.fixture
def campaign(small_campaign):
    """The notice's campaign, every phase open, photo rules small enough for 400×300 fixtures."""
    return small_campaign


@pytest.fixture
def people(expert_people):
    return expert_people


@pytest.fixture
def entry(people, campaign):
    """An entry of city A (unit A1a) in the provincial review."""
    return at_province(people["worker"], campaign)
