"""车间/班组 of unit A1a, the people who hold roles there, and the inspection rules' seed."""

import importlib

from hazards import inspections
from hazards.models import InspectionPlan
from portal.accounts.enums import RoleKind
from portal.directory.enums import NodeKind
from tests.factories.accounts import make_user
from tests.factories.directory import OrgNodeFactory
from tests.factories.hazards import ensure_ledger_seed


def ensure_inspection_seed() -> None:
    """The ledger's seed and the default programme's inspection rules (again after a flush)."""
    from django.apps import apps

    ensure_ledger_seed()
    importlib.import_module("hazards.migrations.0005_seed_inspection_rules").seed(apps, None)


def workplace(parent, own_name, kind):
    return OrgNodeFactory(name=f"{parent.name}{own_name}", short_name=own_name, kind=kind, parent=parent)


def workplaces(org) -> dict:
    """Unit A1a: 机加工车间 with 甲班 and 乙班, 装配车间 with 丙班; unit A1b: 仓储车间 with 丁班."""
    machining = workplace(org.unit_a1a, "机加工车间", NodeKind.WORKSHOP)
    assembly = workplace(org.unit_a1a, "装配车间", NodeKind.WORKSHOP)
    storage = workplace(org.unit_a1b, "仓储车间", NodeKind.WORKSHOP)
    return {
        "machining": machining, "assembly": assembly, "storage": storage,
        "team_a": workplace(machining, "甲班", NodeKind.TEAM), "team_b": workplace(machining, "乙班", NodeKind.TEAM),
        "team_c": workplace(assembly, "丙班", NodeKind.TEAM), "team_d": workplace(storage, "丁班", NodeKind.TEAM),
    }


def workplace_people(places) -> dict:
    """A 班组长 of 甲班 and a 车间负责人 of 机加工车间 held at those nodes, and their peers elsewhere."""
    return {
        "leader_a": make_user(RoleKind.TEAM_LEADER, places["team_a"], full_name="甲班班长"),
        "leader_c": make_user(RoleKind.TEAM_LEADER, places["team_c"], full_name="丙班班长"),
        "head_machining": make_user(RoleKind.WORKSHOP_HEAD, places["machining"], full_name="机加工主任"),
        "head_storage": make_user(RoleKind.WORKSHOP_HEAD, places["storage"], full_name="仓储主任"),
    }


def plans_for(org, places, people) -> dict:
    """Plans of unit A1a, 机加工车间, 甲班 and 丙班 (by its safety officer) and unit A1b's 丁班."""
    ensure_inspection_seed()
    make = inspections.create_inspection_plan
    plans = {key: make(node, actor=people["safety"]) for key, node in (
        ("unit", org.unit_a1a), ("machining", places["machining"]), ("team_a", places["team_a"]),
        ("team_c", places["team_c"]))}
    plans["team_d"] = InspectionPlan.objects.create(node=places["team_d"], unit=org.unit_a1b, level="team")
    return plans
