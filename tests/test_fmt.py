"""survey.catalogue.fmt: locale number formatting (Babel), exact strings incl. no-break spaces."""

import math

import pytest

from survey.catalogue import fmt

NBSP = "\u00a0"


@pytest.mark.parametrize("lang, expected", [("fi", f"12,5{NBSP}%"), ("sv", f"12,5{NBSP}%"), ("en", "12.5%")])
def test_format_percent_uses_locale_sign_and_space(lang, expected):
    assert fmt.format_percent(0.125, lang) == expected


def test_format_percent_digits_and_rounding_half_up():
    assert fmt.format_percent(9 / 16, "fi") == f"56,3{NBSP}%"  # 56.25 -> 56.3, as Excel shows it
    assert fmt.format_percent(0.565, "en") == "56.5%"  # float 0.56499... read as 0.565
    assert fmt.format_percent(1, "fi", digits=0) == f"100{NBSP}%"
    assert fmt.format_percent(0.5, "en", digits=2) == "50.00%"


def test_missing_values_format_as_dash():
    for value in (None, math.nan, float("nan")):
        assert fmt.format_percent(value, "fi") == "\u2013"
        assert fmt.format_number(value, "en") == "\u2013"
        assert fmt.format_count(value, "sv") == "\u2013"
    assert fmt.format_interval(None, 0.5, "fi") == "\u2013"


def test_format_number_and_count_group_with_locale_separator():
    assert fmt.format_number(1234.5, "fi") == f"1{NBSP}234,5"
    assert fmt.format_number(1234.5, "en") == "1,234.5"
    assert fmt.format_count(12345, "fi") == f"12{NBSP}345"
    assert fmt.format_count(12345, "sv") == f"12{NBSP}345"
    assert fmt.format_count(12345, "en") == "12,345"
    assert fmt.format_count(16, "fi") == "16"


def test_negative_numbers_use_the_locale_minus_sign():
    assert fmt.format_number(-3.5, "fi") == "\u22123,5"
    assert fmt.format_number(-3.5, "en") == "-3.5"
    assert fmt.format_percent(-0.0001, "fi") == f"0,0{NBSP}%"  # rounds to zero: no sign


def test_format_interval():
    assert fmt.format_interval(0.1, 0.25, "fi") == f"10,0\u201325,0{NBSP}%"
    assert fmt.format_interval(0.1, 0.25, "en") == "10.0\u201325.0%"


def test_format_points_signed():
    assert fmt.format_points(0.05, "fi") == "+5,0"
    assert fmt.format_points(-0.05, "sv") == "\u22125,0"
    assert fmt.format_points(0.0, "en") == "0.0"


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown report language 'de'"):
        fmt.format_percent(0.5, "de")
