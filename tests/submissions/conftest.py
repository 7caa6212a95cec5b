"""Fixtures for the entry tests: a campaign with small photo rules so JPEG fixtures stay tiny and fast."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CampaignFactory, make_entry
from tests.submissions import photo_fixtures as pf

SMALL = {"min_long_side": 320, "min_short_side": 240}
SMALL_SIZE = (400, 300)


def small_jpeg(n: int = 0, size=SMALL_SIZE, **options) -> bytes:
    """A valid JPEG under the small rules; different `n` give different bytes (and sha256)."""
    return pf.jpeg(size, quality=60 + n, **options)


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root) -> set[str]:
    """Every file under `root` (MEDIA_ROOT), relative, so a test can prove nothing was left behind."""
    found = set()
    for folder, _dirs, files in os.walk(root):
        for name in files:
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found



@pytest.fixture
def small_campaign(db):
    """The notice's campaign, every phase open, with photo size rules low enough for 400×300 fixtures."""
    return CampaignFactory(**SMALL)


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
