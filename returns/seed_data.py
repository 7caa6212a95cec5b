"""The seed's forms as data (seed 001 威海 2020): 附件1's 24 cells with where each comes from at each level,
附件2's 11 items with 21 scored criteria (57 points), and the default programme's two periods. Loaded by
the data migration (0002) and by the tests after a flush; the committee edits them in the admin."""

from returns.enums import CellSource as S
from returns.enums import CellUnit, CriterionHint

STAT_TEMPLATE = {"name": "威海市查保促", "version": "2020", "title": "“查保促”工作情况统计表",
                 "note": "注：各区市总工会、市直各单位工会请分别于6月1日、11月30日前，将此表上报市总工会生产部；"}

E, C, Y = "enterprise_source", "county_source", "city_source"
# (code, label, row, column, unit, sub_of, chemical, full_width, sources)
STAT_CELLS = [
    ("units", "组织开展“查保促”工作企事业单位数", 1, 1, CellUnit.COUNT, "", False, False, {E: S.SELF_UNIT}),
    ("units_chem", "其中化工行业开展“查保促”工作企业数", 1, 2, CellUnit.COUNT, "units", True, False,
     {E: S.SELF_CHEMICAL_UNIT}),
    ("participants", "参与职工人数", 2, 1, CellUnit.COUNT, "", False, False, {E: S.PARTICIPANTS}),
    ("participants_chem", "其中化工行业参与职工人数", 2, 2, CellUnit.COUNT, "participants", True, False,
     {E: S.PARTICIPANTS}),
    ("trainings", "企业组织开展安全生产培训次数", 3, 1, CellUnit.COUNT, "", False, False, {E: S.ACTIVITY_TRAININGS}),
    ("trainings_chem", "其中化工行业的企业组织开展安全生产培训次数", 3, 2, CellUnit.COUNT, "trainings", True, False,
     {E: S.ACTIVITY_TRAININGS}),
    ("trainees", "接受安全培训职工人数", 4, 1, CellUnit.COUNT, "", False, False, {E: S.ACTIVITY_TRAINEES}),
    ("trainees_chem", "其中化工行业接受安全培训职工人数", 4, 2, CellUnit.COUNT, "trainees", True, False,
     {E: S.ACTIVITY_TRAINEES}),
    ("union_trainings", "县（市、区）以上总工会组织群众性安全生产工作培训次数", 5, 1, CellUnit.COUNT, "", False, False,
     {C: S.TYPED, Y: S.TYPED}),
    ("union_trainees", "参加培训的人数", 5, 2, CellUnit.COUNT, "", False, False, {C: S.TYPED, Y: S.TYPED}),
    ("hazards_found", "查出安全隐患数", 6, 1, CellUnit.COUNT, "", False, False, {E: S.HAZARDS_FOUND}),
    ("hazards_found_chem", "其中化工行业查出安全隐患数", 6, 2, CellUnit.COUNT, "hazards_found", True, False,
     {E: S.HAZARDS_FOUND}),
    ("hazards_rectified", "整改完成安全隐患数", 7, 1, CellUnit.COUNT, "", False, False, {E: S.HAZARDS_RECTIFIED}),
    ("hazards_rectified_chem", "其中化工行业整改完成安全隐患数", 7, 2, CellUnit.COUNT, "hazards_rectified", True, False,
     {E: S.HAZARDS_RECTIFIED}),
    ("city_fund", "市总工会设立“查保促”活动专项奖励资金（万元）", 8, 1, CellUnit.WAN_YUAN, "", False, True,
     {Y: S.TYPED}),
    ("county_unions", "所辖县（市、区）级总工会数量", 9, 1, CellUnit.COUNT, "", False, False, {Y: S.COUNTY_UNIONS}),
    ("county_unions_funded", "设立“查保促”专项奖励资金县（市、区）级总工会数量", 9, 2, CellUnit.COUNT, "county_unions",
     False, False, {C: S.COUNTY_FUND_SET}),
    ("county_fund", "县（市、区）级总工会设立“查保促”专项奖励资金总额（万元）", 10, 1, CellUnit.WAN_YUAN, "", False, True,
     {C: S.TYPED}),
    ("city_rewarded", "市总工会奖励职工人数", 11, 1, CellUnit.COUNT, "", False, False, {Y: S.REWARDED_WORKERS}),
    ("city_rewarded_chem", "其中奖励化工行业职工人数", 11, 2, CellUnit.COUNT, "city_rewarded", True, False,
     {Y: S.REWARDED_WORKERS}),
    ("county_rewarded", "县（市、区）级总工会奖励职工人数", 12, 1, CellUnit.COUNT, "", False, False, {C: S.TYPED}),
    ("county_rewarded_chem", "其中奖励化工行业职工人数", 12, 2, CellUnit.COUNT, "county_rewarded", True, False,
     {C: S.TYPED}),
    ("city_reward_paid", "市总工会发放奖励资金总额（万元）", 13, 1, CellUnit.WAN_YUAN, "", False, False,
     {Y: S.REWARDS_PAID}),
    ("county_reward_paid", "县（市、区）级总工会发放奖励资金总额（万元）", 13, 2, CellUnit.WAN_YUAN, "", False, False,
     {C: S.TYPED}),
]

