"""Plain-language findings in fi/sv/en whose wording is tied to written-down thresholds.

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
``share_*``, ``methods_*`` keys of ``survey/labels/<lang>.yml``).

``interpret(result, lang) -> str`` is the finding of one result;
``key_findings(results, lang, limit) -> [(result, text)]`` picks the clearest ones;
``methods_text(lang, ...)`` is the methods paragraph, naming the family used.
"""

from __future__ import annotations

import math

from survey import catalogue
from survey.analysis.disclosure import DisclosureRule, promise_text
from survey.analysis.proportions import wilson_interval
from survey.analysis.significance import ASYMPTOTIC_MIN, DEFAULT_ALPHA, RESAMPLES, statistics_of
from survey.catalogue import fmt
from survey.kinds.words import p_text, test_label
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


# ---------------------------------------------------------------- helpers


def _t(key: str, lang: str, **values) -> str:
    return catalogue.text(f"finding_{key}", lang, **values)


_missing = fmt._is_missing  # None, NaN or not a number: the same test the formatting uses


def _complete(*values) -> bool:
    """Every number a sentence needs is there (no sentence is written with a placeholder)."""
    return not any(_missing(v) for v in values)


def alpha_of(result: Result) -> float:
    """The significance level the result's tests were judged at (``test["alpha"]``, default 0.05)."""
    alpha = (result.test or {}).get("alpha")
    return DEFAULT_ALPHA if _missing(alpha) else float(alpha)


def share_word(low: float, high: float) -> str:
    """The key of the wording a share's 95 % interval allows (see the module table)."""
    if _missing(low) or _missing(high):
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
    if not _complete(low, high, p_adjusted):
        return False
    return (low > 0 or high < 0) and float(p_adjusted) < alpha


def _label(result: Result, code, lang: str, section: str | None = None) -> str:
    table = result.labels or {}
    if section:
        table = table.get(section) or {}
    for key in (lang, "fi"):
        mapping = table.get(key) or {}
        for candidate in (code, str(code)):
            if candidate in mapping:
                return str(mapping[candidate])
    return str(code)


def _pct(x, lang: str) -> str:
    return fmt.format_percent(x, lang, digits=0)


def _ci(low, high, lang: str) -> str:
    """Whole percentages, or one decimal when rounding would put a bound on a wording threshold."""
    marks = {round(v * 100) for k, v in THRESHOLDS.items() if k != "alpha" and isinstance(v, float) and v < 1}
    digits = 0
    if _complete(low, high) and {round(low * 100), round(high * 100)} & marks:
        digits = 1
    return fmt.format_interval(low, high, lang, digits=digits)


def _points(x, lang: str) -> str:
    return fmt.format_points(x, lang, digits=0)


def _shown_points(before, now, lang: str) -> str:
    """The change between two shares as the whole percentages shown (64 % → 43 %: −21, not −20)."""
    shown = [int(fmt.format_percent(x, "en", digits=0).rstrip("%").replace(",", "")) for x in (before, now)]
    return fmt.format_points((shown[1] - shown[0]) / 100, lang, digits=0)


def _p(p, lang: str) -> str:
    return p_text(p, lang)


def _alpha(alpha: float, lang: str) -> str:
    text = repr(float(alpha))
    digits = max(2, len(text.split(".")[1])) if "." in text else 2
    return fmt.format_number(alpha, lang, digits=digits)


def _small(n, lang: str) -> str:
    if _missing(n) or n >= THRESHOLDS["small_n"]:
        return ""
    return " " + _t("small_n", lang, n=fmt.format_count(n, lang))


def _rows(table, **conditions):
    rows = table.to_dict(orient="records")
    return [r for r in rows if all(r.get(k) == v for k, v in conditions.items())]


def _shown(rows):
    return [r for r in rows if not r.get("suppressed") and _complete(r.get("pct"), r.get("ci_low"), r.get("ci_high"))]


# ---------------------------------------------------------------- per kind


