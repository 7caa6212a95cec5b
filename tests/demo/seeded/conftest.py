"""The tests of plain `seed_demo` (what `make run` seeds) share ONE seed: see tests/shared_seed.py.

Seeding costs 8–15 s and these are ~60 tests. Tests of other arguments on an empty database stay in
tests/demo/; tests here may run seed_demo again (with --entries, even --reset) on top of the shared seed.
"""

import pytest

from tests.shared_seed import shared_seed


@pytest.fixture(scope="package")
def demo_package(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for this package, rolled back after its last test."""
    with shared_seed(django_db_blocker, tmp_path_factory.mktemp("demo-media")) as seed:
        yield seed


@pytest.fixture
def demo_db(demo_package, db, isolated_tasks_and_media) -> str:
    """The shared demo, for this test alone (rolled back after it), with its files; what seed_demo printed."""
    return demo_package.for_test(isolated_tasks_and_media)


@pytest.fixture
def seed_output(demo_db, settings) -> str:
    """demo_db, with DEBUG on as seed_demo wants (tests that run it again)."""
    settings.DEBUG = True
    return demo_db
