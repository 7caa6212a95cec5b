import os
import uuid

import boto3
import pytest
from celery._state import _set_task_join_will_block
from django.conf import settings as django_settings

from portal.accounts.enums import RoleKind
from portal.celery import app as celery_app
from tests.factories import SMALL, CampaignFactory, OrgTree, make_expert, make_user
from tests.factories.exhibition import published_results

DEMO_PASSWORD = "Demo@2025"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # In CI a skipped test is a part meant to run that did not: fail instead of passing quietly.
    if os.environ.get("PORTAL_FAIL_ON_SKIP") == "1" and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line("PORTAL_FAIL_ON_SKIP: tests were skipped, failing the run", red=True)
        terminalreporter._session.exitstatus = 1


def uses_real_worker(request) -> bool:
    """True for tests marked `celery_worker` when REDIS_URL is set (CI starts the worker)."""
    return request.node.get_closest_marker("celery_worker") is not None and not django_settings.CELERY_TASK_ALWAYS_EAGER


ON_S3 = django_settings.PORTAL_STORAGE == "s3"


@pytest.fixture(scope="session")
def s3_bucket():
    """Under PORTAL_STORAGE=s3 (.ci/run's S3 step, against a local moto server): the bucket, created once.

    The S3 API must answer: an unreachable server fails the run here instead of every test later.
    """
    if not ON_S3:
        return None
    options = django_settings.STORAGES["default"]["OPTIONS"]
    client = boto3.client("s3", endpoint_url=options["endpoint_url"], region_name=options["region_name"],
                          aws_access_key_id=options["access_key"], aws_secret_access_key=options["secret_key"])
    bucket = options["bucket_name"]
    existing = {b["Name"] for b in client.list_buckets()["Buckets"]}
    if bucket not in existing:
        client.create_bucket(Bucket=bucket)
    return client


def _test_storage(tmp_path, s3_client) -> dict:
    """The default storage for one test: its own folder on disk, or its own key prefix in the bucket."""
    if s3_client is None:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": tmp_path / "media", "base_url": "/private-not-served/"}}
    return {"BACKEND": "tests.storage_helpers.BackdatableS3Storage",
            "OPTIONS": {**django_settings.STORAGES["default"]["OPTIONS"], "location": f"t/{uuid.uuid4().hex}"}}


def _empty_prefix(s3_client, bucket: str, location: str) -> None:
    """Delete the test's objects, so the moto server's memory does not grow over the run."""
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=location + "/"):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", ())]
        if keys:
            s3_client.delete_objects(Bucket=bucket, Delete={"Objects": keys})


@pytest.fixture(autouse=True)
def isolated_tasks_and_media(request, settings, tmp_path):
    """Run tasks inline and store files in the test's own folder (or, under PORTAL_STORAGE=s3, its own key
    prefix of the bucket), except in tests meant for a real worker.

    A real worker cannot see rows of a test's uncommitted transaction, nor files in its private folder;
    only tests marked `celery_worker` (with transactional_db and the shared PORTAL_MEDIA_ROOT) use it.
    Yields MEDIA_ROOT (unused by the storage on S3).
    """
    # Celery keeps "a task is running here, joining would block" in one process-wide flag that eager tasks
    # set and reset; eager tasks run from several threads at once (the concurrency tests) can leave it set,
    # and a later test's result.get() would then refuse to wait. Every test starts with it cleared.
    _set_task_join_will_block(False)
    if uses_real_worker(request):
        yield settings.MEDIA_ROOT
        return
    s3_client = request.getfixturevalue("s3_bucket") if ON_S3 else None
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    storage = _test_storage(tmp_path, s3_client)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    celery_app.conf.task_always_eager = was_eager
    if s3_client is not None:  # the storage's own options: a test may have pointed STORAGES elsewhere since
        _empty_prefix(s3_client, storage["OPTIONS"]["bucket_name"], storage["OPTIONS"]["location"])


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The production hasher costs about half a second per hash; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    """A small directory with both channels: see tests.factories.OrgTree."""
    return OrgTree.build()


@pytest.fixture
def people(org):
    """org.users() plus the peers the permission matrices need: other units and counties, both channels."""
    users = org.users()
    users["unit_other"] = make_user(RoleKind.UNIT, org.unit_a1b)
    users["county_other"] = make_user(RoleKind.COUNTY, org.county_b1)
    users["unit_a0"] = make_user(RoleKind.UNIT, org.unit_a0)
    users["worker_a0"] = make_user(RoleKind.WORKER, org.unit_a0)
    users["unit_b"] = make_user(RoleKind.UNIT, org.unit_b1a)
    users["worker_b"] = make_user(RoleKind.WORKER, org.unit_b1a)
    users["unit_ga"] = make_user(RoleKind.UNIT, org.unit_ga)
    users["worker_ga"] = make_user(RoleKind.WORKER, org.unit_ga)
    return users


@pytest.fixture
def campaign(db):
    return CampaignFactory()


# --- fixtures shared by several folders ---------------------------------------------------------------------


@pytest.fixture
def small_campaign(db):
    """The notice's campaign, every phase open, with photo size rules low enough for 400×300 fixtures."""
    return CampaignFactory(**SMALL)


@pytest.fixture
def clear_cache():
    """An empty cache before and after the test (the exhibition and the expert pages cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def expert_people(org):
    """An author in city A, experts tied to city B, the industry union, city A itself and to nothing,
    the committee and city A's reviewer: the `people` of the expert and exhibition tests."""
    return {
        "worker": make_user(RoleKind.WORKER, org.unit_a1a),
        "worker_b": make_user(RoleKind.WORKER, org.unit_b1a),
        "worker_ga": make_user(RoleKind.WORKER, org.unit_ga),
        "expert_b": make_expert(org.city_b, full_name="乙市专家"),
        "expert_i": make_expert(org.industry, full_name="产业专家"),
        "expert_free": make_expert(None, full_name="无所属专家"),
        "expert_a": make_expert(org.city_a, full_name="甲市专家"),
        "committee": make_user(RoleKind.COMMITTEE, org.province, full_name="组委会"),
        "city": make_user(RoleKind.CITY, org.city_a),
    }


@pytest.fixture
def shown(org, expert_people, small_campaign):
    """Published results: see tests.factories.exhibition.published_results."""
    return published_results(org, expert_people, small_campaign)
