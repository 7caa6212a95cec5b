"""等次 become data of each competition (AwardGrade, started from ankang.seed_data.GRADES) instead of choices:
every existing competition gets the default grades and each nomination's grade code its competition's row."""

import django.db.models.deletion
from django.db import migrations, models

from ankang.seed_data import seed_grades


def codes_to_rows(apps, schema_editor):
    Competition = apps.get_model("ankang", "Competition")
    Nomination = apps.get_model("ankang", "Nomination")
    AwardGrade = apps.get_model("ankang", "AwardGrade")
    for competition in Competition.objects.order_by("pk"):
        seed_grades(apps, competition)
        for grade in AwardGrade.objects.filter(competition=competition):
            Nomination.objects.filter(competition=competition, grade_code=grade.code).update(grade_row=grade)
    if schema_editor.connection.vendor == "postgresql":  # pending FK checks would refuse the ALTERs below
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def rows_to_codes(apps, schema_editor):
    Nomination = apps.get_model("ankang", "Nomination")
    for nomination in Nomination.objects.exclude(grade_row=None).select_related("grade_row").order_by("pk"):
        Nomination.objects.filter(pk=nomination.pk).update(grade_code=nomination.grade_row.code[:10])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("ankang", "0005_enrolment_team_nodes")]

    operations = [
        migrations.CreateModel(
            name="AwardGrade",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, verbose_name="代码")),
                ("rank", models.PositiveSmallIntegerField(help_text="小的在前。", verbose_name="排序")),
                ("name", models.CharField(max_length=20, verbose_name="等次")),
                ("competition", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="grades",
                                                  to="ankang.competition")),
            ],
            options={"verbose_name": "表彰等次", "verbose_name_plural": "表彰等次",
                     "ordering": ["competition", "rank", "id"]},
        ),
        migrations.AddConstraint("awardgrade", models.UniqueConstraint(fields=("competition", "code"),
                                                                       name="unique_ankang_grade_code")),
        migrations.RenameField("nomination", "grade", "grade_code"),
        migrations.AddField("nomination", "grade_row", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
            to="ankang.awardgrade", verbose_name="等次")),
        migrations.RunPython(codes_to_rows, rows_to_codes),
        migrations.RemoveField("nomination", "grade_code"),
        migrations.RenameField("nomination", "grade_row", "grade"),
    ]
