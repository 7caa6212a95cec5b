"""The default programme (原安监总局令第16号 and seed 004 defaults) and the first clauses of the criteria
library: the general (管理类) clauses of 工贸企业重大事故隐患判定标准 (应急管理部令第10号, 2023), article 3.
Both are data the committee edits in the admin; the sector clauses are added there."""

from django.db import migrations

STANDARD = "工贸企业重大事故隐患判定标准（应急管理部令第10号）"
CLAUSES = [
    ("第三条第（一）项", "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。"),
    ("第三条第（二）项", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的。"),
    ("第三条第（三）项", "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的。"),
]


def seed(apps, schema_editor):
    HazardProgramme = apps.get_model("hazards", "HazardProgramme")
    MajorHazardCriterion = apps.get_model("hazards", "MajorHazardCriterion")
    if not HazardProgramme.objects.filter(is_default=True).exists():
        HazardProgramme.objects.create(name="隐患排查治理（默认方案）", is_default=True)
    for order, (clause, text) in enumerate(CLAUSES, start=1):
        MajorHazardCriterion.objects.get_or_create(standard=STANDARD, clause=clause,
                                                   defaults={"text": text, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
