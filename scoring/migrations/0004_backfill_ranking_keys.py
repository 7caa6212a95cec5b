"""Fill scoring.RankingKey from the assessments and assignments already stored (scoring.keys computes
the rows, as the services and `manage.py rebuild_ranking_keys` do)."""

from django.db import migrations

from scoring.keys import rebuild_ranking_keys


def backfill(apps, schema_editor):
    rebuild_ranking_keys(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0003_ranking_keys"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