def _single(result: Result, lang: str) -> str:
    rows = _shown(_rows(result.table))
    answering = (result.n or {}).get("answering", (result.n or {}).get("respondents"))
    if not answering:
        return _t("no_answers", lang) if answering == 0 else ""
    if not rows:
        return ""
    top = max(rows, key=lambda r: r["pct"])
    key = "top_multi" if result.kind == "multi" else "top_choice"
    word = share_phrase(top["ci_low"], top["ci_high"], lang)
    if top["pct"] >= 1:  # 100 %: "valtaosa" (most) would understate it
        word = catalogue.text("share_everyone", lang)
    text = _t(key, lang, label=_label(result, top["code"], lang), pct=_pct(top["pct"], lang),
              ci=_ci(top["ci_low"], top["ci_high"], lang), word=word)
    if result.kind == "multi":
        majorities = sum(share_word(r["ci_low"], r["ci_high"]) in ("majority", "great_majority") for r in rows)
        if majorities > 1:
            text += " " + _t("majorities", lang, count=fmt.format_count(majorities, lang))
        per = (result.n or {}).get("per_respondent")
        if _complete(per):
            text += " " + _t("per_respondent", lang, value=fmt.format_number(per, lang, digits=1))
    if result.suppression.get("suppressed_groups"):
        text += " " + _t("hidden_groups", lang, t=fmt.format_count(result.suppression.get("threshold"), lang))
    return text + _small(answering, lang)


def _likert_agree(result: Result) -> list[dict]:
    """Per item: agree count, scale answers, share and Wilson interval, from a ``likert`` or summary table."""
    if result.kind == "likert_summary":
        return [{"item": r["item"], "pct": r["agree_pct"], "low": r["agree_ci_low"], "high": r["agree_ci_high"],
                 "n": r["n_scale"]} for r in result.table.to_dict(orient="records") if not r.get("suppressed")]
    out = []
    table = result.table
    for item in dict.fromkeys(table["item"]):
        rows = _rows(table, item=item)
        scale = [r for r in rows if not r.get("dont_know")]
        if any(_missing(r.get("count")) for r in scale):
            continue
        n = int(sum(r["count"] for r in scale))
        agree = int(sum(r["count"] for r in scale if r.get("agree")))
        low, high = wilson_interval(agree, n)
        out.append({"item": item, "pct": agree / n if n else math.nan, "low": low, "high": high, "n": n})
    return out


def _likert(result: Result, lang: str) -> str:
    items = [i for i in _likert_agree(result) if _complete(i["pct"], i["low"], i["high"])]
    if not items:
        return _t("no_answers", lang) if len(result.table) else ""
    top = max(items, key=lambda i: i["pct"])
    text = _t("likert_top", lang, label=_label(result, top["item"], lang), pct=_pct(top["pct"], lang),
              ci=_ci(top["low"], top["high"], lang), word=share_phrase(top["low"], top["high"], lang))
    if len(items) > 1:
        low = min(items, key=lambda i: i["pct"])
        text += " " + _t("likert_low", lang, label=_label(result, low["item"], lang), pct=_pct(low["pct"], lang),
                         ci=_ci(low["low"], low["high"], lang), word=share_phrase(low["low"], low["high"], lang))
    return text + _small(min(i["n"] for i in items), lang)


def _numeric(result: Result, lang: str) -> str:
    row = result.table.to_dict(orient="records")[0] if len(result.table) else None
    if not row or _missing(row.get("n")) or not row.get("n"):
        return _t("no_answers", lang) if row is not None and row.get("n") == 0 else ""
    needed = [row.get(k) for k in ("median", "q1", "q3", "mean", "ci_low", "ci_high")]
    if not _complete(*needed):
        return ""
    num = lambda x: fmt.format_number(x, lang, digits=1)  # noqa: E731
    return _t("numeric", lang, median=num(row["median"]), q1=num(row["q1"]), q3=num(row["q3"]),
              mean=num(row["mean"]), low=num(row["ci_low"]), high=num(row["ci_high"]),
              n=fmt.format_count(row["n"], lang)) + _small(row["n"], lang)


