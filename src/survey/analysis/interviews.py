"""Coded interviews: counts that mean something, co-occurrence, quotes, triangulation.

Pure functions on the interview normal form (no I/O except :func:`load_interviews`,
the thin reader the pipeline calls):

* ``codings``: one row per coded segment: ``interview`` (pseudonymous id such as
  ``H07``), ``code``, ``parent`` (theme), ``text``, ``start``, ``end``, ``cleared``;
* ``cases``: one row per interview: ``interview``, ``division``, ``role``.

Counts are *interviews mentioning* a code (k of N), never segment counts: one
talkative interviewee does not make a theme common. Codes and themes are matched
to the codebook (``instruments/interviews.yml``) by id or label.

Result kinds and table columns
------------------------------
``interview_codes`` (:func:`count_codes`)
    ``code, level, parent, interviews, pct, segments``; ``level`` is ``theme`` or
    ``code``; ``pct = interviews / n["interviews"]``; themes first, each followed by
    its codes, in codebook order. ``n = {interviews, codings, codes}``.
``interview_codes_by`` (:func:`count_codes_by`)
    ``group, code, level, parent, interviews, n_group, pct, interviews_all,
    suppressed``; groups are protected by the survey's one disclosure mechanism
    (:func:`group_plan`): hidden groups (small ones and their partners) have
    ``interviews``/``n_group``/``pct`` = NA, ``suppressed`` True and no size in
    ``n`` (or small groups are merged into ``muut`` when asked).
``interview_cooccurrence`` (:func:`cooccurrence`)
    ``code_a, code_b, n_a, n_b, both, either, jaccard``: every ordered pair of codes
    mentioned at least once, the diagonal included (``both = n_a``, ``jaccard = 1``),
    so the table pivots straight into a symmetric heatmap matrix
    (``table.pivot(index="code_a", columns="code_b", values="jaccard")``).
``interview_quotes`` (:func:`candidate_quotes`)
    ``quote_id, code, parent, interview, number, division, attribution_fi,
    attribution_sv, attribution_en, text, chars, cleared``; ``text`` is redacted;
    attributions name the division for everyone or for no one
    (:func:`attribution_level`). Only the cleared rows are ever published
    (:func:`select_cleared`, id ``interviews-quotes-cleared``); the analyst's list
    of every candidate is :func:`quote_clearance`.
``triangulation`` (:func:`triangulate`)
    ``theme, source, dataset, question, count, n, pct, ci_low, ci_high``: one row per
    development-plan theme and source (every survey dataset the mapping names, in the
    project's order, then the interview dataset; named by their instruments' titles),
    in plan order; survey rows give the share with the positive view and its 95 %
    Wilson interval, interview rows the interviews mentioning the theme (k of N,
    no interval).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from survey import catalogue
from survey.analysis._common import code_key
from survey.analysis.disclosure import DisclosureRule, missing_labels, other_labels, plan_groups
from survey.analysis.proportions import wilson_interval
from survey.model import Result
from survey.prepare.interviews import redact
from survey.project.instruments import Codebook, Instrument
from survey.project.models import LANGUAGES

NO_CODEBOOK = Codebook()

DATASET = "interviews"
MISSING_GROUP = "_missing"  # = survey.analysis.disclosure.MISSING_GROUP
MERGED_GROUP = "muut"


# --- codebook labels ----------------------------------------------------------------------------

def code_labels(codebook: Codebook, lang: str = "fi") -> dict:
    """Labels of themes, codes, divisions, roles and plan themes in one language."""
    return dict(codebook.labels.get(lang, {}))


def _all_labels(codebook: Codebook) -> dict:
    return {lang: code_labels(codebook, lang) for lang in LANGUAGES}


# --- counts -------------------------------------------------------------------------------------

def _interview_ids(codings: pd.DataFrame, cases: pd.DataFrame | None) -> list[str]:
    ids = list(dict.fromkeys(codings["interview"].dropna().astype(str)))
    if cases is not None and len(cases):
        ids = list(dict.fromkeys([*cases["interview"].dropna().astype(str), *ids]))
    return ids


def _code_rows(codings: pd.DataFrame, book: Codebook) -> list[tuple[str, str, str]]:
    """(code, level, parent) rows: themes in codebook order, each followed by its codes; unknown last."""
    present_codes = list(dict.fromkeys(codings["code"].dropna().astype(str)))
    present_themes = list(dict.fromkeys(codings["parent"].dropna().astype(str)))
    themes = [t for t in book.themes if t in present_themes or any(book.theme_of.get(c) == t
                                                                       for c in present_codes)]
    themes += [t for t in present_themes if t not in themes]
    rows = []
    for theme in themes:
        rows.append((theme, "theme", theme))
        children = [c for c in book.codes if book.theme_of[c] == theme and c in present_codes]
        children += [c for c in present_codes if c not in book.codes and c != theme and
                     codings.loc[codings["code"] == c, "parent"].astype(str).eq(theme).any()]
        rows += [(c, "code", theme) for c in children]
    return rows


def _mentions(codings: pd.DataFrame, code: str, level: str) -> pd.Series:
    column = "parent" if level == "theme" else "code"
    return codings[column].astype(str).eq(code)


def _mention_sets(codings: pd.DataFrame) -> dict:
    """(code, level) -> set of interviews mentioning it, for codes and themes."""
    out: dict = {}
    for interview, code, parent in zip(codings["interview"].astype(str), codings["code"].astype(str),
                                       codings["parent"].astype(str)):
        out.setdefault((code, "code"), set()).add(interview)
        out.setdefault((parent, "theme"), set()).add(interview)
    return out


def count_codes(codings: pd.DataFrame, cases: pd.DataFrame | None = None, *, codebook: Codebook = NO_CODEBOOK,
                wave: str = "", synthetic: bool = False) -> Result:
    """Themes and codes by the number of interviews that mention them (k of N).

    N is the number of interviews in ``cases`` (interviews without codings count),
    or in ``codings`` when no cases are given. See the module docstring for columns.
    """
    ids = _interview_ids(codings, cases)
    total = len(ids)
    rows = []
    for code, level, parent in _code_rows(codings, codebook):
        hit = codings[_mentions(codings, code, level)]
        k = int(hit["interview"].nunique())
        rows.append({"code": code, "level": level, "parent": parent, "interviews": k,
                     "pct": k / total if total else float("nan"), "segments": int(len(hit))})
    table = pd.DataFrame(rows, columns=["code", "level", "parent", "interviews", "pct", "segments"])
    return Result(id="interviews-codes", kind="interview_codes", dataset=codebook.dataset, question="codes",
                  title=catalogue.texts("title_interview_codes"), table=table,
                  n={"interviews": total, "codings": int(len(codings)), "codes": int((table["level"] == "code").sum())},
                  labels=_all_labels(codebook), wave=wave, synthetic=synthetic,
                  notes=("Luvut ovat haastatteluja, joissa koodi mainitaan, eivät koodattujen kohtien määriä.",))


def group_plan(cases: pd.DataFrame, group: str, threshold: int, merge_small: bool = False,
               codebook: Codebook = NO_CODEBOOK):
    """Each interview's group and the partition's protection (:func:`survey.analysis.disclosure.plan_groups`).

    Returns ``(membership, plan)``: ``membership`` maps interview id -> group code
    (``muut`` for merged groups, :data:`MISSING_GROUP` when the value is missing),
    ``plan.sizes`` the group sizes and ``plan.hidden`` the groups whose figures and
    sizes are not shown (primary and secondary).
    """
    values = cases.set_index(cases["interview"].astype(str))[group] if group in cases else \
        pd.Series(pd.NA, index=cases["interview"].astype(str), dtype="object")
    values = values.astype(object).where(values.notna(), MISSING_GROUP).astype(str)
    counts = values.value_counts()
    known = codebook.groups.get(f"{group}s", [])
    order = [g for g in known if g in counts.index] + sorted(g for g in counts.index if g not in known
                                                             and g != MISSING_GROUP)
    rule = DisclosureRule(min_group_size=int(threshold), merge_small_groups=bool(merge_small),
                          other_code=MERGED_GROUP)
    plan = plan_groups({g: int(counts[g]) for g in order}, int(counts.get(MISSING_GROUP, 0)), rule)
    if plan.merged:
        values = values.where(~values.isin(plan.merged), MERGED_GROUP)
    return values, plan


def count_codes_by(codings: pd.DataFrame, cases: pd.DataFrame, group: str = "division", *, threshold: int = 5,
                   merge_small: bool = False, codebook: Codebook = NO_CODEBOOK, wave: str = "",
                   synthetic: bool = False) -> Result:
    """Themes and codes by interviews mentioning them, per group of a case variable.

    The groups are protected like every group (:func:`group_plan`): a group of fewer
    than ``threshold`` interviewees is hidden with partners so that "all interviews
    minus the shown groups" singles no one out (or merged into ``muut`` first when
    ``merge_small``); interviewees without a value form the group ``_missing``.
    Hidden groups have ``interviews``, ``n_group`` and ``pct`` NA and no size in
    ``n``. ``interviews_all`` is the code's count over all interviews (as in
    :func:`count_codes`), so a finding can state k of N.
    """
    if group not in cases.columns:
        raise KeyError(f"the cases have no variable '{group}'")
    membership, plan = group_plan(cases, group, threshold, merge_small, codebook)
    order = [g for g in plan.sizes if plan.sizes[g] > 0 and g not in (MERGED_GROUP, MISSING_GROUP)]
    order += [g for g in (MERGED_GROUP, MISSING_GROUP) if plan.sizes.get(g, 0) > 0]
    mentions = _mention_sets(codings)
    members = {name: set(membership.index[membership == name]) for name in order}
    rows = []
    for name in order:
        hidden = name in plan.hidden
        size = int(plan.sizes[name])
        for code, level, parent in _code_rows(codings, codebook):
            k = len(mentions[(code, level)] & members[name])
            rows.append({"group": name, "code": code, "level": level, "parent": parent,
                         "interviews": pd.NA if hidden else k, "n_group": pd.NA if hidden else size,
                         "pct": pd.NA if hidden else k / size, "interviews_all": len(mentions[(code, level)]),
                         "suppressed": hidden})
    table = pd.DataFrame(rows, columns=["group", "code", "level", "parent", "interviews", "n_group", "pct",
                                        "interviews_all", "suppressed"])
    table = table.astype({"interviews": "Int64", "n_group": "Int64", "pct": "Float64", "interviews_all": "Int64"})
    labels = _all_labels(codebook)
    other, missing = other_labels(), missing_labels()
    for lang in LANGUAGES:
        labels[lang][MERGED_GROUP] = other[lang]
        labels[lang][MISSING_GROUP] = missing[lang]
    by_key = f"title_interview_by_{group}"
    title = {lang: f"{catalogue.text('title_interview_by', lang)} "
                   f"{catalogue.text(by_key, lang) if catalogue.has(by_key, lang) else group}" for lang in LANGUAGES}
    shown = [g for g in order if g not in plan.hidden]
    return Result(id=f"interviews-codes-by-{group}", kind="interview_codes_by", dataset=codebook.dataset,
                  question=group, title=title, table=table,
                  n={"interviews": int(len(membership)), **{f"group:{g}": int(plan.sizes[g]) for g in shown}},
                  labels=labels, wave=wave, synthetic=synthetic,
                  suppression={"applied": bool(plan.hidden or plan.merged), "threshold": threshold,
                               "method": "merge" if merge_small else "suppress",
                               "secondary": True, "suppressed": [g for g in order if g in plan.hidden],
                               "merged_groups": list(plan.merged)})


def cooccurrence(codings: pd.DataFrame, *, level: str = "code", codebook: Codebook = NO_CODEBOOK, wave: str = "",
                 synthetic: bool = False) -> Result:
    """Interviews in which two codes (or themes, ``level="theme"``) both appear, with Jaccard similarity.

    ``jaccard = both / either``: the share of interviews mentioning either code that
    mention both. See the module docstring for the columns.
    """
    rows_meta = [r for r in _code_rows(codings, codebook) if r[1] == level]
    sets = {code: set(codings.loc[_mentions(codings, code, level), "interview"].astype(str))
            for code, _, _ in rows_meta}
    sets = {c: s for c, s in sets.items() if s}
    rows = []
    for a, set_a in sets.items():
        for b, set_b in sets.items():
            both, either = len(set_a & set_b), len(set_a | set_b)
            rows.append({"code_a": a, "code_b": b, "n_a": len(set_a), "n_b": len(set_b), "both": both,
                         "either": either, "jaccard": both / either if either else float("nan")})
    table = pd.DataFrame(rows, columns=["code_a", "code_b", "n_a", "n_b", "both", "either", "jaccard"])
    suffix = "" if level == "code" else "-themes"
    return Result(id=f"interviews-cooccurrence{suffix}", kind="interview_cooccurrence", dataset=codebook.dataset,
                  question=level, title=catalogue.texts("title_interview_cooc"), table=table,
                  n={"interviews": int(codings["interview"].nunique()), "codes": len(sets)},
                  labels=_all_labels(codebook), wave=wave, synthetic=synthetic)


# --- quotes --------------------------------------------------------------------------------------

def _number(interview: str) -> str:
    digits = re.findall(r"\d+", str(interview))
    return str(int(digits[-1])) if digits else str(interview)


def _division_map(cases: pd.DataFrame) -> dict:
    """interview -> division (None when unknown)."""
    if "division" not in cases:
        return {}
    return {str(i): (None if pd.isna(d) else str(d)) for i, d in zip(cases["interview"], cases["division"])}


def attribution_level(cases: pd.DataFrame, threshold: int, codebook: Codebook = NO_CODEBOOK) -> str:
    """``"division"`` when every interviewee's division may be named, else ``"number"`` for everyone.

    One level for all: if any division is hidden (or some interviewee's division is
    unknown), naming the others would single out the unattributed quotes.
    """
    if "division" not in cases or cases["division"].isna().all():
        return "number"
    _, plan = group_plan(cases, "division", threshold, codebook=codebook)
    return "number" if plan.hidden or plan.missing else "division"


def _attribution(interview: str, division, level: str, lang: str, book: Codebook) -> str:
    label = f"{book.interviewee.get(lang) or catalogue.text('interviewee', lang)} {_number(interview)}"
    if level != "division" or division is None:
        return label
    return f"{label}, {book.labels.get(lang, {}).get(division, division)}"


def attribute(interview: str, cases: pd.DataFrame, *, threshold: int = 5, lang: str = "fi",
              codebook: Codebook = NO_CODEBOOK) -> str:
    """Pseudonymous attribution: ``Haastateltava 7, Sivistyksen ja hyvinvoinnin toimiala``.

    The division is named only when every interviewee's may be (:func:`attribution_level`):
    otherwise every attribution is ``Haastateltava 7``. Roles are never shown.
    """
    return _attribution(interview, _division_map(cases).get(str(interview)),
                        attribution_level(cases, threshold, codebook), lang, codebook)


def quote_ids(codings: pd.DataFrame) -> pd.Series:
    """Stable quote ids ``<interview>-<code>-<k>`` (k counts the interview's segments of that code)."""
    order = codings.assign(_pos=codings["start"].astype("Float64").fillna(-1.0), _row=range(len(codings)))
    order = order.sort_values(["interview", "code", "_pos", "_row"], kind="stable")
    k = order.groupby(["interview", "code"], sort=False).cumcount() + 1
    ids = order["interview"].astype(str) + "-" + order["code"].astype(str) + "-" + k.astype(str)
    return ids.reindex(codings.index)


def candidate_quotes(codings: pd.DataFrame, cases: pd.DataFrame, *, threshold: int = 5,
                     cleared: Iterable[str] = (), names: Iterable[str] = (), per_code: int = 3,
                     min_chars: int = 30, max_chars: int = 400, codebook: Codebook = NO_CODEBOOK, wave: str = "",
                     synthetic: bool = False) -> Result:
    """Per code, up to ``per_code`` candidate quotes, redacted and pseudonymously attributed.

    Candidates are coded segments of ``min_chars``–``max_chars`` characters, at most
    one per interview per code and no repeated text, taking the best of each
    division in turn and preferring lengths near 150 characters. A quote is
    cleared when its id is in ``cleared`` (survey.yml ``cleared_quotes``) or the
    input marked it (``cleared`` column); nothing is cleared by default.
    """
    names, cleared = tuple(names), set(cleared)
    level = attribution_level(cases, threshold, codebook)
    division_of = _division_map(cases)
    frame = codings.assign(quote_id=quote_ids(codings))
    frame = frame[frame["text"].notna()]
    frame = frame.assign(text=frame["text"].astype(str).str.strip())
    frame = frame.assign(chars=frame["text"].str.len())
    frame = frame[(frame["chars"] >= min_chars) & (frame["chars"] <= max_chars)]
    frame = frame.assign(_fit=(frame["chars"] - 150).abs())
    rows = []
    for code, _, parent in [r for r in _code_rows(codings, codebook) if r[1] == "code" or
                            (codings["code"].astype(str) == r[0]).any()]:
        picks = frame[frame["code"].astype(str) == code].sort_values(["_fit", "interview", "quote_id"],
                                                                      kind="stable")
        picks = picks.drop_duplicates("interview")
        # spread the voices: the best quote of each division first, then the second best, ...
        group = picks["interview"].astype(str).map(lambda i: division_of.get(i) or "")
        picks = picks.assign(_turn=picks.groupby(group, sort=False).cumcount())
        picks = picks.sort_values(["_turn", "_fit", "interview"], kind="stable")
        picks = picks.drop_duplicates("text").head(per_code)
        for row in picks.itertuples():
            division = division_of.get(str(row.interview))
            shown = division if level == "division" else None
            entry = {"quote_id": row.quote_id, "code": code, "parent": parent, "interview": row.interview,
                     "number": _number(row.interview), "division": shown}
            for lang in LANGUAGES:
                entry[f"attribution_{lang}"] = _attribution(row.interview, division, level, lang, codebook)
            text = redact(row.text, names)
            entry.update({"text": text, "chars": len(text),
                          "cleared": bool(row.cleared) or row.quote_id in cleared})
            rows.append(entry)
    columns = ["quote_id", "code", "parent", "interview", "number", "division",
               *[f"attribution_{lang}" for lang in LANGUAGES], "text", "chars", "cleared"]
    table = pd.DataFrame(rows, columns=columns)
    unknown = sorted(cleared - set(quote_ids(codings)))
    notes = ("Vain hyväksytyt (cleared) sitaatit saa julkaista; oletuksena yhtään ei ole hyväksytty.",)
    if unknown:
        notes += (f"cleared_quotes names ids that match no segment: {', '.join(unknown)}",)
    return Result(id="interviews-quotes", kind="interview_quotes", dataset=codebook.dataset, question="quotes",
                  title=catalogue.texts("title_interview_quotes"), table=table,
                  n={"interviews": int(codings["interview"].nunique()), "candidates": int(len(table)),
                     "cleared": int(table["cleared"].sum()) if len(table) else 0},
                  labels=_all_labels(codebook), wave=wave, synthetic=synthetic,
                  suppression={"threshold": threshold, "attribution": level,
                               "method": "division named for everyone" if level == "division"
                               else "division left out of every attribution"}, notes=notes)


CLEARANCE_COLUMNS = ["quote_id", "code", "parent", "interview", "number", "attribution_fi", "attribution_sv",
                     "attribution_en", "text", "chars", "cleared"]


def clearance_result(frames: dict, *, threshold: int = 5, cleared: Iterable[str] = (), names: Iterable[str] = (),
                     codebook: Codebook = NO_CODEBOOK, wave: str = "", synthetic: bool = False) -> Result:
    """Every candidate quote as an ``interview_quotes`` result (id ``interviews-quotes``): the analyst's list.

    Never one of the published results (they hold :func:`select_cleared`'s only);
    the pipeline writes it into the analyst's ``quotes.xlsx`` beside the processed data.
    """
    return candidate_quotes(frames["codings"], _cases_of(frames), threshold=threshold, cleared=cleared, names=names,
                            codebook=codebook, wave=wave, synthetic=synthetic)


def quote_clearance(frames: dict, *, threshold: int = 5, cleared: Iterable[str] = (),
                    names: Iterable[str] = (), codebook: Codebook = NO_CODEBOOK) -> pd.DataFrame:
    """Every candidate quote with its clearance status: the analyst's clearance list (never published).

    ``frames`` as :func:`analyse_interviews` takes them. One row per candidate, in
    codebook order: ``quote_id`` (what survey.yml ``cleared_quotes`` lists),
    ``code``, ``parent`` (theme), ``interview``, ``number``, the attribution the
    report would print in each language, the redacted ``text``, ``chars`` and
    ``cleared`` (bool). For the workbook under ``project.paths.processed(wave)``;
    the published results hold only the cleared rows (:func:`select_cleared`).
    """
    table = clearance_result(frames, threshold=threshold, cleared=cleared, names=names, codebook=codebook).table
    return table[CLEARANCE_COLUMNS].reset_index(drop=True)


def select_cleared(quotes: Result) -> Result:
    """A copy of a quotes result holding only the cleared quotes (what a report may show)."""
    table = quotes.table[quotes.table["cleared"].astype(bool)].reset_index(drop=True)
    n = {k: v for k, v in quotes.n.items() if k != "candidates"}  # the candidates are the analyst's, not published
    return replace(quotes, id=f"{quotes.id}-cleared", table=table, n={**n, "cleared": int(len(table))},
                   title=catalogue.texts("title_interview_quotes_cleared"))


# --- triangulation ----------------------------------------------------------------------------

def triangulation_mapping(codebook: Codebook, overrides: dict | None = None) -> dict:
    """The codebook's default theme mapping (its ``triangulation:``), updated by survey.yml ``triangulation:``."""
    mapping = {theme: dict(spec) for theme, spec in codebook.triangulation.items()}
    for theme, spec in (overrides or {}).items():
        mapping.setdefault(theme, {}).update(spec or {})
    return mapping


def _question(instruments: dict[str, Instrument], dataset: str, qid: str):
    try:
        return instruments[dataset].question(qid)
    except (KeyError, TypeError):  # unknown dataset or question: no instrument defaults
        return None


def _positive(result: Result, qid: str, spec: dict, instruments: dict[str, Instrument]) -> dict | None:
    """``{count, n, pct, ci_low, ci_high}`` of the positive view of ``qid`` in a survey result, or None.

    A ``likert_summary`` row gives its own ``agree_*`` numbers; a ``likert`` table is
    counted over the scale codes of the item (the *En osaa sanoa* row left out of the
    base); ``single``/``multi`` tables over those answering. The interval is
    :func:`survey.analysis.proportions.wilson_interval`, as in the survey results.
    """
    table = result.table
    question = _question(instruments, result.dataset, qid)
    agree = list(question.agree) if question is not None else []
    declared_scale = list(question.scale) if question is not None else []
    codes = spec.get("codes")
    if result.kind == "likert_summary":
        if codes or "item" not in table or "agree_count" not in table:
            return None
        row = table[table["item"].astype(str) == qid]
        if row.empty:
            return None
        row = row.iloc[0]
        return {"count": int(row["agree_count"]), "n": int(row["n_scale"]), "pct": float(row["agree_pct"]),
                "ci_low": float(row["agree_ci_low"]), "ci_high": float(row["agree_ci_high"])}
    if not {"code", "count"} <= set(table.columns):
        return None
    if "item" in table:
        table = table[table["item"].astype(str) == qid]
    if result.kind == "likert":
        codes = codes or agree
        if not codes:
            scale = declared_scale
            codes = scale[-2:]
        on_scale = ~table["dont_know"].astype(bool) if "dont_know" in table else table["code"].notna()
        if declared_scale:
            on_scale &= table["code"].map(code_key).isin({code_key(c) for c in declared_scale})
        n = int(table.loc[on_scale, "count"].sum())
        keys = table["code"].map(code_key)
        count = int(table.loc[on_scale & keys.isin({code_key(c) for c in codes}), "count"].sum())
    else:
        if not codes:
            return None
        keys = table["code"].map(code_key)
        count = int(table.loc[keys.isin({code_key(c) for c in codes}), "count"].sum())
        n = int(result.n.get("answering") or result.n.get("respondents") or 0)
    if not n:
        return None
    low, high = wilson_interval(count, n)
    return {"count": count, "n": n, "pct": count / n, "ci_low": low, "ci_high": high}


def _sources(mapping: dict, codebook: Codebook, instruments: dict) -> list[str]:
    """The survey datasets the mapping names, in the project's order (then the mapping's)."""
    named = [d for spec in mapping.values() for d in (spec or {}) if d not in ("interviews", codebook.dataset)]
    named = list(dict.fromkeys(named))
    return [d for d in instruments if d in named] + [d for d in named if d not in instruments]


def _source_labels(sources: list[str], codebook: Codebook, instruments: dict) -> dict:
    """``{lang: {dataset: name}}``: each source's name is its instrument's (chapter) title, else its id."""
    out = {lang: {} for lang in LANGUAGES}
    for dataset in [*sources, codebook.dataset]:
        instrument = instruments.get(dataset)
        title = (instrument.chapter_title or instrument.title) if instrument is not None else {}
        for lang in LANGUAGES:
            out[lang][dataset] = title.get(lang) or title.get("fi") or dataset
    return out


def triangulate(survey_results: Iterable[Result], interview_counts: Result, mapping: dict, *,
                codebook: Codebook = NO_CODEBOOK, instruments: dict[str, Instrument] | None = None, wave: str = "",
                synthetic: bool = False) -> Result:
    """Each development-plan theme seen by every survey dataset the mapping names and by the interviews.

    ``survey_results``: already computed survey results (any order; matched by
    ``dataset`` and question id, a battery's items included; a ``likert_summary``
    is preferred, then ``likert``, ``single``, ``multi``). ``interview_counts``: :func:`count_codes`'s result.
    ``mapping``: plan theme -> ``{<survey dataset id>: {"question", "codes"}, ...,
    <interview dataset id> (or "interviews"): <theme code>}`` (see :func:`triangulation_mapping`).
    The sources are the dataset ids the mapping names, in the order of ``instruments``
    (dataset -> instrument, the project's order), then the interviews (source = the
    codebook's dataset id); their names (``labels[lang][dataset]``) are the
    instruments' titles. Survey shares use the result's own counts; the interval is
    the 95 % Wilson interval. Themes or sources without data get NA rows, never
    invented numbers. ``instruments`` also give a Likert question's scale and
    ``agree`` codes. ``n`` holds ``interviews``, ``respondents:<dataset>`` of each
    source with results and ``<source>:<theme>`` bases; the table lists the sources
    in order.
    """
    instruments = instruments or {}
    sources = _sources(mapping, codebook, instruments)
    rank = {"likert_summary": 0, "likert": 1, "single": 2, "multi": 3}
    by_key: dict = {}
    respondents: dict = {}
    for result in survey_results:
        if result.dataset in sources and result.kind in rank:
            if (result.n or {}).get("respondents") is not None:
                respondents[result.dataset] = max(respondents.get(result.dataset, 0), int(result.n["respondents"]))
            for qid in str(result.question).split(","):
                key = (result.dataset, qid.strip())
                by_key.setdefault(key, []).append(result)
    for candidates in by_key.values():
        candidates.sort(key=lambda r: rank[r.kind])
    counts = interview_counts.table
    total = int(interview_counts.n.get("interviews", 0))
    plan_themes = codebook.groups.get("plan_themes", [])
    order = [t for t in plan_themes if t in mapping] + [t for t in mapping if t not in plan_themes]
    rows, notes = [], []
    for theme in order:
        spec = mapping[theme] or {}
        for dataset in sources:
            side = spec.get(dataset) or {}
            if isinstance(side, str):
                side = {"question": side}
            question = side.get("question")
            row = {"theme": theme, "source": dataset, "dataset": dataset, "question": question, "count": pd.NA,
                   "n": pd.NA, "pct": pd.NA, "ci_low": pd.NA, "ci_high": pd.NA}
            found = next((f for f in (_positive(r, question, side, instruments)
                                      for r in by_key.get((dataset, question), [])) if f), None)
            if found:
                row.update(found)
            elif question:
                notes.append(f"{theme}: no {dataset} result for question '{question}'")
            rows.append(row)
        theme_code = spec.get(codebook.dataset, spec.get("interviews"))
        hit = counts[(counts["code"] == theme_code) & (counts["level"] == "theme")] if theme_code else counts[:0]
        k = int(hit["interviews"].iloc[0]) if len(hit) else (0 if theme_code else pd.NA)
        rows.append({"theme": theme, "source": codebook.dataset, "dataset": codebook.dataset,
                     "question": theme_code, "count": k, "n": total if theme_code else pd.NA,
                     "pct": (k / total if total and theme_code else pd.NA), "ci_low": pd.NA, "ci_high": pd.NA})
    table = pd.DataFrame(rows, columns=["theme", "source", "dataset", "question", "count", "n", "pct", "ci_low",
                                        "ci_high"])
    table = table.astype({"count": "Int64", "n": "Int64", "pct": "Float64", "ci_low": "Float64",
                          "ci_high": "Float64"})
    labels = _all_labels(codebook)
    names = _source_labels(sources, codebook, instruments)
    for lang in LANGUAGES:
        labels[lang].update(names[lang])
    return Result(id="triangulation", kind="triangulation", dataset=codebook.dataset, question="themes",
                  title=catalogue.texts("title_interview_tri"), table=table,
                  n={"interviews": total, **{f"respondents:{d}": respondents[d] for d in sources if d in respondents},
                     **{f"{r['source']}:{r['theme']}": (None if pd.isna(r["n"]) else int(r["n"])) for r in rows}},
                  labels=labels, wave=wave, synthetic=synthetic, notes=tuple(notes))


# --- pipeline entry points ----------------------------------------------------------------------

def analyse_interviews(frames: dict, *, codebook: Codebook = NO_CODEBOOK, wave: str = "", synthetic: bool = False,
                       threshold: int = 5, merge_small: bool = False, cleared: Iterable[str] = (),
                       names: Iterable[str] = ()) -> list[Result]:
    """Every interview result, in report order.

    ``interviews-codes``, ``interviews-codes-by-division``, ``interviews-codes-by-role``
    (when the cases have them), ``interviews-cooccurrence`` (codes),
    ``interviews-cooccurrence-themes`` and ``interviews-quotes-cleared`` (the cleared
    quotes only: every result is published, so uncleared quotes never are; the
    analyst's list of all candidates comes from :func:`quote_clearance`).
    ``cleared``: survey.yml ``cleared_quotes``; ``names``: survey.yml ``redaction.names``.
    """
    codings, cases = frames["codings"], _cases_of(frames)
    common = {"codebook": codebook, "wave": wave, "synthetic": synthetic}
    results = [count_codes(codings, cases, **common)]
    for group in ("division", "role"):
        if group in cases and cases[group].notna().any():
            results.append(count_codes_by(codings, cases, group, threshold=threshold, merge_small=merge_small,
                                          **common))
    results.append(cooccurrence(codings, level="code", **common))
    results.append(cooccurrence(codings, level="theme", **common))
    quotes = candidate_quotes(codings, cases, threshold=threshold, cleared=cleared, names=names, **common)
    results.append(select_cleared(quotes))
    return results


def _cases_of(frames: dict) -> pd.DataFrame:
    cases = frames.get("cases")
    if cases is None:
        codings = frames["codings"]
        cases = pd.DataFrame({"interview": codings["interview"].unique(), "division": pd.NA, "role": pd.NA})
    return cases


def triangulate_results(results: list[Result], overrides: dict | None = None, *, codebook: Codebook = NO_CODEBOOK,
                        instruments: dict[str, Instrument] | None = None, wave: str = "",
                        synthetic: bool = False) -> list[Result]:
    """The triangulation result from a wave's results (empty when there are no interview counts)."""
    counts = next((r for r in results if r.kind == "interview_codes"), None)
    if counts is None:
        return []
    return [triangulate(results, counts, triangulation_mapping(codebook, overrides), codebook=codebook,
                        instruments=instruments, wave=wave, synthetic=synthetic)]
