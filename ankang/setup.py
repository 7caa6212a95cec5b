"""Setting up a 安康杯 competition as data, by the province in the UI: opening a competition (its cycle,
theme, organisers, calendar and score-sheet versions, window and deadlines, reminder days), changing it, and
its nomination quotas (名额) per level and award kind. A new competition starts from the previous one at the
same organising union (its calendar, score sheet, organisers, quotas and 等次, its dates moved to the new
year) or, for the first one, from the seed (ankang.seed_data). Each change is atomic and audited."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from ankang.models import CalendarTemplate, Competition, ScoreTemplate
from ankang.nomination_enums import AwardKind, NominationLevel
from ankang.nomination_models import AwardGrade, Nomination, NominationQuota
from ankang.seed_data import CALENDAR, REPORT_DUE, SCORE_TEMPLATE, seed_grades
from portal.accounts.enums import RoleKind
from portal.audit.services import record_audit
from portal.refusals import Refused

CONFIGURING_ROLE = RoleKind.COMMITTEE
# What the province types or picks for a competition (its organising union is the province's own node).
FIELDS = ("name", "cycle", "year", "theme", "organisers", "basis", "calendar", "score_template", "starts_on",
          "ends_on", "enrol_closes_on", "records_close_on", "self_score_closes_on", "review_closes_on",
          "report_due_on", "reminder_days")
DATE_FIELDS = ("starts_on", "ends_on", "enrol_closes_on", "records_close_on", "self_score_closes_on",
               "review_closes_on", "report_due_on")


def require_configurer(actor) -> None:
    if not (actor.is_authenticated and actor.has_role(CONFIGURING_ROLE)):
        raise Refused.permission_denied()


def organising_union(actor):
    """The province node of the actor's committee role (where its competitions are organised)."""
    return next((role.node for role in actor.role_list if role.kind == CONFIGURING_ROLE and role.node_id), None)


def previous_competition(place) -> Competition | None:
    return Competition.objects.filter(place=place).order_by("-year", "-pk").first()


