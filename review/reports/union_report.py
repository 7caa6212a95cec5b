"""活动开展情况和成效做法: each city/industry union's written account, filed with its 附件3 (seed 000, 六.2:
"于9月30日前将上述有关材料和活动开展情况、成效做法报省活动组委会办公室").

The text is HTML kept small on purpose: headings, paragraphs, lists, bold/italic and photos of the union's
own entries (their metadata-free previews, served by portal.files). It is written in a plain textarea
with a toolbar in static/reports/js/union-report-editor.js (no inline script or style, so the strict CSP
holds) and cleaned here with nh3 (ammonia) on every save: whatever the browser posts, only the allowed
tags survive, and an <img> keeps its src only when it is the preview of a photo of the union's entries.
"""

from __future__ import annotations

import re
from collections import Counter

import nh3
import rules
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.directory.enums import NodeKind
from portal.refusals import Refused
from review.models import TierGrade
from review.reports.models import StatisticsReport, UnionReport
from review.reports.selectors import submitted_entries
from review.reports.services import counted_figures, statistics_deadline_passed
from submissions.enums import PhotoKind, Tier
from submissions.models import Photo

ALLOWED_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "b", "i", "br", "img"}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt"}}
# Technical bounds of one report (not rules of the notice): a long account is a few thousand characters.
MAX_BODY_CHARS = 60_000
MAX_PHOTOS = 12
BEST_EXAMPLES = 3
PHOTO_SRC = re.compile(r"^/files/photo/(\d+)/preview/$")


def photo_src(photo_id: int) -> str:
    return reverse("files:download_variant", args=["photo", photo_id, "preview"])


def union_photos(union, campaign, *, user):
    """The photos a union report may show: those of the union's submitted entries that `user` sees."""
    return Photo.objects.filter(entry__in=submitted_entries(user, campaign).filter(selection_union=union))


def photo_ids(html: str) -> list[int]:
    """The photo ids an (already sanitised) body shows, in order."""
    return [int(match) for match in re.findall(r'src="/files/photo/(\d+)/preview/"', html)]


def sanitise(html: str, *, allowed_photos: set[int]) -> str:
    """`html` with only the allowed tags, attributes and photos left (nh3); no script, style or link."""

    def keep(tag, attribute, value):
        if tag == "img" and attribute == "src":
            match = PHOTO_SRC.match(value or "")
            return value if match and int(match.group(1)) in allowed_photos else None
        return value

    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=keep,
                     url_schemes=set(), link_rel=None, strip_comments=True).strip()


def union_report_closed(campaign) -> bool:
    """The report goes with 附件3: closed when the recommendation phase has ended."""
    return statistics_deadline_passed(campaign)


def report_figures(union, campaign, *, user) -> dict[str, int]:
    """附件3's figures for the draft: the filed 附件3 when there is one, else what the system counts."""
    filed = StatisticsReport.objects.filter(campaign=campaign, union=union, submitted_at__isnull=False).first()
    if filed is not None:
        return {name: getattr(filed, name) for name in
                ("participating_units", "participants", "hazards_found", "hazards_rectified")}
    return counted_figures(StatisticsReport(campaign=campaign, union=union), user=user)


def default_title(union, campaign) -> str:
    """E.g. "甲市总工会关于第四届……“随手拍”活动开展情况和成效做法的报告" (no "活动活动")."""
    campaign_title = campaign.title if campaign.title.endswith("活动") else campaign.title + "活动"
    return _("%(union)s关于%(campaign)s开展情况和成效做法的报告") % {"union": union.name, "campaign": campaign_title}


def _grades(entries) -> list[tuple[str, int]]:
    names = (TierGrade.objects.filter(entry__in=entries.order_by().values("pk"), tier=Tier.SELECTION)
             .order_by("award_level__rank").values_list("award_level__name", flat=True))
    return list(Counter(names).items())


def _best(entries) -> list:
    """The union's best entries: graded highest, then by the unit's D."""
    graded = {grade.entry_id: grade.award_level.rank for grade in TierGrade.objects.filter(
        entry__in=entries.order_by().values("pk"), tier=Tier.SELECTION).select_related("award_level")}
    pool = list(entries.filter(tier__gte=Tier.SELECTION).select_related("unit")
                .order_by(F("unit_score").desc(nulls_last=True), "pk")[:50])
    pool.sort(key=lambda entry: graded.get(entry.pk, 99))
    return pool[:BEST_EXAMPLES]


