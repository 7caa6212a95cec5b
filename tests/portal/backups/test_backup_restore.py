"""backup_portal and restore_portal: a small instance is backed up, wiped and restored whole.

transactional_db: the commands migrate, flush and load in their own transactions, and derivative tasks
run (inline) when the upload commits, as in production.
"""

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from portal.accounts.models import User
from portal.audit.models import AuditRecord
from portal.backups import services as backups
from review import services as review_services
from review.models import Transition
from scoring.models import Assessment
from scoring.services import assess_entry
from submissions import services as entry_services
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, Photo
from tests.factories import PASSWORD, SMALL, CampaignFactory, make_entry, small_jpeg, upload
from tests.storage_helpers import storage_names, wipe_storage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.storage]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


@pytest.fixture
def instance(org):
    """Directory, campaign, a worker's entry with a hazard and a rectification photo (with derivatives),
    the unit's assessment and its recommendation upward."""
    people = org.users()
    campaign = CampaignFactory(**SMALL)
    worker, unit = people["worker"], people["unit"]
    entry = make_entry(worker, campaign=campaign)
    entry_services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(1)), actor=worker)
    entry_services.add_photo(entry, PhotoKind.RECTIFIED, upload(small_jpeg(2)), actor=worker)
    entry_services.submit_entry(entry, actor=worker)
    assess_entry(entry, actor=unit, tier=Tier.UNIT, values={"l": "2", "e": "1.8", "c": "20", "x": "1", "y": "1"})
    review_services.recommend_entry(entry, actor=unit, comment="画面清晰")
    entry.refresh_from_db()
    assert entry.state == EntryState.UNIT_RECOMMENDED
    photos = list(Photo.objects.order_by("pk"))
    assert len(photos) == 2 and all(photo.derivatives_ready for photo in photos)
    return {"people": people, "campaign": campaign, "entry": entry, "photos": photos}


def snapshot() -> dict:
    """What must come back: rows that matter, and the bytes of every photo file."""
    photos = {}
    for photo in Photo.objects.order_by("pk"):
        photos[photo.pk] = {
            "entry": photo.entry_id, "kind": photo.kind, "sha256": photo.sha256,
            "files": {name: sha256(read(name)) for name in (photo.original.name, photo.thumbnail.name,
                                                             photo.preview.name)},
        }
    return {
        "entries": list(Entry.objects.order_by("pk").values("pk", "title", "state", "tier", "unit_id", "updated_at",
                                                            "author_id", "unit_score", "submitted_at")),
        "photos": photos,
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        "assessments": list(Assessment.objects.order_by("pk").values("pk", "entry_id", "assessor_id", "d")),
        "transitions": list(Transition.objects.order_by("pk").values("pk", "entry_id", "actor_id", "reason")),
        "audit": list(AuditRecord.objects.order_by("pk").values("pk", "actor_id", "action", "target_id",
                                                                "created_at")),
    }


