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
*selvä ero* / clear           the Newcombe interval of the difference excludes 0 **and**
difference                    (when a test was run) the Benjamini-Hochberg adjusted
                              p-value is below 0.05
*ei selvää eroa* / no clear   otherwise
difference
*suuntaa antava* / indicative fewer than 30 answers: said in every finding
==========================  ==========================================================

A withheld test (too small groups) is reported with the result's own reason; a
wave comparison that is not comparable says so and why. Numbers are formatted by
:mod:`survey.fmt` (whole percentages in prose).

``interpret(result, lang) -> str`` is the finding of one result;
``key_findings(results, lang, limit) -> [(result, text)]`` picks the clearest ones.
"""

from __future__ import annotations

import math

from survey import fmt
from survey.model import Result

THRESHOLDS = {
    "great_majority_low": 0.75,
    "majority_low": 0.50,
    "minority_high": 0.50,
    "few_high": 0.25,
    "alpha": 0.05,
    "small_n": 30,
}

SHARE_WORDS = {
    "great_majority": {"fi": "valtaosa", "sv": "en stor majoritet", "en": "a great majority"},
    "everyone": {"fi": "kaikki vastanneet", "sv": "alla som svarade", "en": "everyone who answered"},
    "majority": {"fi": "selvä enemmistö", "sv": "en klar majoritet", "en": "a clear majority"},
    "about_half": {"fi": "noin puolet (aineistosta ei voi sanoa, onko osuus yli vai alle puolet)",
                   "sv": "ungefär hälften (data visar inte om andelen är över eller under hälften)",
                   "en": "about half (the data cannot tell whether it is more or less than half)"},
    "minority": {"fi": "vähemmistö", "sv": "en minoritet", "en": "a minority"},
    "few": {"fi": "harva", "sv": "få", "en": "few"},
}

T = {
    "top_choice": {
        "fi": "Yleisin vastaus oli ”{label}”: {pct} vastanneista (95 %:n luottamusväli {ci}), eli {word}.",
        "sv": "Det vanligaste svaret var ”{label}”: {pct} av de svarande (95 % konfidensintervall {ci}), "
              "alltså {word}.",
        "en": "The most common answer was “{label}”: {pct} of those answering (95% confidence interval {ci}), "
              "that is, {word}.",
    },
    "top_multi": {
        "fi": "Useimmin valittiin ”{label}”: {pct} vastanneista (95 %:n luottamusväli {ci}), eli {word}.",
        "sv": "Oftast valdes ”{label}”: {pct} av de svarande (95 % konfidensintervall {ci}), alltså {word}.",
        "en": "The option chosen most often was “{label}”: {pct} of those answering (95% confidence "
              "interval {ci}), that is, {word}.",
    },
    "majorities": {
        "fi": "Selvän enemmistön valitsemia vaihtoehtoja oli {count}.",
        "sv": "{count} av alternativen valdes vart och ett av en klar majoritet.",
        "en": "{count} of the options were each chosen by a clear majority.",
    },
    "per_respondent": {
        "fi": "Vastaaja valitsi keskimäärin {value} vaihtoehtoa.",
        "sv": "En svarande valde i genomsnitt {value} alternativ.",
        "en": "Respondents chose {value} options on average.",
    },
    "likert_top": {
        "fi": "Eniten samaa mieltä oltiin väitteestä ”{label}”: {pct} (95 %:n luottamusväli {ci}), eli {word}; "
              "”En osaa sanoa” -vastaukset eivät ole mukana osuudessa.",
        "sv": "Flest instämde i påståendet ”{label}”: {pct} (95 % konfidensintervall {ci}), alltså {word}; "
              "svaren ”Vet inte” ingår inte i andelen.",
        "en": "Agreement was highest with “{label}”: {pct} (95% confidence interval {ci}), that is, {word}; "
              "“don't know” answers are not counted in the share.",
    },
    "likert_low": {
        "fi": "Vähiten samaa mieltä oltiin väitteestä ”{label}”: {pct} ({ci}), eli {word}.",
        "sv": "Minst instämde man i påståendet ”{label}”: {pct} ({ci}), alltså {word}.",
        "en": "Agreement was lowest with “{label}”: {pct} ({ci}), that is, {word}.",
    },
    "numeric": {
        "fi": "Mediaani oli {median} (puolet vastauksista välillä {q1}–{q3}); keskiarvo {mean} "
              "(95 %:n luottamusväli {low}–{high}), n = {n}.",
        "sv": "Medianen var {median} (hälften av svaren mellan {q1} och {q3}); medelvärdet {mean} "
              "(95 % konfidensintervall {low}–{high}), n = {n}.",
        "en": "The median was {median} (half of the answers between {q1} and {q3}); the mean {mean} "
              "(95% confidence interval {low}–{high}), n = {n}.",
    },
    "small_n": {
        "fi": "Vastaajia on vähän (n = {n}), joten tulos on suuntaa antava.",
        "sv": "Svarandena är få (n = {n}), så resultatet är riktgivande.",
        "en": "There are few answers (n = {n}), so the result is indicative.",
    },
    "clear_difference": {
        "fi": "Ryhmien välillä on selvä ero: ”{a}” {pa} ja ”{b}” {pb}, ero {diff} prosenttiyksikköä "
              "(95 %:n luottamusväli {low}…{high}; {test}, korjattu p = {p}).",
        "sv": "Det finns en klar skillnad mellan grupperna: ”{a}” {pa} och ”{b}” {pb}, skillnad {diff} "
              "procentenheter (95 % konfidensintervall {low}…{high}; {test}, justerat p = {p}).",
        "en": "There is a clear difference between the groups: “{a}” {pa} and “{b}” {pb}, a difference of "
              "{diff} percentage points (95% confidence interval {low} to {high}; {test}, adjusted p = {p}).",
    },
    "test_difference": {
        "fi": "Ryhmien välillä on ero ({test}, korjattu p = {p}).",
        "sv": "Det finns en skillnad mellan grupperna ({test}, justerat p = {p}).",
        "en": "The groups differ ({test}, adjusted p = {p}).",
    },
    "no_difference": {
        "fi": "Ryhmien välillä ei havaittu selvää eroa ({test}, korjattu p = {p}).",
        "sv": "Ingen klar skillnad mellan grupperna observerades ({test}, justerat p = {p}).",
        "en": "No clear difference between the groups was found ({test}, adjusted p = {p}).",
    },
    "no_item_differs": {
        "fi": "Ryhmien välillä ei havaittu selvää eroa yhdessäkään {total} kohdasta.",
        "sv": "Ingen klar skillnad mellan grupperna observerades i någon av de {total} punkterna.",
        "en": "No clear difference between the groups was found in any of the {total} items.",
    },
    "items_differ": {
        "fi": "Selvä ero ryhmien välillä {count}/{total} kohdassa.",
        "sv": "Klar skillnad mellan grupperna i {count} av {total} punkter.",
        "en": "A clear difference between the groups in {count} of {total} items.",
    },
    "hidden_groups": {
        "fi": "Alle {t} vastaajan ryhmiä ei näytetä (eikä niitä, joista ne voisi päätellä).",
        "sv": "Grupper med färre än {t} svarande visas inte (inte heller de som de kunde härledas ur).",
        "en": "Groups with fewer than {t} respondents are not shown (nor those they could be worked out from).",
    },
    "wave_change": {
        "fi": "”{label}”: {before} ({w0}) → {now} ({w1}), muutos {diff} prosenttiyksikköä "
              "(95 %:n luottamusväli {low}…{high}) – {verdict}.",
        "sv": "”{label}”: {before} ({w0}) → {now} ({w1}), förändring {diff} procentenheter "
              "(95 % konfidensintervall {low}…{high}) – {verdict}.",
        "en": "“{label}”: {before} ({w0}) → {now} ({w1}), a change of {diff} percentage points "
              "(95% confidence interval {low} to {high}) – {verdict}.",
    },
    "clear_change": {"fi": "selvä muutos", "sv": "en klar förändring", "en": "a clear change"},
    "no_clear_change": {"fi": "ei selvää muutosta", "sv": "ingen klar förändring", "en": "no clear change"},
    "no_change_any": {
        "fi": "Kierrosten välillä ei havaittu selvää muutosta.",
        "sv": "Ingen klar förändring mellan omgångarna observerades.",
        "en": "No clear change between the waves was found.",
    },
    "no_answers": {"fi": "Kysymykseen ei vastattu.", "sv": "Ingen besvarade frågan.",
                   "en": "Nobody answered the question."},
}

TEST_NAMES = {
    "chi2": {"fi": "khiin neliö -testi", "sv": "chi-två-test", "en": "chi-square test"},
    "fisher": {"fi": "Fisherin tarkka testi", "sv": "Fishers exakta test", "en": "Fisher's exact test"},
    "fisher_monte_carlo": {"fi": "Fisherin testi, Monte Carlo", "sv": "Fishers test, Monte Carlo",
                           "en": "Fisher's test, Monte Carlo"},
    "mann_whitney": {"fi": "Mann–Whitneyn testi", "sv": "Mann–Whitneys test", "en": "Mann–Whitney test"},
    "kruskal": {"fi": "Kruskal–Wallisin testi", "sv": "Kruskal–Wallis test", "en": "Kruskal–Wallis test"},
}


# ---------------------------------------------------------------- helpers


def _t(key: str, lang: str, **values) -> str:
    table = T[key]
    return (table.get(lang) or table["fi"]).format(**values)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


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
    words = SHARE_WORDS[share_word(low, high)]
    return words.get(lang) or words["fi"]


def difference_is_clear(low: float, high: float, p_adjusted=None) -> bool:
    """True when the difference's interval excludes 0 and (if tested) the adjusted p is below alpha."""
    if _missing(low) or _missing(high):
        return False
    if not (low > 0 or high < 0):
        return False
    return _missing(p_adjusted) or p_adjusted < THRESHOLDS["alpha"]


