"""purge_orphan_files: stored files that no row refers to are listed, and with --delete removed and audited.

Referenced files (a photo's original and derivatives, a blind copy, an export) and fresh files (an upload
whose row has not committed yet) are never touched.
"""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from portal.audit.models import AuditRecord
from portal.exports.models import ExportJob
from review.experts.models import BlindOriginal
from submissions import services as entry_services
from submissions.enums import PhotoKind
from tests.factories import SMALL, CampaignFactory, make_entry, small_jpeg, upload
from tests.storage_helpers import age_all

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

OLD_ORPHANS = {"photos/orphan.jpg": b"x" * 10, "a/b/c/deep-orphan.bin": b"y" * 25}
FRESH_ORPHAN = "photos/uploading.jpg"


def save(name: str, data: bytes) -> str:
    stored = default_storage.save(name, ContentFile(data))
    assert stored == name
    return stored


@pytest.fixture
def stored(org, isolated_tasks_and_media, django_capture_on_commit_callbacks):
    """Referenced files and orphans, all two hours old, plus one orphan written just now."""
    worker, city = org.users()["worker"], org.users()["city"]
    entry = make_entry(worker, campaign=CampaignFactory(**SMALL))
    with django_capture_on_commit_callbacks(execute=True):
        photo = entry_services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(1)), actor=worker)
    photo.refresh_from_db()
    assert photo.thumbnail and photo.preview
    blind = BlindOriginal.objects.create(photo=photo, file=save("blind/1/copy.jpg", b"blind"),
                                         source_name=photo.original.name, sha256="0" * 64)
    export = ExportJob.objects.create(kind="test-numbers", requested_by=city,
                                      file=save("exports/2025/report.xlsx", b"export"))
    for name, data in OLD_ORPHANS.items():
        save(name, data)
    age_all(isolated_tasks_and_media, minutes=120)
    save(FRESH_ORPHAN, b"fresh")
    kept = {photo.original.name, photo.thumbnail.name, photo.preview.name, blind.file.name, export.file.name,
            FRESH_ORPHAN}
    return kept


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_orphan_files", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_old_orphans_with_sizes_and_total(stored):
    output = purge()
    listed = {line.split("\t")[0]: int(line.split("\t")[1]) for line in output.splitlines() if "\t" in line}
    assert listed == {name: len(data) for name, data in OLD_ORPHANS.items()}
    assert "共 2 个孤立文件，35 字节" in output
    assert all(default_storage.exists(name) for name in stored | OLD_ORPHANS.keys())
    assert not AuditRecord.objects.filter(action="files.purge_orphans").exists()


def test_delete_removes_only_old_orphans_and_audits(stored):
    output = purge("--delete")
    assert "已删除 2 个孤立文件，共 35 字节" in output
    assert not any(default_storage.exists(name) for name in OLD_ORPHANS)
    assert all(default_storage.exists(name) for name in stored)
    record = AuditRecord.objects.get(action="files.purge_orphans")
    assert record.actor is None and record.target_type is None
    assert record.changes == {"count": 2, "bytes": 35}
    # Nothing left to purge: a second run deletes nothing and writes no second record.
    assert "已删除 0 个孤立文件" in purge("--delete")
    assert AuditRecord.objects.filter(action="files.purge_orphans").count() == 1


def test_min_age_is_configurable(stored):
    output = purge("--min-age-minutes", "0")
    assert FRESH_ORPHAN in output and "共 3 个孤立文件" in output
    assert "共 0 个孤立文件" in purge("--min-age-minutes", "180")


def test_empty_storage(db):
    assert "共 0 个孤立文件，0 字节" in purge()


def test_deleted_photo_files_wait_for_the_purge_and_go_with_it(org, isolated_tasks_and_media,
                                                                 django_capture_on_commit_callbacks):
    """delete_photo removes the row only (a running backup still finds the files); the purge removes them."""
    worker = org.users()["worker"]
    entry = make_entry(worker, campaign=CampaignFactory(**SMALL))
    with django_capture_on_commit_callbacks(execute=True):
        photo = entry_services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(3)), actor=worker)
    photo.refresh_from_db()
    names = [photo.original.name, photo.thumbnail.name, photo.preview.name]
    with django_capture_on_commit_callbacks(execute=True):
        entry_services.delete_photo(photo, actor=worker)
    assert all(default_storage.exists(name) for name in names)
    age_all(isolated_tasks_and_media, minutes=120)
    call_command("purge_orphan_files", "--delete", stdout=StringIO())
    assert not any(default_storage.exists(name) for name in names)


def test_weekly_purge_task_removes_orphans_older_than_the_setting(stored, settings, isolated_tasks_and_media):
    from portal.backups.tasks import task_purge_orphan_files

    settings.PORTAL_ORPHAN_MIN_AGE_MINUTES = 60
    assert task_purge_orphan_files.delay().get() == 2
    assert not any(default_storage.exists(name) for name in OLD_ORPHANS)
    assert all(default_storage.exists(name) for name in stored)
    # With the default day-long guard the two-hour-old orphans would have stayed.
    assert settings.CELERY_BEAT_SCHEDULE["purge-orphan-files"]["task"] == task_purge_orphan_files.name
