"""The default score template's inspection item (11, 安全生产巡查和工会检查) is fed by the four-level
inspection rounds' compliance (hazards.inspections) instead of the count of hazards those checks found."""

from django.db import migrations, models

from ankang.seed_data import SCORE_TEMPLATE


def _switch(apps, old, new):
    apps.get_model("ankang", "ScoreItem").objects.filter(
        template__name=SCORE_TEMPLATE["name"], template__version=SCORE_TEMPLATE["version"], indicator=old,
    ).update(indicator=new)


def to_compliance(apps, schema_editor):
    _switch(apps, "inspection_findings", "inspection_compliance")


def to_findings(apps, schema_editor):
    _switch(apps, "inspection_compliance", "inspection_findings")


class Migration(migrations.Migration):

    dependencies = [
        ('ankang', '0008_evidence_kind'),
    ]

    operations = [
        migrations.AlterField(
            model_name='scoreitem',
            name='indicator',
            field=models.CharField(blank=True, choices=[('', '无'), ('entries', '随手拍作品数'), ('awards', '随手拍获奖作品数'), ('ledger_closure', '隐患台账销号率'), ('overdue_hazards', '逾期未整改隐患数'), ('inspection_findings', '巡查及工会检查发现隐患数'), ('inspection_compliance', '四级巡查计划执行率'), ('tips_verified', '举报核查属实数'), ('tip_rewards', '举报奖励发放（件/元）'), ('returns_on_time', '查保促报表按时报送'), ('return_self_score', '查保促自查表得分'), ('activity_coverage', '系列活动覆盖')], help_text='评分时在本项旁显示的系统数据。', max_length=24, verbose_name='系统数据'),
        ),
        migrations.RunPython(to_compliance, to_findings),
    ]
