import pytest


@pytest.fixture(autouse=True)
def _empty_cache(clear_cache):
    """Every exhibition test starts and ends with an empty cache."""


@pytest.fixture
def campaign(small_campaign):
    """The notice's campaign, every phase open, photo rules small enough for 400×300 fixtures."""
    return small_campaign


@pytest.fixture
def people(expert_people):
    """The expert tests' people (the `shown` fixture's published entries use them)."""
    return expert_people