def _label(result: Result, code, lang: str, section: str | None = None) -> str:
    labels = result.labels or {}
    if section:
        labels = labels.get(section) or {}
    for key in (lang, "fi"):
        table = labels.get(key) or {}
        for candidate in (code, str(code)):
            if candidate in table:
                return str(table[candidate])
    return str(code)


def _pct(x, lang: str) -> str:
    return fmt.format_percent(x, lang, digits=0)


def _ci(low, high, lang: str) -> str:
    """Whole percentages, or one decimal when rounding would put a bound on a wording threshold."""
    marks = {round(v * 100) for v in THRESHOLDS.values() if isinstance(v, float) and v < 1}
    digits = 0
    if not (_missing(low) or _missing(high)) and {round(low * 100), round(high * 100)} & marks:
        digits = 1
    return fmt.format_interval(low, high, lang, digits=digits)


def _points(x, lang: str) -> str:
    return fmt.format_points(x, lang, digits=0)


def _shown_points(before, now, lang: str) -> str:
    """The change between two shares as the whole percentages shown (64 % → 43 %: −21, not −20)."""
    shown = [int(fmt.format_percent(x, "en", digits=0).rstrip("%").replace(",", "")) for x in (before, now)]
    return fmt.format_points((shown[1] - shown[0]) / 100, lang, digits=0)


