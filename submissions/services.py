"""Every state change of entries and their photos.

Each service runs in one transaction, re-reads and locks the entry row before it checks anything (two
browser tabs, a double click or several files posted at once must not slip past a check), writes an
audit record in the same transaction and queues background work only once the transaction commits.
Refusals raise `portal.refusals.Refused` whose message is a Chinese sentence for the author (an
incomplete entry's missing items are its `details`).
"""

import errno
import io
import logging
from contextlib import contextmanager, nullcontext

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.enums import RoleKind
from portal.audit.services import record_audit
from portal.campaigns.enums import PhaseKind
from portal.celery import enqueue_on_commit
from portal.refusals import Refused

# The tasks module imports this one too: both refer to the other only inside functions, at call time.
from submissions import near_duplicates, tasks
from submissions.completeness import missing_items
from submissions.enums import EDITABLE_STATES, EntryState, PhotoKind, Tier
from submissions.models import Entry, Photo, derivative_upload_to
from submissions.photo_intake import cleaned_upload
from submissions.photos import make_derivative
from submissions.photos.similarity import phash64
from submissions.signals import entry_submitted

logger = logging.getLogger(__name__)

# The 附件1 fields the author fills in; state, tier, flags and the unions are the services' business.
AUTHOR_FIELDS = [
    "title", "author_name", "unit", "contact_address", "contact_phone", "contact_email",
    "industry", "category", "taken_on", "location", "hazard", "suggestion", "rectification_note",
    "description", "declaration_accepted", "declaration_name", "declaration_date",
]

# Longest side in pixels of the display copies.
DERIVATIVE_SIDES = {"thumbnail": 400, "preview": 1600}


# --- entries ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_entry(campaign, data: dict, *, actor, request=None) -> Entry:
    """Save a new draft entry of `actor` in `campaign` from the entry form's cleaned data.

    A draft may be incomplete; completeness is checked by submit_entry.
    """
    if not actor.has_role(RoleKind.WORKER):
        raise PermissionDenied
    if not campaign.phase_open(PhaseKind.SUBMISSION):
        raise Refused(_("当前不在作品提交阶段，不能新建作品。"), code="phase_closed")
    entry = Entry(campaign=campaign, author=actor, state=EntryState.DRAFT, tier=Tier.UNIT)
    _assign_fields(entry, data)
    entry.place_in_directory()
    entry.save()
    record_audit(actor, "entry.create", entry, summary=entry.title, request=request)
    return entry


@transaction.atomic
def update_entry(entry: Entry, data: dict, *, actor, request=None) -> Entry:
    """Change the author's fields of a draft or returned entry; moving to another unit re-derives the
    unions above it (推荐市或产业)."""
    locked = _lock(entry, actor)
    _require_changeable(locked)
    changed = _assign_fields(locked, data)
    if "unit" in changed:
        locked.place_in_directory()
    locked.save()
    if changed:
        record_audit(actor, "entry.update", locked, changes={"fields": changed}, request=request)
    return locked


@transaction.atomic
def submit_entry(entry: Entry, *, actor, request=None) -> Entry:
    """Submit a draft or returned entry to the author's unit.

    Refused, with every missing item listed, unless the 附件1 fields are complete, the originality
    declaration is ticked and signed with the author's name, there are 1–4 hazard photos and the
    campaign's submission phase is open.
    """
    locked = _lock(entry, actor)
    if locked.state not in EDITABLE_STATES:
        raise Refused(_("作品当前状态为“%(state)s”，不能提交。") % {"state": locked.get_state_display()},
                              code="not_editable")
    counts = {kind: locked.photos.filter(kind=kind).count() for kind in PhotoKind.values}
    missing = missing_items(locked, counts)
    if missing:
        raise Refused(_("作品尚未完整：%(items)s") % {"items": "；".join(missing)}, code="incomplete", details=missing)
    previous = locked.state
    locked.state = EntryState.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    record_audit(actor, "entry.submit", locked, changes={"state": [previous, locked.state]}, request=request)
    transaction.on_commit(lambda: entry_submitted.send(sender=Entry, entry=locked))
    return locked


