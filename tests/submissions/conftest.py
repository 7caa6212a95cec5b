"""Fixtures for the entry tests: the small-photo campaign (root conftest's small_campaign) keeps JPEG
fixtures tiny and fast."""

import pytest

from tests.factories import make_entry


@pytest.fixture
def media_root(settings):
    """The test's private MEDIA_ROOT (the root conftest points storage at a per-test folder)."""
    return settings.MEDIA_ROOT


@pytest.fixture
def people(org):
    return org.users()


@pytest.fixture
def worker(people, client):
    """The demo worker, logged in on `client`."""
    client.force_login(people["worker"])
    return people["worker"]


@pytest.fixture
def draft(worker, small_campaign):
    return make_entry(worker, campaign=small_campaign)
