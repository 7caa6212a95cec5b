"""The directory of unions: single nodes, and the small tree most tests share."""

from dataclasses import dataclass

import factory

from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from tests.factories.accounts import make_user


class OrgNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgNode

    kind = NodeKind.UNIT
    name = factory.LazyAttributeSequence(
        lambda node, n: f"测试单位{n}有限公司" if node.kind == NodeKind.UNIT else f"测试{NodeKind(node.kind).label}{n}")
    parent = None


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
            return OrgNodeFactory(name=name, kind=kind, parent=parent)

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
