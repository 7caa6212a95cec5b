"""The default tip programme (the 2012 举报奖励办法's clocks: verify in 60 days, one extension of ≤ 30 days,
the result told within 10 days; a 60-day claim window; 2 reward reviewers) and the national reward rules
of 《安全生产领域举报奖励办法》(安监总财〔2018〕19号), plus a local 一般隐患 example (高平 2025: 300–500元,
real name). All of it is data the committee edits in the admin; a local rule is bound to its place there."""

import datetime
from decimal import Decimal

from django.db import migrations

NATIONAL = "安监总财〔2018〕19号"
NATIONAL_FROM = datetime.date(2018, 1, 4)
PER_DEATH = {"general": 30000, "serious": 40000, "major": 50000, "especially_major": 60000}


def seed(apps, schema_editor):
    TipProgramme = apps.get_model("tips", "TipProgramme")
    RewardRule = apps.get_model("tips", "RewardRule")
    if not TipProgramme.objects.filter(is_default=True).exists():
        TipProgramme.objects.create(name="安全生产举报受理（默认方案）", is_default=True)
    if RewardRule.objects.exists():
        return
    for matter in ("major_hazard", "violation"):
        RewardRule.objects.create(name=NATIONAL, matter=matter, valid_from=NATIONAL_FROM, basis="fine_percent",
                                  percent=Decimal("15"), min_amount=Decimal("3000"), max_amount=Decimal("300000"),
                                  cap=Decimal("300000"))
    RewardRule.objects.create(name=NATIONAL, matter="concealed_accident", valid_from=NATIONAL_FROM,
                              basis="per_death", per_death=PER_DEATH, cap=Decimal("300000"))
    RewardRule.objects.create(name="一般隐患举报奖励（地方规则示例：高平2025）", matter="general_hazard",
                              valid_from=datetime.date(2025, 1, 1), basis="fixed_range", min_amount=Decimal("300"),
                              max_amount=Decimal("500"), real_name_required=True)


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
