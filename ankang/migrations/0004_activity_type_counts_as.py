"""An activity type says what it counts as in the 查保促 returns (应急演练, 安全生产培训); the seeded calendar's
组织一次应急演练 and 安全生产知识和技能培训 are flagged (ankang/seed_data.py COUNTS_AS)."""

from django.db import migrations, models

from ankang.seed_data import flag_counted_types


class Migration(migrations.Migration):
    dependencies = [("ankang", "0003_nominations")]

    operations = [
        migrations.AddField(
            model_name="activitytype",
            name="counts_as",
            field=models.CharField(blank=True, choices=[("", "不计入"), ("drill", "应急演练"), ("training", "安全生产培训")],
                                   help_text="本类活动记录在“查保促”报表中计为应急演练次数或安全生产培训次数（人数）。",
                                   max_length=10, verbose_name="计入查保促报表"),
        ),
        migrations.RunPython(flag_counted_types, migrations.RunPython.noop),
    ]
