"""Tests for scoring.formula against tables copied again from the notice (隐患举报价值评价).

The reference tables below are written out independently of scoring/formula.py on purpose: a typo in the
module must not be able to make its own test pass.
"""

import itertools
import re
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction

import pytest
from django.core.validators import DecimalValidator
from django.utils import translation

from scoring.formula import (
    SCALE_CODES,
    SCALES,
    SCALES_BY_CODE,
    SCORE_MAX,
    SCORE_MIN,
    InvalidOption,
    choices_for,
    format_score,
    get_scale,
    hazard_score,
    option_label,
    to_decimal,
)

# (code, name, [(label, value), ...]) exactly as printed in the notice.
REFERENCE = [
    ("L", "造成事故可能性", [("非常可能", "2"), ("可能", "1.5"), ("可能性小", "1")]),
    (
        "E",
        "工作人员接触隐患频率",
        [
            ("连续接触", "2"),
            ("每天几次接触", "1.8"),
            ("每周接触", "1.6"),
            ("每月接触", "1.4"),
            ("每年接触", "1.2"),
            ("很少接触", "1"),
        ],
    ),
    (
        "C",
        "可能造成事故后果",
        [("灾难", "25"), ("非常严重", "22"), ("严重", "20"), ("一般", "18"), ("轻微", "15")],
    ),
    ("X", "排查难度", [("难", "1"), ("较难", "0.99"), ("一般", "0.98")]),
    ("Y", "画面质量", [("好", "1"), ("较好", "0.99"), ("一般", "0.98")]),
]

C_HELP_TEXT = (
    "1、灾难，是指造成3人以上死亡，或者10人以上重伤，或者造成500万元以上经济损失的事故；"
    "2、非常严重，是指造成3人以下1人以上死亡，或者10人以下5人以上重伤，或者造成500万元以下100万元以上经济损失的事故；"
    "3、严重，是指造成5人以下3人以上重伤，或者造成100万元以下50万元以上经济损失的事故；"
    "4、一般，是指造成3人以下重伤，或者造成50万元以下10万元以上经济损失的事故。"
    "5、轻微，指造成轻伤，或者造成10万元以下经济损失的事故。"
    "所称的“以上”包括本数，“以下”不包括本数。"
)

ALL_COMBINATIONS = list(itertools.product(*(options for _, _, options in REFERENCE)))


def reference_product(values):
    """The score computed with fractions, independently of the module's Decimal arithmetic."""
    product = Fraction(1)
    for value in values:
        product *= Fraction(value)
    return product


def test_reference_combinations_count_is_810():
    assert len(ALL_COMBINATIONS) == 3 * 6 * 5 * 3 * 3 == 810


@pytest.mark.parametrize(
    "combination", ALL_COMBINATIONS, ids=["-".join(value for _, value in combo) for combo in ALL_COMBINATIONS]
)
def test_hazard_score_every_combination_matches_reference(combination):
    values = [value for _, value in combination]
    expected = reference_product(values)

    from_strings = hazard_score(*values)
    from_decimals = hazard_score(*(Decimal(value) for value in values))

    assert Fraction(from_strings) == expected
    assert from_decimals == from_strings
    assert from_decimals.as_tuple() == from_strings.as_tuple()
    assert SCORE_MIN <= from_strings <= SCORE_MAX
    # Fits a DecimalField(max_digits=8, decimal_places=5) as-is: the validator counts trailing zeros too.
    DecimalValidator(max_digits=8, decimal_places=5)(from_strings)
    assert from_strings.as_tuple().exponent >= -5
    if from_strings.as_tuple().exponent < 0:
        assert from_strings.as_tuple().digits[-1] != 0


def test_hazard_score_bounds_are_extreme_combinations():
    scores = [hazard_score(*(value for _, value in combo)) for combo in ALL_COMBINATIONS]
    assert min(scores) == SCORE_MIN == Decimal("14.406")
    assert max(scores) == SCORE_MAX == Decimal("100")
    assert hazard_score(1, 1, 15, "0.98", "0.98") == Decimal("14.406")
    assert hazard_score(2, 2, 25, 1, 1) == Decimal("100")


