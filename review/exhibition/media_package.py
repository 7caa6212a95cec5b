"""The media package (seed 000: "择机联合山西日报、山西工人报、山西电视台等媒体集中发布展示"): one ZIP for the
press with the album PDF, the list of winners (xlsx, through portal.exports' one xlsx base), and every
awarded entry's photos at print size (the campaign's minimum long side, e.g. 3000 px) and web size,
named by the notice's convention (序号+照片主题名称+作者单位+作者姓名+整改前/后N.jpg), re-encoded
upright without EXIF/GPS/XMP, each with a short caption (图片说明/<same name>.txt).

Streamed like the photo archive: one photo is decoded at a time and written into its member; the PDF
and the workbook are spooled to temporary files first. No phone, e-mail or address anywhere.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from typing import BinaryIO

from django.utils.translation import gettext as _

from portal.exports.base import Exporter
from review.exhibition.album import album_entries, album_title, d_text, photo_jpeg
from review.exhibition.album_pdf import write_album_pdf
from review.reports.archive import photo_names
from submissions.enums import PhotoKind

WEB_PIXELS = 1200
CAPTION_CHARS = 50  # the notice: "另附50字以内文字说明"
PRINT_FOLDER = "照片-印刷版"
WEB_FOLDER = "照片-网络版"
CAPTION_FOLDER = "图片说明"
CHUNK = 1024 * 1024


class WinnersExporter(Exporter):
    """获奖名单: award, title, unit, author, recommending union and D; no contact detail."""

    sheet_title = "获奖名单"

    def __init__(self, campaign):
        self.campaign = campaign
        self.headers = [_("序号"), _("奖项"), _("照片名称"), _("作者单位"), _("作者姓名"), _("推荐单位"), "D"]
        self.column_widths = [6, 10, 26, 26, 10, 16, 8]

    def title_rows(self) -> list[str]:
        return [_("%(campaign)s获奖名单") % {"campaign": self.campaign.title}]

    def rows(self):
        for entry in album_entries(self.campaign, names=True):
            yield [entry.number, entry.award_name, entry.title, entry.unit_name, entry.author_name,
                   entry.union_name, d_text(entry.d)]


def caption(entry, kind: str) -> str:
    """At most CAPTION_CHARS characters: the title, the award, and what the photo shows."""
    what = entry.hazard if kind == PhotoKind.HAZARD else (entry.rectification or entry.hazard)
    text = f"{entry.award_name}《{entry.title}》：{what}".replace("\n", " ")
    return text if len(text) <= CAPTION_CHARS else text[:CAPTION_CHARS - 1] + "…"


def _spooled(archive: zipfile.ZipFile, name: str, write) -> None:
    with tempfile.TemporaryFile() as spool:
        write(spool)
        spool.seek(0)
        with archive.open(name, "w", force_zip64=True) as member:
            shutil.copyfileobj(spool, member, CHUNK)


def write_media_package(campaign, out: BinaryIO, *, progress=lambda done, total: None) -> None:
    """Write the press ZIP of `campaign` (locked, published) into `out`."""
    entries_total = sum(1 for _entry in album_entries(campaign, names=False))
    total = entries_total * 2 + 2
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        _spooled(archive, f"{album_title(campaign)}.pdf",
                 lambda spool: write_album_pdf(campaign, spool, names=True,
                                               progress=lambda done, _t: progress(done, total)))
        _spooled(archive, _("获奖名单.xlsx"), WinnersExporter(campaign).write_xlsx)
        done = entries_total + 2
        progress(done, total)
        taken: set[str] = set()
        for item in album_entries(campaign, names=True):
            for photo, name in photo_names(item.entry, item.number, taken):
                for folder, pixels in ((PRINT_FOLDER, campaign.min_long_side), (WEB_FOLDER, WEB_PIXELS)):
                    data = photo_jpeg(photo, pixels)
                    if data is not None:
                        archive.writestr(f"{folder}/{name}", data)
                stem = name.rsplit(".", 1)[0]
                archive.writestr(f"{CAPTION_FOLDER}/{stem}.txt", (caption(item, photo.kind) + "\n").encode("utf-8"))
            done += 1
            progress(done, total)
