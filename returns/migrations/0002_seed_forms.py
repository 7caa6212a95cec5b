"""附件1's 24 cells, 附件2's 11 items / 21 criteria (57 points) and the default programme's two periods
(seed 001 威海 2020), as data the committee edits in the admin (returns/seed_data.py)."""

from django.db import migrations

from returns.seed_data import seed


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