def _reason(item: dict, lang: str) -> str:
    reason = item.get("reason") or {}
    if isinstance(reason, dict):
        return reason.get(lang) or reason.get("fi") or ""
    return str(reason)


def _group_pct(result: Result, item_id, group, code):
    for r in _rows(result.table, item=item_id, group=group):
        if str(r["code"]) == str(code) and not r.get("suppressed"):
            return r.get("pct")
    return None


def _item_breakdown(result: Result, item: dict, lang: str) -> tuple[bool, str]:
    """(clear?, sentence) for one tested item of a breakdown; the sentence is '' without its numbers."""
    if item.get("gated"):
        return False, _reason(item, lang)
    p_adj = item.get("p_adjusted")
    if _missing(p_adj):
        return False, ""
    alpha = alpha_of(result)
    test = test_label(item, lang)
    clear = []
    for d in item.get("differences") or []:
        if not difference_is_clear(d.get("low"), d.get("high"), p_adj, alpha):
            continue
        if d["diff"] < 0:  # state the larger group first
            d = {**d, "group_a": d["group_b"], "group_b": d["group_a"], "diff": -d["diff"], "low": -d["high"],
                 "high": -d["low"]}
        pa = _group_pct(result, item["item"], d["group_a"], d["code"])
        pb = _group_pct(result, item["item"], d["group_b"], d["code"])
        if _complete(pa, pb, d["diff"]):
            clear.append((d, pa, pb))
    if clear:
        d, pa, pb = max(clear, key=lambda c: abs(c[0]["diff"]))
        return True, _t("clear_difference", lang, a=_label(result, d["group_a"], lang, "groups"),
                        b=_label(result, d["group_b"], lang, "groups"), pa=_pct(pa, lang), pb=_pct(pb, lang),
                        diff=_points(d["diff"], lang), low=_points(d["low"], lang), high=_points(d["high"], lang),
                        test=test, p=_p(p_adj, lang))
    if float(p_adj) < alpha:
        return False, _t("test_no_pair", lang, test=test, p=_p(p_adj, lang))
    return False, _t("no_difference", lang, test=test, p=_p(p_adj, lang))


def _breakdown(result: Result, lang: str) -> str:
    test = result.test or {}
    items = test.get("items") or []
    parts = []
    if len(items) == 1:
        parts.append(_item_breakdown(result, items[0], lang)[1])
    elif items:
        judged = [(_item_breakdown(result, i, lang), i) for i in items]
        clear = [(text, i) for (ok, text), i in judged if ok and text]
        if all(i.get("gated") for i in items):
            parts.append(_reason(items[0], lang))
        else:
            total = fmt.format_count(len(items), lang)
            key = "items_differ" if clear else "no_item_differs"
            parts.append(_t(key, lang, count=fmt.format_count(len(clear), lang), total=total))
            if clear:
                text, i = clear[0]
                label = _label(result, i.get("code") if i.get("code") is not None else i.get("item"), lang)
                parts.append(f"{label}: {text}")
    if result.suppression.get("suppressed_groups") and not all(i.get("reason_key") == "too_few_groups"
                                                                for i in items):
        parts.append(_t("hidden_groups", lang, t=fmt.format_count(result.suppression.get("threshold"), lang)))
    return " ".join(p for p in parts if p)


def _wave_rows(result: Result) -> list[dict]:
    return [r for r in result.table.to_dict(orient="records")
            if r.get("comparable") and not r.get("suppressed") and _complete(r.get("diff"), r.get("ci_low"),
                                                                               r.get("ci_high"))]


def _row_clear(result: Result, row: dict) -> bool:
    return difference_is_clear(row.get("ci_low"), row.get("ci_high"), row.get("p_adjusted"), alpha_of(result))


