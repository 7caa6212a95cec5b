"""Deterministic ranking of scored reports.

Order: higher D first; at equal D, higher C (consequence), then higher L (likelihood); then the earlier
submission; finally the primary key, ascending.  The primary key makes the order total, so ranks never
depend on the order rows came out of the database: two reports equal on D, C, L and submission time
get *distinct*, consecutive ranks, the smaller primary key first.  There are no shared ("1, 1, 3") ranks.

Reports without a submission time sort after all submitted ones at the same D, C and L.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from scoring.formula import to_decimal

__all__ = ["Ranked", "rank", "rank_entries", "ranking_key"]

T = TypeVar("T")


@dataclass(frozen=True)
class Ranked(Generic[T]):
    """An item with its 1-based rank."""

    rank: int
    item: T


def ranking_key(
    d: Decimal | int | str,
    c: Decimal | int | str,
    l: Decimal | int | str,  # noqa: E741 - the notice names the factor L
    submitted_at: Any,
    pk: Any,
) -> tuple[Any, ...]:
    """Sort key (for ascending sorts) putting the best-ranked report first.

    ``d``, ``c`` and ``l`` are converted with :func:`scoring.formula.to_decimal` (floats and ``None``
    raise :class:`TypeError`: unscored reports are not ranked).  ``submitted_at`` is any comparable
    value, normally an aware datetime, or ``None``; ``pk`` is any comparable primary key.
    """
    # Negated so one ascending sort gives "higher first" for the scores and "earlier first" for the time.
    # The flag before submitted_at keeps None from ever being compared with a datetime.
    return (
        -to_decimal(d),
        -to_decimal(c),
        -to_decimal(l),
        submitted_at is None,
        submitted_at,
        pk,
    )


def rank(
    items: Iterable[T],
    *,
    key_d: Callable[[T], Any],
    key_c: Callable[[T], Any],
    key_l: Callable[[T], Any],
    key_submitted_at: Callable[[T], Any],
    key_id: Callable[[T], Hashable],
) -> list[Ranked[T]]:
    """Rank arbitrary items (model instances, dicts, ...) via accessor functions; see the module docstring.

    Returns :class:`Ranked` wrappers in rank order, ranks 1, 2, 3, ...  Raises :class:`ValueError` if
    two items share an id, since the order would then no longer be total.
    """
    keyed = []
    seen: set[Hashable] = set()
    for item in items:
        pk = key_id(item)
        if pk in seen:
            raise ValueError(f"duplicate id {pk!r}: the ranking needs unique ids to be total")
        seen.add(pk)
        keyed.append((ranking_key(key_d(item), key_c(item), key_l(item), key_submitted_at(item), pk), item))
    keyed.sort(key=lambda pair: pair[0])
    return [Ranked(rank=position, item=item) for position, (_, item) in enumerate(keyed, start=1)]


def rank_entries(
    rows: Iterable[Mapping[str, Any]],
    *,
    d: str = "d",
    c: str = "c",
    l: str = "l",  # noqa: E741 - the notice names the factor L
    submitted_at: str = "submitted_at",
    pk: str = "pk",
) -> list[dict[str, Any]]:
    """Rank mappings (e.g. ``QuerySet.values()`` rows); returns new dicts with a ``"rank"`` key added.

    The keyword arguments name the keys holding D, C, L, the submission time and the primary key.
    The rows are returned in rank order; the input mappings are not modified.
    """
    ranked = rank(
        rows,
        key_d=lambda row: row[d],
        key_c=lambda row: row[c],
        key_l=lambda row: row[l],
        key_submitted_at=lambda row: row[submitted_at],
        key_id=lambda row: row[pk],
    )
    return [{**entry.item, "rank": entry.rank} for entry in ranked]
