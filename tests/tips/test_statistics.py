"""tips.statistics.tip_figures: counts per area and period, verification rate and time, rewards paid by
payment date, a node as scope, and a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from tests.factories.tips import file_tip, walk_tip
from tips import services
from tips.enums import RejectReason, TipState
from tips.models import Tip
from tips.scoping import tips_for_user
from tips.statistics import Period, tip_figures

pytestmark = pytest.mark.django_db


def _this_year() -> Period:
    today = timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


def _paid_tip(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.NOTIFIED)
    reward = services.propose_reward(tip, actor=people["handler"])
    services.approve_reward(reward, actor=people["rewards1"])
    services.approve_reward(reward, actor=people["rewards2"])
    services.claim_reward(tip, payment={"name": "某", "account": "1"}, declared_not_excluded=True)
    reward.refresh_from_db()
    return services.record_payment(reward, actor=people["rewards1"], paid_on=timezone.localdate(), method="转账",
                                   reference="PZ-1")


def test_figures_per_area(org, people):
    reward = _paid_tip(org, people)
    services.reject_tip(file_tip(org)[0], actor=people["handler"], reason=RejectReason.NO_TARGET)
    walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    file_tip(org, unit=org.unit_b1a)
    figures = tip_figures(Tip.objects.all(), _this_year())
    by_name = {area.name: area for area in figures.areas}
    city_a = by_name["甲市总工会"]
    assert (city_a.tips, city_a.accepted, city_a.rejected, city_a.verified, city_a.confirmed) == (3, 2, 1, 1, 1)
    assert city_a.verification_rate == 0.5 and city_a.mean_verify_days == 0
    assert (city_a.rewards_paid, city_a.rewards_amount) == (1, reward.amount)
    assert by_name["乙市总工会"].tips == 1
    assert figures.total.tips == 4 and figures.total.rewards_amount == reward.amount
    assert [area.name for area in figures.areas][:2] == ["甲市总工会", "乙市总工会"]  # the directory's order


def test_a_node_is_a_scope(org, people):
    file_tip(org)
    file_tip(org, unit=org.unit_b1a)
    figures = tip_figures(org.city_a, _this_year())
    assert [area.name for area in figures.areas] == ["甲市总工会"] and figures.total.tips == 1


def test_tips_outside_the_period_are_left_out_but_payments_in_it_count(org, people):
    reward = _paid_tip(org, people)
    Tip.objects.filter(pk=reward.tip_id).update(submitted_at=timezone.now() - datetime.timedelta(days=800))
    figures = tip_figures(Tip.objects.all(), _this_year())
    assert figures.total.tips == 0 and figures.total.rewards_paid == 1
    last_year = Period.year(timezone.localdate().year - 1)
    assert tip_figures(Tip.objects.all(), last_year).total.rewards_paid == 0


def test_late_verification_is_counted(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    Tip.objects.filter(pk=tip.pk).update(verify_due=timezone.localdate() - datetime.timedelta(days=1))
    assert tip_figures(Tip.objects.all(), _this_year()).total.late == 1


def test_the_scope_decides(org, people):
    file_tip(org)
    file_tip(org, unit=org.unit_b1a)
    assert tip_figures(tips_for_user(people["handler"]), _this_year()).total.tips == 1
    assert tip_figures(tips_for_user(people["committee"]), _this_year()).total.tips == 2
    assert tip_figures(tips_for_user(people["safety"]), _this_year()).total.tips == 0


@pytest.mark.parametrize("count", [1, 3])
def test_constant_queries(org, people, count, django_assert_num_queries):
    for _number in range(count):
        walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    with django_assert_num_queries(2):  # the scope's tips, the names of their areas
        tip_figures(Tip.objects.all(), _this_year())
