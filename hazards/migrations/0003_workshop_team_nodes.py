"""`Hazard.workshop` / `Hazard.team` become links to 车间/班组 nodes of the directory: each text is matched
to (or creates) a node of that name under the hazard's unit (a team under the hazard's workshop when it has
one), then the text columns are replaced by the links under the same names."""

import django.db.models.deletion
from django.db import migrations, models

WORKSHOP, TEAM = "workshop", "team"


def _place(OrgNode, parent, kind, own_name):
    """The node called `own_name` of `kind` directly under `parent`, created when missing. The historical
    model has no save() logic, so the path, depth and channel are written here as OrgNode.save() would."""
    own_name = own_name.strip()[:60]
    for node in OrgNode.objects.filter(parent=parent, kind=kind):
        if own_name in (node.short_name, node.name):
            return node
    name, suffix = f"{parent.name}{own_name}"[:200], 2
    while OrgNode.objects.filter(name=name).exists():  # the full name must stay unique in the directory
        name, suffix = f"{parent.name}{own_name}（{suffix}）"[:200], suffix + 1
    node = OrgNode.objects.create(name=name, short_name=own_name, kind=kind, parent=parent, channel=parent.channel)
    node.path = f"{parent.path}{node.pk}/"
    node.depth = node.path.count("/") - 2
    node.save(update_fields=["path", "depth"])
    return node


def texts_to_nodes(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    OrgNode = apps.get_model("directory", "OrgNode")
    hazards = Hazard.objects.exclude(workshop_text="", team_text="").select_related("unit")
    for hazard in hazards.iterator():
        workshop = _place(OrgNode, hazard.unit, WORKSHOP, hazard.workshop_text) if hazard.workshop_text.strip() else None
        team = (_place(OrgNode, workshop or hazard.unit, TEAM, hazard.team_text)
                if hazard.team_text.strip() else None)
        Hazard.objects.filter(pk=hazard.pk).update(workshop_node=workshop, team_node=team)
    _check_constraints_now(schema_editor)


def _check_constraints_now(schema_editor):
    # PostgreSQL defers the foreign-key checks of these rows to the commit, and refuses the ALTER TABLEs that
    # follow in this migration's transaction while they are pending: check them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def nodes_to_texts(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    for hazard in Hazard.objects.exclude(workshop_node=None, team_node=None).select_related("workshop_node",
                                                                                         "team_node"):
        Hazard.objects.filter(pk=hazard.pk).update(
            workshop_text=(hazard.workshop_node.short_name or hazard.workshop_node.name)[:60]
            if hazard.workshop_node else "",
            team_text=(hazard.team_node.short_name or hazard.team_node.name)[:60] if hazard.team_node else "")
    _check_constraints_now(schema_editor)


def _link(kind, related_name, label):
    return models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                             related_name=related_name, to="directory.orgnode", verbose_name=label,
                             limit_choices_to={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_workshop_team_kinds"),
        ("hazards", "0002_seed_programme"),
    ]

    operations = [
        migrations.RenameField("hazard", "workshop", "workshop_text"),
        migrations.RenameField("hazard", "team", "team_text"),
        migrations.AddField("hazard", "workshop_node", _link(WORKSHOP, "workshop_hazards", "车间")),
        migrations.AddField("hazard", "team_node", _link(TEAM, "team_hazards", "班组")),
        migrations.RunPython(texts_to_nodes, nodes_to_texts),
        migrations.RemoveField("hazard", "workshop_text"),
        migrations.RemoveField("hazard", "team_text"),
        migrations.RenameField("hazard", "workshop_node", "workshop"),
        migrations.RenameField("hazard", "team_node", "team"),
    ]
