"""Trigram (pg_trgm) GIN indexes for the ledger's search (hazards.search), on PostgreSQL only.

Each index is on the column upper-cased with every character tripled, the expression portal.text_search.Tripled
writes, so that a search of one, two or more characters ("门", "消防", "配电箱") is answered from the indexes
instead of scanning every hazard in scope (docs/perf/hazards.md). SQLite migrates through this as a no-op
and keeps its plain LIKE; the indexes are not part of the model state (one database's detail).

It also keeps finer statistics of hazards.unit_id: with the default 100 most common values PostgreSQL
guessed a small county's ledger from the average unit (4,593 hazards for 100) and walked the whole order
index for its 20 rows; with 2,000 the estimate is exact and the county's rows are fetched by unit.
"""

from django.db import migrations

COLUMNS = ("code", "description", "location")
# Most common units PostgreSQL keeps statistics of (its default is 100).
UNIT_STATISTICS = 2000


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "hazard_search_{column}_trgm" ON "hazards_hazard" '
            f"""USING gin ((regexp_replace(UPPER(("{column}")::text), '(.)', '\\1\\1\\1', 'g')) gin_trgm_ops)""")
    schema_editor.execute(f'ALTER TABLE "hazards_hazard" ALTER COLUMN "unit_id" SET STATISTICS {UNIT_STATISTICS}')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "hazard_search_{column}_trgm"')
    schema_editor.execute('ALTER TABLE "hazards_hazard" ALTER COLUMN "unit_id" SET STATISTICS -1')


class Migration(migrations.Migration):

    dependencies = [
        ("hazards", "0008_ledger_order_index"),
    ]

    # Not TrigramExtension(): unapplying it asks pg_extension even on SQLite, and would drop an extension
    # other things may use; going back drops the indexes only.
    operations = [
        migrations.RunPython(forwards, backwards),
    ]
