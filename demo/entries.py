"""Realistic demo entries for `manage.py seed_demo --entries N` (and the benchmarks, with --no-photos).

The first ones (GUIDED) wait in the queues of the README's demo accounts, so that each has something to
do on the first start; the others are spread over every unit of the demo directory (both channels), with
titles, descriptions and locations from a hazard vocabulary, and states spread over the tiers, each with
the history that leads there. Entries past the unit carry a unit assessment (through
scoring.services.assess_entry for small runs). Photos are real 3000×2000 JPEGs at 300 dpi: a handful
of base scenes is drawn once per run and every photo adds its own marks, so no two photos are the same
file, except for a few entries that deliberately share one (the duplicate flag has something to show).

Idempotent: generated entries belong to generated authors ("demo-w…"); a run adds entries only until the
demo holds at least N of them.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from demo import data as demo_data
from demo.passwords import demo_password_hash
from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel, Campaign
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from review.models import TierGrade, Transition
from review.services import sync_recommendation_quota
from scoring.formula import hazard_score
from scoring.keys import refresh_ranking_keys
from scoring.models import Assessment
from scoring.services import assess_entry
from submissions.enums import EntryState, PhotoKind, Tier, TransitionAction
from submissions.models import Entry, Photo
from submissions.photos import make_derivative
from submissions.services import DERIVATIVE_SIDES
from submissions.tiers import TIERS

AUTHOR_PREFIX = "demo-w"
STAFF_PREFIX = "demo-r"
PHOTO_SIZE = (3000, 2000)
BASE_SCENES = 8
DUPLICATE_EVERY = 40      # one entry in 40 reuses the previous entry's hazard photo
ASSESS_WITH_SERVICE_UP_TO = 1000  # larger runs (benchmarks) write the same assessments in bulk
BATCH = 500

# (title, category, hazard, suggestion, rectification note, description ≤ 50 characters)
HAZARDS = [
    ("配电箱门未上锁", "物的不安全状态", "配电箱门未上锁，非电工人员可随意开启", "加装门锁，张贴“有电危险”警示标识",
     "已加锁，钥匙由值班电工保管", "配电箱门未上锁，存在触电风险，已加锁并设警示。"),
    ("消防通道堆放杂物", "环境的不安全因素", "消防通道被纸箱和托盘堵塞", "立即清理，划定禁止占用标线",
     "杂物已清走，地面施划禁停标线", "消防通道被杂物堵塞，影响疏散，已清理并施划标线。"),
    ("高处作业未系安全带", "人的不安全行为", "作业人员在2米以上平台作业未系安全带", "停止作业，配备并正确使用安全带",
     "作业人员已系挂安全带，设专人监护", "高处作业未系安全带，已纠正并设专人监护。"),
    ("砂轮机防护罩缺失", "物的不安全状态", "砂轮机防护罩拆除后未恢复", "恢复防护罩，调整托架间隙",
     "防护罩已装复，托架间隙调至3毫米", "砂轮机缺防护罩，碎片伤人风险大，已装复。"),
    ("粉尘作业未戴防尘口罩", "危害职业健康的因素", "打磨工位粉尘浓度高，员工未佩戴防尘口罩",
     "配发合格防尘口罩，加装局部除尘", "已配发KN95口罩并安装吸尘罩", "打磨粉尘大未戴口罩，已配发口罩并加装除尘。"),
    ("叉车超速行驶", "人的不安全行为", "厂区内叉车载货超速转弯", "设置限速标志，开展驾驶员培训",
     "已设限速5公里标志，驾驶员完成复训", "叉车厂内超速转弯易侧翻，已限速并复训。"),
    ("气瓶未固定", "物的不安全状态", "乙炔瓶、氧气瓶混放且未固定", "分区存放，加装防倒链条",
     "气瓶已分区存放并用链条固定", "气瓶混放未固定易倾倒，已分区存放并固定。"),
    ("电缆线破损裸露", "物的不安全状态", "临时用电电缆外皮破损，铜芯裸露", "更换电缆，架空敷设",
     "已更换新电缆并架空敷设", "临时电缆破损裸露易触电，已更换并架空。"),
    ("噪声岗位未戴耳塞", "危害职业健康的因素", "空压机房噪声超标，值班人员未戴护耳器", "配发耳塞，设置噪声警示",
     "已配发耳塞并张贴噪声危害告知卡", "空压机房噪声超标未防护，已配发耳塞并告知。"),
    ("有限空间未检测进入", "人的不安全行为", "作业人员未检测气体即进入污水井", "先通风、再检测、后作业，设监护人",
     "已配备四合一气体检测仪并执行审批", "未检测就进入有限空间，已整改并执行审批。"),
    ("安全出口指示灯损坏", "物的不安全状态", "安全出口指示灯不亮", "更换指示灯，定期巡检",
     "已更换应急指示灯并纳入月度巡检", "安全出口指示灯损坏，已更换并纳入巡检。"),
    ("楼梯扶手松动", "环境的不安全因素", "车间楼梯扶手固定螺栓脱落", "紧固或更换螺栓，加焊加固",
     "扶手已焊接加固", "楼梯扶手松动易坠落，已焊接加固。"),
    ("化学品未贴标签", "危害职业健康的因素", "分装的化学品容器无标签", "补贴化学品安全标签，配备安全技术说明书",
     "已补贴标签并放置说明书", "分装化学品无标签易误用，已补贴标签。"),
    ("皮带机防护栏缺失", "物的不安全状态", "皮带机尾轮处防护栏缺失", "加装防护栏和急停拉绳",
     "已加装防护栏和急停拉绳", "皮带机尾轮无防护易卷入，已加装护栏。"),
    ("外卖骑手逆行", "人的不安全行为", "配送途中电动车逆行抢行", "开展交通安全教育，优化派单时限",
     "站点已开展培训并调整配送时限", "骑手逆行抢行风险高，已培训并调整时限。"),
    ("燃气软管老化", "物的不安全状态", "食堂燃气灶软管老化开裂", "更换金属波纹管，安装燃气报警器",
     "已更换波纹管并安装报警器", "燃气软管老化开裂，已换波纹管并装报警器。"),
    ("货车超载", "人的不安全行为", "货车装载超过核定载质量", "按核定载质量装载，加强出厂检查",
     "已执行过磅出厂制度", "货车超载易失控，已执行过磅出厂制度。"),
    ("脚手架连墙件缺失", "物的不安全状态", "外脚手架连墙件拆除未恢复", "按方案恢复连墙件，验收后使用",
     "连墙件已恢复并经验收", "脚手架缺连墙件易倒塌，已恢复并验收。"),
]
LOCATIONS = ["一号车间", "二号车间", "原料仓库", "成品库", "配电室", "锅炉房", "装卸平台", "机修车间", "食堂操作间",
             "办公楼三层", "井下运输巷", "厂区主干道", "污水处理站", "空压机房", "施工现场东侧"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "文博", "思远", "晨阳", "雨婷"]
INDUSTRY_HINTS = [("煤", "煤矿"), ("化工", "危化"), ("电", "电力"), ("机械", "机械"), ("建材", "建材"),
                  ("物流", "货车司机"), ("公共交通", "其他")]

# Where generated entries end up, in shares of 100.
OUTCOMES = [
    ("draft", 4), ("submitted", 24), ("returned", 4), ("withdrawn", 2), ("rejected_unit", 3),
    ("unit_recommended", 20), ("rejected_first", 3), ("first_forwarded", 20), ("rejected_selection", 3),
    ("province", 17),
]

# The first generated entries wait where the README's demo accounts work, so that each of them finds
# something to do on the first start: (unit, outcome, unit-assessed). unit1 gets one entry ready to
# recommend and one to score first; county1 and group1 (初评), city1 and industry1 (甄选) two each;
# three go to the province, from unions of different experts, for the experts' panels.
_XIAODIAN = [demo_data.unit_name("太原市", "小店区", suffix) for suffix in demo_data.UNIT_SUFFIXES]
_COAL_GROUP_UNITS = demo_data.INDUSTRY_UNIONS["山西省煤炭工会"][1]
GUIDED = [
    (_XIAODIAN[0], "submitted", True),
    (_XIAODIAN[0], "submitted", False),
    (_XIAODIAN[1], "unit_recommended", True),
    (_XIAODIAN[2], "unit_recommended", True),
    (demo_data.unit_name("太原市", "迎泽区", demo_data.UNIT_SUFFIXES[0]), "first_forwarded", True),
    (demo_data.CITY_LEVEL_UNITS["太原市"][0], "unit_recommended", True),  # no county: straight to 太原市
    (_COAL_GROUP_UNITS[0], "unit_recommended", True),
    (_COAL_GROUP_UNITS[1], "unit_recommended", True),
    (_COAL_GROUP_UNITS[0], "first_forwarded", True),
    (_COAL_GROUP_UNITS[1], "first_forwarded", True),
    (demo_data.unit_name("大同市", "平城区", demo_data.UNIT_SUFFIXES[1]), "province", True),
    (demo_data.unit_name("太原市", "杏花岭区", demo_data.UNIT_SUFFIXES[2]), "province", True),
    (demo_data.INDUSTRY_UNIONS["山西省化学工业工会"][1][0], "province", True),
]


@dataclass
class Plan:
    unit: OrgNode
    author: User
    hazard: tuple
    location: str
    outcome: str
    assessed: bool | None = None  # None: by chance


def add_demo_entries(target: int, *, photos: bool = True, stdout=None, seed: int = 2025) -> int:
    """Add generated entries to the current campaign until it holds at least `target`; return the count added."""
    campaign = Campaign.objects.prefetch_related("phases").current()
    if campaign is None:
        raise ValueError("no current campaign: run seed_demo first")
    have = Entry.objects.filter(campaign=campaign, author__username__startswith=AUTHOR_PREFIX).count()
    missing = max(target - have, 0)
    if not missing:
        return 0
    rng = random.Random(seed + have)  # noqa: S311 - demo data, reproducible on purpose
    builder = _Builder(campaign, rng, photos=photos, stdout=stdout)
    done = 0
    while done < missing:
        count = min(BATCH, missing - done)
        with transaction.atomic():
            builder.add(count, offset=have + done, assess_with_service=missing <= ASSESS_WITH_SERVICE_UP_TO)
        done += count
        if stdout is not None:
            stdout.write(f"演示作品：已生成 {have + done}/{target}")
    with transaction.atomic():
        for union in OrgNode.objects.filter(kind__in=[NodeKind.CITY, NodeKind.INDUSTRY]):
            sync_recommendation_quota(campaign, union)
    return missing


class _Builder:
    def __init__(self, campaign: Campaign, rng: random.Random, *, photos: bool, stdout=None):
        self.campaign = campaign
        self.rng = rng
        self.photos = photos
        self.stdout = stdout
        self.password = demo_password_hash()  # hashed once per process: hashing is slow by design
        self.units = list(OrgNode.objects.units().select_related("parent").order_by("path"))
        self.units_by_name = {unit.name: unit for unit in self.units}
        self.categories = {category.name: category for category in campaign.hazard_categories.all()}
        self.industries = {industry.name: industry for industry in campaign.industries.all()}
        self.levels = list(AwardLevel.objects.filter(campaign=campaign, kind=AwardKind.WORK).order_by("rank"))
        self.places: dict[int, tuple[int | None, int]] = {}
        self.authors: dict[int, list[User]] = defaultdict(list)
        self.staff: dict[tuple[str, int], User] = {}
        self.recommended = Counter(Entry.objects.filter(
            campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED).values_list("selection_union_id", flat=True))
        self.scenes = _Scenes(rng) if photos else None
        self.last_hazard_bytes: bytes | None = None

    # --- people ---------------------------------------------------------------------------------------

    def author_for(self, unit: OrgNode) -> User:
        pool = self.authors[unit.pk]
        if len(pool) < 3:
            username = f"{AUTHOR_PREFIX}{unit.pk}-{len(pool) + 1}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username, password=self.password, email=f"{username}@example.com",
                    full_name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN), phone="13800000000",
                    address=f"{unit.name}{self.rng.choice(LOCATIONS)}")
                Role.objects.create(user=user, kind=RoleKind.WORKER, node=unit)
            pool.append(user)
            return user
        return self.rng.choice(pool)

    def reviewer_for(self, kind: str, node_id: int) -> User:
        """The demo reviewer of a node: an existing demo account when there is one, else a generated one."""
        key = (kind, node_id)
        if key not in self.staff:
            role = Role.objects.filter(kind=kind, node_id=node_id).select_related("user").order_by("pk").first()
            if role is None:
                username = f"{STAFF_PREFIX}-{kind}-{node_id}"
                node = OrgNode.objects.get(pk=node_id)
                user = User.objects.create(username=username, password=self.password,
                                           email=f"{username}@example.com",
                                           full_name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
                                           address=node.name)
                Role.objects.create(user=user, kind=kind, node=node)
                self.staff[key] = user
            else:
                self.staff[key] = role.user
        return self.staff[key]

    def place(self, unit: OrgNode) -> tuple[int | None, int]:
        if unit.pk not in self.places:
            first = unit.first_review_union
            self.places[unit.pk] = (first.pk if first else None, unit.selection_union.pk)
        return self.places[unit.pk]

    # --- entries --------------------------------------------------------------------------------------

    def add(self, count: int, *, offset: int, assess_with_service: bool) -> None:
        now = timezone.now()
        plans, entries = [], []
        for index in range(count):
            plan = self._guided(offset + index) or self._random(offset, index)
            unit, hazard = plan.unit, plan.hazard
            first_id, selection_id = self.place(unit)
            if plan.outcome == "province":
                if self.recommended[selection_id] >= self.campaign.recommend_cap:
                    plan.outcome = "first_forwarded"
                else:
                    self.recommended[selection_id] += 1
            state, tier = self._final(plan.outcome, has_county=first_id is not None)
            title, category, hazard_text, suggestion, note, description = hazard
            submitted = now - timedelta(days=self.rng.randint(1, 40), minutes=self.rng.randint(0, 1440))
            entries.append(Entry(
                campaign=self.campaign, author=plan.author, author_name=plan.author.get_full_name(), unit=unit,
                first_review_union_id=first_id, selection_union_id=selection_id,
                contact_address=plan.author.address, contact_phone=plan.author.phone,
                contact_email=plan.author.email, industry=self._industry(unit), category=self.categories.get(category),
                title=title, description=description, taken_on=(submitted - timedelta(days=2)).date(),
                location=f"{unit.name}{plan.location}", hazard=hazard_text, suggestion=suggestion,
                rectification_note=note if state != EntryState.DRAFT else "", declaration_accepted=True,
                declaration_name=plan.author.get_full_name(), declaration_date=submitted.date(), state=state, tier=tier,
                # Past the unit an entry must have them, and so do those placed for an account; some
                # other submitted ones are still being fixed.
                has_rectification_photos=tier > Tier.UNIT or plan.assessed is not None or self.rng.random() < 0.8,
                submitted_at=None if state == EntryState.DRAFT else submitted))
            plans.append(plan)
        Entry.objects.bulk_create(entries, batch_size=BATCH)
        self._histories(entries, now)
        self._assessments(entries, [plan.assessed for plan in plans], assess_with_service)
        self._grades(entries)
        if self.photos:
            for index, entry in enumerate(entries, start=offset):
                self._photos(entry, index)
                done = index - offset + 1
                if self.stdout is not None and (done % 10 == 0 or done == len(entries)):
                    self.stdout.write(f"演示照片：{done}/{len(entries)} 件作品")

    def _guided(self, position: int) -> Plan | None:
        """The plan of the `position`-th generated entry when it is one placed for a demo account."""
        if position >= len(GUIDED):
            return None
        name, outcome, assessed = GUIDED[position]
        unit = self.units_by_name.get(name)
        if unit is None:  # a directory without the demo's units: a random entry instead
            return None
        return Plan(unit=unit, author=self.author_for(unit), hazard=self.rng.choice(HAZARDS),
                    location=self.rng.choice(LOCATIONS), outcome=outcome, assessed=assessed)

    def _random(self, offset: int, index: int) -> Plan:
        unit = self.units[(offset + index) % len(self.units)] if index % 3 else self.rng.choice(self.units)
        return Plan(unit=unit, author=self.author_for(unit), hazard=self.rng.choice(HAZARDS),
                    location=self.rng.choice(LOCATIONS), outcome=self._outcome())

    def _outcome(self) -> str:
        names, weights = zip(*OUTCOMES, strict=True)
        return self.rng.choices(names, weights=weights)[0]

    @staticmethod
    def _final(outcome: str, *, has_county: bool) -> tuple[str, int]:
        above_unit = Tier.FIRST_REVIEW if has_county else Tier.SELECTION
        return {
            "draft": (EntryState.DRAFT, Tier.UNIT),
            "submitted": (EntryState.SUBMITTED, Tier.UNIT),
            "returned": (EntryState.RETURNED, Tier.UNIT),
            "withdrawn": (EntryState.WITHDRAWN, Tier.UNIT),
            "rejected_unit": (EntryState.REJECTED, Tier.UNIT),
            "unit_recommended": (EntryState.UNIT_RECOMMENDED, above_unit),
            "rejected_first": (EntryState.REJECTED, above_unit),
            "first_forwarded": ((EntryState.FIRST_FORWARDED if has_county else EntryState.UNIT_RECOMMENDED),
                                Tier.SELECTION),
            "rejected_selection": (EntryState.REJECTED, Tier.SELECTION),
            "province": (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE),
        }[outcome]

    def _industry(self, unit: OrgNode):
        for hint, name in INDUSTRY_HINTS:
            if hint in unit.name and name in self.industries:
                return self.industries[name]
        return self.rng.choice(list(self.industries.values())) if self.industries else None

    def _node_of(self, entry: Entry, tier: int) -> tuple[str, int]:
        return {Tier.UNIT: (RoleKind.UNIT, entry.unit_id),
                Tier.FIRST_REVIEW: (RoleKind.COUNTY, entry.first_review_union_id),
                Tier.SELECTION: (RoleKind.CITY, entry.selection_union_id)}[tier]

    def _histories(self, entries: list[Entry], now) -> None:
        """The transitions that lead to each entry's state, one forward per tier climbed."""
        steps = []
        for entry in entries:
            if entry.state in (EntryState.DRAFT, EntryState.SUBMITTED, EntryState.WITHDRAWN):
                continue
            moment = entry.submitted_at
            state, tier = EntryState.SUBMITTED, Tier.UNIT
            climbed_to = entry.tier
            if entry.state == EntryState.RETURNED:
                climbed_to = Tier.UNIT
            while tier < climbed_to:
                to_tier = Tier.SELECTION if tier == Tier.UNIT and entry.first_review_union_id is None else tier + 1
                moment += timedelta(hours=self.rng.randint(2, 72))
                steps.append(Transition(
                    entry=entry, actor=self.reviewer_for(*self._node_of(entry, tier)), action=TIERS[tier].forward_action,
                    from_state=state, to_state=TIERS[tier].forward_state, from_tier=tier, to_tier=to_tier,
                    acting_tier=tier, reason=self.rng.choice(["", "", "画面清晰，隐患典型", "整改到位"]),
                    created_at=min(moment, now)))
                state, tier = TIERS[tier].forward_state, to_tier
            if entry.state in (EntryState.RETURNED, EntryState.REJECTED):
                moment += timedelta(hours=self.rng.randint(2, 72))
                action = TransitionAction.RETURN if entry.state == EntryState.RETURNED else TransitionAction.REJECT
                reason = "请补充整改后照片，并写明整改完成时间。" if action == TransitionAction.RETURN else "隐患描述与照片不符。"
                steps.append(Transition(
                    entry=entry, actor=self.reviewer_for(*self._node_of(entry, tier)), action=action,
                    from_state=state, to_state=entry.state, from_tier=tier,
                    to_tier=Tier.UNIT if action == TransitionAction.RETURN else tier, acting_tier=tier,
                    reason=reason, created_at=min(moment, now)))
        times = [step.created_at for step in steps]
        Transition.objects.bulk_create(steps, batch_size=BATCH)
        # auto_now_add overwrote created_at: put the story's times back.
        for step, moment in zip(steps, times, strict=True):
            step.created_at = moment
        Transition.objects.bulk_update(steps, ["created_at"], batch_size=BATCH)

    def _assessments(self, entries: list[Entry], wanted: list[bool | None], with_service: bool) -> None:
        assessed = [entry for entry, want in zip(entries, wanted, strict=True)
                    if entry.state not in (EntryState.DRAFT, EntryState.WITHDRAWN)
                    and (entry.tier > Tier.UNIT or (self.rng.random() < 0.7 if want is None else want))]
        rows = []
        for entry in assessed:
            values = {"l": self.rng.choice(["2", "1.5", "1"]), "e": self.rng.choice(["2", "1.8", "1.6", "1.4"]),
                      "c": self.rng.choice(["25", "22", "20", "18", "15"]), "x": self.rng.choice(["1", "0.99", "0.98"]),
                      "y": self.rng.choice(["1", "0.99", "0.98"])}
            assessor = self.reviewer_for(RoleKind.UNIT, entry.unit_id)
            if with_service:
                assess_entry(entry, actor=assessor, tier=Tier.UNIT, values=values, comment="")
                continue
            decimals = {key: Decimal(value) for key, value in values.items()}
            d = hazard_score(decimals["l"], decimals["e"], decimals["c"], decimals["x"], decimals["y"])
            rows.append(Assessment(entry=entry, assessor=assessor, tier=Tier.UNIT, d=d, **decimals))
            entry.unit_score = d
        if rows:
            Assessment.objects.bulk_create(rows, batch_size=BATCH)
            Entry.objects.bulk_update([row.entry for row in rows], ["unit_score"], batch_size=BATCH)
            refresh_ranking_keys([row.entry_id for row in rows])  # as assess_entry would (scoring.keys)

    def _grades(self, entries: list[Entry]) -> None:
        if not self.levels:
            return
        grades = []
        for entry in entries:
            if entry.state in (EntryState.REJECTED, EntryState.RETURNED, EntryState.DRAFT, EntryState.WITHDRAWN):
                continue
            for tier in (Tier.FIRST_REVIEW, Tier.SELECTION):
                node = entry.first_review_union_id if tier == Tier.FIRST_REVIEW else entry.selection_union_id
                if entry.tier > tier and node is not None and self.rng.random() < 0.6:
                    grades.append(TierGrade(entry=entry, tier=tier, award_level=self.rng.choice(self.levels),
                                            graded_by=self.reviewer_for(*self._node_of(entry, tier))))
        TierGrade.objects.bulk_create(grades, batch_size=BATCH)

    def _photos(self, entry: Entry, index: int) -> None:
        hazard_bytes = self.scenes.photo(index, rectified=False)
        duplicate = self.last_hazard_bytes is not None and index % DUPLICATE_EVERY == DUPLICATE_EVERY - 1
        if duplicate:
            hazard_bytes = self.last_hazard_bytes
        self.last_hazard_bytes = hazard_bytes
        files = [(PhotoKind.HAZARD, hazard_bytes)]
        if entry.has_rectification_photos:
            files.append((PhotoKind.RECTIFIED, self.scenes.photo(index, rectified=True)))
        for kind, data in files:
            _store_photo(entry, kind, data)
        if duplicate:
            # The same file in two entries: both are flagged, as the submission service flags them.
            sharing = Photo.objects.filter(entry__campaign=self.campaign, sha256=_sha256(hazard_bytes))
            Entry.objects.filter(pk__in=sharing.values("entry_id")).update(has_duplicate_photo=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store_photo(entry: Entry, kind: str, data: bytes) -> Photo:
    """Store a generated JPEG with its display copies, as the submission service would."""
    photo = Photo(entry=entry, kind=kind, position=1, sha256=_sha256(data), size=len(data),
                  width=PHOTO_SIZE[0], height=PHOTO_SIZE[1], original_dpi=300)
    photo.original.save("original.jpg", ContentFile(data), save=False)
    for name, side in DERIVATIVE_SIDES.items():
        getattr(photo, name).save(f"{name}.jpg", ContentFile(make_derivative(data, side)), save=False)
    photo.save()
    return photo


class _Scenes:
    """A few base scenes drawn once; each photo is a scene plus its own marks, encoded at 300 dpi."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.bases = []
        gradient = Image.linear_gradient("L").resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
        for _ in range(BASE_SCENES):
            top = tuple(rng.randint(60, 200) for _ in range(3))
            bottom = tuple(rng.randint(20, 120) for _ in range(3))
            image = Image.composite(Image.new("RGB", PHOTO_SIZE, bottom), Image.new("RGB", PHOTO_SIZE, top), gradient)
            draw = ImageDraw.Draw(image)
            for _ in range(14):  # machines, shelves, cabinets
                x, y = rng.randint(0, 2700), rng.randint(500, 1800)
                w, h = rng.randint(150, 700), rng.randint(150, 600)
                draw.rectangle((x, y, x + w, y + h), fill=tuple(rng.randint(40, 230) for _ in range(3)),
                               outline=(30, 30, 30), width=6)
            for _ in range(6):  # pipes and cables
                draw.line([(rng.randint(0, 3000), rng.randint(0, 2000)) for _ in range(3)],
                          fill=tuple(rng.randint(0, 255) for _ in range(3)), width=rng.randint(8, 30))
            self.bases.append(image)

    def photo(self, index: int, *, rectified: bool) -> bytes:
        image = self.bases[index % BASE_SCENES].copy()
        draw = ImageDraw.Draw(image)
        x, y = 300 + (index * 97) % 2200, 300 + (index * 53) % 1300
        if rectified:  # a green frame around the fixed spot, a tick
            draw.rectangle((x, y, x + 420, y + 320), outline=(40, 170, 60), width=24)
            draw.line([(x + 90, y + 170), (x + 180, y + 250), (x + 340, y + 80)], fill=(40, 170, 60), width=30)
        else:  # a red circle around the hazard, a warning triangle
            draw.ellipse((x, y, x + 420, y + 320), outline=(220, 30, 30), width=24)
            draw.polygon([(x + 210, y + 40), (x + 60, y + 280), (x + 360, y + 280)], outline=(250, 200, 0), width=20)
        # The photo's own number in the corner makes every file unique.
        draw.rectangle((40, 1880, 700, 1980), fill=(0, 0, 0))
        draw.text((60, 1900), f"DEMO {index:06d} {'AFTER' if rectified else 'BEFORE'}", fill=(255, 255, 255))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, dpi=(300, 300))
        return out.getvalue()