def _p(p, lang: str) -> str:
    if _missing(p):
        return "–"
    if p < 0.001:
        return "< " + fmt.format_number(0.001, lang, digits=3)
    return fmt.format_number(p, lang, digits=3)


def _small(n, lang: str) -> str:
    if n is None or _missing(n) or n >= THRESHOLDS["small_n"]:
        return ""
    return " " + _t("small_n", lang, n=fmt.format_count(n, lang))


def _rows(table, **conditions):
    rows = table.to_dict(orient="records")
    return [r for r in rows if all(r.get(k) == v for k, v in conditions.items())]


def _shown(rows):
    return [r for r in rows if not r.get("suppressed") and not _missing(r.get("pct"))]


# ---------------------------------------------------------------- per kind


def _single(result: Result, lang: str) -> str:
    rows = _shown(_rows(result.table))
    answering = (result.n or {}).get("answering")
    if not rows or not answering:
        return _t("no_answers", lang)
    top = max(rows, key=lambda r: r["pct"])
    key = "top_multi" if result.kind == "multi" else "top_choice"
    word = share_phrase(top["ci_low"], top["ci_high"], lang)
    if top["pct"] >= 1:  # 100 %: "valtaosa" (most) would understate it
        word = SHARE_WORDS["everyone"].get(lang) or SHARE_WORDS["everyone"]["fi"]
    text = _t(key, lang, label=_label(result, top["code"], lang), pct=_pct(top["pct"], lang),
              ci=_ci(top["ci_low"], top["ci_high"], lang), word=word)
    if result.kind == "multi":
        majorities = sum(share_word(r["ci_low"], r["ci_high"]) in ("majority", "great_majority") for r in rows)
        if majorities > 1:
            text += " " + _t("majorities", lang, count=fmt.format_count(majorities, lang))
        per = (result.n or {}).get("per_respondent")
        if not _missing(per):
            text += " " + _t("per_respondent", lang, value=fmt.format_number(per, lang, digits=1))
    if result.suppression.get("suppressed_groups"):
        text += " " + _t("hidden_groups", lang, t=result.suppression.get("threshold"))
    return text + _small(answering, lang)


