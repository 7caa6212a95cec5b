"""An index for the rankings ordered in the database (scoring.selectors.Ranking), PostgreSQL only.

The latest unit assessment of every entry is read from a partial, covering index in entry order (an
index-only scan instead of a sort or an anti-join of all unit assessments). It uses INCLUDE and a
descending order that only PostgreSQL's planner uses this way; the model does not declare it, so it
lives here as SQL with no model state (SQLite, used by the tests, does without).
"""

from django.db import migrations

INDEXES = [
    ("scoring_assessment_perf_unit_latest",
     "CREATE INDEX IF NOT EXISTS scoring_assessment_perf_unit_latest ON scoring_assessment "
     "(entry_id, updated_at DESC, id DESC) INCLUDE (d, c, l) WHERE tier = 0"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _name, sql in INDEXES:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _sql in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
