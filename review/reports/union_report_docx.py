"""活动开展情况和成效做法 as a Word document in the official style (review.reports.official_docx)."""

from __future__ import annotations

from typing import BinaryIO

from review.reports.models import UnionReport
from review.reports.official_docx import HtmlToDocx, add_body, add_title, new_document, stored_jpeg
from review.reports.union_report import PHOTO_SRC
from submissions.models import Photo


def report_file_name(report: UnionReport) -> str:
    return f"{report.union.name}-活动开展情况和成效做法.docx"


def _photo_loader(report: UnionReport):
    """src → the photo's bytes, only for photos of the report's own union and campaign."""

    def load(src: str) -> bytes | None:
        match = PHOTO_SRC.match(src or "")
        photo = match and (Photo.objects.filter(pk=int(match.group(1)), entry__campaign=report.campaign_id,
                                                entry__selection_union=report.union_id).first())
        if not photo:
            return None
        return stored_jpeg(photo.preview if photo.preview else photo.original)()

    return load


def write_union_report_docx(report: UnionReport, out: BinaryIO) -> None:
    """Write `report` (title, the union's name, the sanitised body) as .docx into `out`."""
    document = new_document()
    add_title(document, report.title)
    add_body(document, report.union.name, indent=False).alignment = 1  # centred under the title
    HtmlToDocx(document, _photo_loader(report)).feed(report.body or "")
    document.save(out)
