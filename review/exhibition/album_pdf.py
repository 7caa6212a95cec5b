"""The 作品集 as a print-ready A4 PDF, drawn with reportlab and the CJK font of review.exhibition.album.

Why reportlab: it installs from PyPI as a wheel on a bare Python 3.11 (no pango/cairo like WeasyPrint),
and it embeds a subset of a TrueType CJK font from Debian (fonts-wqy-microhei), so the file prints the
same everywhere. Without such a font the export is refused with a Chinese message instead of printing
boxes. Photos go in as the re-encoded JPEGs themselves (no decoding by reportlab): a page holds the text
and up to four photos (整改前 left, 整改后 right); an entry with more photos takes a second page. The hazard and the rectification are printed in full (the
campaign lets each be up to 2,000 characters): a long text flows onto the entry's next page, and the photos
follow it (entry_layout, which the contents' page numbers come from too).

Bounded memory (issue 20): each photo is re-encoded from its original at 300 dpi for its frame, one at a
time, into a scratch file that the PDF reads and deletes while it is written (review.exhibition.pdf_stream),
and the PDF goes object by object into `out`. Memory holds one decoded photo and the pages' text, whatever
the number of entries (bench/bench_album.py, docs/perf/album.md).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable
from typing import BinaryIO

from django.utils.translation import gettext as _
from PIL import Image
from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from review.exhibition.album import (
    AlbumEntry,
    album_entries,
    album_title,
    cjk_font,
    d_text,
    organisation_awards,
    photo_jpeg,
    print_pixels,
)
from review.exhibition.pdf_stream import StreamingCanvas
from submissions.enums import PHOTO_KIND_FILE_LABEL, PhotoKind

FONT = "AlbumCJK"
WIDTH, HEIGHT = A4
MARGIN = 2 * cm
ROWS_PER_PAGE = 2          # photo rows (one 整改前 and one 整改后 photo each) on an entry's page
CONTENTS_LINES = 32        # lines of the contents per page
CONTENTS_SIZE = 10.5       # points, an entry's line of the contents
UNIT_COLUMN = WIDTH * 0.6  # where the contents' unit column starts (the title's ends 8 pt before)
AWARDS_LINES = 34          # lines of the 组织奖 list per page
GAP = 0.4 * cm             # between the 整改前 and 整改后 columns
CELL_WIDTH = (WIDTH - 2 * MARGIN - GAP) / 2
BOTTOM = 2.2 * cm          # the lowest point of a page's content (the page number sits below it)
FULL_CELL_HEIGHT = CELL_WIDTH * 0.75
MIN_CELL_HEIGHT = FULL_CELL_HEIGHT * 2 / 3  # smaller than this, a photo row waits for the next page

# Binary streams (a PDF is a binary file): ASCII85 would make every embedded JPEG 25 % larger in memory
# and on disk, and cost time. reportlab reads this when an image is added.
rl_config.useA85 = 0


def register_font() -> None:
    path, index = cjk_font()
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=index))


def _style(size: float, *, leading: float | None = None, centred: bool = False) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}{centred}", fontName=FONT, fontSize=size, leading=leading or size * 1.5,
                          wordWrap="CJK", alignment=TA_CENTER if centred else 0)


def _paragraph(canvas: Canvas, text: str, style, x: float, top: float, width: float) -> float:
    """Draw `text` wrapped at `width` with its top at `top`; returns the new top."""
    paragraph = Paragraph(_escaped(text), style)
    _w, height = paragraph.wrapOn(canvas, width, HEIGHT)
    paragraph.drawOn(canvas, x, top - height)
    return top - height


def _fit(text: str, size: float, width: float) -> str:
    """`text` on one line of `width` points at `size`, cut with "…" when longer (contents columns)."""
    text = " ".join((text or "").split())
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _escaped(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


# What a cover line never breaks: a quoted phrase (“随手拍”, 《…》, 「…」) and a run of digits or Latin letters
# with the character after it (2025年, 第4届); anything else is one Chinese character.
UNBREAKABLE = re.compile(r"“[^”]{1,12}”|\"[^\"]{1,12}\"|《[^》]{1,20}》|「[^」]{1,12}」|[0-9A-Za-z]+.?|.", re.S)


def balanced_lines(text: str, size: float, width: float) -> list[str]:
    """`text` in as few lines of `width` points at `size` as the greedy wrap needs, broken between the
    UNBREAKABLE pieces, with the lines as even as they can be (a centred cover title looks balanced).
    Punctuation never starts a line."""
    pieces: list[str] = []
    for piece in UNBREAKABLE.findall(" ".join((text or "").split())):
        if pieces and piece[0] in "，、。；：！？）》”」":
            pieces[-1] += piece
        else:
            pieces.append(piece)

    def wrap(limit: float) -> list[str]:
        lines = [""]
        for piece in pieces:
            if lines[-1] and pdfmetrics.stringWidth(lines[-1] + piece, FONT, size) > limit:
                lines.append("")
            lines[-1] += piece
        return [line.strip() for line in lines]

    lines = wrap(width)
    low, high = 0.0, width  # the narrowest limit that keeps this number of lines
    while high - low > 1:
        middle = (low + high) / 2
        if len(wrap(middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrap(high)


def _cell_height(top: float, rows: int) -> float:
    """The height of a photo cell when `rows` rows are drawn from `top` down to the page's bottom."""
    return min(FULL_CELL_HEIGHT, (top - BOTTOM - 16 * rows) / rows)