def save_and_submit_entry(entry: Entry, data: dict, *, actor, request=None) -> tuple[Entry, list[str]]:
    """Save what the author has on the form, then submit the entry if it is complete.

    One action for the author, so edits typed on the page cannot be lost by submitting the saved state.
    Deliberately two transactions: the edits are kept as a draft even when the entry is still incomplete.
    Returns the entry and the list of missing items (empty when it was submitted). A save that is refused
    (state or phase) raises Refused as update_entry does.
    """
    saved = update_entry(entry, data, actor=actor, request=request)
    try:
        submitted = submit_entry(saved, actor=actor, request=request)
    except Refused as exc:
        return Entry.objects.get(pk=saved.pk), exc.messages
    return submitted, []


@transaction.atomic
def delete_entry(entry: Entry, *, actor, request=None) -> None:
    """Delete a draft that was never submitted, with its photos' rows; their files wait for the orphan purge
    (as with delete_photo: a backup running now must still find the files of the rows it dumped).

    The audit record keeps what was deleted (title and photo hashes), so the deletion stays traceable.
    """
    locked = _lock(entry, actor)
    if not locked.is_deletable:
        raise Refused(_("只能删除未提交过的草稿；作品当前状态为“%(state)s”。") % {
            "state": locked.get_state_display()}, code="not_deletable")
    photos = list(locked.photos.all())
    sha256 = [photo.sha256 for photo in photos]
    others = _entries_with_sha256(locked, *sha256) - {locked.pk}
    record_audit(actor, "entry.delete", locked, summary=locked.title, request=request,
                 changes={"state": [locked.state, "deleted"], "photos": sha256})
    locked.delete()
    # Entries that shared a file with the deleted one may no longer have a duplicate.
    _refresh_duplicate_flags(locked, others)


@transaction.atomic
def withdraw_entry(entry: Entry, *, actor, request=None) -> Entry:
    """Take an entry out of the campaign while it is still with the author's own unit."""
    locked = _lock(entry, actor)
    if locked.tier != Tier.UNIT or locked.state not in (EntryState.DRAFT, EntryState.SUBMITTED,
                                                        EntryState.RETURNED):
        raise Refused(_("作品当前状态为“%(state)s”，不能撤回。") % {"state": locked.get_state_display()},
                              code="not_withdrawable")
    previous = locked.state
    locked.state = EntryState.WITHDRAWN
    locked.save(update_fields=["state", "updated_at"])
    record_audit(actor, "entry.withdraw", locked, changes={"state": [previous, locked.state]}, request=request)
    return locked


# --- photos ----------------------------------------------------------------------------------------------


def add_photo(entry: Entry, kind: str, upload, *, actor, request=None) -> Photo:
    """Validate `upload` with the campaign's rules and store it as the last photo of group `kind`.

    A refused photo leaves nothing behind: it is validated and cleaned before anything is written, and
    the stored file is deleted again when the database write fails. The group's cap is counted under
    the entry's row lock, so concurrent uploads cannot exceed it.
    """
    if kind not in PhotoKind.values:
        raise Refused(_("照片类别无效。"), code="bad_kind")
    stored: list[str] = []
    with _storage_errors_refused(), cleaned_upload(upload, entry.campaign) as cleaned:
        try:
            with transaction.atomic():
                locked = _lock(entry, actor)
                _require_photo_addable(locked, kind)
                photos = list(locked.photos.all())
                group = [photo for photo in photos if photo.kind == kind]
                cap = locked.campaign.max_photos_per_group
                if len(group) >= cap:
                    raise Refused(
                        _("每组照片不超过%(max)d幅，%(group)s已有%(count)d幅。") % {
                            "max": cap, "group": PhotoKind(kind).label, "count": len(group)},
                        code="group_full")
                _refuse_repeat(cleaned.sha256, photos)
                photo = Photo(entry=locked, kind=kind, position=max((p.position for p in group), default=0) + 1)
                _fill_photo(photo, cleaned)
                _store_original(photo, cleaned.file, stored)
                photo.save()
                _after_photos_changed(locked, {locked.pk})
                record_audit(actor, "entry.photo_add", locked, request=request,
                             summary=f"{PhotoKind(kind).label}{photo.position}", changes=_photo_changes(photo))
                _queue_derivatives(photo)
        except BaseException:
            _delete_files(stored)
            raise
    return photo


