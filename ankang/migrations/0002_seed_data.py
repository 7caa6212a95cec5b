"""Seed 003's calendar (系列活动 with their months, the "十个一") and the default 考核评分表, as data the
committee edits in the admin (ankang/seed_data.py)."""

from django.db import migrations

from ankang.seed_data import seed


class Migration(migrations.Migration):
    dependencies = [("ankang", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
