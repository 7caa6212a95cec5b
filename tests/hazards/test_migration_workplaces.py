"""Migration hazards/0003: the old 车间/班组 texts become directory nodes under the hazard's unit."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("hazards", "0002_seed_programme")]
AFTER = [("hazards", "0003_workshop_team_nodes")]


def _node(OrgNode, name, kind, parent=None):
    node = OrgNode.objects.create(name=name, kind=kind, parent=parent, channel="territorial")
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.depth = node.path.count("/") - 2
    node.save()
    return node


@pytest.mark.django_db(transaction=True)
def test_migration_turns_texts_into_nodes_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OrgNode = apps.get_model("directory", "OrgNode")
    Hazard = apps.get_model("hazards", "Hazard")
    # (get_or_create: an earlier transactional test may have flushed the seeded programme)
    programme = apps.get_model("hazards", "HazardProgramme").objects.get_or_create(
        is_default=True, defaults={"name": "默认方案"})[0]
    city = _node(OrgNode, "甲市总工会", "city")
    unit = _node(OrgNode, "甲市安泰机械有限公司", "unit", city)
    common = {"programme": programme, "unit": unit, "location": "车间", "category": "management",
              "description": "x", "source": "worker_report"}
    Hazard.objects.create(code="HZ-1", workshop="机加工车间", team="甲班", **common)
    Hazard.objects.create(code="HZ-2", workshop=" 机加工车间", team="", **common)
    Hazard.objects.create(code="HZ-3", workshop="", team="后勤班", **common)
    Hazard.objects.create(code="HZ-4", workshop="", team="", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Hazard = apps.get_model("hazards", "Hazard")
    OrgNode = apps.get_model("directory", "OrgNode")
    by_code = {h.code: h for h in Hazard.objects.select_related("workshop", "team")}
    workshop = by_code["HZ-1"].workshop
    assert (workshop.name, workshop.short_name, workshop.kind) == ("甲市安泰机械有限公司机加工车间", "机加工车间", "workshop")
    assert workshop.path == f"{unit.path}{workshop.pk}/" and workshop.depth == 2
    assert by_code["HZ-1"].team.parent_id == workshop.pk and by_code["HZ-1"].team.short_name == "甲班"
    assert by_code["HZ-2"].workshop_id == workshop.pk and by_code["HZ-2"].team_id is None
    assert by_code["HZ-3"].team.parent_id == unit.pk and by_code["HZ-3"].workshop_id is None
    assert by_code["HZ-4"].workshop_id is None and by_code["HZ-4"].team_id is None
    assert OrgNode.objects.filter(kind__in=("workshop", "team")).count() == 3

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Hazard = executor.loader.project_state(BEFORE).apps.get_model("hazards", "Hazard")
    assert Hazard.objects.get(code="HZ-1").workshop == "机加工车间" and Hazard.objects.get(code="HZ-1").team == "甲班"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