def replace_photo(photo: Photo, upload, *, actor, request=None) -> Photo:
    """Put a new file in the place (group and position) of `photo`; the old files go once committed."""
    entry = photo.entry
    stored: list[str] = []
    with _storage_errors_refused(), cleaned_upload(upload, entry.campaign) as cleaned:
        try:
            with transaction.atomic():
                locked = _lock(entry, actor)
                _require_changeable(locked)
                photos = list(locked.photos.all())
                current = next((p for p in photos if p.pk == photo.pk), None)
                if current is None:
                    raise Refused(_("该照片已被删除，请刷新页面。"), code="gone")
                _refuse_repeat(cleaned.sha256, [p for p in photos if p.pk != current.pk])
                old_sha256 = current.sha256
                current.entry = locked
                partners = near_duplicates.partner_entries(current)
                _fill_photo(current, cleaned)
                current.thumbnail = current.preview = ""
                current.phash = None  # a new file: the derivatives task hashes it again
                _store_original(current, cleaned.file, stored)
                current.save()
                near_duplicates.refresh_flags({locked.pk, *partners})
                _after_photos_changed(locked, {locked.pk, *_entries_with_sha256(locked, old_sha256)})
                record_audit(actor, "entry.photo_replace", locked, request=request,
                             summary=f"{current.get_kind_display()}{current.position}",
                             changes=_photo_changes(current))
                # The old files stay for the orphan purge (issue 12.9: a running backup must find them).
                _queue_derivatives(current)
        except BaseException:
            _delete_files(stored)
            raise
    return current


@transaction.atomic
def delete_photo(photo: Photo, *, actor, request=None) -> None:
    """Remove a photo of a draft or returned entry; the rest of its group closes up.

    Only the row goes. Its files stay until `purge_orphan_files` removes unreferenced files: a backup
    running now has already dumped the row and copies the files afterwards, and must find them
    (issue 12.9). The files are no longer served, since every download checks a row.
    """
    locked = _lock(photo.entry, actor)
    _require_changeable(locked)
    current = locked.photos.filter(pk=photo.pk).first()
    if current is None:
        return  # already gone: a second click on "delete" is not an error
    label = f"{current.get_kind_display()}{current.position}"
    current.entry = locked
    partners = near_duplicates.partner_entries(current)
    current.delete()
    near_duplicates.refresh_flags({locked.pk, *partners})
    _renumber(locked, current.kind)
    _after_photos_changed(locked, {locked.pk, *_entries_with_sha256(locked, current.sha256)})
    record_audit(actor, "entry.photo_delete", locked, summary=label, request=request,
                 changes={"photo": photo.pk, "sha256": current.sha256})


@transaction.atomic
def move_photo(photo: Photo, direction: str, *, actor, request=None) -> None:
    """Move a photo one place up or down inside its group (the order in which reviewers see them)."""
    if direction not in ("up", "down"):
        raise Refused(_("移动方向无效。"), code="bad_direction")
    locked = _lock(photo.entry, actor)
    _require_changeable(locked)
    group = list(locked.photos.filter(kind=photo.kind).order_by("position", "id"))
    index = next((i for i, p in enumerate(group) if p.pk == photo.pk), None)
    if index is None:
        raise Refused(_("该照片已被删除，请刷新页面。"), code="gone")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(group):
        return  # already first or last
    group[index], group[other] = group[other], group[index]
    _save_positions(group)
    record_audit(actor, "entry.photo_move", locked, request=request,
                 summary=f"{photo.get_kind_display()} {index + 1} → {other + 1}",
                 changes={"photo": photo.pk, "order": [p.pk for p in group]})


def create_photo_derivatives(photo: Photo) -> list[str]:
    """Write the missing display copies (thumbnail, preview) of `photo`; return the ones made.

    Idempotent: a copy whose file exists is skipped. Storage errors (OSError) propagate so the task can
    retry; a photo that cannot be decoded is logged and left with the page placeholder. Not audited:
    it changes nothing a person decided.
    """
    storage = photo.original.storage
    wanted = [name for name in DERIVATIVE_SIDES
              if not (getattr(photo, name) and storage.exists(getattr(photo, name).name))]
    if not wanted:
        _hash_photo(photo, None)
        return []
    made = []
    previous = None  # the larger copy just made: smaller ones are scaled from it, not from the original
    for name in sorted(wanted, key=DERIVATIVE_SIDES.get, reverse=True):
        # The original is decoded from the stored file, never read whole into memory (it may be 20 MB); a
        # storage error while opening it propagates so the task retries.
        source = nullcontext(io.BytesIO(previous)) if previous else storage.open(photo.original.name, "rb")
        with source as image:
            try:
                derivative = make_derivative(image, DERIVATIVE_SIDES[name])
            except Exception:
                logger.exception("cannot make the %s of photo %s", name, photo.pk)
                return made
        previous = derivative
        saved = storage.save(derivative_upload_to(photo, f"{name}.jpg"), ContentFile(derivative))
        # Only if the photo still holds the same original: it may have been deleted or replaced meanwhile.
        if not Photo.objects.filter(pk=photo.pk, original=photo.original.name).update(**{name: saved}):
            storage.delete(saved)
            return made
        setattr(photo, name, saved)
        made.append(name)
    _hash_photo(photo, previous)
    return made


