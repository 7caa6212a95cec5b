"""`Nomination.team` (优胜班组) becomes a link to the 班组 node, like the enrolments (0004): each text is
matched by name to a 班组 node under the nomination's unit, or one is created under the unit (the ledger
migration's `_place`); then the text column is replaced by the link under the same name."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

TEAM = "team"
_ledger = importlib.import_module("hazards.migrations.0003_workshop_team_nodes")


def texts_to_nodes(apps, schema_editor):
    OrgNode = apps.get_model("directory", "OrgNode")
    Nomination = apps.get_model("ankang", "Nomination")
    for row in Nomination.objects.exclude(team_text="").select_related("unit").order_by("pk"):
        name = row.team_text.strip()[:60]
        if not name:
            continue
        team = (OrgNode.objects.filter(path__startswith=row.unit.path, kind=TEAM, short_name=name).order_by("pk")
                .first() or _ledger._place(OrgNode, row.unit, TEAM, name))
        Nomination.objects.filter(pk=row.pk).update(team_node=team)
    _ledger._check_constraints_now(schema_editor)


def nodes_to_texts(apps, schema_editor):
    Nomination = apps.get_model("ankang", "Nomination")
    for row in Nomination.objects.exclude(team_node=None).select_related("team_node").order_by("pk"):
        Nomination.objects.filter(pk=row.pk).update(
            team_text=(row.team_node.short_name or row.team_node.name)[:60])
    _ledger._check_constraints_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ankang", "0009_inspection_compliance_indicator"),
        ("directory", "0002_workshop_team_kinds"),
        ("hazards", "0003_workshop_team_nodes"),
    ]

    operations = [
        migrations.RenameField("nomination", "team", "team_text"),
        migrations.AddField("nomination", "team_node", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
            to="directory.orgnode", verbose_name="班组", limit_choices_to={"kind": TEAM},
            help_text="优胜班组：已确认参赛的班组。")),
        migrations.RunPython(texts_to_nodes, nodes_to_texts),
        migrations.RemoveField("nomination", "team_text"),
        migrations.RenameField("nomination", "team_node", "team"),
    ]
