"""The default programme's inspection levels from seed 004 (烟台, 深化“查保促”): 岗位和班组每天要进行隐患排查，
车间（区、队）每周至少组织1次隐患治理排查，厂（矿）至少每半月组织1次全面隐患治理排查. The checklists are the
points the seed asks workers to check (设备超期使用、技术工艺缺陷、管理制度漏洞、职业危害、“三违”, 重点岗位、重点
环节、重点人员、重点隐患); the committee edits all of it in the admin, per year and place."""

from django.db import migrations

TEAM_ITEMS = [
    "岗位作业人员持证上岗，按操作规程作业，无违章指挥、违章作业、违反劳动纪律（“三违”）现象",
    "设备设施、安全防护装置完好，无超期使用、带病运行",
    "作业现场整洁，安全通道畅通，警示标志齐全",
    "劳动防护用品按规定配备和正确佩戴",
    "重点岗位、重点环节、重点人员落实管控措施",
]
WORKSHOP_ITEMS = [
    *TEAM_ITEMS,
    "技术工艺无缺陷，变更已履行审批",
    "职业危害因素防护设施有效运行",
    "班组隐患排查每日开展，发现的隐患已登记并整改",
]
UNIT_ITEMS = [
    *WORKSHOP_ITEMS,
    "安全生产责任制、管理制度健全，无管理制度漏洞",
    "安全技能培训和事故应急救援演练按计划开展",
    "重大危险源、重点隐患监控和治理措施落实",
    "上期排查发现的隐患已按期整改销号",
]
# (level, interval in days, statistics window in days, checklist)
RULES = [
    ("team", 1, 30, TEAM_ITEMS),
    ("workshop", 7, 28, WORKSHOP_ITEMS),
    ("unit", 15, 90, UNIT_ITEMS),
]


def seed(apps, schema_editor):
    HazardProgramme = apps.get_model("hazards", "HazardProgramme")
    InspectionRule = apps.get_model("hazards", "InspectionRule")
    for programme in HazardProgramme.objects.filter(is_default=True):
        for level, interval, window, items in RULES:
            InspectionRule.objects.get_or_create(programme=programme, level=level, defaults={
                "interval_days": interval, "window_days": window, "checklist": "\n".join(items)})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0004_inspection_rounds")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