def _hash_photo(photo: Photo, thumbnail: bytes | None) -> None:
    """The photo's pHash, from the thumbnail just made from the reduced decode (or the stored one), and
    the 疑似重复 flags of the entries it resembles (submissions.near_duplicates)."""
    if photo.phash is not None:
        return
    try:
        if thumbnail is None:
            with photo.thumbnail.storage.open(photo.thumbnail.name, "rb") as stored:
                value = phash64(stored)
        else:
            value = phash64(io.BytesIO(thumbnail))
    except Exception:
        logger.exception("cannot hash photo %s", photo.pk)
        return
    if Photo.objects.filter(pk=photo.pk, original=photo.original.name).update(phash=value):
        photo.phash = value
        near_duplicates.after_photo_hashed(photo)


# --- helpers ---------------------------------------------------------------------------------------------


def _lock(entry: Entry, actor) -> Entry:
    """The entry's row, locked for the rest of the transaction and re-read, after checking the author."""
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    if actor is None or locked.author_id != actor.pk:
        raise PermissionDenied
    if entry.campaign_id == locked.campaign_id:
        locked.campaign = entry.campaign  # spare a query; the campaign's rules are not part of the lock
    return locked


def check_photo_addable(entry: Entry, kind: str, *, replacing: bool = False) -> None:
    """Raise Refused unless a photo of group `kind` may now be added to `entry` (or, `replacing`, one of
    its photos replaced): for submissions.tus, which takes a photo in many requests before add_photo."""
    if replacing:
        _require_changeable(entry)
    else:
        _require_photo_addable(entry, kind)


def _require_changeable(entry: Entry) -> None:
    if entry.state not in EDITABLE_STATES:
        raise Refused(_("作品当前状态为“%(state)s”，不能修改。") % {"state": entry.get_state_display()},
                              code="not_editable")
    if not entry.campaign.phase_open(PhaseKind.SUBMISSION):
        raise Refused(_("当前不在作品提交阶段，不能修改作品。"), code="phase_closed")


def _require_photo_addable(entry: Entry, kind: str) -> None:
    # A submitted entry may still receive rectification photos while its unit has it (tier UNIT).
    if kind == PhotoKind.RECTIFIED and entry.state == EntryState.SUBMITTED:
        if entry.tier != Tier.UNIT:
            raise Refused(_("作品已报送上级评审，不能再补充整改后照片。"), code="forwarded")
        return
    _require_changeable(entry)


def _assign_fields(entry: Entry, data: dict) -> list[str]:
    changed = []
    for name in AUTHOR_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        field = Entry._meta.get_field(name)
        new = value.pk if field.is_relation and value is not None else value
        if getattr(entry, field.attname) != new:
            changed.append(name)
        setattr(entry, name, value)
    return changed


def _fill_photo(photo: Photo, cleaned) -> None:
    check = cleaned.check
    photo.sha256 = cleaned.sha256
    photo.size = cleaned.size
    photo.width, photo.height = check.width, check.height
    photo.original_dpi = check.dpi
    photo.dpi_relabelled = cleaned.relabelled_to is not None
    photo.taken_at = cleaned.taken_at


def _photo_changes(photo: Photo) -> dict:
    return {"photo": photo.pk, "kind": photo.kind, "position": photo.position, "sha256": photo.sha256,
            "width": photo.width, "height": photo.height, "original_dpi": photo.original_dpi,
            "dpi_relabelled": photo.dpi_relabelled}


