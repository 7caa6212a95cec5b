"""Migration ankang/0005: the enrolments' and records' 车间/班组 texts become directory nodes under the unit,
an existing node of that name reused."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ankang.seed_data import seed

BEFORE = [("ankang", "0004_activity_type_counts_as")]
AFTER = [("ankang", "0005_enrolment_team_nodes")]


def migrate_to(target):
    """The historical apps after migrating the database to `target` (None: the latest migrations)."""
    executor = MigrationExecutor(connection)
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _node(OrgNode, name, kind, parent=None, short_name=""):
    node = OrgNode.objects.create(name=name, short_name=short_name, kind=kind, parent=parent, channel="territorial")
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.depth = node.path.count("/") - 2
    node.save()
    return node


def _old_rows(apps):
    OrgNode = apps.get_model("directory", "OrgNode")
    seed(apps)  # (again: an earlier transactional test may have flushed the data migration's rows)
    province = _node(OrgNode, "甲省总工会", "province")
    unit = _node(OrgNode, "甲省安泰机械有限公司", "unit", province)
    workshop = _node(OrgNode, "甲省安泰机械有限公司机加工车间", "workshop", unit, "机加工车间")
    day = datetime.date(2026, 6, 1)
    competition = apps.get_model("ankang", "Competition").objects.create(
        name="竞赛", cycle="2026年度", year=2026, place=province, organisers="省总工会", theme="主题",
        calendar=apps.get_model("ankang", "CalendarTemplate").objects.first(),
        score_template=apps.get_model("ankang", "ScoreTemplate").objects.first(), starts_on=day, ends_on=day,
        enrol_closes_on=day, records_close_on=day, self_score_closes_on=day, review_closes_on=day, report_due_on=day)
    Enrolment = apps.get_model("ankang", "Enrolment")
    unit_row = Enrolment.objects.create(competition=competition, unit=unit, kind="unit")
    team_row = Enrolment.objects.create(competition=competition, unit=unit, kind="team", workshop="机加工车间",
                                        team="甲班")
    apps.get_model("ankang", "ActivityRecord").objects.create(
        competition=competition, unit=unit, enrolment=unit_row, level="workshop", workshop=" 机加工车间", team="",
        activity_type=apps.get_model("ankang", "ActivityType").objects.first(), held_on=day, place="车间",
        participants=3, description="x")
    return workshop, team_row


@pytest.mark.django_db(transaction=True)
def test_migration_turns_texts_into_nodes_and_back():
    workshop, team_row = _old_rows(migrate_to(BEFORE))

    apps = migrate_to(AFTER)
    enrolment = apps.get_model("ankang", "Enrolment").objects.select_related("team").get(pk=team_row.pk)
    assert enrolment.workshop_id == workshop.pk  # the existing 车间 node, matched by its name
    assert (enrolment.team.short_name, enrolment.team.kind, enrolment.team.parent_id) == ("甲班", "team", workshop.pk)
    assert enrolment.team.path == f"{workshop.path}{enrolment.team.pk}/"
    row = apps.get_model("ankang", "ActivityRecord").objects.get()
    assert (row.workshop_id, row.team_id) == (workshop.pk, None)
    assert apps.get_model("ankang", "Enrolment").objects.get(kind="unit").team_id is None
    assert apps.get_model("directory", "OrgNode").objects.filter(kind__in=("workshop", "team")).count() == 2

    Enrolment = migrate_to(BEFORE).get_model("ankang", "Enrolment")
    assert (Enrolment.objects.get(pk=team_row.pk).workshop, Enrolment.objects.get(pk=team_row.pk).team) == (
        "机加工车间", "甲班")
    migrate_to(None)


@pytest.mark.django_db(transaction=True)
def test_migration_links_the_nominated_teams_by_name():
    before, after = [("ankang", "0009_inspection_compliance_indicator")], [("ankang", "0010_nomination_team_nodes")]
    _workshop, team_row = _old_rows(migrate_to(BEFORE))
    apps = migrate_to(before)
    Nomination = apps.get_model("ankang", "Nomination")
    common = {"competition_id": team_row.competition_id, "unit_id": team_row.unit_id, "level": "county",
              "kind": "team"}
    known, new = Nomination.objects.create(team="甲班", **common), Nomination.objects.create(team="乙班", **common)

    apps = migrate_to(after)
    Nomination, Enrolment = apps.get_model("ankang", "Nomination"), apps.get_model("ankang", "Enrolment")
    assert Nomination.objects.get(pk=known.pk).team_id == Enrolment.objects.get(pk=team_row.pk).team_id
    created = Nomination.objects.select_related("team").get(pk=new.pk).team
    assert (created.short_name, created.parent_id) == ("乙班", team_row.unit_id)

    Nomination = migrate_to(before).get_model("ankang", "Nomination")
    assert Nomination.objects.get(pk=new.pk).team == "乙班"
    migrate_to(None)
