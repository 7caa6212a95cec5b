"""File names for downloaded and exported photos: 序号+照片名称+作者单位+作者姓名+整改前/后N.jpg.

The names must survive Windows, zip archives, e-mail and Linux file systems, so every part is cleaned
of characters Windows refuses, control characters and bidi overrides (which can disguise "gpj.exe" as
"exe.jpg"), and the whole name is capped in UTF-8 BYTES: ext4 and most Linux file systems refuse a
name above 255 bytes ("File name too long" from unzip), and a Chinese character takes 3 bytes, so a
cap in characters lets a long title and a long unit name through at ~300 bytes.
"""

import re
import unicodedata

from submissions.enums import PHOTO_KIND_FILE_LABEL

WINDOWS_ILLEGAL = re.compile(r'[<>:"/\\|?*]')
WHITESPACE = re.compile(r"\s+")

# Every photo name, extension and any " (2)" included, fits in this many UTF-8 bytes (255 is the
# limit of ext4/xfs/btrfs; the rest is head-room for tools that add a suffix of their own).
NAME_MAX_BYTES = 240
# Windows limits a path to 260 UTF-16 units including the folder the user extracts into; 240 bytes of
# mostly Chinese text is about 80 characters, well inside it.
AUTHOR_MAX = 50  # the field's own limit: the author is never shortened
ELLIPSIS = "…"
EXTENSION = ".jpg"


def clean_part(text: str, max_chars: int) -> str:
    """One name part: illegal, control (Cc) and format (Cf: bidi, zero-width) characters removed."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = WINDOWS_ILLEGAL.sub("", text)
    text = WHITESPACE.sub(" ", text).strip()
    # Windows drops trailing dots and spaces, which would make two names collide or change the extension.
    return text[:max_chars].strip(" .")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def cut_to_bytes(text: str, max_bytes: int, *, mark: str = "") -> str:
    """`text` cut at a character boundary to at most `max_bytes` UTF-8 bytes; when it had to be cut,
    `mark` (e.g. "…") ends it, within the same budget."""
    if utf8_len(text) <= max_bytes:
        return text
    room = max_bytes - utf8_len(mark)
    kept, used = [], 0
    for ch in text:
        size = utf8_len(ch)
        if used + size > room:
            break
        kept.append(ch)
        used += size
    kept_text = "".join(kept).rstrip(" .-")
    return kept_text + mark if kept_text else ""


def photo_download_name(entry, photo, index: int | None = None, *, duplicate: int = 1,
                        max_bytes: int = NAME_MAX_BYTES) -> str:
    """E.g. `007-配电箱门未上锁-山西某某煤业有限责任公司-张三-整改前1.jpg`, at most `max_bytes` UTF-8 bytes.

    `index` is the 序号 (the row in an export); it defaults to the entry's id. `duplicate` above 1
    adds " (N)" before the extension (two photos of an entry at the same position, a data error).
    When the name is too long the TITLE is shortened first (ending in "…"): the notice forbids
    abbreviated unit names, and 序号, author and 整改前/后N are what tell the files apart. Only a unit
    name that alone overflows the budget (no real one does) is cut too.
    """
    number = f"{index if index is not None else entry.pk or 0:03d}"
    which = f"{PHOTO_KIND_FILE_LABEL.get(photo.kind, '')}{photo.position}"
    tail = (f" ({duplicate})" if duplicate > 1 else "") + EXTENSION
    title = clean_part(entry.title, 500)
    unit = clean_part(entry.unit.name if entry.unit_id else "", 500)
    author = clean_part(entry.author_name, AUTHOR_MAX)

    def assemble(title_part: str, unit_part: str) -> str:
        parts = [number, title_part, unit_part, author, which]
        return "-".join(part for part in parts if part) + tail

    name = assemble(title, unit)
    if utf8_len(name) <= max_bytes:
        return name
    # Budget for the title: everything else as it is, plus one separator.
    fixed = utf8_len(assemble("", unit))
    title = cut_to_bytes(title, max_bytes - fixed - 1, mark=ELLIPSIS)
    name = assemble(title, unit)
    if utf8_len(name) <= max_bytes:
        return name
    fixed = utf8_len(assemble("", ""))
    unit = cut_to_bytes(unit, max_bytes - fixed - 1, mark=ELLIPSIS)
    return assemble("", unit)


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name` with " (2)", " (3)"… before its extension when an earlier name of the same
    archive or folder already has it; compared case-insensitively, as Windows does. Adds the result to
    `taken` (which holds casefolded names)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{extension}"
    taken.add(candidate.casefold())
    return candidate


def unique_photo_name(entry, photo, index: int, taken: set[str], *, max_bytes: int = NAME_MAX_BYTES) -> str:
    """photo_download_name(), numbered " (2)", " (3)"… against `taken` (casefolded names already used)
    while staying within `max_bytes`; the result is added to `taken`."""
    duplicate = 1
    while True:
        candidate = photo_download_name(entry, photo, index, duplicate=duplicate, max_bytes=max_bytes)
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        duplicate += 1