CHECKLIST_TEMPLATE = {"name": "威海市查保促", "version": "2020", "title": "企业工会开展“查保促”活动自查表"}
# [grade, points, least number of drills recorded for the hint (returns.hints)]
_DRILL_GRADES = [["组织开展2次及以上", 2, 2], ["组织开展1次", 1, 1], ["没有组织开展", 0, 0]]
# (number, section, item text, [(criterion, points, grades, hint)])
CHECKLIST_ITEMS = [
    (1, "动员部署", "结合企业实际制定了本单位年度“查保促”行动方案（1分）；对“查保促”活动进行了动员部署（2分）。", [
        ("结合企业实际制定了本单位年度“查保促”行动方案", 1, [], ""),
        ("对“查保促”活动进行了动员部署", 2, [], "")]),
    (2, "动员部署", "“查保促”活动得到了企业行政的支持，纳入了本单位安全生产体系（2分）。", [
        ("“查保促”活动得到了企业行政的支持，纳入了本单位安全生产体系", 2, [], "")]),
    (3, "教育培训", "督促企业建立并落实安全生产教育培训制度（2分）；开展“六个一”活动（3分）；开展现身说法教育活动（3分）。", [
        ("督促企业建立并落实安全生产教育培训制度", 2, [], ""),
        ("开展“六个一”活动", 3, [], ""),
        ("开展现身说法教育活动", 3, [], "")]),
    (4, "教育培训", "督促企业每年至少组织2次安全生产应急演练（2分）（其中，组织开展2次及以上得2分，组织开展1次得1分，没有组织开展不得分）。", [
        ("督促企业每年至少组织2次安全生产应急演练", 2, _DRILL_GRADES, CriterionHint.DRILLS)]),
    (5, "载体搭建", "将“四查”活动固化为制度，并按制度开展隐患排查（4分）。", [
        ("将“四查”活动固化为制度，并按制度开展隐患排查", 4, [], "")]),
    (6, "载体搭建", "组织开展安全隐患随手拍、安全生产合理化建议征集、班组安全大讲堂等群众性安全生产活动（6分）；"
     "开展活动的有关档案资料齐全（3分）；各类活动载体固化为企业的一项制度，长期开展（3分）。", [
        ("组织开展安全隐患随手拍、安全生产合理化建议征集、班组安全大讲堂等群众性安全生产活动", 6, [],
         CriterionHint.LEDGER_ACTIVITY),
        ("开展活动的有关档案资料齐全", 3, [], ""),
        ("各类活动载体固化为企业的一项制度，长期开展", 3, [], "")]),
    (7, "载体搭建", "积极配合企业行政推广应用“一法三卡”工作法（2分）、推进风险点排查清单、危险源辨识清单的编制（3分）。", [
        ("积极配合企业行政推广应用“一法三卡”工作法", 2, [], ""),
        ("推进风险点排查清单、危险源辨识清单的编制", 3, [], "")]),
    (8, "载体搭建", "督促企业按照有关要求，建立了班组、车间、企业三级事故隐患档案（5分）；对档案实施动态管理（3分）。", [
        ("督促企业按照有关要求，建立了班组、车间、企业三级事故隐患档案", 5, [], CriterionHint.HAZARD_ARCHIVE),
        ("对档案实施动态管理", 3, [], "")]),
    (9, "奖励激励", "督促企业建立“查保促”活动奖励制度（3分）；对职工参与“查保促”活动进行奖励（5分）；对职工进行奖励的档案资料齐全（2分）。", [
        ("督促企业建立“查保促”活动奖励制度", 3, [], ""),
        ("对职工参与“查保促”活动进行奖励", 5, [], CriterionHint.REWARDS),
        ("对职工进行奖励的档案资料齐全", 2, [], "")]),
    (10, "氛围营造", "宣传“查保促”活动典型经验（1分）。", [
        ("宣传“查保促”活动典型经验", 1, [], "")]),
    (11, "氛围营造", "在厂区悬挂“查保促”宣传标语（1分）；在车间、食堂、宿舍等悬挂张贴安全生产宣传标语、挂图、警示语（1分）。", [
        ("在厂区悬挂“查保促”宣传标语", 1, [], ""),
        ("在车间、食堂、宿舍等悬挂张贴安全生产宣传标语、挂图、警示语", 1, [], "")]),
]

