"""The official exports, registered with the export framework (portal.exports):

- fujian1: 附件1 评审报名表, a sheet per entry;
- fujian2: 附件2 评审报名汇总表;
- fujian3: 附件3 统计表 of a union, or the province roll-up;
- photos:  the archive of original photos named by the convention, with 附件1 and 附件2 (and, for a
           union, 附件3) inside.

Parameters are {"campaign": id, "union": id | None, "entries": [ids] | None}: a union's recommended
entries, the province's (committee only), or a selection of entries the user may see. Each generator
re-reads the entries through entries_for_user when the task runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import rules
from django import forms
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.campaigns.models import Campaign
from portal.directory.models import OrgNode
from portal.exports.base import local_date
from portal.exports.registry import ExportKind, Offer, register_export_kind
from portal.refusals import Refused
from review.reports.archive import names_by_kind, photo_names, write_archive
from review.reports.fujian1 import EntryForm, EntryFormExporter, form_title, photo_image
from review.reports.fujian2 import SummaryExporter
from review.reports.models import StatisticsReport
from review.reports.rules import contact_union_ids
from review.reports.selectors import (
    counted_entries,
    export_entries,
    report_unions,
    submitted_entries,
    unit_assessments,
)
from review.reports.statistics import StatisticsExporter, rollup, system_figures_by_union
from submissions.enums import PhotoKind
from submissions.models import Entry, Photo

MAX_SELECTED = 500
ZIP_CONTENT_TYPE = "application/zip"


class ParamsForm(forms.Form):
    """The posted parameters of an official export; a bad value is an error, never a 500."""

    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), required=False)
    union = forms.ModelChoiceField(queryset=OrgNode.objects.none(), required=False)
    entries = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["union"].queryset = report_unions(user)
        # Any integers; whether the user may see them is checked against entries_for_user afterwards.
        self.fields["entries"].valid_value = lambda value: str(value).isdigit() and len(str(value)) <= 12


def _getlist(data: Mapping, key: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class OfficialExport(ExportKind):
    """What the four official exports share: parameters, permission, names."""

    requires_scope = False  # True: refuse the whole province (a kind too large to make for it at once)
    title = ""
    description = ""

    def available_to(self, user) -> bool:
        return rules.has_perm("reports.export", user)

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        form = ParamsForm({"campaign": data.get("campaign") or None, "union": data.get("union") or None,
                           "entries": _getlist(data, "entries")}, user=user)
        if not form.is_valid():
            if "union" in form.errors:
                raise Refused(_("所选市/产业工会不在您的范围内。"))
            raise Refused(_("导出参数无效。"))
        campaign = form.cleaned_data["campaign"] or Campaign.objects.current()
        if campaign is None:
            raise Refused(_("当前没有进行中的活动。"))
        union = form.cleaned_data["union"]
        ids = sorted(set(form.cleaned_data["entries"])) or None
        if ids is not None:
            if len(ids) > MAX_SELECTED:
                raise Refused(_("一次最多导出 %(count)d 件作品。") % {"count": MAX_SELECTED})
            ids = list(submitted_entries(user, campaign).filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
            if not ids:
                raise Refused(_("所选作品不在您的范围内。"))
        params = {"campaign": campaign.pk, "union": union.pk if union else None, "entries": ids}
        if union is None and ids is None:
            if self.requires_scope:
                raise Refused(_("请选择一个市/产业工会，或勾选要打包的作品。"))
            if not rules.has_perm("reports.export_province", user):
                raise Refused(_("请选择您所在的市/产业工会。"))
        return params

    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        if not (user.is_authenticated and user.is_active and rules.has_perm("reports.export", user)):
            return False
        if params.get("union") is not None:
            union = OrgNode.objects.filter(pk=params["union"]).first()
            return rules.has_perm("reports.export_union", user, union)
        if params.get("entries") is not None:
            return True  # re-scoped through entries_for_user when generated
        return not self.requires_scope and rules.has_perm("reports.export_province", user)

    # --- names -----------------------------------------------------------------------------------------

    def scope_name(self, params: Mapping[str, Any]) -> str:
        if params.get("entries") is not None:
            return _("所选%(count)d件作品") % {"count": len(params["entries"])}
        if params.get("union") is not None:
            union = OrgNode.objects.filter(pk=params["union"]).first()
            return union.name if union else ""
        return _("全省")

    def download_name(self, params: Mapping[str, Any]) -> str:
        return f"{self.title}-{self.scope_name(params)}-{local_date():%Y%m%d}.{self.extension}"

    def ascii_download_name(self, params: Mapping[str, Any], on) -> str:
        """E.g. "fujian2-summary-union12-20261201.xlsx": what the file is and for whom, in ASCII."""
        if params.get("entries") is not None:
            scope = f"{len(params['entries'])}-entries"
        elif params.get("union") is not None:
            scope = f"union{params['union']}"
        else:
            scope = "province"
        return f"{self.ascii_slug}-{scope}-{on:%Y%m%d}.{self.extension}"

    # --- data ------------------------------------------------------------------------------------------

    def campaign(self, params) -> Campaign:
        campaign = Campaign.objects.filter(pk=params.get("campaign")).first()
        if campaign is None:
            raise Refused(_("活动不存在。"))
        return campaign

    def entries(self, params, user):
        return export_entries(user, self.campaign(params), union_id=params.get("union"),
                              entry_ids=params.get("entries"))

    def several_unions(self, params) -> bool:
        return params.get("union") is None

    def offers(self, user) -> list[Offer]:
        """A button per union the user reports on (and the province's for the committee)."""
        campaign = Campaign.objects.current()
        if campaign is None:
            return []
        label, description = str(self.label), str(self.description)
        offers = []
        if not self.requires_scope and rules.has_perm("reports.export_province", user):
            offers.append(Offer(self.slug, label, {"campaign": campaign.pk}, description, group=_("全省")))
        for union in report_unions(user):
            offers.append(Offer(self.slug, label, {"campaign": campaign.pk, "union": union.pk}, description,
                                group=union.name))
        return offers


def iter_entries(queryset, chunk: int = 200) -> Iterator[Entry]:
    """The entries of `queryset` in its order, with their relations and photos, loaded `chunk` at a
    time so that memory stays flat (1 query for the ids, then 2 per chunk)."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        loaded = {entry.pk: entry for entry in Entry.objects.filter(pk__in=part)
                  .select_related("campaign", "unit", "selection_union", "industry", "category")
                  .prefetch_related("photos")}
        for pk in part:
            if pk in loaded:
                yield loaded[pk]


def entry_forms(queryset, user) -> Iterator[EntryForm]:
    """附件1's EntryForm per entry of `queryset` (in its order): the unit assessment, the contact rule,
    and the photos named exactly as in the archive of the same parameters."""
    assessments = unit_assessments(queryset)
    contact_unions = contact_union_ids(user)
    taken: set[str] = set()
    for number, entry in enumerate(iter_entries(queryset), start=1):
        named = photo_names(entry, number, taken)
        names = names_by_kind(named)
        images = {kind: [photo_image(photo) for photo, _name in named if photo.kind == kind]
                  for kind in (PhotoKind.HAZARD, PhotoKind.RECTIFIED)}
        yield EntryForm(
            entry=entry, number=number, assessment=assessments.get(entry.pk),
            hazard_photo_names=names.get(PhotoKind.HAZARD, ()),
            rectified_photo_names=names.get(PhotoKind.RECTIFIED, ()),
            hazard_photo_images=images[PhotoKind.HAZARD], rectified_photo_images=images[PhotoKind.RECTIFIED],
            show_contacts=contact_unions is None or entry.selection_union_id in contact_unions)


@register_export_kind
class EntryFormsExport(OfficialExport):
    slug = "fujian1"
    ascii_slug = "fujian1-entry-forms"
    label = gettext_lazy("附件1 评审报名表")
    title = "附件1-评审报名表"
    description = gettext_lazy("每件作品一页，按官方表格式排版，标出价值评价选项（☑）和综合得分 D。")

    def generate(self, params, user, out, progress) -> None:
        campaign = self.campaign(params)
        entries = self.entries(params, user)
        exporter = EntryFormExporter(entry_forms(entries, user), form_title=form_title(campaign),
                                     total=entries.count())
        exporter.write_xlsx(out, progress)


@register_export_kind
class SummaryExport(OfficialExport):
    slug = "fujian2"
    ascii_slug = "fujian2-summary"
    label = gettext_lazy("附件2 评审报名汇总表")
    title = "附件2-评审报名汇总表"
    description = gettext_lazy("每件推荐作品一行：作者、单位、行业、类别、L E C X Y D、推荐等次。")

    def generate(self, params, user, out, progress) -> None:
        exporter = SummaryExporter(self.entries(params, user), user=user, campaign=self.campaign(params),
                                   heading=self.scope_name(params), several_unions=self.several_unions(params))
        exporter.write_xlsx(out, progress)


@register_export_kind
class StatisticsExport(OfficialExport):
    slug = "fujian3"
    ascii_slug = "fujian3-statistics"
    label = gettext_lazy("附件3 统计表")
    title = "附件3-统计表"
    description = gettext_lazy("参加单位数、覆盖班组数、职工参与数、发现隐患数、整改隐患数；未报送的按系统统计数。")

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        params = super().clean_params(user, data)
        if params["entries"] is not None:
            raise Refused(_("统计表按市/产业工会导出，不能按所选作品导出。"))
        return params

    def generate(self, params, user, out, progress) -> None:
        campaign = self.campaign(params)
        unions = report_unions(user)
        if params.get("union") is not None:
            unions = unions.filter(pk=params["union"])
        unions = list(unions)
        reports = {report.union_id: report for report in StatisticsReport.objects.filter(
            campaign=campaign, union__in=[union.pk for union in unions])}
        counted = system_figures_by_union(counted_entries(user, campaign).filter(
            selection_union__in=[union.pk for union in unions]))
        exporter = StatisticsExporter(rollup(unions, reports, counted), campaign=campaign,
                                      heading=self.scope_name(params))
        exporter.write_xlsx(out, progress)


@register_export_kind
class PhotoArchiveExport(OfficialExport):
    slug = "photos"
    ascii_slug = "photo-archive"
    label = gettext_lazy("照片包（原图）")
    title = "随手拍材料"
    extension = "zip"
    content_type = ZIP_CONTENT_TYPE
    description = gettext_lazy("原图按“序号+照片主题名称+作者单位+作者姓名+整改前/后”命名，附评审报名表和汇总表。")

    def offers(self, user) -> list[Offer]:
        """The unions' archives, and for the committee the province's: the recommended entries of every
        union (≤ 50 each) numbered exactly as in the province 附件1 and 附件2, with its estimated size."""
        offers = []
        for offer in super().offers(user):
            if "union" not in offer.params:
                size = self.photo_bytes(self.entries(offer.params, user))
                offer = Offer(offer.kind, _("全省照片包（原图）"), offer.params, _(
                    "全省推荐作品的原图，编号与全省附件1、附件2一致；约 %(size)s，生成需要一些时间。") % {
                    "size": filesizeformat(size)}, group=offer.group)
            offers.append(offer)
        offers.append(Offer("", _("勾选作品导出（附件1、附件2、照片包）"), description=_(
            "在作品列表中勾选任意作品，导出它们的评审报名表、汇总表或照片包。"), group=_("按作品导出"),
            url=reverse("reports:entries")))
        return offers

    @staticmethod
    def photo_bytes(entries) -> int:
        """The total size of the originals of `entries`: one query."""
        return Photo.objects.filter(entry__in=entries.order_by().values("pk")).aggregate(
            total=Sum("size"))["total"] or 0

    def generate(self, params, user, out, progress) -> None:
        entries = self.entries(params, user)
        photo_bytes = self.photo_bytes(entries)
        documents = [
            (f"{EntryFormsExport.title}.xlsx", lambda stream: EntryFormsExport().generate(params, user, stream, _quiet)),
            (f"{SummaryExport.title}.xlsx", lambda stream: SummaryExport().generate(params, user, stream, _quiet)),
        ]
        if params.get("union") is not None:
            documents.append((f"{StatisticsExport.title}.xlsx",
                              lambda stream: StatisticsExport().generate(params, user, stream, _quiet)))
        write_archive(out, iter_entries(entries), photo_bytes=photo_bytes, documents=documents, progress=progress)


def _quiet(done: int, total: int) -> None:
    return None