def _wave(result: Result, lang: str) -> str:
    test = result.test or {}
    if not test.get("comparable", True):
        return _reason(test, lang)
    rows = [r for r in _wave_rows(result) if _complete(r.get("p_adjusted"))]
    if not rows:
        return ""
    w0, w1 = test.get("previous_wave", ""), test.get("wave", result.wave)
    clear = [r for r in rows if _row_clear(result, r)]
    pick = max(clear or rows, key=lambda r: abs(r["diff"]))
    verdict = _t("clear_change" if clear else "no_clear_change", lang)
    name = test_label({"name": pick.get("test"), "method": test.get("method")}, lang)
    if "pct_now" not in result.table.columns:  # numeric: difference of means
        if not _complete(pick.get("mean_before"), pick.get("mean_now")) or not name:
            return ""
        num = lambda x: fmt.format_number(x, lang, digits=1)  # noqa: E731
        return _t("wave_numeric", lang, before=num(pick["mean_before"]), now=num(pick["mean_now"]), w0=w0, w1=w1,
                  diff=num(pick["diff"]), low=num(pick["ci_low"]), high=num(pick["ci_high"]), test=name,
                  p=_p(pick["p_adjusted"], lang), verdict=verdict) + _small(min(pick["n_before"], pick["n_now"]), lang)
    if not _complete(pick.get("pct_before"), pick.get("pct_now")) or not name:
        return ""
    text = _t("wave_change", lang, label=_label(result, pick["code"], lang), before=_pct(pick["pct_before"], lang),
              now=_pct(pick["pct_now"], lang), w0=w0, w1=w1, diff=_shown_points(pick["pct_before"], pick["pct_now"], lang),
              low=_points(pick["ci_low"], lang), high=_points(pick["ci_high"], lang), test=name,
              p=_p(pick["p_adjusted"], lang), verdict=verdict)
    return text + _small(min(pick["n_before"], pick["n_now"]), lang)


def _interview_codes(result: Result, lang: str) -> str:
    """The theme most interviews mention, as k of N interviews."""
    total = (result.n or {}).get("interviews")
    rows = [r for r in _rows(result.table) if r.get("level") == "theme" and _complete(r.get("interviews"))]
    if not total or not rows:
        return ""
    top = max(rows, key=lambda r: r["interviews"])
    return _t("interview_top", lang, label=_label(result, top["code"], lang),
              k=fmt.format_count(top["interviews"], lang), n=fmt.format_count(total, lang),
              pct=_pct(top["interviews"] / total, lang))


def _interview_codes_by(result: Result, lang: str) -> str:
    """The most mentioned theme over all interviews (k of N), and how the group shares are based."""
    total = (result.n or {}).get("interviews")
    table = result.table
    if not total or "interviews_all" not in table.columns:
        return ""
    rows = [r for r in _rows(table) if r.get("level") == "theme" and _complete(r.get("interviews_all"))]
    if not rows:
        return ""
    top = max(rows, key=lambda r: r["interviews_all"])
    text = _t("interview_by", lang, label=_label(result, top["code"], lang),
              k=fmt.format_count(top["interviews_all"], lang), n=fmt.format_count(total, lang))
    if (result.suppression or {}).get("suppressed"):
        text += " " + _t("interview_hidden", lang, t=fmt.format_count(result.suppression.get("threshold"), lang))
    return text


# ---------------------------------------------------------------- public


def interpret(result: Result, lang: str = "fi") -> str:
    """One plain-language finding for ``result`` in ``lang`` (fi, sv, en); ``""`` when none can be written."""
    kind = result.kind
    if kind in ("single", "multi"):
        return _single(result, lang)
    if kind in ("likert", "likert_summary"):
        return _likert(result, lang)
    if kind == "numeric":
        return _numeric(result, lang)
    if kind in ("breakdown", "breakdown_numeric"):
        return _breakdown(result, lang)
    if kind == "wave":
        return _wave(result, lang)
    if kind == "interview_codes":
        return _interview_codes(result, lang)
    if kind == "interview_codes_by":
        return _interview_codes_by(result, lang)
    return ""