def test_hazard_score_some_combinations_need_five_decimal_places():
    # Guards the storage decision: four decimal places would round these 102 scores.
    scores = [hazard_score(*(value for _, value in combo)) for combo in ALL_COMBINATIONS]
    five_places = [score for score in scores if score.as_tuple().exponent == -5]
    assert len(five_places) == 102
    assert hazard_score(2, "1.8", 22, "0.99", "0.99") == Decimal("77.62392")
    assert min(score.as_tuple().exponent for score in scores) == -5


def test_score_bounds_representation_is_shortest():
    assert str(SCORE_MIN) == "14.406"
    assert str(SCORE_MAX) == "100"


def test_hazard_score_equivalent_inputs_give_same_result():
    canonical = hazard_score("1.5", "1.8", "22", "0.99", "0.98")
    assert hazard_score(Decimal("1.50"), " 1.8 ", 22, Decimal("0.990"), "0.98") == canonical
    assert hazard_score(Decimal("1.50"), " 1.8 ", 22, Decimal("0.990"), "0.98").as_tuple() == (
        canonical.as_tuple()
    )
    assert str(canonical) == "57.62988"


def test_hazard_score_keywords_map_to_factors():
    assert hazard_score(l="1.5", e="1.8", c="22", x="0.99", y="0.98") == hazard_score(
        "1.5", "1.8", 22, "0.99", "0.98"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2, 2, 21, 1, 1), "可能造成事故后果（C）的取值 21 不在选项中"),
        ((2, 2, 25, "0.97", 1), "排查难度（X）的取值 0.97 不在选项中"),
        ((2, 2, 25, Decimal("0.97"), 1), "排查难度（X）的取值 0.97 不在选项中"),
        (("abc", 2, 25, 1, 1), "造成事故可能性（L）的取值 abc 不在选项中"),
        ((2, "", 25, 1, 1), "工作人员接触隐患频率（E）的取值 （空） 不在选项中"),
        ((2, 2, 25, 1, "0.5"), "画面质量（Y）的取值 0.5 不在选项中"),
        ((3, 2, 25, 1, 1), "造成事故可能性（L）的取值 3 不在选项中"),
        ((2, "2.2", 25, 1, 1), "工作人员接触隐患频率（E）的取值 2.2 不在选项中"),
        ((Decimal("NaN"), 2, 25, 1, 1), "造成事故可能性（L）的取值 NaN 不在选项中"),
        ((2, 2, "Infinity", 1, 1), "可能造成事故后果（C）的取值 Infinity 不在选项中"),
        # Would match 0.99 if the string were first rounded to 28 digits.
        (
            (2, 2, 25, "0.99000000000000000000000000001", 1),
            "排查难度（X）的取值 0.99000000000000000000000000001 不在选项中",
        ),
    ],
)
def test_hazard_score_out_of_option_value_raises_invalid_option(args, message):
    with translation.override("zh-hans"), pytest.raises(InvalidOption) as caught:
        hazard_score(*args)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_invalid_option_carries_code_and_value():
    with pytest.raises(InvalidOption) as caught:
        hazard_score(2, 2, 21, 1, 1)
    assert caught.value.code == "C"
    assert caught.value.value == 21


@pytest.mark.parametrize(
    "args",
    [
        (2, 2, 25, 1, None),
        (2.0, 2, 25, 1, 1),
        (2, 2, 25, 0.98, 1),
        (2, 2, 25, 1, 0.97),
        (True, 2, 25, 1, 1),
        (2, 2, [25], 1, 1),
    ],
    ids=["none", "float-valid-looking", "float-option", "float-out-of-option", "bool", "list"],
)
def test_hazard_score_non_numeric_type_raises_type_error(args):
    with pytest.raises(TypeError):
        hazard_score(*args)


def test_scales_labels_match_notice_exactly():
    actual = [
        (scale.code, str(scale.name), [(str(option.label), option.value) for option in scale.options])
        for scale in SCALES
    ]
    expected = [
        (code, name, [(label, Decimal(value)) for label, value in options])
        for code, name, options in REFERENCE
    ]
    assert actual == expected


def test_scale_codes_are_in_formula_order():
    assert SCALE_CODES == ("L", "E", "C", "X", "Y")
    assert list(SCALES_BY_CODE) == ["L", "E", "C", "X", "Y"]
    assert all(SCALES_BY_CODE[scale.code] is scale for scale in SCALES)