def entry_layout(entry: AlbumEntry) -> list[list[tuple]]:
    """The entry's pages, each a list of ("text", Paragraph, top) and ("photos", rows, top, cell height).

    The same layout serves the first pass (the contents count its pages) and the drawing, so the page
    numbers of the contents are those of the file. Texts are never cut: a paragraph that does not fit is
    split at a line and continues at the top of the next page, under a "（续）" line.
    """
    width = WIDTH - 2 * MARGIN
    pages: list[list[tuple]] = [[]]
    top = HEIGHT - MARGIN

    def new_page() -> None:
        nonlocal top
        pages.append([])
        top = HEIGHT - MARGIN
        place(_("%(award)s · %(number)s（续）") % {"award": entry.award_name, "number": entry.number},
              _style(11), 4)

    def place(text: str, style, gap: float) -> None:
        nonlocal top
        paragraph = Paragraph(_escaped(text), style)
        while True:
            _w, height = paragraph.wrap(width, HEIGHT)
            if top - height >= BOTTOM:
                pages[-1].append(("text", paragraph, top))
                top -= height + gap
                return
            parts = paragraph.split(width, top - BOTTOM)
            if len(parts) != 2 and len(pages[-1]) <= 1:  # not one line fits an empty page: never loop
                pages[-1].append(("text", paragraph, top))
                top -= height + gap
                return
            if len(parts) == 2:  # the lines that fit here, the rest on the next page
                parts[0].wrap(width, HEIGHT)
                pages[-1].append(("text", parts[0], top))
                paragraph = parts[1]
            new_page()

    place(f"{entry.award_name} · {entry.number}", _style(11), 7)
    place(entry.title, _style(18), 4)
    credit = [_("作者单位：%(unit)s") % {"unit": entry.unit_name}]
    if entry.author_name:
        credit.append(_("作者：%(name)s") % {"name": entry.author_name})
    credit.append(_("推荐单位：%(union)s") % {"union": entry.union_name})
    place("　".join(credit), _style(10.5), 6)
    place(_("存在隐患：%(text)s") % {"text": (entry.hazard or "").strip()}, _style(10.5), 2)
    place(_("整改情况：%(text)s") % {"text": (entry.rectification or "").strip()}, _style(10.5), 2)
    place(_("单位评价得分 D：%(d)s") % {"d": d_text(entry.d)}, _style(10.5), 8)
    pairs = list(_pairs(entry))
    while pairs:
        rows = min(len(pairs), ROWS_PER_PAGE)
        while rows and _cell_height(top, rows) < MIN_CELL_HEIGHT:
            rows -= 1
        if rows:
            pages[-1].append(("photos", pairs[:rows], top, _cell_height(top, rows)))
            pairs = pairs[rows:]
        if pairs:
            new_page()
    return pages


def entry_pages(entry: AlbumEntry) -> int:
    return len(entry_layout(entry))


