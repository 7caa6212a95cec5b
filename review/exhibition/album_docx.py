"""The 作品集 as a Word file in the official style (review.reports.official_docx): a cover, the contents by
award level, each entry on its own page with its photos side by side, then the 组织奖 list.

Bounded memory (issue 20): each photo is re-encoded at 300 dpi for its 7.5 cm wide frame, one at a time, into
a scratch file; the document keeps only a marker for it and the file is streamed into the .docx when it
is written (review.exhibition.docx_stream).
"""

from __future__ import annotations

import os
import tempfile
from typing import BinaryIO

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from review.exhibition.album import (
    AlbumEntry,
    album_entries,
    album_title,
    d_text,
    organisation_awards,
    photo_jpeg,
    print_pixels,
)
from review.exhibition.docx_stream import DeferredPictures
from review.reports.official_docx import (
    BODY_FONT,
    HEADING_FONT,
    SMALL_SIZE,
    TITLE_FONT,
    TITLE_SIZE,
    add_heading,
    new_document,
    set_font,
)
from submissions.enums import PHOTO_KIND_FILE_LABEL, PhotoKind

PHOTO_WIDTH = Cm(7.5)


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _line(document, text: str, *, font=BODY_FONT, size=SMALL_SIZE, centred: bool = False) -> None:
    paragraph = document.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run(text), font, size)


def _photo_table(document, entry: AlbumEntry, pictures: DeferredPictures, scratch: str) -> None:
    before, after = entry.hazard_photos, entry.rectified_photos
    rows = max(len(before), len(after))
    if not rows:
        return
    table = document.add_table(rows=rows, cols=2)
    for index in range(rows):
        for column, (kind, photos) in enumerate(((PhotoKind.HAZARD, before), (PhotoKind.RECTIFIED, after))):
            if index >= len(photos):
                continue
            cell = table.cell(index, column)
            paragraph = cell.paragraphs[0]
            set_font(paragraph.add_run(f"{PHOTO_KIND_FILE_LABEL[kind]}{index + 1}"), BODY_FONT, Pt(10.5))
            data = photo_jpeg(photos[index], print_pixels(photos[index], PHOTO_WIDTH.pt))
            if data:
                path = os.path.join(scratch, f"{len(pictures.files) + 1}.jpg")
                with open(path, "wb") as file:
                    file.write(data)
                pictures.add(cell.add_paragraph().add_run(), path, width=PHOTO_WIDTH)


def write_album_docx(campaign, out: BinaryIO, *, names: bool, progress=lambda done, total: None) -> None:
    """Write the album of `campaign` (locked, published) as .docx into `out`."""
    with tempfile.TemporaryDirectory(prefix="album-docx-") as scratch:
        document = new_document()
        pictures = DeferredPictures(document)
        _write(document, campaign, pictures, scratch, names=names, progress=progress)
        pictures.write(out)


def _write(document, campaign, pictures: DeferredPictures, scratch: str, *, names: bool, progress) -> None:
    for _index in range(6):
        document.add_paragraph()
    _line(document, campaign.title, font=TITLE_FONT, size=TITLE_SIZE, centred=True)
    _line(document, _("获奖作品集"), font=TITLE_FONT, size=TITLE_SIZE, centred=True)
    _line(document, _("%(year)s年") % {"year": campaign.year}, font=HEADING_FONT, size=Pt(16), centred=True)
    _page_break(document)
    outline = [(entry.number, entry.award_name, entry.title, entry.unit_name)
               for entry in album_entries(campaign, names=names)]
    _line(document, _("目录"), font=HEADING_FONT, size=Pt(16), centred=True)
    level = None
    for number, award, title, unit in outline:
        if award != level:
            level = award
            add_heading(document, award)
        _line(document, f"{number}. {title}（{unit}）")
    add_heading(document, _("组织奖"))
    total = len(outline) + 1
    for done, entry in enumerate(album_entries(campaign, names=names), start=1):
        _page_break(document)
        _line(document, f"{entry.award_name} · {entry.number}", font=HEADING_FONT)
        _line(document, entry.title, font=HEADING_FONT, size=Pt(16))
        credit = [_("作者单位：%(unit)s") % {"unit": entry.unit_name}]
        if entry.author_name:
            credit.append(_("作者：%(name)s") % {"name": entry.author_name})
        credit.append(_("推荐单位：%(union)s") % {"union": entry.union_name})
        _line(document, "　".join(credit))
        _line(document, _("存在隐患：%(text)s") % {"text": entry.hazard})
        _line(document, _("整改情况：%(text)s") % {"text": entry.rectification})
        _line(document, _("单位评价得分 D：%(d)s") % {"d": d_text(entry.d)})
        _photo_table(document, entry, pictures, scratch)
        progress(done, total)
    _page_break(document)
    _line(document, _("组织奖"), font=HEADING_FONT, size=Pt(16), centred=True)
    for award, union in organisation_awards(campaign) or [("", _("（无）"))]:
        _line(document, f"{award}　{union}")
    document.core_properties.title = album_title(campaign)
    document.core_properties.author = _("省活动组委会办公室")
    document.core_properties.last_modified_by = ""
    document.core_properties.comments = ""