def wipe(media_root: Path) -> None:
    """An empty instance: no rows, no stored files (on disk or in the test's part of the bucket)."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)
    wipe_storage()
    assert not storage_names()
    assert not Entry.objects.exists() and not User.objects.exists()


def make_backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup_portal", output=str(tmp_path / "backups"), stdout=out)
    archives = list((tmp_path / "backups").glob("portal-backup-*.tar.gz"))
    assert len(archives) == 1, out.getvalue()
    assert "已备份到" in out.getvalue()
    return archives[0]


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def rewrite(archive: Path, change) -> Path:
    """A copy of `archive` with `change(name, data) -> (name, data) | None` applied to each member."""
    target = archive.with_name("tampered.tar.gz")
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members(archive).items():
            changed = change(name, data)
            if changed is None:
                continue
            info = tarfile.TarInfo(changed[0])
            info.size = len(changed[1])
            tar.addfile(info, io.BytesIO(changed[1]))
    return target


# --- the round trip ---------------------------------------------------------------------------------------


def test_backup_restore_round_trip_brings_back_every_entry_and_photo(instance, tmp_path, settings):
    before = snapshot()
    archive = make_backup(tmp_path)
    wipe(settings.MEDIA_ROOT)

    out = io.StringIO()
    call_command("restore_portal", str(archive), stdout=out)
    assert "已恢复" in out.getvalue() and "校验一致" in out.getvalue()

    assert snapshot() == before
    for photo in Photo.objects.all():
        assert sha256(read(photo.original.name)) == photo.sha256
        assert read(photo.thumbnail.name)[:2] == b"\xff\xd8"
    # The restored instance works: the worker logs in and sees the entry and its photo through the app.
    client = Client()
    worker = instance["people"]["worker"]
    login = client.post("/accounts/login/", {"username": worker.username, "password": PASSWORD})
    assert login.status_code == 302  # the password hash came back too
    entry = Entry.objects.get()
    page = client.get(f"/submissions/{entry.pk}/")
    assert page.status_code == 200 and entry.title in page.content.decode()
    photo = entry.photos.first()
    thumb = client.get(f"/files/photo/{photo.pk}/thumbnail/")
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content) == read(photo.thumbnail.name)


def test_backup_manifest_lists_counts_and_file_hashes(instance, tmp_path):
    archive = make_backup(tmp_path)
    content = members(archive)
    manifest = json.loads(content["manifest.json"])
    assert manifest["format"] == backups.FORMAT and manifest["version"] == 1
    assert manifest["counts"]["submissions.entry"] == 1
    assert manifest["counts"]["submissions.photo"] == 2
    assert manifest["counts"]["scoring.assessment"] == 1
    assert manifest["counts"]["review.transition"] == 1
    assert manifest["counts"]["accounts.user"] == User.objects.count()
    names = {item["name"] for item in manifest["files"]}
    for photo in instance["photos"]:
        assert {photo.original.name, photo.thumbnail.name, photo.preview.name} <= names
    for item in manifest["files"]:
        data = content["media/" + item["name"]]
        assert item["sha256"] == sha256(data) and item["size"] == len(data)
    assert manifest["database"]["sha256"] == sha256(content["database.json"])
    assert manifest["missing_files"] == []
    assert ["submissions", "0001_initial"] in manifest["migrations"]


def test_backup_dump_leaves_out_rebuilt_and_private_tables(instance, tmp_path, client):
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})  # an axes log row
    client.force_login(instance["people"]["worker"])  # a session row
    archive = make_backup(tmp_path)
    models = {row["model"] for row in json.loads(members(archive)["database.json"])}
    assert not models & {"contenttypes.contenttype", "auth.permission", "sessions.session",
                         "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
    assert {"submissions.entry", "submissions.photo", "accounts.user", "audit.auditrecord"} <= models


def test_backup_keeps_primary_keys_so_audit_references_survive(instance, tmp_path, settings):
    # --natural-primary would renumber users; audit target ids and admin log ids are plain integers.
    rows = json.loads(members(make_backup(tmp_path))["database.json"])
    users = [row for row in rows if row["model"] == "accounts.user"]
    assert users and all("pk" in row for row in users)
    audit = [row for row in rows if row["model"] == "audit.auditrecord"]
    assert audit and all(isinstance(row["fields"]["target_type"], list) for row in audit if row["fields"]["target_type"])


def test_backup_is_written_atomically(instance, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(backups, "_add_stream", broken)
    with pytest.raises(OSError):
        call_command("backup_portal", output=str(tmp_path / "backups"), stdout=io.StringIO())
    assert list((tmp_path / "backups").iterdir()) == []  # no archive, no .partial left behind


def test_backup_notes_files_that_rows_refer_to_but_storage_lacks(instance, tmp_path):
    photo = instance["photos"][0]
    default_storage.delete(photo.preview.name)
    err = io.StringIO()
    call_command("backup_portal", output=str(tmp_path / "b"), stdout=io.StringIO(), stderr=err)
    archive = next((tmp_path / "b").glob("*.tar.gz"))
    assert json.loads(members(archive)["manifest.json"])["missing_files"] == [photo.preview.name]
    assert photo.preview.name in err.getvalue()


# --- refusals ---------------------------------------------------------------------------------------------


def test_restore_refuses_a_database_with_entries_unless_forced(instance, tmp_path, settings):
    archive = make_backup(tmp_path)
    title = Entry.objects.get().title
    Entry.objects.update(title="恢复前改过的标题")
    with pytest.raises(CommandError, match="--force"):
        call_command("restore_portal", str(archive), stdout=io.StringIO())
    assert Entry.objects.get().title == "恢复前改过的标题"

    call_command("restore_portal", str(archive), "--force", stdout=io.StringIO())
    assert Entry.objects.get().title == title


def test_restore_force_replaces_rows_the_backup_does_not_have(instance, tmp_path):
    archive = make_backup(tmp_path)
    extra = make_entry(instance["people"]["worker_peer"], campaign=instance["campaign"])
    call_command("restore_portal", str(archive), "--force", stdout=io.StringIO())
    assert not Entry.objects.filter(pk=extra.pk).exists()
    assert Entry.objects.count() == 1


def test_restore_refuses_a_tampered_file_before_changing_anything(instance, tmp_path, settings):
    archive = make_backup(tmp_path)
    original = instance["photos"][0].original.name
    tampered = rewrite(archive, lambda name, data: (
        name, data[:-10] + b"\x00" * 10 if name == "media/" + original else data))
    wipe(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore_portal", str(tampered), stdout=io.StringIO())
    assert not User.objects.exists()
    assert not any(name.endswith(".jpg") for name in storage_names())


def test_restore_refuses_a_missing_file(instance, tmp_path, settings):
    archive = make_backup(tmp_path)
    thumb = "media/" + instance["photos"][0].thumbnail.name
    tampered = rewrite(archive, lambda name, data: None if name == thumb else (name, data))
    wipe(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match="1 个文件与 manifest 不符"):
        call_command("restore_portal", str(tampered), stdout=io.StringIO())
    assert not User.objects.exists()


@pytest.mark.parametrize("evil", ["media/../../escaped.txt", "/etc/cron.d/evil", "media/a/../../../x"])
def test_restore_refuses_paths_outside_the_archive(instance, tmp_path, settings, evil):
    archive = make_backup(tmp_path)
    tampered = rewrite(archive, lambda name, data: (evil, data) if name == "database.json" else (name, data))
    wipe(settings.MEDIA_ROOT)
    with pytest.raises(CommandError):
        call_command("restore_portal", str(tampered), stdout=io.StringIO())
    assert not (tmp_path / "escaped.txt").exists()
    assert not User.objects.exists()


def test_restore_refuses_links_in_the_archive(instance, tmp_path, settings):
    archive = make_backup(tmp_path)
    target = tmp_path / "linked.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as tar:
        for member in source:
            tar.addfile(member, source.extractfile(member))
        link = tarfile.TarInfo("media/link.jpg")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    wipe(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match="不允许"):
        call_command("restore_portal", str(target), stdout=io.StringIO())


def test_restore_refuses_something_that_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("restore_portal", str(junk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore_portal", str(tmp_path / "none.tar.gz"), stdout=io.StringIO())


def test_restore_refuses_a_backup_from_a_newer_schema(instance, tmp_path, settings):
    archive = make_backup(tmp_path)

    def newer(name, data):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        manifest["migrations"].append(["submissions", "9999_from_the_future"])
        return name, json.dumps(manifest).encode()

    tampered = rewrite(archive, newer)
    wipe(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match="9999_from_the_future"):
        call_command("restore_portal", str(tampered), stdout=io.StringIO())


def test_restore_rolls_back_when_counts_differ(instance, tmp_path, settings):
    archive = make_backup(tmp_path)

    def inflated(name, data):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        manifest["counts"]["submissions.entry"] = 5
        return name, json.dumps(manifest).encode()

    tampered = rewrite(archive, inflated)
    wipe(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match=r"submissions\.entry"):
        call_command("restore_portal", str(tampered), stdout=io.StringIO())
    assert not Entry.objects.exists() and not User.objects.exists()


# --- pg_dump ----------------------------------------------------------------------------------------------


def test_backup_pg_dump_option(instance, tmp_path):
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("backup_portal", output=str(tmp_path / "b"), pg_dump=True, stdout=io.StringIO())
        assert not list((tmp_path / "b").glob("*.tar.gz"))
        return
    # .ci/run's PostgreSQL step: the archive also carries a dump that pg_restore can read.
    call_command("backup_portal", output=str(tmp_path / "b"), pg_dump=True, stdout=io.StringIO())
    archive = next((tmp_path / "b").glob("*.tar.gz"))
    content = members(archive)
    manifest = json.loads(content["manifest.json"])
    assert manifest["pg_dump"]["sha256"] == sha256(content["database.pgdump"])
    dump = tmp_path / "portal.dump"
    dump.write_bytes(content["database.pgdump"])
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "submissions_entry" in listing.stdout


# --- issue 12.9: private archive, consistent while photos are deleted, clear work-dir error -------------


def test_backup_archive_is_readable_by_its_owner_only(instance, tmp_path):
    import os
    import stat

    previous = os.umask(0o022)  # a usual umask would make a new file world-readable
    try:
        archive = make_backup(tmp_path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_backup_taken_while_a_photo_is_deleted_names_no_missing_file(instance, tmp_path, settings, monkeypatch):
    worker = instance["people"]["worker"]
    draft = make_entry(worker, campaign=instance["campaign"])
    entry_services.add_photo(draft, PhotoKind.HAZARD, upload(small_jpeg(7)), actor=worker)
    doomed = draft.photos.get()
    listing = backups.iter_storage_files

    def delete_then_list(storage, *args, **kwargs):
        # The database is dumped already; the worker deletes the photo before the files are copied.
        entry_services.delete_photo(doomed, actor=worker)
        yield from listing(storage, *args, **kwargs)

    monkeypatch.setattr(backups, "iter_storage_files", delete_then_list)
    archive = make_backup(tmp_path)
    monkeypatch.undo()
    manifest = json.loads(members(archive)["manifest.json"])
    assert manifest["missing_files"] == []
    assert doomed.original.name in {item["name"] for item in manifest["files"]}
    assert not Photo.objects.filter(pk=doomed.pk).exists()
    wipe(Path(settings.MEDIA_ROOT))
    call_command("restore_portal", str(archive), stdout=io.StringIO())
    restored = Photo.objects.get(pk=doomed.pk)  # the dump's photo, with its files
    assert sha256(read(restored.original.name)) == restored.sha256


def test_restore_with_a_missing_work_dir_says_so(instance, tmp_path):
    archive = make_backup(tmp_path)
    with pytest.raises(CommandError, match="解包目录不存在"):
        call_command("restore_portal", str(archive), work_dir=str(tmp_path / "no-such-folder"),
                     stdout=io.StringIO())
    assert Entry.objects.exists()  # nothing was touched
