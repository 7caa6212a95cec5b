"""The 作品集 (PDF and Word) and the media package: read back, no contact data, no photo metadata."""

import io

import pytest
from django.urls import reverse
from docx import Document
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob
from portal.exports.registry import get_export_kind
from portal.exports.services import request_export
from portal.refusals import Refused
from review.exhibition import album, album_docx, album_pdf
from review.exhibition.album_docx import write_album_docx
from review.exhibition.album_pdf import write_album_pdf
from review.exhibition.media_package import write_media_package
from submissions.models import Photo
from tests.factories.exhibition import ADDRESS, AUTHOR, EMAIL, PHONE
from tests.factories.reports import workbook, zip_of

pytestmark = pytest.mark.django_db
CONTACTS = (PHONE, EMAIL, ADDRESS)


def pdf_of(campaign, *, names=True):
    out = io.BytesIO()
    write_album_pdf(campaign, out, names=names)
    return out.getvalue()


def test_the_pdf_has_cover_contents_entries_and_awards(campaign, shown):
    reader = PdfReader(io.BytesIO(pdf_of(campaign)))
    text = [page.extract_text() for page in reader.pages]
    # cover, contents, three entries (two photos or fewer each: one page), 组织奖
    assert len(reader.pages) == 6
    assert "获奖作品集" in text[0] and str(campaign.year) in text[0]
    assert "目录" in text[1] and "一等奖" in text[1] and "组织奖" in text[1]
    assert shown["star"].title in text[2] and AUTHOR in text[2] and "D" in text[2]
    assert "组织奖" in text[-1]
    assert "— 2 —" in text[1]
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1
    assert len(reader.pages[2].images) == 2
    whole = "".join(text)
    for contact in CONTACTS:
        assert contact not in whole


def test_the_pdfs_photos_carry_no_metadata_and_names_can_be_left_out(campaign, shown):
    data = pdf_of(campaign, names=False)
    reader = PdfReader(io.BytesIO(data))
    assert AUTHOR not in "".join(page.extract_text() for page in reader.pages)
    image = Image.open(io.BytesIO(reader.pages[2].images[0].data))
    assert not image.getexif() and "xmp" not in image.info
    for contact in CONTACTS:
        assert contact.encode() not in data


