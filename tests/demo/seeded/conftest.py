"""The tests that read the plain `seed_demo` share ONE seed: seeding costs 8–15 s, these tests ~50.

The package fixture seeds inside a transaction that is never committed and is rolled back when the
package's last test is done (pytest tears a package fixture down as soon as the next test lies outside
the package, so no other test ever sees the demo rows). Each test runs in its own savepoint inside it
(pytest-django's `db`), so a test may change the demo: the next test gets it back as seeded. The seed's
files live in a temporary folder removed with the package; each test gets a copy in its own MEDIA_ROOT.

Only plain `seed_demo` (what `make run` does, no --entries/--reset) belongs here; tests of other
arguments, of an empty database or of --reset (a flush, and deleted files) stay in tests/demo/.
"""

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery._state import _set_task_join_will_block
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from portal.celery import app as celery_app


@dataclass(frozen=True)
class SeededDemo:
    output: str  # what seed_demo printed
    media: Path  # the files it stored


@pytest.fixture(scope="package")
def demo_package(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for the package, in an uncommitted transaction rolled back at its end."""
    media = tmp_path_factory.mktemp("demo-media")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": media, "base_url": "/private-not-served/"}}
    out = io.StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        # Like a TestCase's own block: a service's atomic(durable=True) inside a test stays allowed.
        connection.atomic_blocks[-1]._from_testcase = True
        try:
            # As tests/conftest.py's autouse fixtures give every test: inline tasks, the fast hasher, its
            # own files; seed_demo wants DEBUG.
            _set_task_join_will_block(False)
            was_eager = celery_app.conf.task_always_eager
            celery_app.conf.task_always_eager = True
            try:
                with override_settings(DEBUG=True, MEDIA_ROOT=media,
                                       STORAGES={**django_settings.STORAGES, "default": storage},
                                       PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                    call_command("seed_demo", stdout=out)
            finally:
                celery_app.conf.task_always_eager = was_eager
            yield SeededDemo(out.getvalue(), media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()  # nothing cached from the demo's rows outlives them
            shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def demo_db(demo_package, db, isolated_tasks_and_media) -> str:
    """The shared demo, for this test alone (rolled back after it); its files copied into the test's
    MEDIA_ROOT. What seed_demo printed."""
    # A test outside its own savepoint (transactional_db) would flush or commit the shared seed.
    assert len(connection.atomic_blocks) >= 2, "a seeded demo test must run in a rolled back transaction"
    shutil.copytree(demo_package.media, isolated_tasks_and_media, dirs_exist_ok=True)
    return demo_package.output


@pytest.fixture
def seed_output(demo_db, settings) -> str:
    """demo_db, with DEBUG on as seed_demo wants (tests that run it again)."""
    settings.DEBUG = True
    return demo_db