class AlbumPdf:
    """Writes the album; `write(out, progress)` draws it page by page into `out`."""

    def __init__(self, campaign, *, names: bool):
        self.campaign = campaign
        self.names = names
        self.photos = 0
        register_font()

    def _footer(self, canvas: Canvas) -> None:
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(WIDTH / 2, 1.2 * cm, f"— {canvas.getPageNumber()} —")

    def _new_page(self, canvas: Canvas) -> None:
        self._footer(canvas)
        canvas.showPage()

    def write(self, out: BinaryIO, progress: Callable[[int, int], None]) -> None:
        # First pass, text only: the contents need every entry's first page number.
        outline = [(entry.number, entry.award_name, entry.title, entry.unit_name, entry_pages(entry))
                   for entry in album_entries(self.campaign, names=self.names)]
        awards = organisation_awards(self.campaign)
        levels = list(dict.fromkeys(award for _n, award, *_rest in outline))
        contents_pages = max(1, -(-(len(outline) + len(levels) + 2) // CONTENTS_LINES))
        first = 2 + contents_pages
        starts, page = {}, first
        for number, *_rest, pages in outline:
            starts[number] = page
            page += pages
        # Photos reach reportlab as files it reads while writing (never an ImageReader, which would be
        # decoded to RGB and kept, ~4 MB a photo), and the file is written into `out` as it is formatted.
        canvas = StreamingCanvas(out, pagesize=A4, pageCompression=1)
        canvas.setTitle(album_title(self.campaign))
        canvas.setAuthor(_("省活动组委会办公室"))
        canvas.setCreator("")
        canvas.setProducer("")
        with tempfile.TemporaryDirectory(prefix="album-") as self.scratch:
            self._cover(canvas)
            self._contents(canvas, outline, levels, starts, awards_page=page)
            total = len(outline) + 1
            for done, entry in enumerate(album_entries(self.campaign, names=self.names), start=1):
                self._entry(canvas, entry)
                progress(done, total)
            self._awards(canvas, awards)
            canvas.save()

    def _cover(self, canvas: Canvas) -> None:
        top = HEIGHT * 0.62
        title = "\n".join(balanced_lines(self.campaign.title, 26, WIDTH - 2 * MARGIN))
        top = _paragraph(canvas, title, _style(26, centred=True), MARGIN, top, WIDTH - 2 * MARGIN)
        top = _paragraph(canvas, _("获奖作品集"), _style(30, centred=True), MARGIN, top - 30, WIDTH - 2 * MARGIN)
        _paragraph(canvas, _("%(year)s年") % {"year": self.campaign.year}, _style(18, centred=True), MARGIN,
                   HEIGHT * 0.2, WIDTH - 2 * MARGIN)
        canvas.showPage()  # the cover has no page number

    def _contents(self, canvas: Canvas, outline, levels, starts, *, awards_page: int) -> None:
        lines: list[tuple[str, str, str]] = []
        for level in levels:
            lines.append((level, "", ""))
            lines += [(_fit(f"{number}. {title}", CONTENTS_SIZE, UNIT_COLUMN - MARGIN - 12 - 8),
                       _fit(unit, CONTENTS_SIZE, WIDTH - MARGIN - UNIT_COLUMN - 24), str(starts[number]))
                      for number, award, title, unit, _pages in outline if award == level]
        lines.append((_("组织奖"), "", str(awards_page)))
        for start in range(0, len(lines), CONTENTS_LINES):
            top = HEIGHT - MARGIN
            if start == 0:
                top = _paragraph(canvas, _("目录"), _style(20, centred=True), MARGIN, top, WIDTH - 2 * MARGIN) - 12
            for left, middle, right in lines[start:start + CONTENTS_LINES]:
                heading = not middle and left in levels
                canvas.setFont(FONT, 12 if heading else CONTENTS_SIZE)
                canvas.drawString(MARGIN + (0 if heading or not middle else 12), top - 12, left)
                canvas.drawString(UNIT_COLUMN, top - 12, middle)
                canvas.drawRightString(WIDTH - MARGIN, top - 12, right)
                top -= 20
            self._new_page(canvas)

    def _entry(self, canvas: Canvas, entry: AlbumEntry) -> None:
        for page in entry_layout(entry):
            for kind, *what in page:
                if kind == "text":
                    paragraph, top = what
                    paragraph.drawOn(canvas, MARGIN, top - paragraph.height)
                else:
                    self._photos(canvas, *what)
            self._new_page(canvas)

    def _photos(self, canvas: Canvas, pairs, top: float, cell_height: float) -> None:
        cell_width = CELL_WIDTH
        for row in pairs:
            top -= 14
            for column, (label, photo) in enumerate(row):
                x = MARGIN + column * (cell_width + GAP)
                canvas.setFont(FONT, 9.5)
                canvas.drawString(x, top + 2, label)
                if photo is None:
                    continue
                data = photo_jpeg(photo, print_pixels(photo, cell_width, cell_height))
                if data is None:
                    canvas.rect(x, top - cell_height, cell_width, cell_height)
                    continue
                w, h = jpeg_size(data)
                scale = min(cell_width / w, cell_height / h)
                self.photos += 1
                path = os.path.join(self.scratch, f"{self.photos}.jpg")
                with open(path, "wb") as file:
                    file.write(data)
                del data  # from here on only the scratch file holds the photo, until the PDF is written
                canvas.draw_jpeg_file(path, x + (cell_width - w * scale) / 2, top - h * scale, w * scale,
                                      h * scale)
            top -= cell_height + 6

    def _awards(self, canvas: Canvas, awards) -> None:
        rows = awards or [("", _("（无）"))]
        for start in range(0, len(rows), AWARDS_LINES):
            top = HEIGHT - MARGIN
            if start == 0:
                top = _paragraph(canvas, _("组织奖"), _style(20, centred=True), MARGIN, top, WIDTH - 2 * MARGIN) - 12
            for award, union in rows[start:start + AWARDS_LINES]:
                canvas.setFont(FONT, 12)
                canvas.drawString(MARGIN, top - 12, award)
                canvas.drawString(MARGIN + 5 * cm, top - 12, union)
                top -= 20
            self._new_page(canvas)


def jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _pairs(entry: AlbumEntry):
    """(整改前 n, photo), (整改后 n, photo) side by side, row by row."""
    before, after = entry.hazard_photos, entry.rectified_photos
    for index in range(max(len(before), len(after))):
        yield [(f"{PHOTO_KIND_FILE_LABEL[PhotoKind.HAZARD]}{index + 1}" if index < len(before) else "",
                before[index] if index < len(before) else None),
               (f"{PHOTO_KIND_FILE_LABEL[PhotoKind.RECTIFIED]}{index + 1}" if index < len(after) else "",
                after[index] if index < len(after) else None)]


def write_album_pdf(campaign, out: BinaryIO, *, names: bool, progress=lambda done, total: None) -> None:
    """Write the album of `campaign` (locked, published) as PDF into `out`."""
    AlbumPdf(campaign, names=names).write(out, progress)
