"""A trigram (pg_trgm) GIN index on the entries' title for the ranking's search (scoring.selectors.
search_entries through portal.text_search), on PostgreSQL only.

Without it a search read every entry of the scope twice (its hits and their count: ~60 ms each at 100,000
entries, docs/perf/scale.md); with it the hits come from the index. SQLite migrates through this as a no-op
and keeps its plain LIKE; the index is not part of the model state (one database's detail).
"""

from django.db import migrations

from portal.text_search import trigram_index_sql

INDEX = "submissions_entry_title_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(trigram_index_sql("submissions_entry", "title", INDEX))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0005_near_duplicates"),
    ]

    # Not TrigramExtension(): see hazards 0009 (unapplying it would drop an extension other things use).
    operations = [
        migrations.RunPython(forwards, backwards),
    ]