def test_the_word_album_reads_back(campaign, shown):
    out = io.BytesIO()
    write_album_docx(campaign, out, names=True)
    document = Document(io.BytesIO(out.getvalue()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "获奖作品集" in text and "目录" in text and shown["second"].title in text and AUTHOR in text
    assert len(document.inline_shapes) >= 2
    for contact in CONTACTS:
        assert contact not in text
    images = [part.blob for part in document.part.related_parts.values() if part.content_type == "image/jpeg"]
    assert images
    for blob in images:
        image = Image.open(io.BytesIO(blob))
        assert not image.getexif() and "xmp" not in image.info
        for contact in CONTACTS:
            assert contact.encode() not in blob
    assert round(document.sections[0].page_width.cm, 1) == 21.0
    assert document.core_properties.comments == ""


def test_the_media_package_has_the_pdf_the_list_and_clean_photos(campaign, shown):
    out = io.BytesIO()
    write_media_package(campaign, out)
    archive = zip_of(out.getvalue())
    names = archive.namelist()
    assert any(name.endswith(".pdf") for name in names) and "获奖名单.xlsx" in names
    prints = [name for name in names if name.startswith("照片-印刷版/")]
    webs = [name for name in names if name.startswith("照片-网络版/")]
    captions = [name for name in names if name.startswith("图片说明/")]
    assert prints and len(prints) == len(webs) == len(captions)
    star = [name for name in prints if AUTHOR in name]
    assert star and star[0].split("/")[1].startswith("001-") and "整改前" in "".join(star)
    for name in prints + webs:
        image = Image.open(io.BytesIO(archive.read(name)))
        assert not image.getexif() and "xmp" not in image.info
    for name in captions:
        assert len(archive.read(name).decode().strip()) <= 50
    sheet = workbook(archive.read("获奖名单.xlsx")).active
    cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)
    assert shown["star"].title in cells
    for contact in CONTACTS:
        assert contact not in cells
        for name in names:
            if name.endswith((".txt", ".xlsx")):
                assert contact.encode() not in archive.read(name)


def test_no_album_before_the_results_are_locked(people, campaign):
    kind = get_export_kind("album-pdf")
    with pytest.raises(Refused) as refused:
        kind.clean_params(people["committee"], {"campaign": campaign.pk})
    assert refused.value.code == "not_locked"


def test_without_a_cjk_font_the_pdf_is_refused_in_chinese(people, campaign, shown, settings):
    settings.PORTAL_CJK_FONT = "/nonexistent/font.ttf"
    with pytest.raises(Refused) as refused:
        album.cjk_font()
    assert "中文字体" in refused.value.message and refused.value.code == "no_cjk_font"
    with pytest.raises(Refused):
        get_export_kind("album-pdf").clean_params(people["committee"], {"campaign": campaign.pk})


@pytest.mark.parametrize("kind", ["album-pdf", "album-docx", "media-package"])
@pytest.mark.parametrize(("who", "offered"), [("committee", True), ("city", False), ("worker", False),
                                               ("expert_b", False)])
def test_only_the_committee_may_export(people, campaign, shown, kind, who, offered):
    assert get_export_kind(kind).available_to(people[who]) is offered
    if not offered:
        with pytest.raises(Refused):
            request_export(kind, {"campaign": str(campaign.pk)}, actor=people[who])


@pytest.mark.parametrize(("kind", "extension"), [("album-pdf", ".pdf"), ("album-docx", ".docx"),
                                                 ("media-package", ".zip")])
def test_the_committee_downloads_through_an_export_job(client, people, campaign, shown, kind, extension,
                                                       django_capture_on_commit_callbacks):
    client.force_login(people["committee"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start"), {"kind": kind, "campaign": campaign.pk, "names": "0"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportStatus.DONE, job.error
    assert job.download_name.endswith(extension) and job.size > 0


def awarded_photos(shown) -> int:
    return Photo.objects.filter(entry__in=[shown["star"], shown["second"], shown["third"]]).count()


def test_the_pdf_holds_every_awarded_photo_and_no_other(campaign, shown):
    assert Photo.objects.filter(entry=shown["hidden"]).exists()  # the unawarded entry's would show
    reader = PdfReader(io.BytesIO(pdf_of(campaign)))
    assert sum(len(page.images) for page in reader.pages) == awarded_photos(shown) > 2


def test_the_word_album_is_a4_with_page_numbers_and_every_photo(campaign, shown):
    out = io.BytesIO()
    write_album_docx(campaign, out, names=True)
    document = Document(io.BytesIO(out.getvalue()))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert "PAGE" in section.footer._element.xml and "fldChar" in section.footer._element.xml
    assert len(document.inline_shapes) == awarded_photos(shown)
    archive = zip_of(out.getvalue())
    assert archive.testzip() is None
    for name in archive.namelist():
        for contact in CONTACTS:
            assert contact.encode() not in archive.read(name), name


@pytest.mark.parametrize(("size", "frame", "expected"), [
    ((4000, 3000), (album_pdf.CELL_WIDTH, album_pdf.CELL_WIDTH * 0.75), 981),  # the PDF's cell: 8.3 cm wide
    ((3000, 4000), (album_pdf.CELL_WIDTH, album_pdf.CELL_WIDTH * 0.75), 736),  # portrait: 6.2 cm tall
    ((3000, 4000), (album_docx.PHOTO_WIDTH.pt, None), 1182),                   # Word: 7.5 cm wide, 10 cm tall
])
def test_photos_are_sized_for_300_dpi_in_their_frame(size, frame, expected):
    photo = Photo(width=size[0], height=size[1])
    pixels = album.print_pixels(photo, *frame)
    assert pixels == expected
    long_side_inches = max(size) * min(frame[0] / size[0], (frame[1] or 1e9) / size[1]) / 72
    assert pixels / long_side_inches >= album.PRINT_DPI


def test_a_long_title_or_unit_is_cut_to_its_column_of_the_contents():
    album_pdf.register_font()
    width = album_pdf.UNIT_COLUMN - album_pdf.MARGIN - 20
    long = "太原市第一热电有限责任公司配电室高压开关柜前绝缘垫破损老化未及时更换存在触电风险"
    cut = album_pdf._fit(long, album_pdf.CONTENTS_SIZE, width)
    assert cut.endswith("…") and long.startswith(cut[:-1]) and len(cut) > 10
    assert pdfmetrics.stringWidth(cut, album_pdf.FONT, album_pdf.CONTENTS_SIZE) <= width
    assert album_pdf._fit("短标题", album_pdf.CONTENTS_SIZE, width) == "短标题"
