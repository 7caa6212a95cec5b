"""隐患排查治理台账: the hazards of a unit, county or city (a directory node the user's ledger reaches),
with the ledger page's filters, one row per hazard; registered with the export framework (portal.exports)
so that a big ledger is written by the Celery export task with progress, a small one downloaded at once.

Rows come from hazards_for_user (the one scoping query), narrowed to the node's subtree and the filters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazards.forms import LedgerFilterForm
from hazards.models import Hazard
from hazards.presenters import finder_display
from hazards.roles import AREA_UNION, LEDGER_ROLES
from hazards.scoping import hazards_for_user
from hazards.search import search_condition
from portal.accounts.enums import RoleKind
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.exports.base import Exporter, local_datetime
from portal.exports.registry import ExportKind, Offer, register_export_kind
from portal.refusals import Refused

# Roles whose ledger reaches below their node (a county's staff may export one of its units' ledgers).
AREA_ROLES = (*AREA_UNION, RoleKind.REGULATOR)
SLUG = "hazard_ledger"


def ledger_nodes(user) -> list[OrgNode]:
    """The nodes of the user's ledger roles (their unit, county, city …), each once, in role order."""
    if not user.is_authenticated:
        return []
    seen, nodes = set(), []
    for role in user.role_list:
        if role.kind in LEDGER_ROLES and role.node_id is not None and role.node_id not in seen:
            seen.add(role.node_id)
            nodes.append(role.node)
    return nodes


def may_export_node(user, node) -> bool:
    """The node is one of the user's ledger nodes, or lies below a county/city/regulator role of theirs."""
    if node is None or not user.is_authenticated:
        return False
    return any(role.node_id is not None and (role.node_id == node.pk or (
        role.kind in AREA_ROLES and node.path.startswith(role.node.path)))
        for role in user.role_list if role.kind in LEDGER_ROLES)


def apply_ledger_filters(queryset, cleaned: Mapping[str, Any]):
    """The ledger page's filters (LedgerFilterForm's cleaned data) on `queryset`: "q" searches, "overdue"
    keeps the overdue, any other field filled in filters its field by equality (a new filter of the form
    — e.g. 车间 — is applied here without a change)."""
    for name, value in cleaned.items():
        if value in (None, "", False):
            continue
        if name == "q":
            queryset = queryset.filter(search_condition(value))
        elif name == "overdue":
            queryset = queryset.overdue()
        elif name != "page":
            queryset = queryset.filter(**{name: value})
    return queryset


def filter_summary(form: LedgerFilterForm) -> str:
    """"状态：整改中；只看已逾期" — the filters applied, as the table's heading says them."""
    if not form.is_valid():
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", False):
            continue
        field = form.fields[name]
        if isinstance(value, bool):
            parts.append(str(field.label))
            continue
        shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
        parts.append(f"{field.label}：{shown}")
    return "；".join(parts)


def clean_filters(data: Mapping) -> dict[str, str]:
    """The filter fields posted with an export, validated by the ledger's form, as plain strings."""
    form = LedgerFilterForm({name: data.get(name) for name in LedgerFilterForm.base_fields if data.get(name)})
    if not form.is_valid():
        raise Refused(_("筛选条件无效，请重新选择。"))
    return {name: str(form.data[name]) for name in form.data}


def ledger_queryset(user, node, filters: Mapping[str, str]):
    """The hazards of a ledger export: the user's scope, the node's subtree, the filters; in 台账 order."""
    form = LedgerFilterForm(dict(filters))
    queryset = hazards_for_user(user).filter(unit__path__startswith=node.path)
    if form.is_valid():
        queryset = apply_ledger_filters(queryset, form.cleaned_data)
    return queryset.order_by("found_at", "id")


def _related() -> list[str]:
    names = ["unit", "finder", "responsible", "verifier"]  # what a row shows: no programme
    return names + [name for name in ("workshop", "team") if Hazard._meta.get_field(name).is_relation]


