"""The reward engine: from a verified tip's facts and the `RewardRule` valid on the day of the tip in its
jurisdiction, the amount to propose and how it was computed (shown to the committee).

Bases: a fixed range (proposes the lower end; the committee may go up to the top), a percentage of the
fine the regulator imposed (clamped to the rule's minimum and maximum), or an amount per concealed death
by accident class. The rule's cap applies last.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.refusals import Refused
from tips.enums import AccidentClass, RewardBasis
from tips.models import RewardRule

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Proposal:
    rule: RewardRule
    amount: Decimal
    computation: str
    ceiling: Decimal | None  # the most the committee may approve under this rule


def rule_for(tip) -> RewardRule:
    on = timezone.localdate(tip.submitted_at)
    rule = RewardRule.objects.applicable(tip.matter, tip.location_node, on)
    if rule is None:
        raise Refused(_("没有适用于该举报事项、地区和日期的奖励规则。"), code="no_rule")
    return rule


def compute(rule: RewardRule, tip) -> Proposal:
    """The proposal under `rule` for `tip`; Refused when a fact it needs was not recorded."""
    if rule.basis == RewardBasis.FIXED_RANGE:
        if rule.min_amount is None:
            raise Refused(_("奖励规则缺少最低金额。"), code="bad_rule")
        amount = rule.min_amount
        steps = _("固定金额区间%(min)s–%(max)s元，建议取下限") % {"min": rule.min_amount, "max": rule.max_amount}
        ceiling = rule.max_amount
    elif rule.basis == RewardBasis.FINE_PERCENT:
        if tip.fine_amount is None:
            raise Refused(_("请先按处罚决定书记录罚款金额。"), code="no_fine")
        raw = tip.fine_amount * (rule.percent or 0) / 100
        amount = raw
        if rule.min_amount is not None:
            amount = max(amount, rule.min_amount)
        if rule.max_amount is not None:
            amount = min(amount, rule.max_amount)
        steps = _("罚款%(fine)s元 × %(pct)s%% = %(raw)s元，最低%(min)s元，最高%(max)s元") % {
            "fine": tip.fine_amount, "pct": rule.percent, "raw": raw.quantize(CENT),
            "min": rule.min_amount, "max": rule.max_amount}
        ceiling = rule.max_amount
    elif rule.basis == RewardBasis.PER_DEATH:
        if not tip.concealed_deaths or tip.accident_class not in AccidentClass.values:
            raise Refused(_("请先记录瞒报死亡人数和事故等级。"), code="no_deaths")
        each = rule.per_death.get(tip.accident_class)
        if each is None:
            raise Refused(_("奖励规则未规定该事故等级的金额。"), code="bad_rule")
        amount = Decimal(str(each)) * tip.concealed_deaths
        steps = _("%(cls)s每瞒报1人%(each)s元 × %(n)d人") % {
            "cls": AccidentClass(tip.accident_class).label, "each": each, "n": tip.concealed_deaths}
        ceiling = None
    else:
        raise Refused(_("奖励规则的计算方式无效。"), code="bad_rule")
    if rule.cap is not None and amount > rule.cap:
        amount = rule.cap
        steps += _("，封顶%(cap)s元") % {"cap": rule.cap}
    if rule.cap is not None:
        ceiling = min(ceiling, rule.cap) if ceiling is not None else rule.cap
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return Proposal(rule=rule, amount=amount, computation=f"{rule.name}：{steps}，建议{amount}元", ceiling=ceiling)
