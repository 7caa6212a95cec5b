"""The hazard-report value score D = L × E × C × X × Y.

The five scales and their options come from the provincial notice 隐患举报价值评价 (the recommending unit
ticks one box per factor).  They are defined once, here, as data; forms, models, exports and tests derive
everything from ``SCALES``.

All arithmetic is done with :class:`~decimal.Decimal`.  Floats are refused everywhere: ``0.99`` as a float
is not 0.99, and a score that depends on binary rounding could rank two reports differently from the
paper form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Rounded
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "SCALES",
    "SCALES_BY_CODE",
    "SCALE_CODES",
    "SCORE_MAX",
    "SCORE_MIN",
    "InvalidOption",
    "Option",
    "Scale",
    "choices_for",
    "format_score",
    "get_scale",
    "hazard_score",
    "option_label",
    "to_decimal",
]

#: A user-facing string: plain, or lazily translated.
Text = str | Promise


@dataclass(frozen=True)
class Option:
    """One tick box of a scale: its printed label and its value."""

    label: Text
    value: Decimal


@dataclass(frozen=True)
class Scale:
    """One factor of the score (L, E, C, X or Y) with its options in the order the notice prints them."""

    code: str
    name: Text
    options: tuple[Option, ...]
    help_text: Text = ""

    @property
    def values(self) -> tuple[Decimal, ...]:
        """The option values, in the notice's order."""
        return tuple(option.value for option in self.options)

    @property
    def min_value(self) -> Decimal:
        """The smallest option value."""
        return min(self.values)

    @property
    def max_value(self) -> Decimal:
        """The largest option value."""
        return max(self.values)

    def option_for(self, value: Decimal | int | str) -> Option:
        """Return the option whose value equals ``value`` (``"2"``, ``2``, ``Decimal("2.0")`` all match 2).

        Raises :class:`InvalidOption` if ``value`` is not a number or not one of the options, and
        :class:`TypeError` for floats, booleans, ``None`` and other non-numeric types.
        """
        try:
            number = to_decimal(value)
        except ValueError:
            raise InvalidOption(self, value) from None
        for option in self.options:
            if option.value == number:
                return option
        raise InvalidOption(self, value)


