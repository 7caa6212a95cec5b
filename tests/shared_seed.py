"""seed_demo once for many tests: inside a transaction that is never committed.

Seeding the demo costs 8–15 s; tests that only read it (or change it and may lose the change) share one
seed through a package- or module-scoped fixture built on `shared_seed`. Each test still runs in its
own savepoint inside that transaction (pytest-django's `db`), so the next test gets the demo back as
seeded, and the rollback at the fixture's end leaves the database as before: no other test sees the
demo's rows. pytest tears a package/module fixture down as soon as the next test lies outside it, so
only tests that ask for the seed may live in that package/module (tests/demo/seeded/, for instance).
"""

import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from celery._state import _set_task_join_will_block
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from portal.celery import app as celery_app


@dataclass(frozen=True)
class SharedSeed:
    output: str  # what seed_demo printed
    media: Path  # the files it stored

    def for_test(self, media_root: Path) -> str:
        """The seed for one test: it must run in its own savepoint (a transactional_db test would flush or
        commit the shared rows); the seed's files are copied into its MEDIA_ROOT. What seed_demo printed."""
        assert len(connection.atomic_blocks) >= 2, "a shared-seed test must run in a rolled back transaction"
        shutil.copytree(self.media, media_root, dirs_exist_ok=True)
        return self.output


@contextmanager
def shared_seed(django_db_blocker, media: Path, *args: str) -> Iterator[SharedSeed]:
    """`seed_demo *args` in a transaction rolled back when the block ends; its files in `media` (removed)."""
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": media, "base_url": "/private-not-served/"}}
    out = io.StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        # Like a TestCase's own block: a service's atomic(durable=True) inside a test stays allowed.
        connection.atomic_blocks[-1]._from_testcase = True
        try:
            # What tests/conftest.py's autouse fixtures give every test: inline tasks, the fast hasher,
            # files of its own; seed_demo wants DEBUG.
            _set_task_join_will_block(False)
            was_eager = celery_app.conf.task_always_eager
            celery_app.conf.task_always_eager = True
            try:
                with override_settings(DEBUG=True, MEDIA_ROOT=media,
                                       STORAGES={**settings.STORAGES, "default": storage},
                                       PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                    call_command("seed_demo", *args, stdout=out)
            finally:
                celery_app.conf.task_always_eager = was_eager
            yield SharedSeed(out.getvalue(), media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()  # nothing cached from the demo's rows outlives them
            shutil.rmtree(media, ignore_errors=True)
