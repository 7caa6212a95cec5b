import io

import pytest
from openpyxl import Workbook, load_workbook

from portal.audit.models import AuditRecord
from portal.directory.enums import Channel, NodeKind
from portal.directory.exporting import DirectoryExporter
from portal.directory.importing import import_directory
from portal.directory.models import OrgNode
from portal.refusals import Refused

pytestmark = pytest.mark.django_db


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    ["单位全称", "简称", "类型", "上级单位"],
    ["山西省总工会", "省总", "省总工会", ""],
    # A child before its parent: the importer must place it once the parent exists.
    ["太原市小店区总工会", "小店区", "县（市、区）总工会", "太原市总工会"],
    ["太原市总工会", "太原", "市总工会", "山西省总工会"],
    ["太原市小店区恒安机械制造有限公司", "", "基层单位", "太原市小店区总工会"],
    ["山西省煤炭工会", "", "省级产业工会", "山西省总工会"],
    ["山西晋兴煤业集团有限责任公司工会", "", "大型集团企业工会", "山西省煤炭工会"],
    ["山西晋兴煤业集团有限责任公司一号煤矿", "", "基层单位", "山西晋兴煤业集团有限责任公司工会"],
]


def test_import_directory_good_xlsx_creates_tree_with_channels():
    result = import_directory(xlsx_bytes(GOOD_ROWS), "目录.xlsx")
    assert result == {"created": 7, "updated": 0}
    unit = OrgNode.objects.get(name="太原市小店区恒安机械制造有限公司")
    assert unit.channel == Channel.TERRITORIAL
    assert unit.selection_union.name == "太原市总工会"
    assert unit.first_review_union.name == "太原市小店区总工会"
    mine = OrgNode.objects.get(name="山西晋兴煤业集团有限责任公司一号煤矿")
    assert mine.channel == Channel.INDUSTRY
    assert mine.selection_union.name == "山西省煤炭工会"
    assert mine.first_review_union.kind == NodeKind.GROUP
    assert AuditRecord.objects.filter(action="directory.import").count() == 1


def test_import_directory_csv_utf8_bom_and_gb18030_are_read():
    text = "\n".join(",".join(row) for row in GOOD_ROWS[:4])
    import_directory(("\ufeff" + text).encode("utf-8"), "a.csv")
    assert OrgNode.objects.count() == 3
    rows = [*GOOD_ROWS[:1], ["山西省煤炭工会", "", "省级产业工会", "山西省总工会"]]
    import_directory("\n".join(",".join(r) for r in rows).encode("gb18030"), "b.csv")
    assert OrgNode.objects.filter(name="山西省煤炭工会").exists()


def test_import_directory_bad_row_imports_nothing_and_names_the_row():
    rows = [*GOOD_ROWS, ["某某公司", "", "基层单位", "不存在的总工会"]]
    with pytest.raises(Refused) as caught:
        import_directory(xlsx_bytes(rows), "目录.xlsx")
    assert "第9行：上级单位 不存在的总工会 不存在" in caught.value.details
    assert OrgNode.objects.count() == 0
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize(("row", "message"), [
    (["某公司", "", "公司", "山西省总工会"], "第9行：类型 公司 无效"),
    (["", "", "基层单位", "山西省总工会"], "第9行：单位全称不能为空"),
    (["某县总工会", "", "县（市、区）总工会", "山西省总工会"], "第9行：县（市、区）总工会不能设在省总工会 山西省总工会 之下"),
    (["某市总工会", "", "市总工会", ""], "第9行：市总工会必须填写上级单位"),
    (["太原市总工会", "", "市总工会", "山西省总工会"], "第9行：单位全称 太原市总工会 与第4行重复"),
])
def test_import_directory_invalid_rows_are_reported(row, message):
    with pytest.raises(Refused) as caught:
        import_directory(xlsx_bytes([*GOOD_ROWS, row]), "x.xlsx")
    assert any(error.startswith(message) for error in caught.value.details), caught.value.details
    assert OrgNode.objects.count() == 0


def test_import_directory_rejects_other_formats_and_damaged_files():
    with pytest.raises(Refused):
        import_directory(b"not a workbook", "x.xlsx")
    with pytest.raises(Refused):
        import_directory(b"a,b", "x.txt")


def test_export_directory_round_trips_through_import():
    import_directory(xlsx_bytes(GOOD_ROWS), "目录.xlsx")
    buffer = io.BytesIO()
    DirectoryExporter().write_xlsx(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["单位全称", "简称", "类型", "上级单位"]
    assert len(rows) == 8
    result = import_directory(buffer.getvalue(), "again.xlsx")
    assert result == {"created": 0, "updated": 7}


def test_subtree_and_ancestor_queries(org):
    subtree = set(OrgNode.objects.subtree(org.city_a).values_list("name", flat=True))
    assert subtree == {org.city_a.name, org.county_a1.name, org.unit_a1a.name, org.unit_a1b.name, org.unit_a0.name}
    assert org.unit_a1a.is_within(org.city_a) and not org.unit_b1a.is_within(org.city_a)
    assert org.unit_a0.first_review_union is None  # a city-level unit skips the county tier
    assert org.unit_a0.selection_union == org.city_a
    assert org.unit_ga.selection_union == org.industry
    assert [n.pk for n in org.unit_a1a.ancestors()] == [org.province.pk, org.city_a.pk, org.county_a1.pk,
                                                         org.unit_a1a.pk]


def test_moving_a_node_updates_its_descendants(org):
    org.county_a1.parent = org.city_b
    org.county_a1.save()
    org.unit_a1a.refresh_from_db()
    assert org.unit_a1a.selection_union == org.city_b
    assert org.unit_a1a.path.startswith(org.city_b.path)


def test_orgnode_clean_refuses_a_unit_under_the_province(org):
    from django.core.exceptions import ValidationError

    node = OrgNode(name="某公司", kind=NodeKind.UNIT, parent=org.province)
    with pytest.raises(ValidationError):
        node.full_clean()


def test_unit_search_returns_only_units_matching(client, org):
    response = client.get("/directory/units/", {"q": "甲市一区"})
    names = [item["name"] for item in response.json()["results"]]
    assert names == sorted([org.unit_a1a.name, org.unit_a1b.name])


def test_import_directory_command_imports_and_export_command_writes(tmp_path):
    from django.core.management import call_command

    source = tmp_path / "目录.xlsx"
    source.write_bytes(xlsx_bytes(GOOD_ROWS))
    call_command("import_directory", str(source))
    assert OrgNode.objects.count() == 7
    target = tmp_path / "out.csv"
    call_command("export_directory", str(target))
    text = target.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "单位全称,简称,类型,上级单位"
    assert "太原市小店区恒安机械制造有限公司" in text


def test_import_directory_command_bad_file_fails_and_imports_nothing(tmp_path):
    from django.core.management import CommandError, call_command

    source = tmp_path / "bad.xlsx"
    source.write_bytes(xlsx_bytes([*GOOD_ROWS, ["某公司", "", "基层单位", "无此单位"]]))
    with pytest.raises(CommandError):
        call_command("import_directory", str(source))
    assert OrgNode.objects.count() == 0


def test_export_neutralises_formula_cells():
    from portal.exports.base import neutralise

    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("@SUM") == "'@SUM"
    assert neutralise("正常文本") == "正常文本"
    assert neutralise(5) == 5
