"""Migration ankang/0006: each competition gets the default 等次 and each nomination's grade code its row."""

import pytest

from tests.ankang.test_migration_team_nodes import _old_rows, migrate_to

BEFORE = [("ankang", "0005_enrolment_team_nodes")]
AFTER = [("ankang", "0006_award_grades")]


@pytest.mark.django_db(transaction=True)
def test_migration_turns_grade_codes_into_rows_and_back():
    _workshop, team_row = _old_rows(migrate_to([("ankang", "0004_activity_type_counts_as")]))
    apps = migrate_to(BEFORE)
    Nomination = apps.get_model("ankang", "Nomination")
    common = {"competition_id": team_row.competition_id, "unit_id": team_row.unit_id, "level": "province",
              "kind": "unit"}
    graded = Nomination.objects.create(grade="second", state="listed", **common)
    plain = Nomination.objects.create(grade="", **common)

    apps = migrate_to(AFTER)
    Nomination = apps.get_model("ankang", "Nomination")
    assert list(apps.get_model("ankang", "AwardGrade").objects.order_by("rank").values_list("name", flat=True)) == [
        "一等", "二等", "三等"]
    assert Nomination.objects.select_related("grade").get(pk=graded.pk).grade.name == "二等"
    assert Nomination.objects.get(pk=plain.pk).grade_id is None

    Nomination = migrate_to(BEFORE).get_model("ankang", "Nomination")
    assert Nomination.objects.get(pk=graded.pk).grade == "second"
    migrate_to(None)
