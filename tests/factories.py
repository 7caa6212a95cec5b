from dataclasses import dataclass

import factory
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.campaigns.models import Campaign
from portal.campaigns.notice import ensure_notice_campaign, open_phases
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

PASSWORD = "Pw-for-tests-2025"


class OrgNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgNode

    name = factory.Sequence(lambda n: f"测试单位{n}有限公司")
    kind = NodeKind.UNIT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    phone = "13900000000"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(kind: str | None = None, node: OrgNode | None = None, **fields) -> User:
    user = UserFactory(**fields)
    if kind is not None:
        Role.objects.create(user=user, kind=kind, node=node)
    return user


def CampaignFactory(**overrides) -> Campaign:
    """The notice's campaign with every phase open now, so every role can act in a test."""
    campaign = ensure_notice_campaign(phases=open_phases(timezone.now()))
    if overrides:
        Campaign.objects.filter(pk=campaign.pk).update(**overrides)
        campaign.refresh_from_db()
    return campaign


@dataclass
class OrgTree:
    """province ─ city A ─ county A1 ─ unit A1a, unit A1b
                          └ unit A0 (city-level, no county)
                 ├ city B ─ county B1 ─ unit B1a
                 └ industry I ─ group G ─ unit Ga"""

    province: OrgNode
    city_a: OrgNode
    county_a1: OrgNode
    unit_a1a: OrgNode
    unit_a1b: OrgNode
    unit_a0: OrgNode
    city_b: OrgNode
    county_b1: OrgNode
    unit_b1a: OrgNode
    industry: OrgNode
    group: OrgNode
    unit_ga: OrgNode

    @classmethod
    def build(cls) -> "OrgTree":
        def node(name, kind, parent=None):
            return OrgNode.objects.create(name=name, kind=kind, parent=parent)

        province = node("测试省总工会", NodeKind.PROVINCE)
        city_a = node("甲市总工会", NodeKind.CITY, province)
        county_a1 = node("甲市一区总工会", NodeKind.COUNTY, city_a)
        city_b = node("乙市总工会", NodeKind.CITY, province)
        county_b1 = node("乙市一县总工会", NodeKind.COUNTY, city_b)
        industry = node("测试省煤炭工会", NodeKind.INDUSTRY, province)
        group = node("测试煤业集团有限公司工会", NodeKind.GROUP, industry)
        return cls(
            province=province, city_a=city_a, county_a1=county_a1,
            unit_a1a=node("甲市一区安泰机械有限公司", NodeKind.UNIT, county_a1),
            unit_a1b=node("甲市一区顺通物流有限公司", NodeKind.UNIT, county_a1),
            unit_a0=node("甲市公共交通有限公司", NodeKind.UNIT, city_a),
            city_b=city_b, county_b1=county_b1,
            unit_b1a=node("乙市一县宏达建材有限公司", NodeKind.UNIT, county_b1),
            industry=industry, group=group,
            unit_ga=node("测试煤业集团有限公司一号煤矿", NodeKind.UNIT, group),
        )

    def users(self) -> dict[str, User]:
        """One user per role, anchored inside city A's territorial channel, plus peers elsewhere."""
        return {
            "worker": make_user(RoleKind.WORKER, self.unit_a1a),
            "worker_peer": make_user(RoleKind.WORKER, self.unit_a1b),
            "unit": make_user(RoleKind.UNIT, self.unit_a1a),
            "county": make_user(RoleKind.COUNTY, self.county_a1),
            "city": make_user(RoleKind.CITY, self.city_a),
            "city_other": make_user(RoleKind.CITY, self.city_b),
            "industry": make_user(RoleKind.CITY, self.industry),
            "group": make_user(RoleKind.COUNTY, self.group),
            "expert": make_user(RoleKind.EXPERT, self.city_b),
            "committee": make_user(RoleKind.COMMITTEE, self.province),
        }


def make_entry(author, *, campaign=None, unit=None, state=None, tier=None, **fields):
    """An entry with every 附件1 field filled, placed in the directory like the submission service does."""
    from submissions.enums import EntryState, Tier
    from submissions.models import Entry

    campaign = campaign or CampaignFactory()
    unit = unit or author.worker_unit
    entry = Entry(
        campaign=campaign, author=author, author_name=author.get_full_name(), unit=unit,
        contact_address="某某路1号", contact_phone=author.phone or "13900000000",
        contact_email=author.email, industry=campaign.industries.first(),
        category=campaign.hazard_categories.first(), title="配电箱门未上锁",
        description="配电箱门未上锁，存在触电风险，已加锁整改。", taken_on=timezone.localdate(),
        location="一号车间", hazard="配电箱门未上锁", suggestion="加锁并张贴警示标识",
        rectification_note="已加锁", declaration_accepted=True, declaration_name=author.get_full_name(),
        declaration_date=timezone.localdate(), state=state or EntryState.DRAFT,
        tier=Tier.UNIT if tier is None else tier, **fields,
    )
    entry.place_in_directory()
    if entry.state != EntryState.DRAFT and entry.submitted_at is None:
        entry.submitted_at = timezone.now()
    entry.save()
    return entry
