"""ankang.evidence through the record services: PNG re-encoded as a cleaned JPEG, PDF rewritten without
scripts, actions or annotations; other formats, encrypted, damaged or too long PDFs refused, nothing stored."""

import io
import pathlib

import pytest
from django.urls import reverse
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from ankang import evidence, services
from ankang.enums import EvidenceKind
from ankang.models import ActivityEvidence, ActivityRecord
from portal.refusals import Refused
from tests.factories.ankang import activity, confirmed, days, record
from tests.factories.photos import other_format
from tests.factories.submissions import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(competition, org, people):
    return confirmed(competition, org.unit_a1a, people["unit"], people["county"])


def _png() -> bytes:
    image = Image.new("RGBA", (640, 480), (200, 30, 30, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 38.04N 114.51E")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _pdf(pages: int = 2, *, script: bool = True, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if script:  # a script run on opening, a page action and an attachment
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject("app.alert('x');")})
        writer.root_object[NameObject("/OpenAction")] = action
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
        writer.add_attachment("payload.exe", b"MZ")
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stored(settings) -> list[pathlib.Path]:
    media = pathlib.Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_png_is_stored_as_a_cleaned_jpeg_without_its_text(competition, enrolment, people):
    row = record(competition, enrolment, people["unit"])
    services.add_evidence(row, [upload(_png(), name="scan.png", content_type="image/png")], actor=people["unit"])
    stored = ActivityEvidence.objects.get()
    assert stored.kind == EvidenceKind.PHOTO and stored.preview.name
    data = stored.original.open("rb").read()
    assert data.startswith(b"\xff\xd8") and b"GPS" not in data


def test_pdf_is_rewritten_without_scripts_and_page_actions(competition, enrolment, people, client):
    row = record(competition, enrolment, people["unit"])
    original = _pdf(3)
    assert b"/JavaScript" in original and b"/EmbeddedFiles" in original
    services.add_evidence(row, [upload(original, name="名单.pdf", content_type="application/pdf")],
                          actor=people["unit"])
    stored = ActivityEvidence.objects.get()
    assert stored.kind == EvidenceKind.PDF and not stored.preview.name and stored.original.name.endswith(".pdf")
    data = stored.original.open("rb").read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3 and "/AA" not in reader.pages[0]
    assert b"/JavaScript" not in data and b"/OpenAction" not in data and b"/EmbeddedFiles" not in data
    assert b"MZ" not in data
    client.force_login(people["county"])
    response = client.get(reverse("files:download_variant", args=["ankang_evidence", stored.pk, "original"]))
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    preview = client.get(reverse("files:download_variant", args=["ankang_evidence", stored.pk, "preview"]))
    assert preview.status_code == 404


@pytest.mark.parametrize(("data", "code"), [
    (_pdf(script=False, password="secret"), "encrypted"),
    (b"%PDF-1.7\n1 0 obj <<\n%%EOF", "corrupt"),
    (_pdf(evidence.MAX_PDF_PAGES + 1, script=False), "too_many_pages"),
    (other_format("GIF"), "bad_format"),
])
def test_bad_evidence_is_refused_and_nothing_is_stored(competition, enrolment, people, settings, data, code):
    before = _stored(settings)
    with pytest.raises(Refused) as caught:
        services.record_activity(competition, enrolment, _input(competition), actor=people["unit"],
                                 photos=[upload(data, name="a.pdf")])
    assert caught.value.code == code, caught.value.message
    assert not ActivityRecord.objects.exists() and _stored(settings) == before


def _input(competition):
    return services.RecordInput(activity_type=activity(competition, "training"), held_on=days(-2), place="会议室",
                                participants=5, description="培训")