def strength(result: Result) -> int:
    """How firm a result's finding is: 3 clear change or difference, 2 clear majority/minority, else 0."""
    kind = result.kind
    test = result.test or {}
    if kind == "wave" and test.get("comparable", True) and len(result.table) and "ci_low" in result.table:
        if any(_row_clear(result, r) for r in _wave_rows(result)):
            return 3
    if kind == "breakdown":
        for item in test.get("items") or []:
            if not item.get("gated") and _item_breakdown(result, item, "en")[0]:
                return 3
    if kind in ("single", "multi"):
        rows = _shown(_rows(result.table))
        if any(share_word(r["ci_low"], r["ci_high"]) in ("majority", "great_majority") for r in rows):
            return 2
    if kind in ("likert", "likert_summary"):
        if any(share_word(i["low"], i["high"]) != "about_half" for i in _likert_agree(result)
               if _complete(i["low"], i["high"])):
            return 2
    return 0


def _evidence(result: Result) -> float:
    """The smallest adjusted p of a result's clear claims (ranks the clear findings; 1 when none)."""
    best = 1.0
    if result.kind == "wave":
        for r in _wave_rows(result):
            if _row_clear(result, r):
                best = min(best, float(r["p_adjusted"]))
    for item in (result.test or {}).get("items") or []:
        if not item.get("gated") and result.kind == "breakdown" and _item_breakdown(result, item, "en")[0]:
            best = min(best, float(item["p_adjusted"]))
    return best


def key_findings(results: list[Result], lang: str = "fi", limit: int = 8) -> list[tuple[Result, str]]:
    """Up to ``limit`` (result, finding) pairs: clear changes and differences first, then clear shares.

    Clear changes and differences (adjusted p below alpha in the declared family and
    an interval excluding 0) are ranked by their adjusted p; shares keep the input
    (chapter) order. Results whose finding makes no firm claim are left out.
    """
    scored = [(strength(r), i, r) for i, r in enumerate(results)]
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], _evidence(s[2]) if s[0] == 3 else 0.0, s[1]))
    out = []
    for _, _, r in scored[:limit]:
        text = interpret(r, lang)
        if text:
            out.append((r, _with_question(r, text, lang)))
    return out


def _with_question(result: Result, text: str, lang: str) -> str:
    """A finding lifted out of its chapter names its question first (e.g. "Tiedättekö …? – ”Kyllä” …")."""
    title = (result.title or {}).get(lang) or (result.title or {}).get("fi") or ""
    title = title.strip()
    if not title or title in text:
        return text
    return f"{title} – {text}"


def methods_text(lang: str = "fi", threshold: int = 5, merge_small: bool = False,
                 small_counts: bool = False, statistics=None, disclosure: bool = True) -> str:
    """The methods paragraph: intervals, tests, the testing family and alpha, wording rules, disclosure.

    ``statistics``: a :class:`survey.analysis.significance.Statistics` or a project
    (its ``statistics``); the family and alpha named are the ones the analysis used.
    ``disclosure=False`` leaves out the disclosure rule (for a document that states
    :func:`survey.analysis.disclosure.promise_text` in a section of its own).
    """
    rules = statistics_of(statistics)
    rule = DisclosureRule(min_group_size=int(threshold), merge_small_groups=bool(merge_small),
                          small_counts=bool(small_counts))
    parts = [catalogue.text("methods_shares", lang),
             catalogue.text("methods_tests", lang, small=fmt.format_count(ASYMPTOTIC_MIN, lang),
                         resamples=fmt.format_count(RESAMPLES, lang)),
             catalogue.text(f"methods_family_{rules.family}", lang),
             catalogue.text("methods_clear", lang, alpha=_alpha(rules.alpha, lang))]
    if disclosure:
        parts.append(promise_text(lang, rule))
    return " ".join(parts)
