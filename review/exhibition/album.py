"""The 作品集 (seed 000: "汇编成集，相互借鉴学习") and what its PDF, Word file and media package share: which
entries it holds, in which order, what it prints of each, and the CJK font the PDF embeds.

Only locked and published results: the campaign's ResultsLock must exist, and an entry is in the album
when it has a work award level and is on the exhibition (Publication). Nothing personal beyond the
author's name (and that only when the committee chooses "with names"): never phone, e-mail or address.
Photos are re-encoded from the originals upright and without metadata (make_derivative), one at a time,
so memory holds at most one decoded photo besides what the document itself keeps.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from portal.campaigns.models import Campaign
from portal.refusals import Refused
from review.exhibition.selectors import exhibits, published_entries
from review.experts.models import OrganisationAward, ResultsLock
from submissions.enums import PhotoKind
from submissions.models import Photo
from submissions.photos.derivatives import make_derivative

logger = logging.getLogger(__name__)

# Fonts reportlab can embed (TrueType outlines; Noto CJK's CFF .ttc cannot be embedded by it), in order of
# preference: Debian's fonts-wqy-microhei (what .ci/run installs), fonts-wqy-zenhei, fonts-arphic-uming.
# PORTAL_CJK_FONT (a path, optionally "path#index" for a .ttc) overrides the search.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def cjk_font() -> tuple[str, int]:
    """(path, subfont index) of the CJK font to embed; Refused with a Chinese message when there is none."""
    configured = getattr(settings, "PORTAL_CJK_FONT", "") or os.environ.get("PORTAL_CJK_FONT", "")
    candidates = [configured] if configured else list(CJK_FONT_CANDIDATES)
    for candidate in candidates:
        path, _sep, index = candidate.partition("#")
        if path and os.path.isfile(path):
            return path, int(index) if index.isdigit() else 0
    raise Refused(_("服务器未安装可嵌入的中文字体，无法生成作品集 PDF（否则中文会显示为方框）。请管理员安装 Debian "
                    "软件包 fonts-wqy-microhei，或用环境变量 PORTAL_CJK_FONT 指定字体文件。"), code="no_cjk_font")


@dataclass
class AlbumEntry:
    """One awarded entry as the album prints it (no contact detail at all)."""

    number: int
    title: str
    award_name: str
    award_rank: int
    unit_name: str
    author_name: str      # "" when the committee chose an album without names
    union_name: str
    hazard: str
    rectification: str
    d: Decimal | None
    hazard_photos: list[Photo] = field(default_factory=list)
    rectified_photos: list[Photo] = field(default_factory=list)
    entry: object = None  # the Entry, for the media package's file names (never printed as a whole)

    @property
    def photo_count(self) -> int:
        return len(self.hazard_photos) + len(self.rectified_photos)


def locked_campaign(campaign_id) -> Campaign:
    """The campaign of an album: Refused unless its results are locked and some awarded entry is published."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Refused(_("活动不存在。"))
    if not ResultsLock.objects.filter(campaign=campaign).exists():
        raise Refused(_("评选结果尚未锁定，不能生成作品集。"), code="not_locked")
    if not awarded(campaign).exists():
        raise Refused(_("还没有发布的获奖作品，不能生成作品集。"), code="nothing_published")
    return campaign


def awarded(campaign):
    return published_entries(campaign).filter(final_award__level__isnull=False)


def album_entries(campaign, *, names: bool) -> Iterator[AlbumEntry]:
    """The awarded, published entries in award order (level, rank, id), numbered from 1."""
    for number, entry in enumerate(exhibits(awarded(campaign)).iterator(chunk_size=100), start=1):
        photos = {PhotoKind.HAZARD: [], PhotoKind.RECTIFIED: []}
        for photo in entry.photos.all():
            photos.setdefault(photo.kind, []).append(photo)
        level = entry.final_award.level
        yield AlbumEntry(
            number=number, title=entry.title, award_name=level.name, award_rank=level.rank,
            unit_name=entry.unit.name if entry.unit_id else "", author_name=entry.author_name if names else "",
            union_name=entry.selection_union.name if entry.selection_union_id else "",
            hazard=entry.hazard or entry.description, rectification=entry.rectification_note,
            d=entry.unit_score, hazard_photos=photos[PhotoKind.HAZARD],
            rectified_photos=photos[PhotoKind.RECTIFIED], entry=entry)


def organisation_awards(campaign) -> list[tuple[str, str]]:
    """(award name, union name) of the confirmed 组织奖, best first."""
    return list(OrganisationAward.objects.filter(campaign=campaign, level__isnull=False)
                .order_by("level__rank", "rank", "union_id").values_list("level__name", "union__name"))


def album_title(campaign) -> str:
    return _("%(campaign)s获奖作品集") % {"campaign": campaign.title}


PRINT_DPI = 300  # print quality: a photo is re-encoded with 300 pixels per inch of the size it prints at


def print_pixels(photo: Photo, frame_width: float, frame_height: float | None = None) -> int:
    """The long side in pixels `photo` needs to print at PRINT_DPI when fitted into a frame of
    frame_width × frame_height points (height None: only the width bounds it), from its upright size."""
    width, height = photo.width or 4, photo.height or 3
    scale = frame_width / width if frame_height is None else min(frame_width / width, frame_height / height)
    return max(1, math.ceil(max(width, height) * scale / 72 * PRINT_DPI))


def photo_jpeg(photo: Photo, pixels: int, quality: int = 88) -> bytes | None:
    """The photo upright, sRGB, without any metadata, `pixels` on its long side (from the original, or the
    preview when the original cannot be read); None when neither can be read."""
    for file in (photo.original, photo.preview):
        if not file:
            continue
        try:
            with file.storage.open(file.name, "rb") as stream:
                return make_derivative(stream, pixels, quality=quality)
        except Exception:  # a missing or broken file leaves a placeholder, never fails the album
            logger.warning("photo %s: %r could not be read for the album", photo.pk, file.name, exc_info=True)
    return None


def d_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.3f}"
