"""The 查保促 returns of the demo (issue 17): the current year's programme for 太原市 with its filers, and
first-half-year returns in several states, one rolled up to 太原市 and one 自查表 with evidence.

`seed_returns()` needs the demo directory and accounts of `seed_demo` (unit1, county1, city1, worker1) and
is idempotent: it does nothing once unit1's return exists. Every change goes through returns.services.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from demo import data as demo_data
from demo.inspections import workplace_node
from demo.passwords import demo_password_hash
from hazards import services as hazard_services
from hazards.enums import HazardCategory
from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from returns import services
from returns.enums import FilerLevel
from returns.models import Filer, Return
from returns.selectors import Window

CITY = "太原市"
FILED_COUNTY = "迎泽区"  # its units' and its own returns are accepted: the city's roll-up shows them
HAZARDS = [("二号车间配电箱门未上锁", "二号车间配电室", HazardCategory.UNSAFE_CONDITION, "二号车间", "电工班"),
           ("叉车通道堆放杂物", "成品库叉车通道", HazardCategory.ENVIRONMENT, "仓储车间", "叉车班")]


def _jpeg(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), (230, 236, 245))
    ImageDraw.Draw(image).text((40, 40), text, fill=(20, 40, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile("evidence.jpg", out.getvalue(), content_type="image/jpeg")


def _staff(username: str, kind: str, node: OrgNode) -> User:
    """A demo account holding `kind` at `node` (the named demo accounts, or a demo-q-… one)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, full_name=f"{node.short_name or node.name}填报员",
                                   email=f"{username}@example.com", password=demo_password_hash())
    Role.objects.get_or_create(user=user, kind=kind, node=node)
    return user


def _filers(programme, city: OrgNode) -> dict[int, Filer]:
    levels = {"city": FilerLevel.CITY, "county": FilerLevel.COUNTY, "unit": FilerLevel.ENTERPRISE}
    filers = {}
    for node in OrgNode.objects.subtree(city).filter(kind__in=levels, is_active=True):
        filers[node.pk] = Filer.objects.get_or_create(
            programme=programme, node=node,
            defaults={"level": levels[node.kind], "is_chemical": node.name.endswith("建材有限责任公司")})[0]
    return filers


def _file_unit(period, filer, actor, *, trainings: int, trainees: int):
    report = services.start_return(period, filer, actor=actor)
    services.save_cells(report, {"trainings": services.CellInput(str(trainings)),
                                 "trainees": services.CellInput(str(trainees))}, actor=actor)
    scores = {s.criterion_id: (str(s.criterion.points if s.criterion.item.number % 3 else s.criterion.points - 1)
                               if s.criterion.points > 1 else "1", "")
              for s in report.scores.select_related("criterion__item")}
    services.score_self(report, scores, actor=actor)
    return services.file_return(report, actor=actor)


def _county_values(fund: str) -> dict:
    return {code: services.CellInput(value) for code, value in {
        "union_trainings": "2", "union_trainees": "85", "county_fund": fund, "county_rewarded": "6",
        "county_rewarded_chem": "2", "county_reward_paid": "0.3"}.items()}


def _hazards(period, year: int, unit: OrgNode, stdout) -> None:
    """Two hazards worker1 reported at unit1's unit during the half-year, for the ledger-computed cells."""
    worker = User.objects.filter(username="worker1").first()
    window = Window.of(period, year)
    if worker is None or unit.hazards.filter(found_at__gte=window.start, found_at__lt=window.end).exists():
        return
    for index, (description, location, category, workshop, team) in enumerate(HAZARDS):
        found = timezone.make_aware(datetime.datetime.combine(window.first + datetime.timedelta(days=30 + index * 20),
                                                              datetime.time(9, 30)))
        workshop_node = workplace_node(unit, workshop, NodeKind.WORKSHOP)[0] if workshop else None
        team_node = workplace_node(workshop_node or unit, team, NodeKind.TEAM)[0] if team else None
        hazard_services.report_hazard(actor=worker, unit=unit, category=category, description=description,
                                      location=location, workshop=workshop_node, team=team_node, found_at=found,
                                      photos=[_jpeg(f"hazard {index + 1}")])
    if stdout:
        stdout.write(f"查保促：在{unit.name}的隐患台账登记上半年隐患 {len(HAZARDS)} 条")


