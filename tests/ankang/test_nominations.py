"""ankang.nominations: proposing, the climb county → city → province under the quota of each level and
award kind, vetoed units refused, steps out of order or by the wrong role refused, the timeline and the
list fixed and published."""

import pytest

from ankang import nominations
from ankang.nomination_enums import AwardKind, NominationLevel, NominationState
from ankang.nomination_models import NominationTally
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from tests.factories.ankang import confirmed
from tests.factories.ankang_nominations import person, propose_person, reviewed_unit, set_quotas

UNIT = nominations.NominationInput(kind=AwardKind.UNIT)


@pytest.fixture
def quotas(competition):
    set_quotas(competition)


def _refused(code, call, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_nomination_climbs_county_city_province_and_is_published(competition, org, people, quotas):
    reviewed_unit(competition, org.unit_a1a, people["unit"], people["county"])
    nomination = nominations.propose_nomination(competition, org.unit_a1a, UNIT, actor=people["unit"])
    assert (nomination.level, nomination.county_union, nomination.city_union) == (
        NominationLevel.COUNTY, org.county_a1, org.city_a)
    nomination = nominations.forward_nomination(nomination, actor=people["county"], comment="同意")
    assert nomination.level == NominationLevel.CITY
    nomination = nominations.forward_nomination(nomination, actor=people["city"])
    assert nomination.level == NominationLevel.PROVINCE
    nomination = nominations.list_nomination(nomination, actor=people["committee"], grade="first")
    assert nomination.state == NominationState.LISTED
    nominations.fix_commendation(competition, actor=people["committee"], title="表彰名单")
    commendation = nominations.publish_commendation(competition, actor=people["committee"])
    assert commendation.published_at
    actions = list(nomination.steps.values_list("action", flat=True))
    assert actions == ["propose", "forward", "forward", "list"]
    assert AuditRecord.objects.filter(action__startswith="ankang.nomination").count() == 6


def test_nomination_of_city_level_unit_skips_the_county(competition, org, people, quotas):
    confirmed(competition, org.unit_a0, people["unit_a0"], people["city"])
    nomination = propose_person(competition, org.unit_a0, people["unit_a0"])
    assert nomination.level == NominationLevel.CITY and nomination.county_union is None
    nomination = nominations.forward_nomination(nomination, actor=people["city"])
    assert nomination.level == NominationLevel.PROVINCE


def test_forward_over_quota_refused(competition, org, people):
    set_quotas(competition, county_person=1)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    first = propose_person(competition, org.unit_a1a, people["unit"], "甲")
    second = propose_person(competition, org.unit_a1a, people["unit"], "乙")
    nominations.forward_nomination(first, actor=people["county"])
    refusal = _refused("quota_full", nominations.forward_nomination, second, actor=people["county"])
    assert "1/1" in refusal.message
    second.refresh_from_db()
    assert second.level == NominationLevel.COUNTY


def test_return_gives_quota_back(competition, org, people):
    set_quotas(competition, county_person=1)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    first = propose_person(competition, org.unit_a1a, people["unit"], "甲")
    second = propose_person(competition, org.unit_a1a, people["unit"], "乙")
    first = nominations.forward_nomination(first, actor=people["county"])
    nominations.return_nomination(first, actor=people["city"], reason="事迹不具体")
    assert NominationTally.objects.get(union=org.county_a1, kind=AwardKind.PERSON).used == 0
    nominations.forward_nomination(second, actor=people["county"])
    first = nominations.resubmit_nomination(first, person("甲", "事迹补充完整。"), actor=people["unit"])
    assert (first.state, first.level) == (NominationState.PENDING, NominationLevel.COUNTY)


def test_missing_quota_refused(competition, org, people):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    nomination = propose_person(competition, org.unit_a1a, people["unit"])
    _refused("no_quota", nominations.forward_nomination, nomination, actor=people["county"])


def test_vetoed_unit_refused_as_winner(competition, org, people, quotas):
    reviewed_unit(competition, org.unit_a1a, people["unit"], people["county"], vetoed=True)
    refusal = _refused("not_eligible", nominations.propose_nomination, competition, org.unit_a1a, UNIT,
                       actor=people["unit"])
    assert any("重伤" in line for line in refusal.messages)


def test_unreviewed_unit_refused_as_winner(competition, org, people, quotas):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    _refused("not_reviewed", nominations.propose_nomination, competition, org.unit_a1a, UNIT, actor=people["unit"])


def test_vetoed_unit_may_still_have_a_person_nominated(competition, org, people, quotas):
    reviewed_unit(competition, org.unit_a1a, people["unit"], people["county"], vetoed=True)
    assert propose_person(competition, org.unit_a1a, people["unit"]).state == NominationState.PENDING


def test_not_enrolled_unit_refused(competition, org, people, quotas):
    _refused("not_enrolled", propose_person, competition, org.unit_a1a, people["unit"])


def test_person_without_deeds_refused(competition, org, people, quotas):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    _refused("person_missing", nominations.propose_nomination, competition, org.unit_a1a,
             person(deeds=" "), actor=people["unit"])


def test_duplicate_refused(competition, org, people, quotas):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    propose_person(competition, org.unit_a1a, people["unit"])
    _refused("duplicate", propose_person, competition, org.unit_a1a, people["unit"])


def test_county_may_propose_a_unit_below_it(competition, org, people, quotas):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    assert propose_person(competition, org.unit_a1a, people["county"]).proposed_by == people["county"]


@pytest.mark.parametrize("who", ["unit_b", "county_other", "city", "worker", "unit_other"])
def test_propose_by_wrong_role_refused(competition, org, people, quotas, who):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    _refused("permission_denied", propose_person, competition, org.unit_a1a, people[who])


@pytest.mark.parametrize("who", ["unit", "city", "county_other", "committee"])
def test_forward_by_wrong_role_refused(competition, org, people, quotas, who):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    nomination = propose_person(competition, org.unit_a1a, people["unit"])
    _refused("permission_denied", nominations.forward_nomination, nomination, actor=people[who])


def test_steps_out_of_order_refused(competition, org, people, quotas):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    nomination = propose_person(competition, org.unit_a1a, people["unit"])
    _refused("wrong_level", nominations.list_nomination, nomination, actor=people["committee"])
    _refused("not_fixed", nominations.publish_commendation, competition, actor=people["committee"])
    _refused("empty", nominations.fix_commendation, competition, actor=people["committee"], title="名单")
    _refused("reason_missing", nominations.return_nomination, nomination, actor=people["county"], reason=" ")
    _refused("wrong_state", nominations.resubmit_nomination, nomination, person(), actor=people["unit"])
    nomination = nominations.reject_nomination(nomination, actor=people["county"], reason="不符合条件")
    _refused("wrong_state", nominations.forward_nomination, nomination, actor=people["county"])


def test_fixed_list_refuses_changes(competition, org, people, quotas):
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    listed = propose_person(competition, org.unit_a1a, people["unit"], "甲")
    other = propose_person(competition, org.unit_a1a, people["unit"], "乙")
    for actor in ("county", "city"):
        listed = nominations.forward_nomination(listed, actor=people[actor])
    nominations.list_nomination(listed, actor=people["committee"])
    nominations.fix_commendation(competition, actor=people["committee"], title="名单")
    _refused("fixed", nominations.forward_nomination, other, actor=people["county"])
    _refused("fixed", propose_person, competition, org.unit_a1a, people["unit"], "丙")
    _refused("permission_denied", nominations.publish_commendation, competition, actor=people["city"])


def _at_province(competition, org, people):
    confirmed(competition, org.unit_a0, people["unit_a0"], people["city"])
    nomination = propose_person(competition, org.unit_a0, people["unit_a0"])
    return nominations.forward_nomination(nomination, actor=people["city"])


def test_list_with_a_grade_of_the_competitions_own_data(competition, org, people, quotas):
    competition.grades.filter(code="first").update(name="特等")
    competition.grades.create(code="merit", rank=9, name="优秀奖")
    nomination = nominations.list_nomination(_at_province(competition, org, people), actor=people["committee"],
                                             grade="merit")
    assert nomination.grade.name == "优秀奖"
    assert [g.name for g in competition.grades.all()] == ["特等", "二等", "三等", "优秀奖"]


def test_list_with_a_grade_the_competition_does_not_have_is_refused(competition, org, people, quotas):
    competition.grades.filter(code="third").delete()
    nomination = _at_province(competition, org, people)
    _refused("bad_grade", nominations.list_nomination, nomination, actor=people["committee"], grade="third")
    nomination.refresh_from_db()
    assert nomination.state == NominationState.PENDING and nomination.grade is None