def _likert_agree(result: Result) -> list[dict]:
    """Per item: agree count, scale answers, share and Wilson interval, from a ``likert`` or summary table."""
    from survey.analysis.proportions import wilson_interval

    if result.kind == "likert_summary":
        return [{"item": r["item"], "pct": r["agree_pct"], "low": r["agree_ci_low"], "high": r["agree_ci_high"],
                 "n": r["n_scale"]} for r in result.table.to_dict(orient="records") if not r.get("suppressed")]
    out = []
    table = result.table
    for item in dict.fromkeys(table["item"]):
        rows = _rows(table, item=item)
        scale = [r for r in rows if not r.get("dont_know")]
        n = int(sum(r["count"] for r in scale))
        agree = int(sum(r["count"] for r in scale if r.get("agree")))
        low, high = wilson_interval(agree, n)
        out.append({"item": item, "pct": agree / n if n else math.nan, "low": low, "high": high, "n": n})
    return out


def _likert(result: Result, lang: str) -> str:
    items = [i for i in _likert_agree(result) if not _missing(i["pct"])]
    if not items:
        return _t("no_answers", lang)
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
    if not row or not row.get("n"):
        return _t("no_answers", lang)
    num = lambda x: fmt.format_number(x, lang, digits=1)  # noqa: E731
    return _t("numeric", lang, median=num(row["median"]), q1=num(row["q1"]), q3=num(row["q3"]),
              mean=num(row["mean"]), low=num(row["ci_low"]), high=num(row["ci_high"]),
              n=fmt.format_count(row["n"], lang)) + _small(row["n"], lang)


def _test_name(name, lang: str) -> str:
    names = TEST_NAMES.get(name or "", {})
    return names.get(lang) or names.get("fi") or str(name or "")


def _reason(item: dict, lang: str) -> str:
    reason = item.get("reason") or {}
    if isinstance(reason, dict):
        return reason.get(lang) or reason.get("fi") or ""
    return str(reason)


def _group_pct(result: Result, item_id, group, code):
    for r in _rows(result.table, item=item_id, group=group):
        if str(r["code"]) == str(code):
            return r.get("pct")
    return None


def _item_breakdown(result: Result, item: dict, lang: str) -> tuple[bool, str]:
    """(clear?, sentence) for one tested item of a breakdown."""
    if item.get("gated"):
        return False, _reason(item, lang)
    p_adj = item.get("p_adjusted", item.get("p"))
    test = _test_name(item.get("name"), lang)
    diffs = [d for d in item.get("differences") or [] if difference_is_clear(d["low"], d["high"], p_adj)]
    if diffs:
        d = max(diffs, key=lambda d: abs(d["diff"]))
        if d["diff"] < 0:  # state the larger group first
            d = {**d, "group_a": d["group_b"], "group_b": d["group_a"], "diff": -d["diff"], "low": -d["high"],
                 "high": -d["low"]}
        pa = _group_pct(result, item["item"], d["group_a"], d["code"])
        pb = _group_pct(result, item["item"], d["group_b"], d["code"])
        return True, _t("clear_difference", lang, a=_label(result, d["group_a"], lang, "groups"),
                        b=_label(result, d["group_b"], lang, "groups"), pa=_pct(pa, lang), pb=_pct(pb, lang),
                        diff=_points(d["diff"], lang), low=_points(d["low"], lang), high=_points(d["high"], lang),
                        test=test, p=_p(p_adj, lang))
    if not _missing(p_adj) and p_adj < THRESHOLDS["alpha"]:
        return True, _t("test_difference", lang, test=test, p=_p(p_adj, lang))
    return False, _t("no_difference", lang, test=test, p=_p(p_adj, lang))


