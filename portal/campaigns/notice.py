"""The campaign as the 2025 provincial notice (晋工发〔2025〕17号) defines it, as data."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from portal.campaigns.enums import AwardKind, PhaseKind
from portal.campaigns.models import AwardLevel, Campaign, HazardCategory, Industry, Phase

TZ = ZoneInfo("Asia/Shanghai")

HAZARD_CATEGORIES = ["人的不安全行为", "物的不安全状态", "环境的不安全因素", "危害职业健康的因素"]

# (group, name): the notice's 突出行业, then 新业态 and 民生安全 fields, then 其他.
INDUSTRIES = [
    *[("", name) for name in ["煤矿", "危化", "非煤矿山", "电力", "冶金", "有色", "建材", "机械", "轻工", "纺织",
                              "烟草", "商贸", "学校"]],
    ("新业态", "快递员"), ("新业态", "网约车"), ("新业态", "货车司机"),
    ("民生安全", "消防"), ("民生安全", "燃气"), ("民生安全", "住房"),
    ("", "其他"),
]

# The notice says only "设组织奖和作品奖等若干奖项"; these counts are a starting point for the committee.
WORK_AWARDS = [("一等奖", 10), ("二等奖", 20), ("三等奖", 30), ("优秀奖", 60)]
ORGANISATION_AWARDS = [("组织奖", 10)]

CONTACT = ("联系人：李军、郭亮　电话：0351-8380560　邮箱：sxszghlbb@126.com\n"
           "地址：山西省太原市杏花岭区东缉虎营1号，山西省总工会劳动保护部")


def notice_phases(year: int) -> dict[str, tuple[datetime, datetime]]:
    """Phase windows of the notice: 5月部署, 6–8月基层开展和初评, 甄选, 9月30日前推荐, 10月专家评审, 然后发布."""

    def day(month, dom):
        return datetime(year, month, dom, tzinfo=TZ)

    return {
        PhaseKind.SUBMISSION: (day(5, 1), day(9, 1)),
        PhaseKind.FIRST_REVIEW: (day(6, 1), day(9, 1)),
        PhaseKind.SELECTION: (day(6, 1), day(10, 1)),
        # "9月30日前": the whole of 30 September counts, so the deadline is the start of 1 October.
        PhaseKind.RECOMMENDATION: (day(9, 1), day(10, 1)),
        PhaseKind.EXPERT_REVIEW: (day(10, 1), day(11, 1)),
        PhaseKind.PUBLICATION: (day(11, 1), day(12, 31)),
    }


def open_phases(now: datetime) -> dict[str, tuple[datetime, datetime]]:
    """Every phase open around `now`: for the demo and tests, where every role must be able to act."""
    return {kind: (now - timedelta(days=30), now + timedelta(days=60)) for kind in PhaseKind.values}


@transaction.atomic
def ensure_notice_campaign(*, year: int = 2025, slug: str = "suishoupai-4", phases=None,
                           make_current: bool = True) -> Campaign:
    """Create (or complete) the 第四届 campaign from the notice; running it again changes nothing."""
    campaign, _created = Campaign.objects.get_or_create(slug=slug, defaults={
        "title": "第四届全省职工安全隐患和职业危害“随手拍”活动",
        "year": year,
        "theme": "人人讲安全、个个会应急—查找身边安全隐患",
        "notice_reference": "晋工发〔2025〕17号",
        "contact": CONTACT,
    })
    if make_current and not campaign.is_current:
        Campaign.objects.filter(is_current=True).exclude(pk=campaign.pk).update(is_current=False)
        campaign.is_current = True
        campaign.save(update_fields=["is_current"])
    for kind, (start, end) in (phases or notice_phases(year)).items():
        Phase.objects.get_or_create(campaign=campaign, kind=kind, defaults={"starts_at": start, "ends_at": end})
    for order, name in enumerate(HAZARD_CATEGORIES):
        HazardCategory.objects.get_or_create(campaign=campaign, name=name, defaults={"order": order})
    for order, (group, name) in enumerate(INDUSTRIES):
        Industry.objects.get_or_create(campaign=campaign, name=name, defaults={"group": group, "order": order})
    for kind, levels in ((AwardKind.WORK, WORK_AWARDS), (AwardKind.ORGANISATION, ORGANISATION_AWARDS)):
        for rank, (name, count) in enumerate(levels, start=1):
            AwardLevel.objects.get_or_create(campaign=campaign, kind=kind, name=name,
                                             defaults={"rank": rank, "count": count})
    return campaign
