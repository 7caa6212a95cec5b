"""The report reminders: a schedule of reminder days as data of each competition (reminder_days, e.g. "7,3,1";
an existing competition keeps its remind_days and adds the last day before the due date), and one
ReportReminder row per union and reminder day instead of a reminder every day of the window. The unused
AnnualReport.reminded_on goes."""

import django.db.models.deletion
from django.db import migrations, models

import ankang.models


def days_to_schedule(apps, schema_editor):
    Competition = apps.get_model("ankang", "Competition")
    for competition in Competition.objects.order_by("pk"):
        days = sorted({competition.remind_days, 1}, reverse=True)
        Competition.objects.filter(pk=competition.pk).update(reminder_days=",".join(str(day) for day in days))


def schedule_to_days(apps, schema_editor):
    Competition = apps.get_model("ankang", "Competition")
    for competition in Competition.objects.order_by("pk"):
        days = ankang.models.parse_reminder_days(competition.reminder_days)
        Competition.objects.filter(pk=competition.pk).update(remind_days=max(days, default=7))


class Migration(migrations.Migration):
    dependencies = [
        ("ankang", "0006_award_grades"),
        ("directory", "0002_workshop_team_kinds"),
    ]

    operations = [
        migrations.AddField("competition", "reminder_days", models.CharField(
            default="7,3,1", help_text="逗号分隔的天数，如“7,3,1”：截止前第7、3、1天各提醒一次未报送的工会。",
            max_length=40, validators=[ankang.models.validate_reminder_days], verbose_name="截止前第几天提醒")),
        migrations.RunPython(days_to_schedule, schedule_to_days),
        migrations.RemoveField("competition", "remind_days"),
        migrations.RemoveField("annualreport", "reminded_on"),
        migrations.CreateModel(
            name="ReportReminder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scheduled_on", models.DateField(verbose_name="提醒日")),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="发送时间")),
                ("recipients", models.PositiveSmallIntegerField(default=0, verbose_name="接收人数")),
                ("competition", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                  related_name="report_reminders", to="ankang.competition")),
                ("union", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to="directory.orgnode", verbose_name="工会")),
            ],
            options={"verbose_name": "报告催报记录", "verbose_name_plural": "报告催报记录",
                     "ordering": ["competition", "scheduled_on", "union__path"]},
        ),
        migrations.AddConstraint("reportreminder", models.UniqueConstraint(
            fields=("competition", "union", "scheduled_on"), name="one_ankang_report_reminder_per_day")),
    ]
