"""Summaries of several experts' scores for one report.

Everything stays in :class:`~decimal.Decimal`.  ``statistics`` sums Decimals exactly (through fractions),
so count, min, max and median are exact; the mean and the standard deviation are exact when
representable and otherwise correctly rounded to 28 significant digits, far beyond the 3 decimals shown.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from scoring.formula import to_decimal

__all__ = ["Summary", "disagreement", "summarise"]

# statistics divides and takes square roots in the *current* decimal context; a fixed context keeps the
# results independent of whatever the caller (or a library) has set.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


@dataclass(frozen=True)
class Summary:
    """Count, mean, median, min, max and sample standard deviation of a set of scores.

    With no values, ``count`` is 0 and every other field is ``None``.
    """

    count: int
    mean: Decimal | None
    median: Decimal | None
    min: Decimal | None
    max: Decimal | None
    stdev: Decimal | None

    @property
    def spread(self) -> Decimal | None:
        """``max - min`` (exact), or ``None`` when there are no values."""
        if self.max is None or self.min is None:
            return None
        return self.max - self.min


def summarise(values: Iterable[Decimal | int | str]) -> Summary:
    """Summarise scores; the standard deviation is the *sample* one (divisor n - 1).

    The sample deviation is used because the experts scoring a report are a sample of the experts who
    could have scored it.  A single value has standard deviation 0 (not undefined), so one expert's
    score can be shown like any other; no values give a :class:`Summary` of ``None`` fields.

    Values may be ``Decimal``, ``int`` or numeric strings; floats raise :class:`TypeError` and NaN or
    infinity raise :class:`ValueError`, as in :func:`scoring.formula.to_decimal`.
    """
    data = [to_decimal(value) for value in values]
    if not data:
        return Summary(count=0, mean=None, median=None, min=None, max=None, stdev=None)
    with localcontext(_CONTEXT):
        stdev = statistics.stdev(data) if len(data) > 1 else Decimal(0)
        return Summary(
            count=len(data),
            mean=statistics.mean(data),
            median=statistics.median(data),
            min=min(data),
            max=max(data),
            stdev=stdev,
        )


def disagreement(summary: Summary, threshold: Decimal | int | str) -> bool:
    """True when the experts disagree: the spread ``max - min`` is strictly greater than ``threshold``.

    A summary of no values never signals disagreement.  A negative threshold is refused
    (:class:`ValueError`): it would flag every report, even one with a single score.
    """
    limit = to_decimal(threshold)
    if limit < 0:
        raise ValueError(f"threshold must not be negative, got {threshold!r}")
    spread = summary.spread
    return spread is not None and spread > limit
