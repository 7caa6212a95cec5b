"""The seeds as data: seed 003's (石家庄 2021) calendar of 系列活动 with their months and the "十个一" list,
and a default 考核评分表 whose sections follow that calendar and the programmes the portal holds (the seed
gives no score sheet: the committee edits or replaces this version in the admin). Loaded by the data
migration (0002) and by the tests after a flush."""

from ankang.enums import ActivityCount, ActivityGroup, ConditionKind, Indicator, ScoreItemKind

CALENDAR = {"name": "石家庄市“安康杯”竞赛系列活动", "version": "2021",
            "basis": "石家庄市总工会办公室关于开展“安康杯”竞赛系列活动的意见（石工办字〔2021〕27号）"}

# (code, number, name, short name, start month, end month, description) — seed 003 二、1–6.
SERIES = [
    ("wujin", 1, "深化安全生产宣传“五进”活动月", "五进", 8, 8,
     "进企业、进社区、进家庭、进校园、进农村；集中宣传安全生产政策法规、应急避险和自救互救方法。"),
    ("training", 2, "安全生产知识和技能培训", "培训", 8, 9,
     "举办职工安全生产知识培训班，把高危行业、职业危害较重的岗位群体作为重点培训对象，进行全员培训。"),
    ("quiz", 3, "安全生产知识竞赛", "知识竞赛", 7, 9,
     "组织职工参加“安康杯”职工安全应急技能知识竞赛答题活动。"),
    ("cooling", 4, "“送清凉”活动", "送清凉", 7, 8,
     "向露天、高温作业岗位和防疫一线职工送清凉物资、送政策宣传、送健康体检、送法律维权、送健康培训。"),
    ("patrol", 5, "安全生产巡查", "巡查", 8, 12,
     "组织企业安全生产检查员开展经常性巡查，组织职工代表定期开展巡查，并向职代会报告工作。"),
    ("snapshot", 6, "职工“随手拍”征集活动", "随手拍", 9, 9,
     "组织动员职工立足本职岗位开展安全生产隐患“随手拍”活动；活动开展情况列入“安康杯”竞赛先进推荐表彰内容。"),
    ("contract", 7, "督导签订履行安全卫生专项集体合同", "专项合同", 11, 12,
     "督促企业签订劳动保护专项集体合同，定期组织职工代表督导检查合同履约率。"),
]

# The "十个一" of seed 003 二、1 (under the 五进 month, "结合实际需要": no months of their own).
TEN_ONES = [
    ("party_lecture", "讲一次党课", "党课"),
    ("warning_education", "开展一次警示教育", "警示教育"),
    ("drill", "组织一次应急演练", "应急演练"),
    ("handbooks", "赠送一批应急与安全知识手册", "赠送手册"),
    ("signing", "开展一次安全生产签名", "签名"),
    ("violation", "纠正一次违章行为", "纠正违章"),
    ("safety_officer_day", "当一天安全员", "当安全员"),
    ("accident_lesson", "忆一次事故教训", "忆教训"),
    ("suggestion", "提一条合理化建议", "合理化建议"),
    ("method", "提一条安全生产特色工作法", "特色工作法"),
]

# Seed 003: "“安康杯”竞赛活动开展情况，请于12月15日前报市总劳动和经济工作部" — the report's default due day
# (month, day) when the province opens a competition without an earlier one to copy.
REPORT_DUE = (12, 15)

# What the calendar's activity types count as in the 查保促 returns (returns.hints_registry): the 十个一's
# 组织一次应急演练 is 附件2 item 4's 应急演练, the 系列活动 安全生产知识和技能培训 is 附件1's 安全生产培训.
COUNTS_AS = {"drill": ActivityCount.DRILL, "training": ActivityCount.TRAINING}

SCORE_TEMPLATE = {"name": "“安康杯”竞赛考核评分表", "version": "默认",
                  "title": "“安康杯”竞赛考核评分表",
                  "note": "默认版本：考核部分按竞赛系列活动安排和平台已有数据设置，组委会可在后台修改或另建版本。"}

# (section number, section name, [(item number, text, standard, points, indicator)])
SECTIONS = [
    (1, "组织领导", [
        (1, "建立竞赛领导机构，制定竞赛活动时间表和路线图", "有机构、有方案、有分工得满分。", 8, Indicator.NONE),
        (2, "竞赛向基层、班组延伸", "班组参赛并以班组为单位开展活动。", 7, Indicator.NONE),
    ]),
    (2, "系列活动", [
        (3, "宣传“五进”活动月和“十个一”活动", "按活动安排开展并有记录、佐证。", 10, Indicator.ACTIVITY_COVERAGE),
        (4, "安全生产知识和技能培训", "开展全员培训，重点岗位全覆盖。", 8, Indicator.NONE),
        (5, "组织参加安全生产知识竞赛", "组织职工参加答题活动。", 5, Indicator.NONE),
        (6, "“送清凉”活动", "针对露天、高温作业岗位开展。", 5, Indicator.NONE),
        (7, "签订履行安全卫生专项集体合同", "签订并定期督导检查履约。", 7, Indicator.NONE),
    ]),
    (3, "隐患排查治理", [
        (8, "职工“随手拍”征集活动", "组织职工参与，报送作品。", 8, Indicator.ENTRIES),
        (9, "隐患台账整改销号", "按销号率计分。", 10, Indicator.LEDGER_CLOSURE),
        (10, "隐患按期整改", "每有一项逾期未整改的隐患扣2分，扣完为止。", 6, Indicator.OVERDUE_HAZARDS),
        (11, "安全生产巡查和工会检查", "经常性巡查并向职代会报告。", 6, Indicator.INSPECTION_COMPLIANCE),
    ]),
    (4, "“查保促”与群众监督", [
        (12, "“查保促”报表按时报送", "按期报送得满分。", 6, Indicator.RETURNS_ON_TIME),
        (13, "“查保促”自查情况", "按自查表得分率计分。", 8, Indicator.RETURN_SELF_SCORE),
        (14, "有奖举报核查处理", "举报件按期核查处理。", 6, Indicator.TIPS_VERIFIED),
    ]),
]
BONUS = [
    (1, "“随手拍”作品获奖", "每件获奖作品加1分。", 3, Indicator.AWARDS),
    (2, "举报奖励兑现", "举报奖励及时发放。", 2, Indicator.TIP_REWARDS),
    (3, "探索互联网+“安康杯”竞赛形式", "有创新做法并取得成效。", 3, Indicator.NONE),
]
VETOES = [
    (1, "竞赛期间发生重伤及以上生产安全事故"),
    (2, "竞赛期间发生职业病危害事故"),
    (3, "存在重大事故隐患逾期未整改"),
    (4, "申报材料弄虚作假"),
]
CONDITIONS = [(ConditionKind.TOTAL_MIN, 80), (ConditionKind.SECTION_SHARE_MIN, 80)]

