"""Totals, vetoes and base conditions of a score sheet, and the reasons a unit is not eligible.

The base score (考核得分) is the sum of the scored items; the bonus items are added on top of it for the
total (总分), but the base conditions read the base score, so a bonus never makes up for a weak section.
Which score counts is passed in (the self-score while self-scoring, the review score after review)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ankang.enums import ConditionKind, ScoreItemKind

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class SectionTotal:
    number: int
    name: str
    points: Decimal = ZERO
    max_points: Decimal = ZERO

    @property
    def share(self) -> Decimal:
        """得分率 in %, one decimal."""
        if not self.max_points:
            return HUNDRED
        return (self.points * HUNDRED / self.max_points).quantize(Decimal("0.1"))


@dataclass
class Outcome:
    base: Decimal = ZERO
    bonus: Decimal = ZERO
    sections: list[SectionTotal] = field(default_factory=list)
    vetoes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def evaluate(scores, veto_marks, conditions, *, review: bool) -> Outcome:
    """`scores`: SheetScore rows with their item and section; `veto_marks`: SheetVeto rows with their veto;
    `conditions`: the template's BaseCondition rows. `review` picks the review scores (else the self-scores);
    a missing score counts 0."""
    outcome = Outcome()
    sections: dict[int, SectionTotal] = {}
    for row in scores:
        item = row.item
        value = (row.review_score if review else row.self_score) or ZERO
        if item.kind == ScoreItemKind.BONUS:
            outcome.bonus += value
            continue
        section = sections.setdefault(item.section_id, SectionTotal(item.section.number, item.section.name))
        section.points += value
        section.max_points += item.max_points
        outcome.base += value
    outcome.sections = sorted(sections.values(), key=lambda s: s.number)
    for mark in veto_marks:
        applies = (mark.review_found if mark.review_found is not None else mark.self_declared) if review \
            else mark.self_declared
        if applies:
            outcome.vetoes.append(mark.veto.text)
            outcome.reasons.append(_("一票否决：%(text)s。") % {"text": mark.veto.text})
    for condition in conditions:
        outcome.reasons.extend(_unmet(condition, outcome))
    return outcome


def _unmet(condition, outcome: Outcome) -> list[str]:
    if condition.kind == ConditionKind.TOTAL_MIN and outcome.base < condition.value:
        return [_("考核得分（不含加分）%(s)s分，低于基本条件%(v)s分。") % {"s": outcome.base, "v": condition.value}]
    if condition.kind == ConditionKind.SECTION_SHARE_MIN:
        return [_("“%(name)s”得分%(p)s分（满分%(m)s分），得分率%(r)s%%，低于%(v)s%%。") % {
            "name": s.name, "p": s.points, "m": s.max_points, "r": s.share, "v": condition.value}
            for s in outcome.sections if s.share < condition.value]
    return []