def test_scales_by_code_is_read_only():
    with pytest.raises(TypeError):
        SCALES_BY_CODE["Z"] = SCALES[0]  # type: ignore[index]


def test_c_help_text_is_verbatim_from_notice():
    assert str(get_scale("C").help_text) == C_HELP_TEXT


def test_other_scales_help_text_is_empty():
    assert [str(get_scale(code).help_text) for code in "LEXY"] == ["", "", "", ""]


def test_get_scale_unknown_code_raises_key_error():
    with pytest.raises(KeyError, match="unknown scale code 'Z'"):
        get_scale("Z")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("14.406"), "14.406"),
        (Decimal("100"), "100.000"),
        (100, "100.000"),
        ("57.203", "57.203"),
        (Decimal("65.4885"), "65.489"),  # half up, not half even
        (Decimal("65.4875"), "65.488"),
        (Decimal("14.4064"), "14.406"),
        (Decimal("57.20300000000000000000000001"), "57.203"),
        (Decimal("1E+2"), "100.000"),
        (Decimal("0"), "0.000"),
    ],
)
def test_format_score_value_gives_three_decimals(value, expected):
    assert format_score(value) == expected


def test_format_score_every_combination_has_three_decimals():
    for combo in ALL_COMBINATIONS:
        text = format_score(hazard_score(*(value for _, value in combo)))
        whole, _, decimals = text.partition(".")
        assert len(decimals) == 3
        assert 14 <= int(whole) <= 100


def test_format_score_float_raises_type_error():
    with pytest.raises(TypeError):
        format_score(14.406)


def test_format_score_nan_raises_value_error():
    with pytest.raises(ValueError):
        format_score(Decimal("NaN"))


def test_choices_for_l_gives_values_and_labels():
    assert [(value, str(label)) for value, label in choices_for("L")] == [
        ("2", "非常可能 2分"),
        ("1.5", "可能 1.5分"),
        ("1", "可能性小 1分"),
    ]


def test_choices_for_every_scale_matches_notice():
    for code, _, options in REFERENCE:
        assert [(value, str(label)) for value, label in choices_for(code)] == [
            (value, f"{label} {value}分") for label, value in options
        ]


def test_choices_for_values_are_accepted_by_hazard_score():
    # What a form posts back is the choice value; every tuple of them must score.
    for combo in itertools.product(*(choices_for(code) for code in SCALE_CODES)):
        hazard_score(*(value for value, _ in combo))


def test_choices_for_unknown_code_raises_key_error():
    with pytest.raises(KeyError):
        choices_for("D")


@pytest.mark.parametrize(
    ("code", "value", "label"),
    [
        ("C", 25, "灾难"),
        ("C", "15", "轻微"),
        ("X", "0.98", "一般"),
        ("Y", Decimal("0.990"), "较好"),
        ("E", "1.8", "每天几次接触"),
        ("L", Decimal("1.5"), "可能"),
    ],
)
def test_option_label_known_value_gives_label(code, value, label):
    assert str(option_label(code, value)) == label


def test_option_label_unknown_value_raises_invalid_option():
    with pytest.raises(InvalidOption, match=re.escape("画面质量（Y）的取值 0.97 不在选项中")):
        option_label("Y", "0.97")


@pytest.mark.parametrize("value", ["abc", "", "1,5", "NaN", "inf", "-Infinity"])
def test_to_decimal_non_number_string_raises_value_error(value):
    with pytest.raises(ValueError):
        to_decimal(value)


def test_to_decimal_accepts_int_str_decimal():
    assert to_decimal(18) == Decimal(18)
    assert to_decimal(" 0.99 ") == Decimal("0.99")
    assert to_decimal(Decimal("1.8")) == Decimal("1.8")


def test_to_decimal_long_string_is_not_rounded():
    digits = "14.40600000000000000000000000000001"
    assert str(to_decimal(digits)) == digits


def test_to_decimal_caller_context_without_traps_still_refuses_text():
    with localcontext() as ctx:
        ctx.traps[InvalidOperation] = False
        with pytest.raises(ValueError):
            to_decimal("abc")
