"""ankang.setup: the province opens a competition from the previous one (or the seed), changes it, and sets
its quotas; others are refused, bad dates refused with nothing saved."""

import datetime

import pytest

from ankang import setup
from ankang.models import Competition
from ankang.nomination_models import NominationQuota
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from tests.factories.ankang import confirmed, make_competition, record
from tests.factories.ankang_nominations import set_quotas

pytestmark = pytest.mark.django_db


def _values(place, year, **changes):
    return {**setup.initial_values(place, year), "theme": "安全发展", "organisers": "省总工会", **changes}


def test_first_competition_starts_from_the_seed(org, people):
    make_competition(org.city_a)  # another union's competition is not copied
    values = _values(org.province, 2031)
    assert values["report_due_on"] == datetime.date(2031, 12, 15)
    assert values["calendar"].version == "2021" and values["score_template"].version == "默认"
    competition = setup.create_competition(values, actor=people["committee"])
    assert competition.place == org.province
    assert [g.name for g in competition.grades.all()] == ["一等", "二等", "三等"]
    assert not competition.quotas.exists()
    assert AuditRecord.objects.filter(action="ankang.create_competition").count() == 1


def test_next_competition_copies_the_previous_ones_dates_quotas_and_grades(org, people, competition):
    set_quotas(competition, cap=4)
    competition.grades.create(code="merit", rank=9, name="优秀奖")
    values = setup.initial_values(org.province, competition.year + 1)
    assert values["starts_on"] == competition.starts_on.replace(year=competition.starts_on.year + 1)
    assert (values["theme"], values["calendar"]) == (competition.theme, competition.calendar)
    new = setup.create_competition(values, actor=people["committee"])
    assert sorted(new.quotas.values_list("level", "kind", "cap")) == sorted(
        competition.quotas.values_list("level", "kind", "cap"))
    assert [g.name for g in new.grades.all()] == ["一等", "二等", "三等", "优秀奖"]


def test_create_refused_for_a_union_below_the_province(org, people):
    with pytest.raises(Refused):
        setup.create_competition(_values(org.province, 2031), actor=people["city"])
    assert not Competition.objects.exists()


def test_create_twice_a_year_or_with_bad_dates_is_refused(org, people, competition):
    with pytest.raises(Refused, match="已经开设"):
        setup.create_competition(_values(org.province, competition.year), actor=people["committee"])
    values = _values(org.province, 2031)
    with pytest.raises(Refused, match="评审截止日期"):
        setup.create_competition({**values, "review_closes_on": values["starts_on"],
                                  "self_score_closes_on": values["ends_on"]}, actor=people["committee"])
    with pytest.raises(Refused, match="不能早于竞赛开始日期"):
        setup.create_competition({**values, "report_due_on": values["starts_on"] - datetime.timedelta(days=1)},
                                 actor=people["committee"])
    assert Competition.objects.count() == 1


def test_update_changes_settings_but_not_the_calendar_in_use(org, people, competition):
    values = {name: getattr(competition, name) for name in setup.FIELDS}
    setup.update_competition(competition, {**values, "theme": "新主题", "reminder_days": "5,1"},
                             actor=people["committee"])
    competition.refresh_from_db()
    assert (competition.theme, competition.reminder_offsets) == ("新主题", [5, 1])
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    record(competition, enrolment, people["unit"])
    other = competition.calendar.__class__.objects.create(name="另一版", version="2030")
    with pytest.raises(Refused, match="不能更换活动安排"):
        setup.update_competition(competition, {**values, "calendar": other}, actor=people["committee"])


def test_set_quotas_adds_changes_and_removes_rows(competition, people):
    setup.set_quotas(competition, {("county", "unit"): 2, ("city", "unit"): 1}, actor=people["committee"])
    setup.set_quotas(competition, {("county", "unit"): 3, ("city", "unit"): None}, actor=people["committee"])
    assert list(NominationQuota.objects.values_list("level", "kind", "cap")) == [("county", "unit", 3)]
    with pytest.raises(Refused, match="名额须为"):
        setup.set_quotas(competition, {("county", "unit"): -1}, actor=people["committee"])
    with pytest.raises(Refused):
        setup.set_quotas(competition, {("county", "unit"): 1}, actor=people["county"])
    assert NominationQuota.objects.get().cap == 3


def _names(competition):
    return list(competition.grades.values_list("name", flat=True))


def test_set_grades_reorders_renames_and_adds_keeping_the_rows_kept_by_name(competition, people):
    first = competition.grades.get(name="一等")
    grades = setup.set_grades(competition, [" 特等 ", "一等", "", "优秀"], actor=people["committee"])
    assert _names(competition) == ["特等", "一等", "优秀"]
    assert grades[1].pk == first.pk and grades[1].code == first.code
    assert len({grade.code for grade in grades}) == 3
    record = AuditRecord.objects.get(action="ankang.set_grades")
    assert record.changes == {"before": ["一等", "二等", "三等"], "after": ["特等", "一等", "优秀"]}


@pytest.mark.parametrize(("names", "message"), [
    ([], "至少填写一个"), (["一等", "一等"], "不能重复"), (["甲" * 21], "不超过20个字"),
    ([f"{n}等" for n in range(11)], "最多10个")])
def test_set_grades_refuses_bad_lists_and_changes_nothing(competition, people, names, message):
    with pytest.raises(Refused, match=message):
        setup.set_grades(competition, names, actor=people["committee"])
    assert _names(competition) == ["一等", "二等", "三等"]
    assert not AuditRecord.objects.filter(action="ankang.set_grades").exists()


def test_set_grades_refuses_to_drop_a_grade_a_nomination_was_listed_with(competition, org, people):
    from ankang import nominations
    from tests.factories.ankang_nominations import reviewed_unit
    from tests.factories.ankang_nominations import set_quotas as give_quotas

    give_quotas(competition)
    reviewed_unit(competition, org.unit_a1a, people["unit"], people["county"])
    nomination = nominations.propose_nomination(competition, org.unit_a1a, nominations.NominationInput(
        kind="unit"), actor=people["unit"])
    nomination = nominations.forward_nomination(nomination, actor=people["county"])
    nomination = nominations.forward_nomination(nomination, actor=people["city"])
    nominations.list_nomination(nomination, actor=people["committee"], grade="second")
    with pytest.raises(Refused, match="等次“二等”已用于"):
        setup.set_grades(competition, ["一等", "三等"], actor=people["committee"])
    assert _names(competition) == ["一等", "二等", "三等"]
    setup.set_grades(competition, ["一等", "二等"], actor=people["committee"])  # 三等 unused: dropped
    assert _names(competition) == ["一等", "二等"]


def test_set_grades_refused_below_the_province(competition, people):
    with pytest.raises(Refused):
        setup.set_grades(competition, ["甲"], actor=people["city"])
    assert _names(competition) == ["一等", "二等", "三等"]