# 等次 a competition starts with (the province may give one when listing; editable per competition). Seed 003
# names no grades of its own: these are the 随手拍 campaign's tier grades, which the first version used.
GRADES = [("first", 1, "一等"), ("second", 2, "二等"), ("third", 3, "三等")]


def seed(apps, schema_editor=None) -> None:
    """Create the calendar and the default score template unless they exist (idempotent)."""
    seed_calendar(apps)
    seed_score_template(apps)
    # Migration 0002 runs this on the model as it was before the flag (0004 flags the types then).
    if any(field.name == "counts_as" for field in apps.get_model("ankang", "ActivityType")._meta.get_fields()):
        flag_counted_types(apps)


def seed_grades(apps, competition) -> None:
    """Give `competition` the default 等次 unless it has some (the migration, new competitions, the demo)."""
    AwardGrade = apps.get_model("ankang", "AwardGrade")
    if AwardGrade.objects.filter(competition=competition).exists():
        return
    AwardGrade.objects.bulk_create([AwardGrade(competition_id=competition.pk, code=code, rank=rank, name=name)
                                    for code, rank, name in GRADES])


def seed_calendar(apps) -> None:
    CalendarTemplate = apps.get_model("ankang", "CalendarTemplate")
    ActivityType = apps.get_model("ankang", "ActivityType")
    calendar, created = CalendarTemplate.objects.get_or_create(
        name=CALENDAR["name"], version=CALENDAR["version"], defaults={"basis": CALENDAR["basis"]})
    if not created:
        return
    parent = None
    for code, number, name, short, start, end, description in SERIES:
        row = ActivityType.objects.create(template=calendar, code=code, number=number, group=ActivityGroup.SERIES,
                                          name=name, short_name=short, start_month=start, end_month=end,
                                          description=description)
        parent = parent or row  # the first, 五进, holds the 十个一
    for number, (code, name, short) in enumerate(TEN_ONES, start=1):
        ActivityType.objects.create(template=calendar, code=code, number=number, group=ActivityGroup.TEN_ONES,
                                    parent=parent, name=name, short_name=short,
                                    description="“十个一”活动，结合实际需要开展。")


def flag_counted_types(apps, schema_editor=None) -> None:
    """Mark the seeded calendar's types that count in the 查保促 returns (COUNTS_AS), where still unmarked."""
    ActivityType = apps.get_model("ankang", "ActivityType")
    for code, counts_as in COUNTS_AS.items():
        ActivityType.objects.filter(template__name=CALENDAR["name"], template__version=CALENDAR["version"], code=code,
                                    counts_as="").update(counts_as=counts_as)


def seed_score_template(apps) -> None:
    ScoreTemplate = apps.get_model("ankang", "ScoreTemplate")
    ScoreSection = apps.get_model("ankang", "ScoreSection")
    ScoreItem = apps.get_model("ankang", "ScoreItem")
    VetoItem = apps.get_model("ankang", "VetoItem")
    BaseCondition = apps.get_model("ankang", "BaseCondition")
    template, created = ScoreTemplate.objects.get_or_create(
        name=SCORE_TEMPLATE["name"], version=SCORE_TEMPLATE["version"],
        defaults={"title": SCORE_TEMPLATE["title"], "note": SCORE_TEMPLATE["note"]})
    if not created:
        return
    for number, name, items in SECTIONS:
        section = ScoreSection.objects.create(template=template, number=number, name=name)
        for item_number, text, standard, points, indicator in items:
            ScoreItem.objects.create(template=template, section=section, kind=ScoreItemKind.SCORED,
                                     number=item_number, text=text, standard=standard, max_points=points,
                                     indicator=indicator)
    for number, text, standard, points, indicator in BONUS:
        ScoreItem.objects.create(template=template, kind=ScoreItemKind.BONUS, number=number, text=text,
                                 standard=standard, max_points=points, indicator=indicator)
    for number, text in VETOES:
        VetoItem.objects.create(template=template, number=number, text=text)
    for kind, value in CONDITIONS:
        BaseCondition.objects.create(template=template, kind=kind, value=value)