class LedgerExporter(Exporter):
    """隐患排查治理台账: a row per hazard (the 单位 column when the node is above a unit). 车间, 班组 and the
    place share one 隐患部位 column, the verifier and date one 验收 column, the flags the 状态 column: fewer,
    fuller cells print better and write faster (openpyxl's XML writing is most of an export's time)."""

    sheet_title = "隐患排查治理台账"
    number_formats: dict[int, str] = {}

    def __init__(self, hazards, *, user, node, filters: str = "", count: int | None = None):
        self.hazards = hazards
        self.user = user
        self.node = node
        self.filters = filters
        self.count = count
        self.with_unit = node.kind != NodeKind.UNIT
        columns = [(_("序号"), 6), (_("隐患编号"), 16), (_("发现日期"), 11)]
        if self.with_unit:
            columns.append((_("单位"), 20))
        columns += [(_("隐患部位"), 18), (_("隐患内容"), 32), (_("隐患类别"), 12), (_("隐患级别"), 10),
                    (_("隐患来源"), 10), (_("发现人"), 10), (_("临时管控措施"), 18), (_("整改责任人"), 10),
                    (_("整改期限"), 11), (_("整改完成情况"), 22), (_("整改资金（元）"), 11), (_("验收"), 16),
                    (_("销号日期"), 11), (_("状态"), 14)]
        self.headers = [label for label, _width in columns]
        self.column_widths = [width for _label, width in columns]
        dates = [_("发现日期"), _("整改期限"), _("销号日期")]
        self.number_formats = {self.headers.index(label): "yyyy-mm-dd" for label in dates}
        self.number_formats[self.headers.index(_("整改资金（元）"))] = "0.00"

    def title_rows(self) -> list[str]:
        line = _("单位：%(node)s    导出日期：%(date)s    共%(count)d条") % {
            "node": self.node.name, "date": f"{local_datetime():%Y-%m-%d}", "count": self.total()}
        if self.filters:
            line += _("    筛选：%(filters)s") % {"filters": self.filters}
        return [_("隐患排查治理台账"), line]

    def total(self) -> int:
        if self.count is None:
            self.count = self.hazards.count()
        return self.count

    def rows(self) -> Iterator[list[Any]]:
        user = self.user
        # Labels looked up once (get_FOO_display hashes the lazy choices on every call: a third of the time).
        labels = {name: {value: str(label) for value, label in Hazard._meta.get_field(name).choices}
                  for name in ("state", "category", "level", "source")}
        finders: dict[tuple, str] = {}  # the finder as this user sees them depends on these alone
        overdue, listed = _("已逾期"), _("挂牌督办")
        today = timezone.localdate()  # once, not per row
        for number, h in enumerate(self.hazards.select_related(*_related()).iterator(chunk_size=2000), start=1):
            key = (h.source, h.finder_id, h.finder_named, h.unit_id)
            if key not in finders:
                finders[key] = finder_display(h, user)
            state = labels["state"].get(h.state, "")
            notes = [text for condition, text in ((h.is_overdue(today), overdue), (h.regulator_listed, listed))
                     if condition]
            if h.reopened_count:
                notes.append(_("重新打开%(count)d次") % {"count": h.reopened_count})
            verified = " ".join(part for part in (h.verifier.get_full_name() if h.verifier_id else "",
                                                  f"{_local_day(h.verified_at):%Y-%m-%d}" if h.verified_at else "")
                                if part)
            row = [number, h.code, _local_day(h.found_at)]
            if self.with_unit:
                row.append(h.unit.name)
            row += [" ".join(part for part in (str(h.workshop or ""), str(h.team or ""), h.location) if part),
                    h.description, labels["category"].get(h.category, ""), labels["level"].get(h.level, ""),
                    labels["source"].get(h.source, ""), finders[key], h.interim_measures,
                    h.responsible.get_full_name() if h.responsible_id else "", h.deadline, h.rectification_note,
                    h.cost, verified, _local_day(h.closed_at), f"{state}（{'、'.join(notes)}）" if notes else state]
            yield row


def _local_day(value):
    return local_datetime(value).date() if value else None


@register_export_kind
class LedgerExport(ExportKind):
    """The 台账 as an export job: params {"node": id, "filters": {field: value}}."""

    slug = SLUG
    ascii_slug = "hazard-ledger"
    label = gettext_lazy("隐患排查治理台账")

    def available_to(self, user) -> bool:
        return bool(ledger_nodes(user))

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        node_id = str(data.get("node") or "")
        node = OrgNode.objects.filter(pk=int(node_id)).first() if node_id.isdigit() and len(node_id) <= 12 else None
        if not may_export_node(user, node):
            raise Refused(_("所选单位不在您的范围内。"))
        return {"node": node.pk, "filters": clean_filters(data)}

    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        node = OrgNode.objects.filter(pk=params.get("node")).first()
        return user.is_authenticated and user.is_active and may_export_node(user, node)

    def node(self, params) -> OrgNode:
        node = OrgNode.objects.filter(pk=params.get("node")).first()
        if node is None:
            raise Refused(_("单位不存在。"))
        return node

    def download_name(self, params: Mapping[str, Any]) -> str:
        node = OrgNode.objects.filter(pk=params.get("node")).first()
        return f"{_('隐患排查治理台账')}-{node.name if node else ''}-{local_datetime():%Y%m%d}.xlsx"

    def ascii_download_name(self, params: Mapping[str, Any], on) -> str:
        return f"{self.ascii_slug}-node{params.get('node')}-{on:%Y%m%d}.xlsx"

    def exporter(self, params, user) -> LedgerExporter:
        node = self.node(params)
        filters = params.get("filters") or {}
        return LedgerExporter(ledger_queryset(user, node, filters), user=user, node=node,
                              filters=filter_summary(LedgerFilterForm(dict(filters))))

    def generate(self, params, user, out, progress) -> None:
        self.exporter(params, user).write_xlsx(out, progress)

    def offers(self, user) -> list[Offer]:
        """The whole ledger of each of the user's nodes (the hazards page offers the filtered ones)."""
        return [Offer(self.slug, str(self.label), {"node": node.pk}, _("全部隐患，每条一行；按台账格式排版。"),
                      group=_("隐患排查治理"))
                for node in ledger_nodes(user)]


__all__ = ["LedgerExport", "LedgerExporter", "apply_ledger_filters", "ledger_nodes", "ledger_queryset"]