def _moved(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def initial_values(place, year: int) -> dict:
    """The form's starting values for a competition of `year` at `place`: the previous competition's, its
    dates moved to `year`, or the seed's calendar and score sheet over the calendar year."""
    previous = previous_competition(place)
    if previous is not None:
        shift = year - previous.year
        values = {name: getattr(previous, name) for name in FIELDS if name not in DATE_FIELDS}
        values.update({name: _moved(getattr(previous, name), shift) for name in DATE_FIELDS})
        values.update(year=year, name=previous.name.replace(str(previous.year), str(year)),
                      cycle=previous.cycle.replace(str(previous.year), str(year)))
        return values
    end = datetime.date(year, 12, 31)
    return {
        "name": _("%(y)s年度“安康杯”竞赛") % {"y": year}, "cycle": _("%(y)s年度") % {"y": year}, "year": year,
        "calendar": CalendarTemplate.objects.filter(name=CALENDAR["name"], version=CALENDAR["version"]).first(),
        "score_template": ScoreTemplate.objects.filter(name=SCORE_TEMPLATE["name"],
                                                       version=SCORE_TEMPLATE["version"]).first(),
        "starts_on": datetime.date(year, 1, 1), "ends_on": end, "enrol_closes_on": end, "records_close_on": end,
        "self_score_closes_on": end, "review_closes_on": end, "report_due_on": datetime.date(year, *REPORT_DUE),
        "reminder_days": Competition._meta.get_field("reminder_days").default}


def _check_values(values: dict) -> None:
    missing = [name for name in FIELDS if name != "basis" and values.get(name) in (None, "")]
    if missing:
        raise Refused(_("请填写竞赛的全部必填项。"), code="incomplete", details=missing)
    starts, ends = values["starts_on"], values["ends_on"]
    if starts > ends:
        raise Refused(_("竞赛开始日期不能晚于结束日期。"), code="bad_dates")
    if any(values[name] < starts for name in DATE_FIELDS):
        raise Refused(_("各截止日期不能早于竞赛开始日期。"), code="bad_dates")
    if values["review_closes_on"] < values["self_score_closes_on"]:
        raise Refused(_("评审截止日期不能早于自评截止日期。"), code="bad_dates")


def _copy_from(previous: Competition | None, competition: Competition) -> None:
    """The previous competition's quotas and 等次, or the default 等次 for the first one."""
    if previous is None:
        seed_grades(apps, competition)
        return
    NominationQuota.objects.bulk_create([NominationQuota(competition=competition, level=q.level, kind=q.kind,
                                                         cap=q.cap) for q in previous.quotas.all()])
    AwardGrade.objects.bulk_create([AwardGrade(competition=competition, code=g.code, rank=g.rank, name=g.name)
                                    for g in previous.grades.all()])
    seed_grades(apps, competition)  # (a previous competition without any 等次)


@transaction.atomic
def create_competition(values: dict, *, actor, request=None) -> Competition:
    """开设竞赛: the province opens a competition at its own node, starting from the previous one's quotas
    and 等次; one competition per year and organising union."""
    require_configurer(actor)
    place = organising_union(actor)
    if place is None:
        raise Refused.permission_denied()
    values = {"basis": "", **values}
    _check_values(values)
    if Competition.objects.filter(place=place, year=values["year"]).exists():
        raise Refused(_("%(y)s年度的竞赛已经开设。") % {"y": values["year"]}, code="duplicate")
    previous = previous_competition(place)
    competition = Competition.objects.create(place=place, **{name: values[name] for name in FIELDS})
    _copy_from(previous, competition)
    record_audit(actor, "ankang.create_competition", competition, summary=competition.name,
                 changes={"copied_from": previous.pk if previous else None}, request=request)
    return competition


@transaction.atomic
def update_competition(competition: Competition, values: dict, *, actor, request=None) -> Competition:
    """修改竞赛设置 (the organising union's committee)."""
    require_configurer(actor)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if organising_union(actor) is None or not competition.place.path.startswith(organising_union(actor).path):
        raise Refused.permission_denied()
    values = {"basis": "", **values}
    _check_values(values)
    if Competition.objects.filter(place=competition.place_id, year=values["year"]).exclude(pk=competition.pk).exists():
        raise Refused(_("%(y)s年度的竞赛已经开设。") % {"y": values["year"]}, code="duplicate")
    if values["calendar"] != competition.calendar and competition.records.exists():
        raise Refused(_("已有活动记录，不能更换活动安排。"), code="calendar_in_use")
    if values["score_template"] != competition.score_template and competition.sheets.exists():
        raise Refused(_("已有考核评分表，不能更换评分表版本。"), code="template_in_use")
    changed = {name: str(values[name]) for name in FIELDS if getattr(competition, name) != values[name]}
    for name in FIELDS:
        setattr(competition, name, values[name])
    competition.save()
    record_audit(actor, "ankang.update_competition", competition, summary=competition.name, changes=changed,
                 request=request)
    return competition


@transaction.atomic
def set_quotas(competition, caps: dict[tuple[str, str], int | None], *, actor, request=None) -> list[NominationQuota]:
    """名额: `caps` maps (level, award kind) to the number each union at that level may pass upwards (the
    province: list); None removes the row (the step is then refused as 名额尚未设置). Lowering a cap never
    takes back what a union has already used: the next step is refused until it is below the cap again."""
    require_configurer(actor)
    for (level, kind), cap in caps.items():
        if level not in NominationLevel.values or kind not in AwardKind.values:
            raise Refused(_("名额的层级或表彰类别无效。"), code="bad_quota")
        if cap is not None and (not isinstance(cap, int) or cap < 0 or cap > 10_000):
            raise Refused(_("名额须为0到10000之间的整数。"), code="bad_quota")
    rows = []
    for (level, kind), cap in caps.items():
        if cap is None:
            NominationQuota.objects.filter(competition=competition, level=level, kind=kind).delete()
            continue
        row, _created = NominationQuota.objects.update_or_create(competition=competition, level=level, kind=kind,
                                                                 defaults={"cap": cap})
        rows.append(row)
    record_audit(actor, "ankang.set_quotas", competition, summary=_("设置推荐名额"),
                 changes={f"{level}:{kind}": cap for (level, kind), cap in caps.items()}, request=request)
    return rows


# At most this many 等次 a competition may have (a form's length, not a rule of seed 003).
MAX_GRADES = 10


@transaction.atomic
def set_grades(competition, names: list[str], *, actor, request=None) -> list[AwardGrade]:
    """表彰等次: the competition's grades become `names`, in that order. A grade kept by name keeps its row (the
    nominations already listed with it keep it); a new name gets a new row; a grade no longer named is deleted,
    unless a nomination was listed with it (refused: nothing changes)."""
    require_configurer(actor)
    names = [name.strip() for name in names if name.strip()]
    if not names:
        raise Refused(_("请至少填写一个表彰等次。"), code="bad_grades")
    if len(names) > MAX_GRADES:
        raise Refused(_("表彰等次最多%(max)d个。") % {"max": MAX_GRADES}, code="bad_grades")
    if len(set(names)) != len(names):
        raise Refused(_("表彰等次不能重复。"), code="bad_grades")
    too_long = AwardGrade._meta.get_field("name").max_length
    if any(len(name) > too_long for name in names):
        raise Refused(_("每个表彰等次不超过%(max)d个字。") % {"max": too_long}, code="bad_grades")
    existing = {grade.name: grade for grade in AwardGrade.objects.select_for_update().filter(competition=competition)}
    before = [grade.name for grade in sorted(existing.values(), key=lambda grade: (grade.rank, grade.pk))]
    dropped = [grade for name, grade in existing.items() if name not in names]
    in_use = set(Nomination.objects.filter(grade__in=dropped).values_list("grade_id", flat=True))
    used = [grade.name for grade in dropped if grade.pk in in_use]
    if used:
        raise Refused(_("等次“%(names)s”已用于列入表彰名单的推荐，不能删除。") % {"names": "、".join(used)},
                      code="grade_in_use")
    AwardGrade.objects.filter(pk__in=[grade.pk for grade in dropped]).delete()
    codes = {grade.code for grade in existing.values() if grade not in dropped}
    grades = []
    for rank, name in enumerate(names, 1):
        grade = existing.get(name)
        if grade is None:
            number = rank
            while f"g{number}" in codes:
                number += 1
            grade = AwardGrade(competition=competition, code=f"g{number}", name=name)
            codes.add(grade.code)
        grade.rank = rank
        grade.save()
        grades.append(grade)
    record_audit(actor, "ankang.set_grades", competition, summary=_("设置表彰等次"),
                 changes={"before": before, "after": names}, request=request)
    return grades
