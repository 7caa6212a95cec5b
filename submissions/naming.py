"""File names for downloaded and exported photos: 序号+照片名称+作者单位+作者姓名+整改前/后N.jpg.

The names must survive Windows, zip archives and e-mail, so every part is cleaned of characters
Windows refuses, control characters and bidi overrides (which can disguise "gpj.exe" as "exe.jpg").
"""

import re
import unicodedata

from submissions.enums import PHOTO_KIND_FILE_LABEL

WINDOWS_ILLEGAL = re.compile(r'[<>:"/\\|?*]')
WHITESPACE = re.compile(r"\s+")

# Limits in characters; a Chinese character takes 3 bytes in a zip's UTF-8 name, and Windows paths
# are limited to 260 UTF-16 units including the folder the user extracts into.
TITLE_MAX = 40
UNIT_MAX = 50
AUTHOR_MAX = 20
NAME_MAX = 140


def clean_part(text: str, max_chars: int) -> str:
    """One name part: illegal, control (Cc) and format (Cf: bidi, zero-width) characters removed."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = WINDOWS_ILLEGAL.sub("", text)
    text = WHITESPACE.sub(" ", text).strip()
    # Windows drops trailing dots and spaces, which would make two names collide or change the extension.
    return text[:max_chars].strip(" .")


def photo_download_name(entry, photo, index: int | None = None) -> str:
    """E.g. `007-配电箱门未上锁-山西某某煤业有限责任公司-张三-整改前1.jpg`.

    `index` is the 序号 (the row in an export); it defaults to the entry's id.
    """
    number = f"{index if index is not None else entry.pk or 0:03d}"
    which = f"{PHOTO_KIND_FILE_LABEL.get(photo.kind, '')}{photo.position}"
    parts = [
        number,
        clean_part(entry.title, TITLE_MAX),
        clean_part(entry.unit.name if entry.unit_id else "", UNIT_MAX),
        clean_part(entry.author_name, AUTHOR_MAX),
        which,
    ]
    stem = "-".join(part for part in parts if part)
    return f"{stem[:NAME_MAX].strip(' .-')}.jpg"


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
