"""Numbers as readers of each report language expect them, formatted by Babel.

Percentages arrive as fractions (0-1) and leave as text such as ``12,5 %`` (fi, sv:
a no-break space U+00A0 before the sign, decimal comma) or ``12.5%`` (en). Every
number shown in a chart, table or prose goes through this module, so the report,
the slides and the xlsx agree; nothing here builds number text with f-strings.
Missing values (``None``/NaN) format as an en dash.
"""

from __future__ import annotations

import decimal
import math
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal, format_percent as _babel_percent, get_minus_sign_symbol

from survey import catalogue
MISSING = "\u2013"  # en dash: shown for a value that does not exist
DASH = "\u2013"  # range separator


def locale_of(lang: str) -> str:
    """The Babel locale of a report language: its catalogue's ``locale`` (fi -> fi_FI, sv -> sv_FI, en -> en_GB)."""
    if lang not in catalogue.LANGUAGES:
        raise ValueError(catalogue.unknown_language(lang))
    return catalogue.load(lang)["locale"]


def _decimal(x) -> decimal.Decimal:
    """The shortest decimal that round-trips the float, so 0.565 is 0.565, not 0.56499..."""
    return decimal.Decimal(repr(float(x)))


def _half_up():
    """Round halves away from zero (56.25 -> 56.3), as Excel and school arithmetic do."""
    return decimal.localcontext(rounding=decimal.ROUND_HALF_UP)


def _is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


@lru_cache(maxsize=None)
def _percent_pattern(lang: str, digits: int) -> str:
    pattern = Locale.parse(locale_of(lang)).percent_formats[None].pattern
    frac = "." + "0" * digits if digits > 0 else ""
    return pattern.split(";")[0].replace("#,##0", "#,##0" + frac, 1)


def _fix_minus(text: str, lang: str) -> str:
    """Use the locale's own minus sign (U+2212 in fi and sv) instead of a hyphen."""
    if not text.startswith("-"):
        return text
    if not any(ch in "123456789" for ch in text):  # rounds to zero: no sign
        return text[1:]
    return get_minus_sign_symbol(locale_of(lang)) + text[1:]


def format_percent(x, lang: str = "fi", digits: int = 1) -> str:
    """A fraction as a locale percentage: 0.125 -> '12,5 %' (fi, sv) or '12.5%' (en)."""
    if _is_missing(x):
        return MISSING
    with _half_up():
        text = _babel_percent(_decimal(x), _percent_pattern(lang, digits), locale=locale_of(lang))
    return _fix_minus(text, lang)


def format_number(x, lang: str = "fi", digits: int = 1) -> str:
    """A number with a fixed count of decimals: 1234.5 -> '1 234,5' (fi) or '1,234.5' (en)."""
    if _is_missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    with _half_up():
        return _fix_minus(format_decimal(_decimal(x), pattern, locale=locale_of(lang)), lang)


def format_count(n, lang: str = "fi") -> str:
    """A whole count with the locale's grouping: 12345 -> '12 345' (fi, no-break space)."""
    if _is_missing(n):
        return MISSING
    with _half_up():
        whole = _decimal(n).quantize(decimal.Decimal(1))
    return _fix_minus(format_decimal(whole, "#,##0", locale=locale_of(lang)), lang)


def format_points(x, lang: str = "fi", digits: int = 1) -> str:
    """A difference of two fractions in percentage points, signed: 0.05 -> '+5,0'."""
    if _is_missing(x):
        return MISSING
    text = format_number(_decimal(x) * 100, lang, digits)
    if text.startswith(get_minus_sign_symbol(locale_of(lang))) or not any(ch in "123456789" for ch in text):
        return text
    return "+" + text


def format_interval(lo, hi, lang: str = "fi", digits: int = 1) -> str:
    """An interval of fractions as percentages: (0.1, 0.25) -> '10,0–25,0 %' / '10.0–25.0%'."""
    if _is_missing(lo) or _is_missing(hi):
        return MISSING
    upper = format_percent(hi, lang, digits)
    lower = format_number(_decimal(lo) * 100, lang, digits)
    return f"{lower}{DASH}{upper}"
