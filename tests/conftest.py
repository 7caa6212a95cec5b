import os

import pytest
from django.conf import settings as django_settings

from tests.factories import CampaignFactory, OrgTree

DEMO_PASSWORD = "Demo@2025"


def pytest_collection_modifyitems(config, items):
    # Tests that must talk to PostgreSQL are marked; on SQLite they still run their SQLite-safe half.
    pass


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # In CI a skipped test is a part meant to run that did not: fail instead of passing quietly.
    if os.environ.get("PORTAL_FAIL_ON_SKIP") == "1" and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line("PORTAL_FAIL_ON_SKIP: tests were skipped, failing the run", red=True)
        terminalreporter._session.exitstatus = 1  # noqa: SLF001 - pytest offers no public setter


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test stores files in its own folder, unless a real worker must read the same files."""
    if django_settings.CELERY_TASK_ALWAYS_EAGER:
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/private-not-served/"},
        }}
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def org(db):
    """A small directory with both channels: see tests.factories.OrgTree."""
    return OrgTree.build()


@pytest.fixture
def campaign(db):
    return CampaignFactory()
