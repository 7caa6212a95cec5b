"""Migration ankang/0005: each competition gets the default 等次 and each nomination's grade code its row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.ankang.test_migration_team_nodes import _old_rows

BEFORE = [("ankang", "0004_enrolment_team_nodes")]
AFTER = [("ankang", "0005_award_grades")]


@pytest.mark.django_db(transaction=True)
def test_migration_turns_grade_codes_into_rows_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate([("ankang", "0003_nominations")])
    _workshop, team_row = _old_rows(executor.loader.project_state([("ankang", "0003_nominations")]).apps)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Nomination = apps.get_model("ankang", "Nomination")
    common = {"competition_id": team_row.competition_id, "unit_id": team_row.unit_id, "level": "province",
              "kind": "unit"}
    graded = Nomination.objects.create(grade="second", state="listed", **common)
    plain = Nomination.objects.create(grade="", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Nomination = apps.get_model("ankang", "Nomination")
    assert list(apps.get_model("ankang", "AwardGrade").objects.order_by("rank").values_list("name", flat=True)) == [
        "一等", "二等", "三等"]
    assert Nomination.objects.select_related("grade").get(pk=graded.pk).grade.name == "二等"
    assert Nomination.objects.get(pk=plain.pk).grade_id is None

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Nomination = executor.loader.project_state(BEFORE).apps.get_model("ankang", "Nomination")
    assert Nomination.objects.get(pk=graded.pk).grade == "second"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
