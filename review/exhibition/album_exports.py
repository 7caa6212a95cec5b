"""The committee's publication exports, registered with the export framework (a Celery task each, with
progress, written straight into the job's private file):

- album-pdf:  the 作品集 as print-ready PDF (review.exhibition.album_pdf);
- album-docx: the same as a Word file (review.exhibition.album_docx);
- media-package: the press ZIP (review.exhibition.media_package).

Parameters are {"campaign": id, "names": bool} (names: print the authors' names or not; the media
package always names photos by the notice's convention, which includes the author). Only for locked
results with published awarded entries (review.exhibition.album.locked_campaign).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.campaigns.models import Campaign
from portal.exports.base import local_date
from portal.exports.registry import ExportKind, Offer, register_export_kind
from portal.refusals import Refused
from review.exhibition.album import album_title, cjk_font, locked_campaign
from review.exhibition.album_docx import write_album_docx
from review.exhibition.album_pdf import write_album_pdf
from review.exhibition.media_package import write_media_package
from review.reports.official_docx import DOCX_CONTENT_TYPE

TRUE_VALUES = ("1", "true", "on", "yes")


class PublicationExport(ExportKind):
    """What the album and media package exports share: the committee only, locked and published results."""

    needs_font = False
    names_choice = True

    def available_to(self, user) -> bool:
        return rules.has_perm("exhibition.manage_publication", user)

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        raw = str(data.get("campaign") or "")
        if raw and not raw.isdigit():
            raise Refused(_("导出参数无效。"))
        campaign = Campaign.objects.filter(pk=int(raw)).first() if raw else Campaign.objects.current()
        if campaign is None:
            raise Refused(_("活动不存在。"))
        locked_campaign(campaign.pk)
        if self.needs_font:
            cjk_font()
        names = str(data.get("names", "1")).lower() in TRUE_VALUES if self.names_choice else True
        return {"campaign": campaign.pk, "names": names}

    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        return user.is_authenticated and user.is_active and self.available_to(user)

    def download_name(self, params: Mapping[str, Any]) -> str:
        campaign = Campaign.objects.filter(pk=params.get("campaign")).first()
        title = album_title(campaign) if campaign else ""
        suffix = "" if params.get("names", True) else _("（不含姓名）")
        return f"{title}{self.name_part}{suffix}-{local_date():%Y%m%d}.{self.extension}"

    name_part = ""

    def offers(self, user) -> list[Offer]:
        campaign = Campaign.objects.current()
        if campaign is None:
            return []
        label = str(self.label)
        if not self.names_choice:
            return [Offer(self.slug, label, {"campaign": campaign.pk}, group=_("作品集与媒体发布"))]
        return [Offer(self.slug, label, {"campaign": campaign.pk, "names": "1"}, _("含作者姓名"),
                      group=_("作品集与媒体发布")),
                Offer(self.slug, label, {"campaign": campaign.pk, "names": "0"}, _("不含作者姓名"),
                      group=_("作品集与媒体发布"))]


@register_export_kind
class AlbumPdfExport(PublicationExport):
    slug = "album-pdf"
    ascii_slug = "album"
    label = gettext_lazy("作品集（PDF）")
    extension = "pdf"
    content_type = "application/pdf"
    needs_font = True

    def generate(self, params, user, out, progress) -> None:
        write_album_pdf(locked_campaign(params["campaign"]), out, names=params["names"], progress=progress)


@register_export_kind
class AlbumDocxExport(PublicationExport):
    slug = "album-docx"
    ascii_slug = "album"
    label = gettext_lazy("作品集（Word）")
    extension = "docx"
    content_type = DOCX_CONTENT_TYPE

    def generate(self, params, user, out, progress) -> None:
        write_album_docx(locked_campaign(params["campaign"]), out, names=params["names"], progress=progress)


@register_export_kind
class MediaPackageExport(PublicationExport):
    slug = "media-package"
    ascii_slug = "media-package"
    label = gettext_lazy("媒体发布包（ZIP）")
    extension = "zip"
    content_type = "application/zip"
    needs_font = True
    names_choice = False
    name_part = gettext_lazy("-媒体发布包")

    def generate(self, params, user, out, progress) -> None:
        write_media_package(locked_campaign(params["campaign"]), out, progress=progress)
