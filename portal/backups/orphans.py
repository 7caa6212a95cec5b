"""Stored files that no database row refers to, e.g. left behind by a failed upload or a crash.

A file is referenced when it is the value of a FileField (ImageField included) of any row of any installed
model; models are discovered generically, so new ones are covered without changes here. Files younger
than `min_age` are never reported: an upload writes its file just before its row commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.backups.services import iter_storage_files


@dataclass(frozen=True)
class Orphan:
    name: str
    size: int


def referenced_names() -> set[str]:
    """Every storage name that a FileField of any row of any installed model points to."""
    names: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy:  # same table as its concrete model
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                # The base manager: a filtering default manager must not hide a row's file.
                values = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                names.update(values.iterator())
    names.discard(None)
    return names


def find_orphans(min_age: datetime.timedelta, storage: Storage | None = None) -> Iterator[Orphan]:
    """The files of `storage` (default storage) that no row refers to and that are older than `min_age`."""
    storage = storage or default_storage
    # Read the references first: a file uploaded after this is younger than min_age, so it is skipped.
    referenced = referenced_names()
    cutoff = timezone.now() - min_age
    for name in iter_storage_files(storage):
        if name in referenced:
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                continue
            size = storage.size(name)
        except FileNotFoundError:  # deleted since the listing
            continue
        yield Orphan(name, size)


def purge_orphans(min_age: datetime.timedelta, storage: Storage | None = None,
                  on_error=None) -> tuple[int, int]:
    """Delete the orphans of `storage` older than `min_age`; return (files, bytes) and audit the purge.

    Deleting a photo or replacing it removes only its row (a backup running meanwhile must still find the
    files it dumped rows for); this purge is what removes those files afterwards.
    """
    storage = storage or default_storage
    count = total = 0
    for orphan in find_orphans(min_age, storage):
        try:
            storage.delete(orphan.name)
        except OSError as exc:
            if on_error is not None:
                on_error(orphan, exc)
            continue
        count += 1
        total += orphan.size
    if count:
        record_audit(None, "files.purge_orphans", None, summary=_("已删除 %(count)d 个孤立文件，共 %(bytes)d 字节") % {"count": count, "bytes": total},
                     changes={"count": count, "bytes": total})
    return count, total