def _refuse_repeat(sha256: str, photos: list[Photo]) -> None:
    """The same file twice in one entry is a double click or a slip, never a second photo."""
    for photo in photos:
        if photo.sha256 == sha256:
            raise Refused(
                _("这张照片已经上传过（%(group)s第%(position)d幅），请勿重复上传。") % {
                    "group": photo.get_kind_display(), "position": photo.position},
                code="repeat")


def _entries_with_sha256(entry: Entry, *sha256: str) -> set[int]:
    if not sha256:
        return set()
    return set(Photo.objects.filter(entry__campaign_id=entry.campaign_id, sha256__in=sha256)
               .values_list("entry_id", flat=True))


def _after_photos_changed(entry: Entry, affected: set[int]) -> None:
    """Keep the entry's derived fields in step with its photos.

    `affected` holds entries whose duplicate flag may have changed: this one, and those sharing a file
    with the photo just added or removed.
    """
    photos = list(entry.photos.all())
    affected = affected | _entries_with_sha256(entry, *(p.sha256 for p in photos))
    entry.has_rectification_photos = any(p.kind == PhotoKind.RECTIFIED for p in photos)
    fields = ["has_rectification_photos", "updated_at"]
    if entry.taken_on is None:
        # Prefilled from the first hazard photo that carries a plausible EXIF date.
        today = timezone.localdate()
        dated = sorted((p.position, timezone.localdate(p.taken_at)) for p in photos
                       if p.kind == PhotoKind.HAZARD and p.taken_at and timezone.localdate(p.taken_at) <= today)
        if dated:
            entry.taken_on = dated[0][1]
            fields.append("taken_on")
    entry.save(update_fields=fields)
    _refresh_duplicate_flags(entry, affected)


def _refresh_duplicate_flags(entry: Entry, entry_ids: set[int]) -> None:
    """Flag entries of the campaign that share a photo file (same sha256) with another entry."""
    for entry_id in entry_ids:
        own = Photo.objects.filter(entry_id=entry_id).values("sha256")
        duplicated = (Photo.objects.filter(entry__campaign_id=entry.campaign_id, sha256__in=own)
                      .exclude(entry_id=entry_id).exists())
        Entry.objects.filter(pk=entry_id).exclude(has_duplicate_photo=duplicated).update(
            has_duplicate_photo=duplicated)
        if entry_id == entry.pk:
            entry.has_duplicate_photo = duplicated


def _renumber(entry: Entry, kind: str) -> None:
    _save_positions(list(entry.photos.filter(kind=kind).order_by("position", "id")))


def _save_positions(group: list[Photo]) -> None:
    for position, photo in enumerate(group, start=1):
        if photo.position != position:
            photo.position = position
            Photo.objects.filter(pk=photo.pk).update(position=position)


# errno values meaning the storage cannot take a file now: the author is told so, not shown a 500.
STORAGE_FULL_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG}


@contextmanager
def _storage_errors_refused():
    """Turn a storage failure while taking a photo (disk full, read-only, any OSError) into a refusal
    with a Chinese message; the caller has already removed what it wrote (issue 12.7)."""
    try:
        yield
    except OSError as exc:
        logger.exception("could not store an uploaded photo")
        if exc.errno in STORAGE_FULL_ERRNOS:
            raise Refused(_("服务器存储空间已满或暂时不可写入，照片未能保存。请稍后重试，并联系管理员。"),
                                  code="storage_full") from None
        raise Refused(_("服务器暂时无法保存照片，照片未能保存。请稍后重试；如仍失败，请联系管理员。"),
                              code="storage_error") from None


def _store_original(photo: Photo, content, stored: list[str]) -> None:
    """Write the cleaned original under a new generated name, recorded in `stored` before the write: a
    write that fails half-way (disk full) leaves a partial file the caller must be able to delete."""
    field = photo.original.field
    storage = field.storage
    name = storage.get_available_name(field.generate_filename(photo, "original.jpg"), max_length=field.max_length)
    stored.append(name)
    saved = storage.save(name, File(content), max_length=field.max_length)
    # Renamed by the storage (the name was taken meanwhile): that file is not ours, the new one is.
    stored[-1] = saved
    photo.original.name = saved


def _queue_derivatives(photo: Photo) -> None:
    enqueue_on_commit(tasks.task_make_photo_derivatives, photo.pk)


def _delete_files(names) -> None:
    storage = Photo._meta.get_field("original").storage
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete stored file %s", name, exc_info=True)
