"""A covering index of a campaign's entries, PostgreSQL only.

The ranking (scoring.selectors.Ranking) and the statistics dashboard (review.reports.dashboard) read
every entry of a scope, but only narrow columns: from this index they are read by an index-only scan
instead of the wide table (its texts make a sequential scan read ~10 times more pages). INCLUDE is
PostgreSQL's; the model does not declare the index, so it lives here as SQL with no model state.
"""

from django.db import migrations

NAME = "submissions_entry_perf_campaign_covering"
SQL = (f"CREATE INDEX IF NOT EXISTS {NAME} ON submissions_entry (campaign_id, id) INCLUDE (state, tier, "
       "author_id, submitted_at, unit_id, first_review_union_id, selection_union_id, category_id, industry_id, "
       "unit_score, has_rectification_photos)")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0002_move_expertassignment")]

    operations = [migrations.RunPython(create, drop)]