def draft_body(union, campaign, *, user) -> str:
    """The pre-filled text: 附件3's figures, the grades given, the best entries (with one photo), and
    headings for what only the union can write."""
    figures = report_figures(union, campaign, user=user)
    entries = submitted_entries(user, campaign).filter(selection_union=union)
    area = _("全市") if union.kind == NodeKind.CITY else _("全产业")
    parts = [f"<h3>{escape(_('一、活动开展情况'))}</h3>", "<p>" + escape(_(
        "本次活动中，%(area)s共有 %(participating_units)s 个单位参加，职工参与 %(participants)s 人，"
        "发现隐患 %(hazards_found)s 处，已整改 %(hazards_rectified)s 处。") % {**figures, "area": area}) + "</p>"]
    grades = _grades(entries)
    if grades:
        listed = "、".join(_("%(name)s %(count)d 件") % {"name": name, "count": count} for name, count in grades)
        parts.append("<p>" + escape(_("经%(area)s甄选，评出%(grades)s。") % {"area": area, "grades": listed}) + "</p>")
    best = _best(entries)
    if best:
        parts.append(f"<h3>{escape(_('二、优秀作品'))}</h3><ul>")
        for entry in best:
            parts.append("<li>" + escape(_("《%(title)s》（%(unit)s）：%(hazard)s") % {
                "title": entry.title, "unit": entry.unit.name if entry.unit_id else "",
                "hazard": entry.hazard or entry.description}) + "</li>")
        parts.append("</ul>")
        photo = (Photo.objects.filter(entry=best[0], kind=PhotoKind.HAZARD).order_by("position", "pk").first())
        if photo is not None:
            parts.append(f'<p><img src="{photo_src(photo.pk)}" alt="{escape(best[0].title)}"></p>')
    parts += [f"<h3>{escape(_('三、主要做法和成效'))}</h3>", "<p>" + escape(_("（请填写组织发动、宣传培训、"
              "隐患整改闭环等做法和取得的成效。）")) + "</p>",
              f"<h3>{escape(_('四、下一步打算'))}</h3>", "<p>" + escape(_("（请填写。）")) + "</p>"]
    return "".join(parts)


def _check(union, campaign, actor) -> None:
    if not rules.has_perm("reports.submit_statistics", actor, union):
        raise Refused.permission_denied()
    if union_report_closed(campaign):
        raise Refused(_("推荐截止时间已过，活动开展情况和成效做法不能再修改或报送。"), code="closed")


@transaction.atomic
def save_union_report(union, campaign, *, title: str, body: str, actor, submit: bool = False,
                      request=None) -> UnionReport:
    """Save (and with `submit`, file with 附件3) a union's 活动开展情况和成效做法.

    Only the union's own staff, only until the recommendation deadline; the body is sanitised (see
    `sanitise`). Filing needs a title and a non-empty text. Refused with a Chinese message otherwise,
    nothing saved. Audited as "reports.save_union_report" or "reports.file_union_report".
    """
    _check(union, campaign, actor)
    title = (title or "").strip()[:120]
    if len(body or "") > MAX_BODY_CHARS:
        raise Refused(_("正文过长（最多 %(count)d 字符），请精简。") % {"count": MAX_BODY_CHARS}, code="too_long")
    allowed = set(union_photos(union, campaign, user=actor).values_list("pk", flat=True))
    clean = sanitise(body, allowed_photos=allowed)
    if len(photo_ids(clean)) > MAX_PHOTOS:
        raise Refused(_("最多插入 %(count)d 张照片。") % {"count": MAX_PHOTOS}, code="too_many_photos")
    if submit and (not title or not nh3.clean(clean, tags=set()).strip()):
        raise Refused(_("请填写标题和正文后再报送。"), code="empty")
    report = UnionReport.objects.select_for_update().filter(campaign=campaign, union=union).first()
    old = {"title": report.title, "body": report.body} if report else {"title": None, "body": None}
    report = report or UnionReport(campaign=campaign, union=union)
    report.title, report.body, report.updated_by = title or default_title(union, campaign), clean, actor
    if submit:
        report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save()
    action = "reports.file_union_report" if submit else "reports.save_union_report"
    changes = {name: [old[name], getattr(report, name)] for name in ("title", "body")
               if old[name] != getattr(report, name)}
    summary = (_("报送活动开展情况和成效做法：%(union)s") if submit else _("保存活动开展情况和成效做法：%(union)s"))
    record_audit(actor, action, report, summary=summary % {"union": union.name}, changes=changes, request=request)
    return report
