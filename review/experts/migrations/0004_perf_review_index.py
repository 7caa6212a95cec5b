"""A partial covering index of the entries in the provincial review (PostgreSQL only).

The experts' dashboard, assignments, panel and loads read the scope `campaign, state = province
recommended, tier = province` several times per view (review.experts.selectors.entries_in_review and the
committee's scope): about 5 % of a campaign's entries, scattered over the table. Without this index each
read walks the campaign's range of a (campaign, union, tier, state) index and fetches every row from the
table (~4 ms idle, 11–45 ms under load at 100,000 entries); with it, an index-only scan of the review's
rows (~1 ms). It sits here, with the queries that need it, because only the experts' pages read this
scope; the values are EntryState.PROVINCE_RECOMMENDED and Tier.PROVINCE, frozen as a migration freezes
them. SQLite (development, tests) has no INCLUDE and does not need it.
"""

from django.db import migrations

INDEX = "experts_entry_in_review"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON submissions_entry (campaign_id, id) "
        "INCLUDE (state, author_id, selection_union_id, submitted_at, title) "
        "WHERE state = 'province_recommended' AND tier = 3")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("experts", "0003_move_expertassignment"),
        ("submissions", "0002_move_expertassignment"),
    ]

    operations = [migrations.RunPython(create, drop)]
