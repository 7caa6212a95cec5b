"""`Enrolment.workshop/team` and `ActivityRecord.workshop/team` become links to 车间/班组 nodes of the directory:
each text is matched by name to (or creates) a node under the row's unit (a 班组 under its 车间 when it has
one), as the ledger's own migration did for hazards (its `_place` is reused); then the text columns are
replaced by the links under the same names. The enrolment's uniqueness becomes one rule per kind."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

WORKSHOP, TEAM = "workshop", "team"
_ledger = importlib.import_module("hazards.migrations.0003_workshop_team_nodes")


def texts_to_nodes(apps, schema_editor):
    OrgNode = apps.get_model("directory", "OrgNode")
    for name in ("Enrolment", "ActivityRecord"):
        model = apps.get_model("ankang", name)
        for row in model.objects.exclude(workshop_text="", team_text="").select_related("unit").order_by("pk"):
            workshop = (_ledger._place(OrgNode, row.unit, WORKSHOP, row.workshop_text)
                        if row.workshop_text.strip() else None)
            team = (_ledger._place(OrgNode, workshop or row.unit, TEAM, row.team_text)
                    if row.team_text.strip() else None)
            model.objects.filter(pk=row.pk).update(workshop_node=workshop, team_node=team)
    _ledger._check_constraints_now(schema_editor)


def nodes_to_texts(apps, schema_editor):
    for name in ("Enrolment", "ActivityRecord"):
        model = apps.get_model("ankang", name)
        for row in model.objects.exclude(workshop_node=None, team_node=None).order_by("pk").select_related("workshop_node",
                                                                                          "team_node"):
            model.objects.filter(pk=row.pk).update(
                workshop_text=(row.workshop_node.short_name or row.workshop_node.name)[:60] if row.workshop_node
                else "",
                team_text=(row.team_node.short_name or row.team_node.name)[:60] if row.team_node else "")
    _ledger._check_constraints_now(schema_editor)


def _link(kind, related_name, label, help_text=""):
    return models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                             related_name=related_name, to="directory.orgnode", verbose_name=label,
                             limit_choices_to={"kind": kind}, help_text=help_text)


class Migration(migrations.Migration):
    dependencies = [
        ("ankang", "0004_activity_type_counts_as"),
        ("directory", "0002_workshop_team_kinds"),
        ("hazards", "0003_workshop_team_nodes"),
    ]

    operations = [
        migrations.RemoveConstraint("enrolment", "unique_ankang_enrolment"),
        *[op for model in ("enrolment", "activityrecord") for op in (
            migrations.RenameField(model, "workshop", "workshop_text"),
            migrations.RenameField(model, "team", "team_text"),
            migrations.AddField(model, "workshop_node", _link(WORKSHOP, "+", "车间")),
        )],
        migrations.AddField("enrolment", "team_node", _link(TEAM, "ankang_team_enrolments", "班组",
                                                            "班组参赛时选择本单位的班组。")),
        migrations.AddField("activityrecord", "team_node", _link(TEAM, "+", "班组")),
        migrations.RunPython(texts_to_nodes, nodes_to_texts),
        *[op for model in ("enrolment", "activityrecord") for op in (
            migrations.RemoveField(model, "workshop_text"),
            migrations.RemoveField(model, "team_text"),
            migrations.RenameField(model, "workshop_node", "workshop"),
            migrations.RenameField(model, "team_node", "team"),
        )],
        migrations.AddConstraint("enrolment", models.UniqueConstraint(
            condition=models.Q(("kind", "unit")), fields=("competition", "unit"), name="unique_ankang_unit_enrolment")),
        migrations.AddConstraint("enrolment", models.UniqueConstraint(
            condition=models.Q(("kind", "team")), fields=("competition", "team"), name="unique_ankang_team_enrolment")),
    ]
