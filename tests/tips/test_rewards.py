"""The reward engine (each basis, min/max/cap, versioning by date and jurisdiction), the committee's
approval and the reporter's claim (second, late and replayed claims refused)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.tips import file_tip, walk_tip
from tips import crypto, rewards, services
from tips.enums import AccidentClass, Disclosure, RewardBasis, RewardState, TipMatter, TipState
from tips.models import RewardClaim, RewardRule

pytestmark = pytest.mark.django_db
PAYMENT = {"name": "王举报", "account": "6222 0000 1111 2222", "bank": "工商银行"}


def proposal_for(org, people, *, fine="100000", **fields):
    tip = walk_tip(people, file_tip(org, **fields)[0], TipState.NOTIFIED, fine=fine)
    return services.propose_reward(tip, actor=people["handler"])


@pytest.mark.parametrize("fine, expected", [("100000", "15000.00"), ("10000", "3000.00"), ("5000000", "300000.00")])
def test_fine_percent_with_min_and_max(org, people, fine, expected):
    assert proposal_for(org, people, fine=fine).proposed_amount == Decimal(expected)


def test_fine_percent_needs_the_fine(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.NOTIFIED, fine=None)
    with pytest.raises(services.Refused) as exc:
        services.propose_reward(tip, actor=people["handler"])
    assert exc.value.code == "no_fine"
    services.record_facts(tip, actor=people["handler"], fine_amount="40000", fine_reference="罚字1号")
    assert services.propose_reward(tip, actor=people["handler"]).proposed_amount == Decimal("6000.00")


@pytest.mark.parametrize("cls, deaths, expected", [(AccidentClass.GENERAL, 2, "60000.00"),
                                                   (AccidentClass.SERIOUS, 3, "120000.00"),
                                                   (AccidentClass.ESPECIALLY_MAJOR, 6, "300000.00")])
def test_per_concealed_death_by_class_capped(org, people, cls, deaths, expected):
    tip, _ = file_tip(org, matter=TipMatter.CONCEALED_ACCIDENT)
    tip = walk_tip(people, tip, TipState.CONFIRMED, fine=None)
    services.record_facts(tip, actor=people["handler"], concealed_deaths=deaths, accident_class=cls)
    tip = services.notify_result(tip, actor=people["handler"])
    assert services.propose_reward(tip, actor=people["handler"]).proposed_amount == Decimal(expected)


def test_fixed_range_general_hazard_needs_real_name(org, people):
    tip = walk_tip(people, file_tip(org, matter=TipMatter.GENERAL_HAZARD)[0], TipState.NOTIFIED, fine=None)
    with pytest.raises(services.Refused) as exc:
        services.propose_reward(tip, actor=people["handler"])
    assert exc.value.code == "real_name_required"
    tip = walk_tip(people, file_tip(org, matter=TipMatter.GENERAL_HAZARD, disclosure=Disclosure.REAL_NAME)[0],
                   TipState.NOTIFIED, fine=None)
    reward = services.propose_reward(tip, actor=people["handler"])
    assert reward.proposed_amount == Decimal("300.00")
    assert rewards.compute(reward.rule, tip).ceiling == Decimal("500.00")


def test_rule_versioning_by_date_and_jurisdiction(org, people):
    local = RewardRule.objects.create(name="甲市2026细则", jurisdiction=org.city_a, matter=TipMatter.MAJOR_HAZARD,
                                      valid_from=datetime.date(2026, 1, 1), basis=RewardBasis.FINE_PERCENT,
                                      percent=Decimal("20"), min_amount=Decimal("5000"), max_amount=Decimal("400000"),
                                      cap=Decimal("300000"))
    today = timezone.localdate()
    assert RewardRule.objects.applicable(TipMatter.MAJOR_HAZARD, org.unit_a1a, today) == local
    assert RewardRule.objects.applicable(TipMatter.MAJOR_HAZARD, org.unit_b1a, today).jurisdiction is None
    assert RewardRule.objects.applicable(TipMatter.MAJOR_HAZARD, org.unit_a1a, datetime.date(2025, 6, 1)) != local
    assert RewardRule.objects.applicable(TipMatter.MAJOR_HAZARD, org.unit_a1a, datetime.date(2017, 1, 1)) is None
    local.valid_to = today - datetime.timedelta(days=1)
    local.save()
    assert RewardRule.objects.applicable(TipMatter.MAJOR_HAZARD, org.unit_a1a, today).jurisdiction is None


def test_local_rule_applies_and_caps(org, people):
    RewardRule.objects.create(name="甲市细则", jurisdiction=org.city_a, matter=TipMatter.MAJOR_HAZARD,
                              valid_from=datetime.date(2020, 1, 1), basis=RewardBasis.FINE_PERCENT,
                              percent=Decimal("50"), min_amount=Decimal("5000"), max_amount=Decimal("900000"),
                              cap=Decimal("200000"))
    assert proposal_for(org, people, fine="1000000").proposed_amount == Decimal("200000.00")


def test_duplicate_and_unfounded_tips_not_rewarded(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.NOTIFIED, result=TipState.UNFOUNDED)
    with pytest.raises(services.Refused):
        services.propose_reward(tip, actor=people["handler"])
    anonymous = walk_tip(people, file_tip(org, disclosure=Disclosure.ANONYMOUS)[0], TipState.NOTIFIED)
    with pytest.raises(services.Refused) as exc:
        services.propose_reward(anonymous, actor=people["handler"])
    assert exc.value.code == "no_receipt"


def test_approval_needs_two_reviewers_and_reason_for_change(org, people):
    reward = proposal_for(org, people)
    with pytest.raises(services.Refused) as exc:
        services.approve_reward(reward, actor=people["handler"])
    assert exc.value.denied
    reward = services.approve_reward(reward, actor=people["rewards1"])
    assert reward.state == RewardState.PROPOSED
    with pytest.raises(services.Refused) as exc:
        services.approve_reward(reward, actor=people["rewards1"])
    assert exc.value.code == "voted"
    with pytest.raises(services.Refused) as exc:
        services.approve_reward(reward, actor=people["rewards2"], amount="20000")
    assert exc.value.code == "no_reason"
    with pytest.raises(services.Refused) as exc:
        services.approve_reward(reward, actor=people["rewards2"], amount="400000", reason="重大贡献")
    assert exc.value.code == "over_cap"
    reward = services.approve_reward(reward, actor=people["rewards2"], amount="20000", reason="避免了重大事故")
    assert reward.state == RewardState.PROPOSED  # two different amounts: no majority yet
    reward = services.approve_reward(reward, actor=people["rewards3"], amount="20000", reason="同意调整")
    assert reward.state == RewardState.APPROVED and reward.amount == Decimal("20000.00")
    assert reward.claim_due == timezone.localdate() + datetime.timedelta(days=60)


def approved(org, people):
    reward = proposal_for(org, people)
    services.approve_reward(reward, actor=people["rewards1"])
    return services.approve_reward(reward, actor=people["rewards2"])


def test_claim_payment_sealed_second_claim_refused(org, people):
    reward = approved(org, people)
    claim = services.claim_reward(reward.tip, payment=PAYMENT, declared_not_excluded=True)
    assert PAYMENT["account"] not in str(bytes(RewardClaim.objects.get(pk=claim.pk).payment_sealed))
    assert json.loads(crypto.unseal(claim.payment_sealed))["account"] == PAYMENT["account"]
    with pytest.raises(services.Refused) as exc:  # a second or replayed claim
        services.claim_reward(reward.tip, payment=PAYMENT, declared_not_excluded=True)
    assert exc.value.code == "claimed"
    assert services.open_identity(reward.tip, actor=people["custodian"], reason="发放")["payment"]["bank"] == "工商银行"


def test_claim_after_window_refused_and_lapsed(org, people):
    reward = approved(org, people)
    reward.claim_due = timezone.localdate() - datetime.timedelta(days=1)
    reward.save()
    with pytest.raises(services.Refused) as exc:
        services.claim_reward(reward.tip, payment=PAYMENT, declared_not_excluded=True)
    assert exc.value.code == "late"
    assert services.lapse_rewards() == 1
    reward.refresh_from_db()
    assert reward.state == RewardState.LAPSED
    with pytest.raises(services.Refused) as exc:
        services.claim_reward(reward.tip, payment=PAYMENT, declared_not_excluded=True)
    assert exc.value.code == "claimed"


def test_claim_needs_declaration_and_payment(org, people):
    reward = approved(org, people)
    with pytest.raises(services.Refused):
        services.claim_reward(reward.tip, payment=PAYMENT, declared_not_excluded=False)
    with pytest.raises(services.Refused):
        services.claim_reward(reward.tip, payment={"name": "x"}, declared_not_excluded=True)
    assert not RewardClaim.objects.exists()


def test_claim_before_approval_refused(org, people):
    reward = proposal_for(org, people)
    with pytest.raises(services.Refused) as exc:
        services.claim_reward(reward.tip, payment=PAYMENT, declared_not_excluded=True)
    assert exc.value.code == "no_reward"


def test_payment_recorded_after_claim(org, people):
    reward = approved(org, people)
    with pytest.raises(services.Refused):
        services.record_payment(reward, actor=people["rewards1"], paid_on=timezone.localdate(), method="转账",
                                reference="A1")
    services.claim_reward(reward.tip, payment=PAYMENT, declared_not_excluded=True)
    reward = services.record_payment(reward, actor=people["rewards1"], paid_on=timezone.localdate(), method="银行转账",
                                     reference="ZZ2026001")
    assert reward.state == RewardState.PAID