def seed_returns(stdout=None) -> Return | None:
    """The demo's 查保促 returns; returns unit1's return (None when the demo directory is missing)."""
    city = OrgNode.objects.filter(name=f"{CITY}总工会").first()
    unit1, county1, city1 = (User.objects.filter(username=name).first() for name in ("unit1", "county1", "city1"))
    if city is None or None in (unit1, county1, city1):
        if stdout:
            stdout.write("查保促：未找到演示目录或账号，请先运行 seed_demo")
        return None
    year = timezone.localdate().year
    committee = User.objects.filter(username="committee").first()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        programme = services.open_year(year, actor=committee, place=None)
        filers = _filers(programme, city)
        period = programme.periods.get(number=1)
        unit_node = unit1.roles.get(kind=RoleKind.UNIT).node
        existing = Return.objects.filter(period=period, filer=filers[unit_node.pk]).first()
        if existing is not None:
            return existing
        _hazards(period, year, unit_node, stdout)
        _filed_county(period, city, filers, city1)
        _own_county(period, city, filers, county1, unit_node)
        report = _unit1_draft(period, filers[unit_node.pk], unit1)
        services.start_return(period, filers[city.pk], actor=city1)
    if stdout:
        stdout.write(f"查保促：{year}年上半年报表已生成（unit1 待报送，county1 待审核，city1 查看汇总）")
    return report


def _filed_county(period, city, filers, city1) -> None:
    """迎泽区: its units filed and accepted, its own return filed and accepted by the city."""
    county = OrgNode.objects.get(name=demo_data.county_union_name(CITY, FILED_COUNTY))
    county_user = _staff(f"demo-q-{county.pk}", RoleKind.COUNTY, county)
    for index, node in enumerate(county.children.filter(kind="unit").order_by("pk")):
        actor = _staff(f"demo-q-{node.pk}", RoleKind.UNIT, node)
        report = _file_unit(period, filers[node.pk], actor, trainings=2 + index, trainees=30 + 10 * index)
        services.accept_return(report, actor=county_user)
    report = services.start_return(period, filers[county.pk], actor=county_user)
    services.save_cells(report, _county_values("2.5"), actor=county_user)
    report = services.file_return(report, actor=county_user)
    services.accept_return(report, actor=city1)


def _own_county(period, city, filers, county1, unit_node) -> None:
    """小店区: one unit accepted, one sent back with a reason, unit1's still a draft; the county's own draft."""
    county = unit_node.parent
    others = list(county.children.filter(kind="unit").exclude(pk=unit_node.pk).order_by("pk"))
    for index, node in enumerate(others[:2]):
        actor = _staff(f"demo-q-{node.pk}", RoleKind.UNIT, node)
        report = _file_unit(period, filers[node.pk], actor, trainings=4, trainees=55)
        if index == 0:
            services.accept_return(report, actor=county1)
        else:
            services.send_back_return(report, actor=county1, reason="接受安全培训职工人数与培训签到表不符，请核实后重新报送。")
    report = services.start_return(period, filers[county.pk], actor=county1)
    services.save_cells(report, _county_values("1.2"), actor=county1)


def _unit1_draft(period, filer, unit1) -> Return:
    """unit1's return: trainings typed, the first three items self-scored, one piece of evidence."""
    report = services.start_return(period, filer, actor=unit1)
    services.save_cells(report, {"trainings": services.CellInput("3")}, actor=unit1)
    scores = {s.criterion_id: (str(s.criterion.points), "已制定年度行动方案并召开动员会")
              for s in report.scores.select_related("criterion__item") if s.criterion.item.number <= 3}
    services.score_self(report, scores, actor=unit1)
    first = report.scores.select_related("criterion__item").order_by("criterion__item__number",
                                                                     "criterion__position").first()
    services.add_evidence(report, first.criterion, _jpeg("plan 2026"), actor=unit1, caption="年度“查保促”行动方案")
    return report