class InvalidOption(ValueError):
    """A value that is not among a scale's options.

    ``str(exc)`` is a user-facing Chinese message such as "可能造成事故后果（C）的取值 21 不在选项中",
    translated into the language active when the exception was raised.
    """

    def __init__(self, scale: Scale, value: object) -> None:
        self.code = scale.code
        self.value = value
        shown = value.strip() if isinstance(value, str) else value
        if shown == "":
            shown = gettext("（空）")
        super().__init__(
            gettext("%(name)s（%(code)s）的取值 %(value)s 不在选项中")
            % {"name": scale.name, "code": scale.code, "value": shown}
        )


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert ``value`` to a finite :class:`~decimal.Decimal` without any rounding.

    Accepts ``Decimal``, ``int`` and numeric strings (surrounding whitespace is ignored, as form input
    may carry it).  Raises :class:`TypeError` for ``float`` (binary rounding), ``bool`` (almost always a
    bug: ``True`` would count as 1), ``None`` and any other type; raises :class:`ValueError` for a string
    that is not a number and for NaN or infinity.
    """
    # bool before int: bool is a subclass of int.
    if isinstance(value, bool):
        raise TypeError(f"expected Decimal, int or str, got bool ({value!r})")
    if isinstance(value, float):
        raise TypeError(f"floats are refused to avoid binary rounding; pass Decimal or str, got {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            # An explicit context: the caller's might not trap InvalidOperation, and then Decimal("abc")
            # would silently be NaN.  The constructor (unlike create_decimal) never rounds.
            number = Decimal(value.strip(), Context(traps=[InvalidOperation]))
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise TypeError(f"expected Decimal, int or str, got {type(value).__name__} ({value!r})")
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _options(*pairs: tuple[Text, str]) -> tuple[Option, ...]:
    # Values written as strings so that the Decimals are exactly the printed numbers.
    return tuple(Option(label, Decimal(value)) for label, value in pairs)


_C_HELP_TEXT = _(
    "1、灾难，是指造成3人以上死亡，或者10人以上重伤，或者造成500万元以上经济损失的事故；"
    "2、非常严重，是指造成3人以下1人以上死亡，或者10人以下5人以上重伤，或者造成500万元以下100万元以上经济损失的事故；"
    "3、严重，是指造成5人以下3人以上重伤，或者造成100万元以下50万元以上经济损失的事故；"
    "4、一般，是指造成3人以下重伤，或者造成50万元以下10万元以上经济损失的事故。"
    "5、轻微，指造成轻伤，或者造成10万元以下经济损失的事故。"
    "所称的“以上”包括本数，“以下”不包括本数。"
)

#: The five scales in formula order L, E, C, X, Y, each with its options as printed in the notice.
SCALES: tuple[Scale, ...] = (
    Scale(
        "L",
        _("造成事故可能性"),
        _options((_("非常可能"), "2"), (_("可能"), "1.5"), (_("可能性小"), "1")),
    ),
    Scale(
        "E",
        _("工作人员接触隐患频率"),
        _options(
            (_("连续接触"), "2"),
            (_("每天几次接触"), "1.8"),
            (_("每周接触"), "1.6"),
            (_("每月接触"), "1.4"),
            (_("每年接触"), "1.2"),
            (_("很少接触"), "1"),
        ),
    ),
    Scale(
        "C",
        _("可能造成事故后果"),
        _options(
            (_("灾难"), "25"),
            (_("非常严重"), "22"),
            (_("严重"), "20"),
            (_("一般"), "18"),
            (_("轻微"), "15"),
        ),
        help_text=_C_HELP_TEXT,
    ),
    Scale(
        "X",
        _("排查难度"),
        _options((_("难"), "1"), (_("较难"), "0.99"), (_("一般"), "0.98")),
    ),
    Scale(
        "Y",
        _("画面质量"),
        _options((_("好"), "1"), (_("较好"), "0.99"), (_("一般"), "0.98")),
    ),
)

#: Scale codes in formula order: ("L", "E", "C", "X", "Y").
SCALE_CODES: tuple[str, ...] = tuple(scale.code for scale in SCALES)

#: Read-only mapping code -> Scale.
SCALES_BY_CODE: Mapping[str, Scale] = MappingProxyType({scale.code: scale for scale in SCALES})

# Every product here has at most 9 significant digits before trailing zeros are dropped; a 28-digit
# context that traps Inexact and Rounded turns any future loss of exactness (say, a scale with many
# decimals) into an error instead of a silently rounded score.
_EXACT = Context(prec=28, traps=[Inexact, Rounded, InvalidOperation])
# Dropping trailing zeros signals Rounded even though no value is lost; only Inexact would be a bug there.
_STRIP = Context(prec=28, traps=[Inexact, InvalidOperation])


def _product(factors: Iterable[Decimal]) -> Decimal:
    result = Decimal(1)
    for factor in factors:
        result = _EXACT.multiply(result, factor)
    return _shortest(result)


def _shortest(number: Decimal) -> Decimal:
    # Same value, no trailing zeros (1.5 × 0.98 × 0.98 is computed as 1.440600): a DecimalField's validator
    # counts trailing zeros as decimal places.  Integers keep exponent 0 because normalize() would give
    # 1E+2 for 100.
    if number == number.to_integral_value():
        return number.quantize(Decimal(1), context=_STRIP)
    return number.normalize(context=_STRIP)


#: Smallest possible score, the product of every scale's smallest option (14.406).
SCORE_MIN: Decimal = _product(scale.min_value for scale in SCALES)

#: Largest possible score, the product of every scale's largest option (100).
SCORE_MAX: Decimal = _product(scale.max_value for scale in SCALES)


def get_scale(code: str) -> Scale:
    """Return the scale with code ``code`` ("L", "E", "C", "X" or "Y"); :class:`KeyError` otherwise."""
    try:
        return SCALES_BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown scale code {code!r}; expected one of {', '.join(SCALE_CODES)}") from None


def hazard_score(
    l: Decimal | int | str,  # noqa: E741 - the notice names the factor L
    e: Decimal | int | str,
    c: Decimal | int | str,
    x: Decimal | int | str,
    y: Decimal | int | str,
) -> Decimal:
    """Return D = L × E × C × X × Y exactly, for option values of the five scales.

    Each argument may be a ``Decimal``, an ``int`` or a numeric string (form input such as ``"0.99"``);
    it must equal one of its scale's option values.  The result is exact (no rounding) and written
    without trailing zeros: ``Decimal("14.406")``, ``Decimal("100")``, ``Decimal("77.62392")``.

    Note: up to 5 decimal places occur (2 × 1.8 × 22 × 0.99 × 0.99 = 77.62392; 102 of the 810
    combinations), so a model field storing D exactly needs ``DecimalField(max_digits=8, decimal_places=5)``.
    Never more than 5 places: L and E contribute at most one decimal together (1.5 × E keeps one,
    since every E has an even tenth), X and Y at most two each.

    Raises :class:`InvalidOption` (a :class:`ValueError`) with a Chinese message for a value that is not
    an option, and :class:`TypeError` for floats, booleans, ``None`` and other types.
    """
    chosen = [scale.option_for(value).value for scale, value in zip(SCALES, (l, e, c, x, y), strict=True)]
    return _product(chosen)


def format_score(d: Decimal | int | str) -> str:
    """Format a score with exactly 3 decimals, rounding half up: ``"14.406"``, ``"100.000"``.

    Scores themselves have up to 5 decimals; averages of scores may have more.  Floats are refused
    (:class:`TypeError`), as are NaN and infinity (:class:`ValueError`).
    """
    number = to_decimal(d)
    # Enough precision for the integer part of any sane input plus 3 decimals.
    digits = max(number.adjusted(), 0) + 4
    return f"{number.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP, context=Context(prec=digits)):f}"


def choices_for(code: str) -> list[tuple[str, Text]]:
    """Django form choices for scale ``code``: ``[("2", "非常可能 2分"), ("1.5", "可能 1.5分"), ...]``.

    Values are the option values as strings (what a form posts back and :func:`hazard_score` accepts);
    labels are lazy, so the list can be built at import time and still follow the active language.
    """
    scale = get_scale(code)
    return [
        (str(option.value), format_lazy(_("{label} {value}分"), label=option.label, value=option.value))
        for option in scale.options
    ]


def option_label(code: str, value: Decimal | int | str) -> Text:
    """The printed label of the option of scale ``code`` whose value is ``value`` (e.g. C, 25 → "灾难").

    Raises :class:`KeyError` for an unknown code and :class:`InvalidOption` for a value that is not an
    option of that scale.
    """
    return get_scale(code).option_for(value).label
