"""Back up the portal into one .tar.gz and restore it into an empty instance.

The archive holds:

- `database.json`: Django's `dumpdata --natural-foreign --all` of every model except content types,
  permissions, sessions and django-axes' login logs (content types and permissions are rebuilt by
  `migrate` and referenced by natural key, so the dump loads into any fresh database: SQLite or
  PostgreSQL). Primary keys are kept on purpose (no `--natural-primary`): audit records, admin log
  entries and the audit `changes` refer to rows, users included, by their id. Timestamps keep their
  microseconds (portal.backups.serializer).
- `media/<name>`: every file of the default storage (photos, derivatives, blind copies, exports).
- `database.pgdump` (only with `pg_dump=True` on PostgreSQL): a `pg_dump -Fc` taken alongside, for a
  native `pg_restore`; `restore_portal` itself always loads the JSON.
- `manifest.json`, written last: row counts per model, the applied migrations, and the size and sha256
  of every file, which a restore checks before it touches anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.backups import serializer as exact_json

FORMAT = "suishoupai-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
PG_DUMP = "database.pgdump"
MEDIA_PREFIX = "media/"
# Rebuilt by migrate (content types, permissions) or worthless in another instance (sessions, login logs).
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "axes")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message is meant for the operator."""


@dataclass
class BackupResult:
    path: Path
    counts: dict[str, int]
    files: int
    bytes: int
    missing_files: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    counts: dict[str, int]
    files: int
    warnings: list[str] = field(default_factory=list)


# --- what is backed up ------------------------------------------------------------------------------------


def _is_excluded(model: type[models.Model]) -> bool:
    meta = model._meta
    return meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """The models whose rows go into database.json, as dumpdata picks them."""
    return [
        model for model in apps.get_models()
        if not model._meta.proxy and not _is_excluded(model) and router.allow_migrate_model(using, model)
    ]


def model_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    # The base manager, like dumpdata --all: a filtering default manager must not hide rows.
    return {model._meta.label_lower: model._base_manager.using(using).count() for model in backed_up_models(using)}


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.applied_migrations)


