"""Indexes for the rankings ordered in the database (scoring.selectors.Ranking), PostgreSQL only.

- the latest unit assessment of every entry is read from a partial, covering index in entry order
  (an index-only scan instead of a sort or an anti-join of all unit assessments);
- the entries of a campaign are read with the columns a ranking scope filters on from a covering index
  (an index-only scan instead of the wide table).

Both use INCLUDE, which only PostgreSQL has; the models do not declare them (SQLite, used by the tests,
would get a different index), so they live here as SQL with no model state.
"""

from django.db import migrations

INDEXES = [
    ("scoring_assessment_perf_unit_latest",
     "CREATE INDEX IF NOT EXISTS scoring_assessment_perf_unit_latest ON scoring_assessment "
     "(entry_id, updated_at DESC, id DESC) INCLUDE (d, c, l) WHERE tier = 0"),
    ("submissions_entry_perf_ranking",
     "CREATE INDEX IF NOT EXISTS submissions_entry_perf_ranking ON submissions_entry (campaign_id, id) "
     "INCLUDE (state, tier, author_id, submitted_at, unit_id, first_review_union_id, selection_union_id, "
     "category_id, industry_id)"),
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
        ("submissions", "0002_move_expertassignment"),
    ]

    operations = [migrations.RunPython(create, drop)]
