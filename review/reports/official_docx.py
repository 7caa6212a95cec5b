"""Word documents in the official style of the notices (党政机关公文格式, GB/T 9704 as far as Word needs it):
A4, margins 3.7/3.5/2.8/2.6 cm, title in 小标宋 (黑体 where it is missing), headings in 黑体, body in
仿宋_GB2312 三号 with a two-character first-line indent, page numbers "— N —" centred in the footer.

Word picks the fonts on the reader's machine: the names are written for East Asian text (w:eastAsia),
with 仿宋/黑体 as the fall-backs Windows and WPS have; nothing is embedded.
"""

from __future__ import annotations

import io
import logging
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from submissions.photos.derivatives import make_derivative

logger = logging.getLogger(__name__)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
BODY_SIZE = Pt(16)     # 三号
TITLE_SIZE = Pt(22)    # 二号
SMALL_SIZE = Pt(12)    # 小四
PHOTO_WIDTH = Cm(14)
PHOTO_PIXELS = 1600    # 14 cm at ~290 dpi: sharp in print, small enough for e-mail


def set_font(run, name: str, size=None, *, bold: bool | None = None) -> None:
    run.font.name = name
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold


def _page_number_field(paragraph) -> None:
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    paragraph.add_run(" —")
    for item in paragraph.runs:
        set_font(item, "宋体", Pt(14))


def new_document():
    """An empty A4 document with the official margins, body font and page numbers."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FALLBACK
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(footer)
    return document


def add_title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
    document.add_paragraph()


def add_heading(document, text: str, size=BODY_SIZE) -> None:
    paragraph = document.add_paragraph()
    set_font(paragraph.add_run(text), HEADING_FONT, size)


def add_body(document, text: str = "", *, indent: bool = True):
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    return paragraph


def add_picture(document, loader, width=PHOTO_WIDTH) -> bool:
    """Insert a metadata-free, upright JPEG made by `loader()` (bytes or None); False when there is none."""
    data = loader()
    if not data:
        return False
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(data), width=width)
    return True


def stored_jpeg(file, pixels: int = PHOTO_PIXELS):
    """A loader of a stored photo file re-encoded upright and without metadata (None when unreadable)."""
    storage, name = file.storage, file.name

    def load() -> bytes | None:
        try:
            with storage.open(name, "rb") as stream:
                return make_derivative(stream, pixels)
        except Exception:  # a missing or broken file leaves the photo out, never fails the document
            logger.warning("photo file %r could not be read for a Word document", name, exc_info=True)
            return None

    return load


class HtmlToDocx(HTMLParser):
    """Writes sanitised report HTML (review.reports.union_report.ALLOWED_TAGS) into a document:
    h2–h4 as 黑体 headings, p as indented body paragraphs, list items numbered or bulleted, b/strong and
    i/em as runs, img through `image_loader(src)`."""

    def __init__(self, document, image_loader):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.image_loader = image_loader
        self.paragraph = None
        self.heading = False
        self.bold = self.italic = 0
        self.lists: list[list] = []  # [ordered, counter]

    def _ensure_paragraph(self):
        if self.paragraph is None:
            self.paragraph = add_body(self.document)
        return self.paragraph

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3", "h4"):
            self.paragraph, self.heading = self.document.add_paragraph(), True
        elif tag == "p":
            self.paragraph = add_body(self.document)
        elif tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            self.paragraph = add_body(self.document)
            marker = "•"
            if self.lists:
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}." if self.lists[-1][0] else "•"
            set_font(self.paragraph.add_run(marker + " "), BODY_FONT, BODY_SIZE)
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag in ("i", "em"):
            self.italic += 1
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        elif tag == "img":
            self.paragraph = None
            src = dict(attrs).get("src")
            if src:
                add_picture(self.document, lambda: self.image_loader(src))

    def handle_endtag(self, tag):
        if tag in ("h2", "h3", "h4", "p", "li"):
            self.paragraph, self.heading = None, False
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("i", "em"):
            self.italic = max(0, self.italic - 1)

    def handle_data(self, data):
        if not data.strip() and self.paragraph is None:
            return
        paragraph = self._ensure_paragraph()
        run = paragraph.add_run(data)
        set_font(run, HEADING_FONT if self.heading else BODY_FONT, BODY_SIZE, bold=bool(self.bold) or None)
        if self.italic:
            run.italic = True
