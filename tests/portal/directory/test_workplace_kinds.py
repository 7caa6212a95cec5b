"""车间 and 班组 below a unit: parents, names, import/export columns and the roles held at them."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from portal.directory.enums import NodeKind
from portal.directory.exporting import DirectoryExporter
from portal.directory.importing import import_directory
from portal.directory.models import OrgNode
from portal.refusals import Refused
from tests.factories.accounts import UserFactory
from tests.portal.directory.test_directory import GOOD_ROWS, xlsx_bytes

pytestmark = pytest.mark.django_db

UNIT = "太原市小店区恒安机械制造有限公司"
WORKPLACE_ROWS = [
    [f"{UNIT}甲班", "甲班", "班组", f"{UNIT}机加工车间"],  # before its workshop: placed once it exists
    [f"{UNIT}机加工车间", "机加工车间", "车间", UNIT],
    [f"{UNIT}后勤班", "", "班组", UNIT],  # a team straight under the unit; its own name is derived
]


def test_import_directory_workshops_and_teams_below_units():
    result = import_directory(xlsx_bytes([*GOOD_ROWS, *WORKPLACE_ROWS]), "目录.xlsx")
    assert result["created"] == 10
    team = OrgNode.objects.get(name=f"{UNIT}甲班")
    assert team.kind == NodeKind.TEAM and team.parent.kind == NodeKind.WORKSHOP
    assert team.unit_node.name == UNIT and team.is_workplace
    assert str(team) == "甲班" and str(team.parent) == "机加工车间"
    assert OrgNode.objects.get(name=f"{UNIT}后勤班").short_name == "后勤班"
    unit = OrgNode.objects.get(name=UNIT)
    assert list(OrgNode.objects.workplaces(unit).values_list("short_name", flat=True)) == [
        "机加工车间", "甲班", "后勤班"]
    assert OrgNode.objects.units().filter(name__startswith=UNIT).count() == 1


@pytest.mark.parametrize(("row", "message"), [
    (["某车间", "", "车间", "太原市总工会"], "第9行：车间不能设在市总工会 太原市总工会 之下"),
    (["某班组", "", "班组", "山西省总工会"], "第9行：班组不能设在省总工会 山西省总工会 之下"),
    (["某车间", "", "车间", ""], "第9行：车间必须填写上级单位"),
])
def test_import_directory_workplace_with_wrong_parent_refused(row, message):
    with pytest.raises(Refused) as caught:
        import_directory(xlsx_bytes([*GOOD_ROWS, row]), "x.xlsx")
    assert any(detail.startswith(message) for detail in caught.value.details)
    assert not OrgNode.objects.exists()


def test_import_directory_unit_below_a_workshop_refused():
    rows = [*GOOD_ROWS, *WORKPLACE_ROWS, ["某某有限公司", "", "基层单位", f"{UNIT}机加工车间"]]
    with pytest.raises(Refused):
        import_directory(xlsx_bytes(rows), "x.xlsx")


def test_export_directory_lists_workplace_kinds_and_reimports():
    import_directory(xlsx_bytes([*GOOD_ROWS, *WORKPLACE_ROWS]), "目录.xlsx")
    buffer = io.BytesIO()
    DirectoryExporter().write_xlsx(buffer)
    rows = [[cell or "" for cell in row] for row in load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(
        values_only=True)]
    assert [f"{UNIT}甲班", "甲班", "班组", f"{UNIT}机加工车间"] in rows
    header = next(index for index, row in enumerate(rows) if row[:1] == ["单位全称"])
    assert import_directory(xlsx_bytes(rows[header:]), "again.xlsx") == {"created": 0, "updated": 10}


def test_orgnode_clean_workplace_parents(org):
    workshop = OrgNode(name="甲市一区安泰机械有限公司铸造车间", kind=NodeKind.WORKSHOP, parent=org.unit_a1a)
    workshop.full_clean()
    assert workshop.short_name == "铸造车间"
    workshop.save()
    with pytest.raises(ValidationError):
        OrgNode(name="错误车间", kind=NodeKind.WORKSHOP, parent=org.county_a1).full_clean()
    team = OrgNode.objects.create(name="铸造车间甲班", short_name="甲班", kind=NodeKind.TEAM, parent=workshop)
    workshop.kind = NodeKind.TEAM  # a team cannot hold a team
    with pytest.raises(ValidationError):
        workshop.full_clean()
    assert team.path.startswith(org.unit_a1a.path) and team.channel == org.unit_a1a.channel


@pytest.mark.parametrize(("kind", "node_kind", "allowed"), [
    (RoleKind.TEAM_LEADER, NodeKind.TEAM, True), (RoleKind.TEAM_LEADER, NodeKind.WORKSHOP, False),
    (RoleKind.WORKSHOP_HEAD, NodeKind.WORKSHOP, True), (RoleKind.WORKSHOP_HEAD, NodeKind.TEAM, False),
    (RoleKind.SAFETY_OFFICER, NodeKind.WORKSHOP, False), (RoleKind.WORKER, NodeKind.TEAM, False),
    (RoleKind.TEAM_LEADER, NodeKind.UNIT, True),
])
def test_role_at_workplace_nodes(org, kind, node_kind, allowed):
    workshop = OrgNode.objects.create(name="机加工车间全称", short_name="机加工车间", kind=NodeKind.WORKSHOP,
                                      parent=org.unit_a1a)
    nodes = {NodeKind.UNIT: org.unit_a1a, NodeKind.WORKSHOP: workshop,
             NodeKind.TEAM: OrgNode.objects.create(name="甲班全称", kind=NodeKind.TEAM, parent=workshop)}
    role = Role(user=UserFactory(), kind=kind, node=nodes[node_kind])
    if allowed:
        role.full_clean()
    else:
        with pytest.raises(ValidationError):
            role.full_clean()
