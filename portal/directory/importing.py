"""Import of the organisation directory from xlsx or csv, all or nothing."""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from portal.audit.services import record_audit
from portal.directory.enums import ALLOWED_PARENTS, NodeKind
from portal.directory.models import OrgNode
from portal.refusals import Refused

HEADER_ALIASES = {
    "name": {"单位全称", "全称", "单位名称", "name"},
    "short_name": {"简称", "short_name"},
    "kind": {"类型", "kind"},
    "parent": {"上级单位", "上级单位全称", "parent"},
}
KIND_BY_TEXT = {**{label: value for value, label in NodeKind.choices}, **{v: v for v in NodeKind.values}}


def _invalid(errors: list[str]) -> Refused:
    """The file is refused as a whole: nothing is imported; `details` lists every error found."""
    return Refused(_("文件有误，未导入任何数据。"), code="invalid_file", details=errors)


@dataclass
class Row:
    line: int
    name: str
    short_name: str
    kind: str
    parent: str


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Rows of cell texts from an xlsx or csv file (csv in UTF-8, with or without BOM, or GB18030)."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types on a damaged file
            raise _invalid([_("无法读取 xlsx 文件，请检查文件是否损坏。")]) from None
        sheet = workbook.worksheets[0]
        return [["" if cell is None else str(cell).strip() for cell in row]
                for row in sheet.iter_rows(values_only=True)]
    if filename.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise _invalid([_("无法识别 csv 文件的编码，请另存为 UTF-8。")])
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise _invalid([_("只支持 xlsx 或 csv 文件。")])


def parse_rows(table: list[list[str]]) -> list[Row]:
    if not table:
        raise _invalid([_("文件是空的。")])
    header = [cell.strip() for cell in table[0]]
    columns = {}
    for key, aliases in HEADER_ALIASES.items():
        for index, title in enumerate(header):
            if title in aliases:
                columns[key] = index
    missing = [key for key in ("name", "kind", "parent") if key not in columns]
    if missing:
        raise _invalid([_("第1行：缺少列 %(cols)s（需要：单位全称、简称、类型、上级单位）") % {
            "cols": "、".join(missing)}])

    def cell(values, key):
        index = columns.get(key)
        return values[index].strip() if index is not None and index < len(values) else ""

    rows = []
    for line, values in enumerate(table[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        rows.append(Row(line, cell(values, "name"), cell(values, "short_name"), cell(values, "kind"),
                        cell(values, "parent")))
    return rows


def validate_rows(rows: list[Row]) -> list[str]:
    errors = []
    existing = {node.name: node.kind for node in OrgNode.objects.only("name", "kind")}
    seen: dict[str, int] = {}
    kinds = dict(existing)
    for row in rows:
        if row.name in seen:
            errors.append(_("第%(line)d行：单位全称 %(name)s 与第%(other)d行重复") % {
                "line": row.line, "name": row.name, "other": seen[row.name]})
        seen[row.name] = row.line
        kinds[row.name] = KIND_BY_TEXT.get(row.kind)
    for row in rows:
        if not row.name:
            errors.append(_("第%(line)d行：单位全称不能为空") % {"line": row.line})
            continue
        if len(row.name) > 200 or len(row.short_name) > 60:
            errors.append(_("第%(line)d行：名称过长") % {"line": row.line})
        kind = KIND_BY_TEXT.get(row.kind)
        if kind is None:
            errors.append(_("第%(line)d行：类型 %(kind)s 无效，应为：%(allowed)s") % {
                "line": row.line, "kind": row.kind or "（空）", "allowed": "、".join(str(label) for label in NodeKind.labels)})
            continue
        allowed = ALLOWED_PARENTS[kind]
        if not row.parent:
            if allowed:
                errors.append(_("第%(line)d行：%(kind)s必须填写上级单位") % {
                    "line": row.line, "kind": NodeKind(kind).label})
            continue
        if row.parent == row.name:
            errors.append(_("第%(line)d行：上级单位不能是自己") % {"line": row.line})
            continue
        if row.parent not in kinds:
            errors.append(_("第%(line)d行：上级单位 %(parent)s 不存在") % {"line": row.line, "parent": row.parent})
            continue
        parent_kind = kinds[row.parent]
        if parent_kind is not None and parent_kind not in allowed:
            errors.append(_("第%(line)d行：%(kind)s不能设在%(pkind)s %(parent)s 之下") % {
                "line": row.line, "kind": NodeKind(kind).label, "pkind": NodeKind(parent_kind).label,
                "parent": row.parent})
    return errors


def import_directory(upload, filename: str, *, actor=None) -> dict:
    """Create or update directory nodes from a spreadsheet; any wrong row means nothing is imported."""
    data = upload.read() if hasattr(upload, "read") else upload
    rows = parse_rows(read_table(data, filename))
    errors = validate_rows(rows)
    if errors:
        raise _invalid(errors)
    created = updated = 0
    with transaction.atomic():
        by_name = {node.name: node for node in OrgNode.objects.all()}
        pending = list(rows)
        # Parents may come after their children in the file: place rows whose parent is known, repeatedly.
        while pending:
            placed = []
            for row in pending:
                if row.parent and row.parent not in by_name:
                    continue
                parent = by_name.get(row.parent) if row.parent else None
                node = by_name.get(row.name)
                if node is None:
                    node = OrgNode(name=row.name)
                    created += 1
                else:
                    updated += 1
                node.short_name = row.short_name
                node.kind = KIND_BY_TEXT[row.kind]
                node.parent = parent
                try:
                    node.full_clean()
                except ValidationError as exc:
                    raise _invalid([_("第%(line)d行：%(error)s") % {
                        "line": row.line, "error": "；".join(exc.messages)}]) from None
                node.save()
                by_name[node.name] = node
                placed.append(row)
            if not placed:
                raise _invalid([_("第%(line)d行：上级单位 %(parent)s 不存在") % {
                    "line": row.line, "parent": row.parent} for row in pending])
            pending = [row for row in pending if row not in placed]
        record_audit(actor, "directory.import", None,
                     summary=_("导入组织目录 %(name)s：新增 %(created)d，更新 %(updated)d") % {
                         "name": filename, "created": created, "updated": updated})
    return {"created": created, "updated": updated}