def referenced_files(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """Every storage name a FileField of a backed-up row points to."""
    names: set[str] = set()
    for model in backed_up_models(using):
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                values = model._base_manager.using(using).exclude(**{model_field.attname: ""})
                names.update(values.values_list(model_field.attname, flat=True).iterator())
    names.discard(None)
    return names


def iter_storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage`, walking listdir() recursively (works for local disk and S3)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a fresh instance has no media folder yet
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from iter_storage_files(storage, f"{folder}/{sub}" if folder else sub)


# --- backup -----------------------------------------------------------------------------------------------


class _HashingReader:
    """Wraps a file: tarfile reads through it, so each byte is read once for both copy and sha256."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.fileobj.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o640
    info.mtime = int(timezone.now().timestamp())
    return info


def _add_stream(tar: tarfile.TarFile, name: str, fileobj, size: int) -> dict:
    reader = _HashingReader(fileobj)
    tar.addfile(_tar_info(name, size), reader)
    return {"size": reader.size, "sha256": reader.digest.hexdigest()}


class _Snapshot:
    """One consistent view of the database for the dump and the counts, where the database offers it.

    PostgreSQL: a REPEATABLE READ, read-only transaction (writers are not blocked). SQLite, or a caller
    already inside a transaction: no extra transaction (on SQLite it would lock out writers).
    """

    def __init__(self, using: str):
        self.connection = connections[using]
        self.atomic = None

    def __enter__(self):
        if self.connection.vendor == "postgresql" and not self.connection.in_atomic_block:
            self.atomic = transaction.atomic(using=self.connection.alias)
            self.atomic.__enter__()
            with self.connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return self

    def __exit__(self, *exc):
        if self.atomic is not None:
            return self.atomic.__exit__(*exc)
        return False


def _pg_dump(target: Path, using: str) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BackupError(_("--pg-dump 只适用于 PostgreSQL 数据库，当前数据库是 %(vendor)s。") % {
            "vendor": connection.vendor})
    executable = shutil.which("pg_dump")
    if executable is None:
        raise BackupError(_("找不到 pg_dump 命令，请安装 PostgreSQL 客户端，或不用 --pg-dump。"))
    params = connection.settings_dict
    command = [executable, "--format=custom", "--no-owner", f"--file={target}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            command.append(f"{option}={params[key]}")
    command.append(params["NAME"])
    # The password goes through the environment, never the command line (visible in `ps`).
    env = {**os.environ, "PGPASSWORD": params.get("PASSWORD") or ""}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(_("pg_dump 失败：%(error)s") % {"error": result.stderr.strip()[-500:]})


def backup_portal(output_dir, *, pg_dump: bool = False, storage: Storage | None = None,
                  using: str = DEFAULT_DB_ALIAS, progress: Callable[[str], None] | None = None) -> BackupResult:
    """Write `portal-backup-<local time>.tar.gz` into `output_dir` and return what it holds.

    The archive is written under a `.partial` name and renamed when complete, so a failed or interrupted
    backup never looks like a finished one.
    """
    storage = storage or default_storage
    progress = progress or (lambda message: None)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    created = timezone.localtime()
    final = output_dir / f"portal-backup-{created:%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(_("备份文件已存在：%(path)s") % {"path": final})
    partial = final.with_name(final.name + ".partial")

    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        dump_path = Path(work) / DATABASE
        with _Snapshot(using):
            progress(_("导出数据库……"))
            if exact_json.FORMAT not in serializers.get_serializer_formats():
                serializers.register_serializer(exact_json.FORMAT, exact_json.__name__)
            call_command("dumpdata", natural_foreign=True, use_base_manager=True, exclude=list(EXCLUDED),
                         output=str(dump_path), format=exact_json.FORMAT, database=using, verbosity=0)
            counts = model_counts(using)
            migrations = applied_migrations(using)
            referenced = referenced_files(using)
        pg_path = None
        if pg_dump:
            progress(_("运行 pg_dump……"))
            pg_path = Path(work) / PG_DUMP
            _pg_dump(pg_path, using)

        files: list[dict] = []
        vanished: list[str] = []
        try:
            # Photos are JPEGs that do not compress: the fastest level keeps the JSON small all the same.
            # Created 0600 from the first byte: the archive holds password hashes, phone numbers,
            # addresses and photos with GPS positions (issue 12.9).
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)  # also when a leftover .partial existed with other bits
            with os.fdopen(descriptor, "wb") as raw, \
                    tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
                with dump_path.open("rb") as fh:
                    database = _add_stream(tar, DATABASE, fh, dump_path.stat().st_size)
                pg_entry = None
                if pg_path is not None:
                    with pg_path.open("rb") as fh:
                        pg_entry = _add_stream(tar, PG_DUMP, fh, pg_path.stat().st_size)
                progress(_("复制文件……"))
                for name in iter_storage_files(storage):
                    try:
                        size = storage.size(name)
                        with storage.open(name, "rb") as fh:
                            files.append({"name": name, **_add_stream(tar, MEDIA_PREFIX + name, fh, size)})
                    except FileNotFoundError:
                        vanished.append(name)  # deleted between listing and copying: nothing to keep
                stored = {item["name"] for item in files}
                missing = sorted(referenced - stored)
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": created.isoformat(),
                    "django": django.get_version(),
                    "database_vendor": connections[using].vendor,
                    "migrations": migrations,
                    "counts": counts,
                    "database": {"name": DATABASE, **database},
                    "pg_dump": {"name": PG_DUMP, **pg_entry} if pg_entry else None,
                    "files": files,
                    "missing_files": missing,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                tar.addfile(_tar_info(MANIFEST, len(data)), io.BytesIO(data))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.rename(final)
    return BackupResult(path=final, counts=counts, files=len(files),
                        bytes=sum(item["size"] for item in files), missing_files=missing)


# --- restore ----------------------------------------------------------------------------------------------


@dataclass
class _Unpacked:
    manifest: dict
    database: Path
    media: Path


def _member_target(root: Path, relative: str) -> Path:
    """The path under `root` for an archive name; refuses absolute names and any `..`."""
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or "\\" in relative or any(p in ("..", ".", "") for p in parts):
        raise BackupError(_("备份文件中有不安全的文件名：%(name)s") % {"name": relative})
    return root.joinpath(*parts)


def _extract_to(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member)
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def unpack_archive(archive, work: Path) -> _Unpacked:
    """Extract `archive` into `work` and check every file against the manifest; raise BackupError if not.

    Only regular files named as backup_portal names them are accepted (no links, no paths outside).
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": archive})
    media = work / "media"
    manifest_bytes, seen_database, found = _extract_archive(archive, work, media)
    if manifest_bytes is None or seen_database is None:
        raise BackupError(_("备份文件不完整：缺少 manifest.json 或 database.json。"))
    manifest = _read_manifest(manifest_bytes)
    _check_against_manifest(manifest, seen_database, found)
    return _Unpacked(manifest=manifest, database=work / DATABASE, media=media)


def _extract_archive(archive: Path, work: Path, media: Path) -> tuple[bytes | None, dict | None, dict[str, dict]]:
    """(manifest bytes, size and sha256 of database.json, {media name: size and sha256}), extracted into
    `work`; None for a part the archive lacks."""
    found: dict[str, dict] = {}
    seen_database = None
    manifest_bytes = None
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(_("备份文件中有不允许的条目：%(name)s") % {"name": member.name})
                if member.name == MANIFEST:
                    manifest_bytes = tar.extractfile(member).read()
                elif member.name == DATABASE:
                    seen_database = _extract_to(tar, member, work / DATABASE)
                elif member.name == PG_DUMP:
                    continue  # for pg_restore by hand; this command loads the portable JSON
                elif member.name.startswith(MEDIA_PREFIX):
                    relative = member.name[len(MEDIA_PREFIX):]
                    found[relative] = _extract_to(tar, member, _member_target(media, relative))
                else:
                    raise BackupError(_("备份文件中有不认识的条目：%(name)s") % {"name": member.name})
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(_("备份文件无法读取（%(error)s），可能已损坏或不完整。") % {"error": exc}) from None
    return manifest_bytes, seen_database, found


def _read_manifest(manifest_bytes: bytes) -> dict:
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError(_("manifest.json 无法解析。")) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(_("不是本系统的备份文件，或备份格式版本不受支持。"))
    return manifest


def _check_against_manifest(manifest: dict, seen_database: dict, found: dict[str, dict]) -> None:
    """Raise BackupError unless database.json and every media file match the manifest's sizes and sha256."""
    expected_db = manifest["database"]
    if (seen_database["size"], seen_database["sha256"]) != (expected_db["size"], expected_db["sha256"]):
        raise BackupError(_("database.json 的校验值与 manifest 不符，备份文件已损坏。"))
    expected = {item["name"]: item for item in manifest["files"]}
    problems = sorted(
        name for name in expected.keys() | found.keys()
        if name not in expected or name not in found
        or (found[name]["size"], found[name]["sha256"]) != (expected[name]["size"], expected[name]["sha256"])
    )
    if problems:
        raise BackupError(_("%(count)d 个文件与 manifest 不符（缺失、多余或校验值不同），例如：%(names)s") % {
            "count": len(problems), "names": "、".join(problems[:5])})


def _check_migrations(manifest: dict, using: str) -> list[str]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    archived = {tuple(pair) for pair in manifest.get("migrations", [])}
    unknown = sorted(archived - known)
    if unknown:
        raise BackupError(_("备份来自更新版本的系统（有本版本没有的数据库迁移，如 %(migration)s），"
                            "请用相同或更新版本的系统恢复。") % {"migration": ".".join(unknown[0])})
    newer = sorted(set(loader.graph.leaf_nodes()) - archived)
    if newer:
        return [_("本系统比备份新（如迁移 %(migration)s）；若恢复失败，请先用备份时的版本恢复再升级。") % {
            "migration": ".".join(newer[0])}]
    return []


def has_entries(using: str = DEFAULT_DB_ALIAS) -> bool:
    return apps.get_model("submissions", "Entry")._base_manager.using(using).exists()


def _put_files(unpacked: _Unpacked, storage: Storage) -> None:
    for item in unpacked.manifest["files"]:
        name = item["name"]
        if storage.exists(name):
            storage.delete(name)  # save() would pick another name; rows refer to this one
        with _member_target(unpacked.media, name).open("rb") as fh:
            saved = storage.save(name, File(fh, name=name))
        if saved != name:
            raise BackupError(_("文件 %(name)s 被存储为 %(saved)s，恢复中止。") % {"name": name, "saved": saved})


def _verify_stored(manifest: dict, storage: Storage) -> list[str]:
    wrong = []
    for item in manifest["files"]:
        digest = hashlib.sha256()
        try:
            with storage.open(item["name"], "rb") as fh:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            wrong.append(item["name"])
            continue
        if digest.hexdigest() != item["sha256"]:
            wrong.append(item["name"])
    return wrong


def restore_portal(archive, *, force: bool = False, storage: Storage | None = None, work_dir=None,
                   using: str = DEFAULT_DB_ALIAS, progress: Callable[[str], None] | None = None) -> RestoreResult:
    """Restore an archive made by backup_portal into this instance's database and default storage.

    Order, so that a bad archive or a refusal changes nothing: unpack and verify every sha256; check the
    migrations; migrate; refuse if the database already has entries (unless `force`); copy the files;
    then, in one transaction, empty the database, load the JSON and compare the row counts with the
    manifest; finally re-read every restored file and compare its sha256.
    """
    storage = storage or default_storage
    progress = progress or (lambda message: None)
    if work_dir is not None and not Path(work_dir).is_dir():
        raise BackupError(_("解包目录不存在或不是文件夹：%(path)s（请先创建，或不加 --work-dir 使用系统临时目录）") % {
            "path": work_dir})
    with tempfile.TemporaryDirectory(prefix="portal-restore-", dir=work_dir) as work:
        progress(_("解包并校验备份文件……"))
        unpacked = unpack_archive(archive, Path(work))
        manifest = unpacked.manifest
        warnings = _check_migrations(manifest, using)
        progress(_("执行数据库迁移……"))
        call_command("migrate", database=using, interactive=False, verbosity=0)
        if not force and has_entries(using):
            raise BackupError(_("目标数据库中已有作品，恢复会覆盖全部数据。确认要覆盖请加 --force。"))
        progress(_("复制文件……"))
        _put_files(unpacked, storage)
        progress(_("载入数据库……"))
        with transaction.atomic(using=using):
            call_command("flush", database=using, interactive=False, verbosity=0)
            call_command("loaddata", str(unpacked.database), database=using, verbosity=0)
            counts = model_counts(using)
            differing = sorted(
                label for label in manifest["counts"].keys() | counts.keys()
                if manifest["counts"].get(label, 0) != counts.get(label, 0)
            )
            if differing:
                raise BackupError(_("载入后的记录数与备份不符（%(models)s），数据库已回滚。") % {
                    "models": "、".join(differing[:5])})
    progress(_("校验已恢复的文件……"))
    wrong = _verify_stored(manifest, storage)
    if wrong:
        raise BackupError(_("%(count)d 个已恢复的文件校验失败，例如：%(names)s") % {
            "count": len(wrong), "names": "、".join(wrong[:5])})
    if manifest.get("missing_files"):
        warnings.append(_("备份时已有 %(count)d 个被记录引用的文件不存在（见 manifest.json 的 missing_files）。") % {
            "count": len(manifest["missing_files"])})
    return RestoreResult(counts=counts, files=len(manifest["files"]), warnings=warnings)
