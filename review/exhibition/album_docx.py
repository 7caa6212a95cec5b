"""The 作品集 as a Word file in the official style (review.reports.official_docx): a cover, the contents by
award level, each entry on its own page with its photos side by side, then the 组织奖 list.

Bounded memory (issue 20): each photo is re-encoded at 300 dpi for its 7.5 cm wide frame, one at a time, into
a scratch file; the document keeps only a marker for it and the file is streamed into the .docx when it
is written (review.exhibition.docx_stream).

Page numbers of the contents: Word alone knows where its pages break, so each contents line ends with a
PAGEREF field to a bookmark on its entry's heading (and on the 组织奖 heading), and settings.xml asks Word to
update the fields when the file is opened (w:updateFields; Word asks "更新域？" once, WPS and LibreOffice
compute such references themselves). Until then a field shows nothing rather than a guessed number.
"""

from __future__ import annotations

import os
import tempfile
from typing import BinaryIO

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
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
AWARDS_BOOKMARK = "album_awards"
# settings.xml children that must come after w:updateFields (ECMA-376 CT_Settings order)
AFTER_UPDATE_FIELDS = {"hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                       "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                       "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
                       "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
                       "listSeparator", "docId", "defaultImageDpi"}


def entry_bookmark(number: int) -> str:
    return f"album_entry_{number}"


def _bookmark(paragraph, name: str, bookmark_id: int) -> None:
    """Mark the whole of `paragraph` as the bookmark `name` (what a PAGEREF field points at); `bookmark_id`
    is unique in the document."""
    element = paragraph._p
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(bookmark_id))
    element.insert(0 if element.pPr is None else 1, start)
    element.append(end)


def _page_reference(paragraph, bookmark: str) -> None:
    """A PAGEREF field to `bookmark` (its page number once Word updates the fields), no cached value."""
    run = paragraph.add_run()
    set_font(run, BODY_FONT, SMALL_SIZE)
    for kind, text in (("begin", None), (None, f" PAGEREF {bookmark} \\h "), ("separate", None), ("end", None)):
        element = OxmlElement("w:fldChar" if kind else "w:instrText")
        if kind:
            element.set(qn("w:fldCharType"), kind)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


def _update_fields_on_open(document) -> None:
    settings = document.settings.element
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    later = [child for child in settings if child.tag.rpartition("}")[2] in AFTER_UPDATE_FIELDS]
    if later:
        later[0].addprevious(element)
    else:
        settings.append(element)


def _contents_line(document, text: str, bookmark: str, *, font=BODY_FONT) -> None:
    """`text` … page number, the number right-aligned after a dotted leader."""
    paragraph = document.add_paragraph()
    section = document.sections[-1]
    paragraph.paragraph_format.tab_stops.add_tab_stop(
        section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT,
        WD_TAB_LEADER.DOTS)
    set_font(paragraph.add_run(f"{text}\t"), font, SMALL_SIZE)
    _page_reference(paragraph, bookmark)


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _line(document, text: str, *, font=BODY_FONT, size=SMALL_SIZE, centred: bool = False):
    paragraph = document.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run(text), font, size)
    return paragraph


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
        _contents_line(document, f"{number}. {title}（{unit}）", entry_bookmark(number))
    _contents_line(document, _("组织奖"), AWARDS_BOOKMARK, font=HEADING_FONT)
    total = len(outline) + 1
    for done, entry in enumerate(album_entries(campaign, names=names), start=1):
        _page_break(document)
        heading = _line(document, f"{entry.award_name} · {entry.number}", font=HEADING_FONT)
        _bookmark(heading, entry_bookmark(entry.number), entry.number)
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
    _bookmark(_line(document, _("组织奖"), font=HEADING_FONT, size=Pt(16), centred=True), AWARDS_BOOKMARK, 0)
    for award, union in organisation_awards(campaign) or [("", _("（无）"))]:
        _line(document, f"{award}　{union}")
    _update_fields_on_open(document)
    document.core_properties.title = album_title(campaign)
    document.core_properties.author = _("省活动组委会办公室")
    document.core_properties.last_modified_by = ""
    document.core_properties.comments = ""
