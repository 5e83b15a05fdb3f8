"""The words of findings: shares, differences and their thresholds, numbers as the findings print them.

The prose never says more than the data. Every word that makes a claim is chosen
by a rule on the 95 % interval (not on the point estimate alone):

==========================  ==========================================================
wording (fi / en)           rule
==========================  ==========================================================
*valtaosa* / great majority   lower bound of the interval above 75 %
*selvä enemmistö* / clear     lower bound above 50 %
majority
*vähemmistö* / minority       upper bound below 50 %
*harva* / few                 upper bound below 25 %
*noin puolet* / about half    the interval contains 50 % ("cannot tell whether more or
                              less than half")
*selvä ero* / clear           the p-value adjusted over the declared testing family
difference, *selvä muutos*    (survey.yml ``statistics``, recorded in ``test["family"]``)
/ clear change                is below alpha (``test["alpha"]``, default 0.05) **and**
                              the 95 % interval of the difference excludes 0
*ei selvää eroa* / no clear   otherwise (a test below alpha whose intervals all
difference                    contain 0 says so, without the word "clear")
*suuntaa antava* / indicative fewer than 30 answers: said in every finding
==========================  ==========================================================

A finding is written only with all of its numbers: a sentence whose percentage,
interval or p-value is missing is left out, never printed with a placeholder. A
withheld test (too small groups) is reported with the result's own reason; a wave
comparison that is not comparable says so and why. Interview findings count
interviews (k of N, the interview denominators). Numbers are formatted by
:mod:`survey.catalogue.fmt`; the words are in the label catalogue (``finding_*``,
``share_*``, ``methods_*`` keys of ``survey/catalogue/<lang>.yml``).
"""

from __future__ import annotations

from survey import catalogue
from survey.analysis.significance import DEFAULT_ALPHA
from survey.catalogue import fmt
from survey.model import Result


THRESHOLDS = {
    "great_majority_low": 0.75,
    "majority_low": 0.50,
    "minority_high": 0.50,
    "few_high": 0.25,
    "alpha": DEFAULT_ALPHA,
    "small_n": 30,
}
SHARE_KEYS = ("great_majority", "majority", "about_half", "minority", "few")


def phrase(key: str, lang: str, **values) -> str:
    return catalogue.text(f"finding_{key}", lang, **values)


missing = fmt._is_missing  # None, NaN or not a number: the same test the formatting uses


def complete(*values) -> bool:
    """Every number a sentence needs is there (no sentence is written with a placeholder)."""
    return not any(missing(v) for v in values)


def alpha_of(result: Result) -> float:
    """The significance level the result's tests were judged at (``test["alpha"]``, default 0.05)."""
    alpha = (result.test or {}).get("alpha")
    return DEFAULT_ALPHA if missing(alpha) else float(alpha)


def share_word(low: float, high: float) -> str:
    """The key of the wording a share's 95 % interval allows (see the module table)."""
    if missing(low) or missing(high):
        return "about_half"
    if low > THRESHOLDS["great_majority_low"]:
        return "great_majority"
    if low > THRESHOLDS["majority_low"]:
        return "majority"
    if high < THRESHOLDS["few_high"]:
        return "few"
    if high < THRESHOLDS["minority_high"]:
        return "minority"
    return "about_half"


def share_phrase(low: float, high: float, lang: str = "fi") -> str:
    """The words for a share with interval ``(low, high)``: "selvä enemmistö" only when ``low > 0.5``."""
    return catalogue.text(f"share_{share_word(low, high)}", lang)


def difference_is_clear(low: float, high: float, p_adjusted=None, alpha: float = DEFAULT_ALPHA) -> bool:
    """True only when the adjusted p is below ``alpha`` and the difference's interval excludes 0."""
    if not complete(low, high, p_adjusted):
        return False
    return (low > 0 or high < 0) and float(p_adjusted) < alpha


def label_of(result: Result, code, lang: str, section: str | None = None) -> str:
    table = result.labels or {}
    if section:
        table = table.get(section) or {}
    for key in (lang, "fi"):
        mapping = table.get(key) or {}
        for candidate in (code, str(code)):
            if candidate in mapping:
                return str(mapping[candidate])
    return str(code)


def pct_text(x, lang: str) -> str:
    return fmt.format_percent(x, lang, digits=0)


def ci_text(low, high, lang: str) -> str:
    """Whole percentages, or one decimal when rounding would put a bound on a wording threshold."""
    marks = {round(v * 100) for k, v in THRESHOLDS.items() if k != "alpha" and isinstance(v, float) and v < 1}
    digits = 0
    if complete(low, high) and {round(low * 100), round(high * 100)} & marks:
        digits = 1
    return fmt.format_interval(low, high, lang, digits=digits)


def points_text(x, lang: str) -> str:
    return fmt.format_points(x, lang, digits=0)


def shown_points(before, now, lang: str) -> str:
    """The change between two shares as the whole percentages shown (64 % → 43 %: −21, not −20)."""
    shown = [int(fmt.format_percent(x, "en", digits=0).rstrip("%").replace(",", "")) for x in (before, now)]
    return fmt.format_points((shown[1] - shown[0]) / 100, lang, digits=0)


def small_n_note(n, lang: str) -> str:
    if missing(n) or n >= THRESHOLDS["small_n"]:
        return ""
    return " " + phrase("small_n", lang, n=fmt.format_count(n, lang))


def rows_where(table, **conditions):
    rows = table.to_dict(orient="records")
    return [r for r in rows if all(r.get(k) == v for k, v in conditions.items())]


def shown_rows(rows):
    return [r for r in rows if not r.get("suppressed") and complete(r.get("pct"), r.get("ci_low"), r.get("ci_high"))]


def reason_text(item: dict, lang: str) -> str:
    reason = item.get("reason") or {}
    if isinstance(reason, dict):
        return reason.get(lang) or reason.get("fi") or ""
    return str(reason)