def _breakdown(result: Result, lang: str) -> str:
    test = result.test or {}
    items = test.get("items") or []
    parts = []
    if len(items) == 1:
        parts.append(_item_breakdown(result, items[0], lang)[1])
    elif items:
        judged = [(_item_breakdown(result, i, lang), i) for i in items]
        clear = [(text, i) for (ok, text), i in judged if ok]
        if all(i.get("gated") for i in items):
            parts.append(_reason(items[0], lang))
        else:
            key = "items_differ" if clear else "no_item_differs"
            parts.append(_t(key, lang, count=len(clear), total=len(items)))
            if clear:
                text, i = clear[0]
                label = _label(result, i.get("code") if i.get("code") is not None else i.get("item"), lang)
                parts.append(f"{label}: {text}")
    if result.suppression.get("suppressed_groups") and not all(i.get("reason_key") == "too_few_groups"
                                                                for i in items):
        parts.append(_t("hidden_groups", lang, t=result.suppression.get("threshold")))
    return " ".join(p for p in parts if p)


def _wave(result: Result, lang: str) -> str:
    test = result.test or {}
    if not test.get("comparable", True):
        return _reason(test, lang)
    rows = [r for r in result.table.to_dict(orient="records")
            if r.get("comparable") and not r.get("suppressed") and not _missing(r.get("diff"))]
    if not rows:
        return _t("no_change_any", lang)
    if "pct_now" not in result.table.columns:  # numeric: difference of means
        r = rows[0]
        num = lambda x: fmt.format_number(x, lang, digits=1)  # noqa: E731
        verdict = _t("clear_change" if difference_is_clear(r["ci_low"], r["ci_high"], r.get("p_adjusted"))
                     else "no_clear_change", lang)
        return f"{num(r['mean_before'])} → {num(r['mean_now'])} ({num(r['ci_low'])}…{num(r['ci_high'])}): {verdict}."
    clear = [r for r in rows if difference_is_clear(r["ci_low"], r["ci_high"], r.get("p_adjusted"))]
    pick = max(clear or rows, key=lambda r: abs(r["diff"]))
    verdict = _t("clear_change" if clear else "no_clear_change", lang)
    text = _t("wave_change", lang, label=_label(result, pick["code"], lang), before=_pct(pick["pct_before"], lang),
              now=_pct(pick["pct_now"], lang), w0=test.get("previous_wave", ""), w1=test.get("wave", result.wave),
              diff=_shown_points(pick["pct_before"], pick["pct_now"], lang), low=_points(pick["ci_low"], lang),
              high=_points(pick["ci_high"], lang), verdict=verdict)
    return text + _small(min(pick["n_before"], pick["n_now"]), lang)


# ---------------------------------------------------------------- public


def interpret(result: Result, lang: str = "fi") -> str:
    """One plain-language finding for ``result`` in ``lang`` (fi, sv, en); ``""`` for unknown kinds."""
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
    return ""


def strength(result: Result) -> int:
    """How firm a result's finding is: 3 clear change or difference, 2 clear majority/minority, else 0."""
    kind = result.kind
    test = result.test or {}
    if kind == "wave" and test.get("comparable", True) and len(result.table) and "ci_low" in result.table:
        rows = result.table.to_dict(orient="records")
        if any(difference_is_clear(r.get("ci_low"), r.get("ci_high"), r.get("p_adjusted")) for r in rows
               if r.get("comparable") and not r.get("suppressed")):
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
        if any(share_word(i["low"], i["high"]) != "about_half" for i in _likert_agree(result)):
            return 2
    return 0


def key_findings(results: list[Result], lang: str = "fi", limit: int = 8) -> list[tuple[Result, str]]:
    """Up to ``limit`` (result, finding) pairs: clear changes and differences first, then clear shares.

    Results whose finding makes no firm claim are left out; order within a strength
    follows the input (chapter) order.
    """
    scored = [(strength(r), i, r) for i, r in enumerate(results)]
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], s[1]))
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