PROGRAMME = {"name": "“查保促”活动报送（默认方案）",
             "basis": "威海市总工会、威海市应急管理局《“查身边隐患、保职工安全、促企业发展”活动2020年行动方案》"
                      "四（三）：自查表连同统计表分别加盖单位公章后分别于6月30日、11月30日报市总工会，报送情况作为"
                      "年底先进评选的一项重要内容和主要考核指标。"}
# (number, name, start month/day, end month/day, deadline month/day): the action plan's text (6月30日,
# 11月30日); the note under 附件1 says 6月1日 — edit the period in the admin to follow it instead.
PERIODS = [
    (1, "上半年", (1, 1), (6, 30), (6, 30)),
    (2, "下半年", (7, 1), (11, 30), (11, 30)),
]


def seed(apps, schema_editor=None) -> None:
    """Create the templates and the default programme unless they exist (idempotent)."""
    StatTemplate = apps.get_model("returns", "StatTemplate")
    StatCell = apps.get_model("returns", "StatCell")
    ChecklistTemplate = apps.get_model("returns", "ChecklistTemplate")
    ChecklistItem = apps.get_model("returns", "ChecklistItem")
    ChecklistCriterion = apps.get_model("returns", "ChecklistCriterion")
    ReturnProgramme = apps.get_model("returns", "ReturnProgramme")
    ReturnPeriod = apps.get_model("returns", "ReturnPeriod")

    stat, created = StatTemplate.objects.get_or_create(
        name=STAT_TEMPLATE["name"], version=STAT_TEMPLATE["version"],
        defaults={"title": STAT_TEMPLATE["title"], "note": STAT_TEMPLATE["note"]})
    if created:
        by_code = {}
        for code, label, row, column, unit, sub_of, chemical, full_width, sources in STAT_CELLS:
            by_code[code] = StatCell.objects.create(
                template=stat, code=code, label=label, row=row, column=column, unit=unit,
                sub_of=by_code.get(sub_of), chemical=chemical, full_width=full_width, **sources)
    checklist, created = ChecklistTemplate.objects.get_or_create(
        name=CHECKLIST_TEMPLATE["name"], version=CHECKLIST_TEMPLATE["version"],
        defaults={"title": CHECKLIST_TEMPLATE["title"]})
    if created:
        for number, section, text, criteria in CHECKLIST_ITEMS:
            item = ChecklistItem.objects.create(template=checklist, number=number, section=section, text=text)
            for position, (label, points, grades, hint) in enumerate(criteria, start=1):
                ChecklistCriterion.objects.create(item=item, position=position, text=label, points=points,
                                                  grades=grades, hint=hint)
    if not ReturnProgramme.objects.filter(is_default=True).exists():
        programme = ReturnProgramme.objects.create(name=PROGRAMME["name"], basis=PROGRAMME["basis"], is_default=True,
                                                   stat_template=stat, checklist_template=checklist)
        for number, name, start, end, deadline in PERIODS:
            ReturnPeriod.objects.create(programme=programme, number=number, name=name, start_month=start[0],
                                        start_day=start[1], end_month=end[0], end_day=end[1],
                                        deadline_month=deadline[0], deadline_day=deadline[1])


# The cells whose enterprise value became a proposal from the 安康杯 activity records (migration 0003).
ACTIVITY_CELLS = {code: sources[E] for code, *_rest, sources in STAT_CELLS
                  if sources.get(E) in (S.ACTIVITY_TRAININGS, S.ACTIVITY_TRAINEES)}


def propose_from_activities(apps, schema_editor=None) -> None:
    """The seeded 2020 forms, where not edited since: the training cells are computed from the activity
    records at the enterprise level, and item 4's grades give the least number of drills of each grade."""
    StatCell = apps.get_model("returns", "StatCell")
    ChecklistCriterion = apps.get_model("returns", "ChecklistCriterion")
    for code, source in ACTIVITY_CELLS.items():
        StatCell.objects.filter(template__name=STAT_TEMPLATE["name"], template__version=STAT_TEMPLATE["version"],
                                code=code, enterprise_source=S.TYPED).update(enterprise_source=source)
    for criterion in ChecklistCriterion.objects.filter(
            item__template__name=CHECKLIST_TEMPLATE["name"], item__template__version=CHECKLIST_TEMPLATE["version"],
            hint=CriterionHint.DRILLS):
        if [grade[:2] for grade in criterion.grades] == [grade[:2] for grade in _DRILL_GRADES]:
            criterion.grades = _DRILL_GRADES
            criterion.save(update_fields=["grades"])