METHODS = {
    "fi": (
        "Osuudet lasketaan kysymykseen vastanneista; tyhjät ja kieltäytymiskoodit raportoidaan erikseen. "
        "Osuuksien 95 %:n luottamusvälit ovat Wilsonin välejä ja erojen välit Newcomben menetelmällä "
        "laskettuja. Väittämissä ”En osaa sanoa” näytetään erikseen, eikä se ole mukana samaa mieltä "
        "olevien osuudessa, keskiarvossa eikä mediaanissa. Ryhmien vertailussa käytetään khiin neliö "
        "-testiä, kun odotetut frekvenssit sen sallivat, muuten Fisherin tarkkaa testiä (suuremmissa "
        "tauluissa Monte Carlo -versiona); järjestysasteikollisissa ja numeerisissa kysymyksissä "
        "Mann–Whitneyn tai Kruskal–Wallisin testiä. Saman luvun p-arvot on korjattu Benjaminin–Hochbergin "
        "menetelmällä. Ero sanotaan selväksi vain, kun sen luottamusväli ei sisällä nollaa ja korjattu "
        "p-arvo on alle 0,05; ”selvä enemmistö” vain, kun luottamusvälin alaraja on yli 50 %. "
        "Koko aineiston jakaumia ei peitetä. Taustamuuttujan ryhmät ja ristiintaulukoinnin solut, joissa "
        "on alle {t} vastaajaa, {rule}, ja lisäksi peitetään niin monta muuta, ettei peitettyä lukua voi "
        "päätellä summista. Alle {t} vastaajan ryhmiä ei testata."
    ),
    "sv": (
        "Andelarna beräknas av dem som besvarat frågan; tomma svar och vägrankoder redovisas separat. "
        "Andelarnas 95 % konfidensintervall är Wilsonintervall och skillnadernas intervall beräknas med "
        "Newcombes metod. I påståendena visas ”Vet inte” separat och ingår inte i andelen som instämmer, "
        "medelvärdet eller medianen. Grupper jämförs med chi-två-test när de förväntade frekvenserna "
        "tillåter det, annars med Fishers exakta test (i större tabeller som Monte Carlo-version); "
        "ordinala och numeriska frågor med Mann–Whitneys eller Kruskal–Wallis test. P-värdena i ett "
        "kapitel är justerade med Benjamini–Hochbergs metod. En skillnad kallas klar endast när dess "
        "konfidensintervall inte innehåller noll och det justerade p-värdet är under 0,05; ”klar majoritet” "
        "endast när intervallets nedre gräns är över 50 %. Fördelningar för hela materialet döljs inte. "
        "Grupper och tabellceller med färre än {t} svarande {rule}, och så många andra döljs att det dolda "
        "värdet inte kan räknas fram ur summorna. Grupper med färre än {t} svarande testas inte."
    ),
    "en": (
        "Percentages are of those who answered the question; blanks and refusal codes are reported "
        "separately. 95% confidence intervals of percentages are Wilson intervals, and of differences "
        "Newcombe's hybrid score intervals. In statements, “don't know” is shown apart and left out of "
        "the share agreeing, the mean and the median. Groups are compared with the chi-square test when "
        "the expected counts allow it, otherwise with Fisher's exact test (Monte Carlo for larger "
        "tables); ordinal and numeric questions with the Mann–Whitney or Kruskal–Wallis test. The "
        "p-values of a chapter are adjusted with the Benjamini–Hochberg method. A difference is called "
        "clear only when its interval excludes zero and the adjusted p-value is below 0.05; “a clear "
        "majority” only when the interval's lower bound is above 50%. Whole-sample distributions are not "
        "suppressed. Groups of a background variable and cells of breakdowns with fewer than {t} "
        "respondents {rule}, and enough others are hidden that no hidden value can be worked out from "
        "totals. Groups with fewer than {t} respondents are not tested."
    ),
}
METHOD_RULES = {
    "suppress": {"fi": "peitetään", "sv": "döljs", "en": "are hidden"},
    "merge": {"fi": "yhdistetään ryhmään ”Muut”", "sv": "slås ihop till ”Övriga”",
              "en": "are merged into “Other”"},
}
SMALL_COUNTS = {
    "fi": " Myös ristiintaulukoiden alle {t} vastaajan lukumäärät peitetään.",
    "sv": " Även antal under {t} i korstabeller döljs.",
    "en": " Counts below {t} in breakdown tables are hidden as well.",
}


def methods_text(lang: str = "fi", threshold: int = 5, merge_small: bool = False,
                 small_counts: bool = False) -> str:
    """The methods paragraph (tests, intervals, wording rules, disclosure) for the report."""
    rule = METHOD_RULES["merge" if merge_small else "suppress"]
    text = (METHODS.get(lang) or METHODS["fi"]).format(t=threshold, rule=rule.get(lang) or rule["fi"])
    if small_counts:
        text += (SMALL_COUNTS.get(lang) or SMALL_COUNTS["fi"]).format(t=threshold)
    return text
