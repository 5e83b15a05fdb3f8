"""An attacker reads only what is published and tries to recover hidden groups; every attempt must fail.

Published: the results JSON the report reads, the tables workbooks and decks (every language),
the alt texts (every language) and the report's markdown, for both demo waves
(2026-demo has respondents without a background value: an invalid member count, and
staff without a role). The attacker knows the rule and every published number:

* **subtraction as linear algebra**: for each breakdown (and each interview table by
  division or role) the unknowns are the hidden groups' cells, their bases and their
  sizes, the missing-background group included; the equations are the whole-sample
  one-way counts minus the shown groups, the row totals shown, the group sizes the
  background's own frequencies publish and the overall total. Linear programming
  gives each unknown's integer range; a range of one value is a recovery. (A hidden
  union that is 0 on some answer pins every member at 0: that is a fact about all
  hidden groups together and allowed by the promise.) Knowing the rule, the
  attacker also supposes in turn that each hidden group is the small one (< t);
* **sizes never published**: no n dict, n_group, alt text, workbook or markdown shows
  a hidden group's size;
* **lone hidden groups**: the hidden union of every table has at least two non-empty
  members holding at least t people (checked against the processed data);
* **quotes**: no uncleared quote text anywhere; attributions at one level.

The ground truth (processed data) is used only to confirm that the attacks are aimed
at something real and that a pinned value would indeed be the true one.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from _report_outputs import WAVES
from survey.analysis.disclosure import MISSING_GROUP

T = 5  # survey.yml disclosure.min_group_size of the demo project


# ---------------------------------------------------------------- published material


if os.environ.get("SURVEY_ATTACK_ROOT"):
    @pytest.fixture(scope="module")
    def root() -> Path:
        """A project already built elsewhere (``SURVEY_ATTACK_ROOT``)."""
        return Path(os.environ["SURVEY_ATTACK_ROOT"])
else:
    @pytest.fixture(scope="module")
    def root(demo_outputs) -> Path:
        """The session's demo outputs."""
        return demo_outputs


@pytest.fixture(scope="module")
def published(root):
    from survey.project.config import load_project

    project = load_project(root)
    out = {}
    for wave in WAVES:
        folder = project.paths.output(wave)
        results = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "results").glob("*.json"))}
        alts = {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "figures").glob("*.alt.*.txt"))}
        out[wave] = {"results": results, "alts": alts, "folder": folder,
                     "workbooks": sorted(folder.glob("tables*.xlsx")), "project": project}
    return out


@pytest.fixture(scope="module")
def truth(root):
    """The processed frames (not published): what the attacker is after."""
    from survey.project.config import load_project

    project = load_project(root)
    return {wave: {p.stem: pd.read_parquet(p) for p in project.paths.processed(wave).glob("*.parquet")}
            for wave in WAVES}


@pytest.fixture(scope="module")
def markdown(root, published):
    """The report's markdown as the chapters print it, and each result's caption, per wave and language."""
    from survey.report.markdown import load_wave_results

    out = {}
    for wave in WAVES:
        for lang in published[wave]["project"].languages:
            loaded = load_wave_results(wave, lang=lang, root=root)
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                loaded.show_front()
                loaded.show_summary()
                loaded.show_plan()
                loaded.show_datasets()
                loaded.show_changes()
                loaded.show_methods()
                loaded.show_appendix()
                loaded.show_slides()
            captions: dict = {}
            for rid, result in loaded.results.items():
                captions.setdefault(loaded.title(result), []).append(rid)
            out[(wave, lang)] = {"text": buffer.getvalue(), "captions": captions}
    return out


@pytest.fixture(scope="module")
def decks(published):
    """Every slide's texts (text frames, tables, notes, picture alt texts): ``{(wave, file): [[text, ...], ...]}``."""
    from pptx import Presentation

    out = {}
    for wave in WAVES:
        for file in sorted(published[wave]["folder"].glob("slides*.pptx")):
            slides = []
            for slide in Presentation(file).slides:
                texts = []
                slides.append(texts)
                for shape in slide.shapes:
                    if shape.has_text_frame:
                        texts.append(shape.text_frame.text)
                    if getattr(shape, "has_table", False) and shape.has_table:
                        texts += [cell.text for row in shape.table.rows for cell in row.cells]
                    texts += [str(d) for d in shape._element.xpath("./*[1]/p:cNvPr/@descr")]
                if slide.has_notes_slide:
                    texts.append(slide.notes_slide.notes_text_frame.text)
            out[(wave, file.name)] = slides
    return out


def test_decks_show_no_number_for_hidden_groups(published, decks):
    from survey import catalogue
    from survey.kinds import words

    checked = 0
    for (wave, name), slides in decks.items():
        lang = re.match(r"slides\.?(\w*)\.pptx", name).group(1) or published[wave]["project"].languages[0]
        for result in published[wave]["results"].values():
            title = catalogue.pick(result["title"], lang, "").rstrip("?.")
            for texts in slides:
                if not title or not any(title in t for t in texts):
                    continue  # another result's slide
                for label in _hidden_labels(result, lang):
                    for text in texts:
                        if label and label in text:
                            assert not _digits_after(text, label), (wave, name, result["id"], label, text[:200])
                            checked += 1
    assert checked


def markdown_tables(text: str):
    """``(caption, header cells, row cells)`` of every pipe table followed by its ``: caption`` line."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("|"):
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].startswith("|"):
            block.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
            i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        caption = lines[i][2:].strip() if i < len(lines) and lines[i].startswith(": ") else ""
        if len(block) >= 2:
            yield caption, block[0], block[2:]


def _instrument(dataset):
    """The demo project's instrument of ``dataset``."""
    from survey.project.config import load_project

    return load_project(Path(__file__).resolve().parents[1]).instrument(dataset)


def _num(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _hidden_groups(result: dict) -> dict:
    """item -> groups whose rows are hidden for that item (breakdowns) / whole groups (interviews)."""
    out: dict = {}
    for row in result["table"]:
        if row.get("suppressed"):
            out.setdefault(row.get("item", "_all"), set()).add(row["group"])
    return out


# ---------------------------------------------------------------- the linear-programming attacker


class Attack:
    """Unknowns with bounds and linear equalities; :meth:`pinned` gives the values fixed by them."""

    def __init__(self):
        self.names: list = []
        self.low: list = []
        self.high: list = []
        self.rows: list = []
        self.rhs: list = []

    def var(self, name, low=0, high=None) -> int:
        self.names.append(name)
        self.low.append(low)
        self.high.append(high)
        return len(self.names) - 1

    def equal(self, terms: dict, value: float):
        self.rows.append(terms)
        self.rhs.append(value)

    def _bounds(self, extra=None):
        bounds = list(zip(self.low, self.high))
        for i, high in (extra or {}).items():
            low, old = bounds[i]
            bounds[i] = (low, high if old is None else min(old, high))
        return bounds

    def range(self, i, extra=None):
        n = len(self.names)
        a = np.zeros((len(self.rows), n))
        for r, terms in enumerate(self.rows):
            for j, coef in terms.items():
                a[r, j] += coef
        out = []
        for sign in (1, -1):
            c = np.zeros(n)
            c[i] = sign
            res = linprog(c, A_eq=a, b_eq=np.array(self.rhs, dtype=float), bounds=self._bounds(extra),
                          method="highs")
            if res.status == 2:  # infeasible (a supposition the data rules out)
                return None
            assert res.status == 0, res.message
            out.append(sign * res.fun)
        low, high = math.ceil(out[0] - 1e-6), math.floor(out[1] + 1e-6)
        return low, high

    def pinned(self, i, extra=None) -> int | None:
        found = self.range(i, extra)
        if found is None:
            return None
        low, high = found
        return low if low == high else None


def _one_way(results: dict, dataset: str, qid: str, kinds) -> dict | None:
    for r in results.values():
        if r["dataset"] == dataset and r["kind"] in kinds and qid in str(r["question"]).split(","):
            return r
    return None


def _sizes_published(results: dict, dataset: str, by_id: str) -> tuple[dict, int]:
    """Group sizes the background's own frequencies publish (None: hidden), and all respondents."""
    one_way = _one_way(results, dataset, by_id, ("single",))
    assert one_way is not None, by_id
    sizes = {row["code"]: _num(row["count"]) for row in one_way["table"]}
    return sizes, int(one_way["n"]["respondents"])


def _code_key(code):
    from survey.analysis._common import code_key

    return code_key(code)


def breakdown_attack(results: dict, chosen: list[dict]):
    """The attacker's system for every breakdown by one background variable: they share the groups' sizes."""
    dataset = chosen[0]["dataset"]
    by_id = chosen[0]["test"]["by"]
    sizes, respondents = _sizes_published(results, dataset, by_id)
    groups = list(dict.fromkeys(row["group"] for result in chosen for row in result["table"]))
    # no "_missing" row in the frequencies: nobody lacks the value (shown there as empty)
    members = groups + ([MISSING_GROUP] if MISSING_GROUP in sizes else [])
    attack = Attack()
    size_var = {}
    known_total = 0
    for g in members:
        published = sizes.get(g)
        if published is not None:
            known_total += published
            size_var[g] = None
        else:
            size_var[g] = attack.var(("size", g), low=1)  # a row of the frequencies: it exists
    unknown_sizes = {size_var[g]: 1 for g in members if size_var[g] is not None}
    if unknown_sizes:
        attack.equal(unknown_sizes, respondents - known_total)
    targets = []  # (variable, name, the hidden union it belongs to)
    for result in chosen:
        for item in dict.fromkeys(row["item"] for row in result["table"]):
            targets += _item_equations(attack, results, result, item, members, sizes, size_var)
    for g in members:
        if size_var[g] is not None:
            targets.append((size_var[g], ("size", g), None))
    return attack, targets, size_var


def _item_equations(attack, results, result, item, members, sizes, size_var):
    """One item's equations: whole sample minus shown groups, per code and for the base."""
    dataset = result["dataset"]
    rows = [r for r in result["table"] if r["item"] == item and r.get("code", "n") != "agree"]
    numeric = result["kind"] == "breakdown_numeric"
    codes = [] if numeric else list(dict.fromkeys(r["code"] for r in rows))
    whole = _whole_numeric(results, dataset, item) if numeric else _whole_sample(results, dataset, item, codes)
    if whole is None:
        return []
    counts, base = whole
    is_multi = len(codes) == 1  # a multi-select option: selected / not selected
    columns = codes + (["_not"] if is_multi else [])
    shown_sum = {c: 0 for c in columns}
    shown_base = 0
    cells, bases = {}, {}
    for g in members:
        grow = {r.get("code", "n"): r for r in rows if r["group"] == g}
        hidden = g == MISSING_GROUP or not grow or any(r["suppressed"] for r in grow.values())
        if not hidden:
            b = int(next(iter(grow.values()))["n_group"])
            shown_base += b
            for c in codes:
                shown_sum[c] += int(grow[c]["count"])
            if is_multi:
                shown_sum["_not"] += b - int(grow[codes[0]]["count"])
            continue
        bases[g] = attack.var(("base", result["id"], item, g), low=0, high=sizes.get(g))
        if size_var.get(g) is not None:
            slack = attack.var(("slack", result["id"], item, g))
            attack.equal({size_var[g]: 1, bases[g]: -1, slack: -1}, 0)  # base <= size
        if columns:
            cells[g] = {c: attack.var(("cell", result["id"], item, g, c)) for c in columns}
            attack.equal({**{v: 1 for v in cells[g].values()}, bases[g]: -1}, 0)
    if not bases:
        return []
    targets = []
    # "all": no group is shown for this item; then only whole-sample figures speak (public by design)
    union = {"members": len(bases), "base": base - shown_base, "all": len(bases) == len(members)}
    totals = dict(counts)
    if is_multi:
        totals["_not"] = base - counts[codes[0]]
    for c in columns:
        attack.equal({cells[g][c]: 1 for g in cells}, totals[c] - shown_sum[c])
        for g in cells:
            targets.append((cells[g][c], ("cell", result["id"], item, g, c), {**union, "sum": totals[c] - shown_sum[c]}))
    attack.equal({bases[g]: 1 for g in bases}, base - shown_base)
    for g in bases:
        targets.append((bases[g], ("base", result["id"], item, g), {**union, "sum": base - shown_base}))
    return targets


def _whole_numeric(results, dataset, item):
    one_way = _one_way(results, dataset, item, ("numeric",))
    if one_way is None:
        return None
    return {}, int(one_way["n"]["answering"])


def _whole_sample(results, dataset, item, codes):
    """Whole-sample counts of an item's codes and its base, from the published one-way result."""
    one_way = _one_way(results, dataset, item, ("single", "multi", "likert"))
    if one_way is None:
        return None
    if one_way["kind"] == "likert":
        rows = {_code_key(r["code"]): r["count"] for r in one_way["table"] if r["item"] == item}
        counts = {c: int(rows.get(_code_key(c), 0)) for c in codes}
        return counts, sum(counts.values())
    rows = {_code_key(r["code"]): r["count"] for r in one_way["table"]}
    if one_way["kind"] == "multi":
        return {codes[0]: int(rows[_code_key(codes[0])])}, int(one_way["n"]["answering"])
    return {c: int(rows.get(_code_key(c), 0)) for c in codes}, int(one_way["n"]["answering"])


def union_level(value, union) -> bool:
    """A pinned value that is a fact about the hidden union as a whole, which the promise allows.

    The union is whole sample minus the shown groups: a lone member *is* the union
    (allowed when it has at least t answers), and a union sum of 0 pins every member at 0
    ("none of the hidden groups chose it").
    """
    if union is None:
        return False
    if union["sum"] == 0 and value == 0:
        return True
    return union["members"] == 1 and union["base"] >= T


def _assert_nothing_pinned(attack: Attack, targets, size_var, where: str):
    for i, name, union in targets:
        value = attack.pinned(i)
        if value is not None and union_level(value, union):
            continue
        assert value is None, f"{where}: {name} recovered as {value}"
    # knowing the rule: suppose each hidden group in turn is the small one (when no group is shown for
    # an item, that supposition works on the whole-sample base and the published group sizes alone, which
    # are published whatever the breakdown hides)
    for i, name, union in targets:
        if union and union.get("all"):
            continue
        if name[0] == "size":
            value = attack.pinned(i, extra={i: T - 1})
            assert value is None, f"{where}: supposing {name[1]} small pins its size at {value}"
        if name[0] == "base":
            value = attack.pinned(i, extra={i: T - 1})
            assert value is None, f"{where}: supposing {name[-1]} small pins its base for {name[-2]} at {value}"


# ---------------------------------------------------------------- the attacks


def test_the_attacks_aim_at_something(published, truth):
    """Both waves hide groups, and 2026-demo has respondents without a background value."""
    hidden = {w: [r["id"] for r in published[w]["results"].values() if r["kind"] == "breakdown"
                  and r["suppression"].get("suppressed_groups")] for w in WAVES}
    assert all(hidden.values()), hidden
    from survey.analysis.breakdown import group_codes

    members = truth["2026-demo"]["associations"]["members"]
    assert members.isna().sum() >= 1  # the invalid member count became missing
    role, _ = group_codes(truth["2026-demo"]["staff"], _instrument("staff").question("role"))
    assert role.isna().sum() >= 1  # a refusal (user-missing 99): no role
    interviews = [r for w in WAVES for r in published[w]["results"].values() if r["kind"] == "interview_codes_by"
                  and r["suppression"]["suppressed"]]
    assert len(interviews) >= 2


@pytest.mark.parametrize("wave", WAVES)
def test_no_hidden_cell_base_or_size_of_a_breakdown_can_be_solved_for(published, wave):
    """All breakdowns by one background variable in one system: sizes shared, every item's subtraction."""
    results = published[wave]["results"]
    by_variable: dict = {}
    for result in results.values():
        if result["kind"] in ("breakdown", "breakdown_numeric"):
            by_variable.setdefault((result["dataset"], result["test"]["by"]), []).append(result)
    attacked = 0
    for (dataset, by), chosen in by_variable.items():
        attack, targets, size_var = breakdown_attack(results, chosen)
        if not any(name[0] in ("cell", "base") for _, name, _ in targets):
            continue
        attacked += 1
        _assert_nothing_pinned(attack, targets, size_var, f"{wave} {dataset} by {by}")
    assert attacked >= 3


@pytest.mark.parametrize("wave", WAVES)
def test_every_hidden_union_has_two_members_and_t_people(published, truth, wave):
    """Whole sample minus the shown groups is never one group, nor fewer than t people (true values)."""
    from survey.analysis.breakdown import group_codes

    results = published[wave]["results"]
    for result in results.values():
        if result["kind"] not in ("breakdown", "breakdown_numeric"):
            continue
        frame = truth[wave][result["dataset"]]
        by = _instrument(result["dataset"]).question(result["test"]["by"])
        groups, _ = group_codes(frame, by)
        groups = groups.fillna(MISSING_GROUP)
        for item, hidden in _hidden_groups(result).items():
            answered = _answered(frame, result["dataset"], item)
            union = groups[answered & groups.isin(hidden | {MISSING_GROUP})]
            if union.empty:
                continue
            sizes = union.value_counts()
            assert len(sizes) >= 2 and sizes.sum() >= T, (wave, result["id"], item, sizes.to_dict())
        shown_all = not _hidden_groups(result)
        missing = int((groups == MISSING_GROUP).sum())
        assert shown_all is False or missing == 0 or missing >= T, (wave, result["id"], missing)


def _answered(frame, dataset, item):
    q = _instrument(dataset).question(item)
    if q.type == "multi":
        return frame[q.answered_column].fillna(False).astype(bool)
    from survey.analysis.frequencies import classify_single

    if q.type in ("single", "likert"):
        return classify_single(frame[q.id], q)[0]
    return frame[q.id].notna()


@pytest.mark.parametrize("wave", WAVES)
def test_interview_groups_cannot_be_solved_from_the_overall_counts(published, wave):
    results = published[wave]["results"]
    overall = next(r for r in results.values() if r["kind"] == "interview_codes")
    mentions = {(r["code"], r["level"]): int(r["interviews"]) for r in overall["table"]}
    total = int(overall["n"]["interviews"])
    for result in results.values():
        if result["kind"] != "interview_codes_by":
            continue
        assert result["n"]["interviews"] == total
        groups = list(dict.fromkeys(r["group"] for r in result["table"]))
        attack = Attack()
        sizes, known = {}, 0
        for g in groups:
            rows = [r for r in result["table"] if r["group"] == g]
            if rows[0]["suppressed"]:
                assert f"group:{g}" not in result["n"]
                assert all(_num(r[k]) is None for r in rows for k in ("interviews", "n_group", "pct"))
                sizes[g] = attack.var(("size", g), low=1)
            else:
                known += int(rows[0]["n_group"])
                assert result["n"][f"group:{g}"] == rows[0]["n_group"]
        if not sizes:
            continue
        # those without a value would be a group row of their own; the hidden ones are unknowns
        attack.equal({v: 1 for v in sizes.values()}, total - known)
        targets = [(v, ("size", g), None) for g, v in sizes.items()]
        for (code, level), k in mentions.items():
            rows = {r["group"]: r for r in result["table"] if r["code"] == code and r["level"] == level}
            shown = sum(int(rows[g]["interviews"]) for g in groups if g not in sizes)
            cells = {}
            for g in sizes:
                cells[g] = attack.var(("cell", code, g, "mention"))
                slack = attack.var(("slack", code, g))
                attack.equal({sizes[g]: 1, cells[g]: -1, slack: -1}, 0)
                targets.append((cells[g], ("cell", code, g, "mention"),
                                {"members": len(sizes), "base": total - known, "sum": k - shown}))
            attack.equal({v: 1 for v in cells.values()}, k - shown)
        for i, name, union in targets:
            value = attack.pinned(i)
            if value is not None and union_level(value, union):
                continue
            assert value is None, f"{wave} {result['id']}: {name} recovered as {value}"
            if name[0] == "size":
                assert attack.pinned(i, extra={i: T - 1}) is None, (wave, result["id"], name)
        assert len(sizes) >= 2 and total - known >= T


@pytest.mark.parametrize("wave", WAVES)
def test_background_frequencies_publish_no_hidden_size(published, wave):
    for result in published[wave]["results"].values():
        if result["kind"] != "single" or not result["suppression"].get("background"):
            continue
        hidden = set(result["suppression"]["suppressed_groups"])
        for row in result["table"]:
            if row["code"] in hidden:
                assert all(_num(row[k]) is None for k in ("count", "pct", "ci_low", "ci_high")), row
        if MISSING_GROUP in hidden:
            assert set(result["n"]) == {"respondents"}, result["n"]  # answering would give it away
        attack = Attack()
        unknown = {attack.var(("size", g), low=1): g for g in hidden}
        known = sum(int(r["count"]) for r in result["table"] if r["code"] not in hidden)
        if unknown:
            attack.equal({v: 1 for v in unknown}, int(result["n"]["respondents"]) - known)
            for v, g in unknown.items():
                assert attack.pinned(v) is None, (wave, result["id"], g)
                assert attack.pinned(v, extra={v: T - 1}) is None, (wave, result["id"], g)
            assert len(unknown) >= 2


@pytest.mark.parametrize("wave", WAVES)
def test_no_n_dict_or_column_holds_a_hidden_size(published, wave):
    for result in published[wave]["results"].values():
        if result["kind"] == "breakdown" or result["kind"] == "breakdown_numeric":
            by_hidden = set(result["suppression"]["suppressed_groups"])
            for row in result["table"]:
                if row["group"] in by_hidden or row.get("suppressed"):
                    assert _num(row.get("n_group")) is None, (result["id"], row)
                    assert _num(row.get("count")) is None, (result["id"], row)
            plan_hidden = _missing_hidden(published[wave]["results"], result)
            if plan_hidden:
                assert "group_missing" not in result["n"] and "grouped" not in result["n"], result["n"]
        for key in result["n"]:
            assert not key.startswith("group:") or result["kind"] == "interview_codes_by"


def _missing_hidden(results, result) -> bool:
    one_way = _one_way(results, result["dataset"], result["test"]["by"], ("single",))
    return MISSING_GROUP in set(one_way["suppression"].get("suppressed_groups") or [])


def _hidden_labels(result: dict, lang: str) -> list[str]:
    """Labels of the groups hidden in every item of a result (what an alt text or table names)."""
    hidden = set(result["suppression"].get("suppressed_groups") or result["suppression"].get("suppressed") or [])
    if result["kind"] == "single":
        labels = result["labels"].get(lang) or {}
        return [labels.get(str(c), labels.get(c, str(c))) for c in hidden]
    labels = (result["labels"].get("groups") or {}).get(lang) or result["labels"].get(lang) or {}
    return [labels.get(str(g), str(g)) for g in hidden]


def _digits_after(text: str, label: str) -> list[str]:
    """What follows each mention of ``label`` up to the next separator, when it holds a number."""
    out = []
    for match in re.finditer(re.escape(label), text):
        rest = text[match.end(): match.end() + 40]
        segment = re.split(r"[;,.\n|/]", rest, maxsplit=1)[0]  # "/" separates the groups the alt text names
        segment = re.sub(r"^[^\w(]*", "", segment)
        if re.search(r"\d", segment) and not segment.strip().startswith(("–", "-")):
            out.append(segment)
    return out


@pytest.mark.parametrize("wave", WAVES)
def test_alt_texts_in_every_language_show_no_number_for_hidden_groups(published, wave):
    checked = 0
    for result in published[wave]["results"].values():
        labels_by_lang = {lang: _hidden_labels(result, lang) for lang in published[wave]["project"].languages}
        for lang, names in labels_by_lang.items():
            alts = [text for name, text in published[wave]["alts"].items()  # <id>.alt.<lang>.txt, <id>.<size>.alt...
                    if name.startswith(result["id"] + ".") and name.endswith(f".alt.{lang}.txt")
                    and name[len(result["id"]) + 1:].split(".")[0] in ("alt", "report", "slide")]
            for alt in alts:
                for label in names:
                    if not label:
                        continue
                    assert not _digits_after(alt, label), (wave, result["id"], lang, label, _digits_after(alt, label))
                    checked += 1
    assert checked >= 4


def _published_numbers(result: dict) -> set:
    """Every number the result JSON publishes (table cells, n, tests), as the workbook may store them."""
    values = set()

    def add(v):
        if isinstance(v, bool) or v is None:
            return
        if isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v)):
            for x in (v, v * 100):
                values.add(round(float(x), 6))

    for row in result["table"]:
        for v in row.values():
            add(v)
    for v in (result.get("n") or {}).values():
        add(v)

    def walk(obj):
        if isinstance(obj, dict):
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)
        else:
            add(obj)

    walk(result.get("test") or {})
    return values


def _sheets_of_results(workbook, results: dict, lang: str) -> dict:
    """Table sheet -> the results whose title (and dataset) its contents line names."""
    from survey import catalogue
    from survey.kinds import words

    contents = workbook.worksheets[1]
    out = {}
    for row in contents.iter_rows(values_only=True):
        if not row or not isinstance(row[0], str) or not isinstance(row[1], str) or row[0] not in workbook.sheetnames:
            continue
        title = row[1].rstrip("?.").strip()
        candidates = [r for r in results.values()
                      if title.startswith(catalogue.pick(r["title"], lang, r["id"]).rstrip("?.").strip())]
        out[row[0]] = [r for r in candidates if _names_it(r, title[len(catalogue.pick(r["title"], lang, "")
                                                                    .rstrip("?.").strip()):], lang)] or candidates
    return out


def _names_it(result: dict, rest: str, lang: str) -> bool:
    """Whether the rest of a contents title (after the question) is this result's kind of table."""
    from survey import catalogue
    from survey.kinds import words

    rest = rest.strip(" ?.:–")
    if result["kind"] in ("breakdown", "breakdown_numeric"):
        return bool(rest) and rest == catalogue.pick((result["labels"].get("by") or {}), lang, "")
    if result["kind"] == "wave":
        return bool(rest) and str(result["test"].get("previous_wave")) in rest
    if result["kind"] == "likert_summary":
        return bool(rest) and not any(str(w) in rest for w in WAVES)
    return not rest


@pytest.mark.parametrize("wave", WAVES)
def test_workbooks_hold_no_number_the_results_do_not_publish(published, wave):
    """Every number of every table sheet, in every language, is one its (checked) results publish."""
    import openpyxl

    results = published[wave]["results"]
    checked = 0
    for book in published[wave]["workbooks"]:
        lang = re.match(r"tables\.?(\w*)\.xlsx", book.name).group(1) or published[wave]["project"].languages[0]
        workbook = openpyxl.load_workbook(book, read_only=True)
        for name, candidates in _sheets_of_results(workbook, results, lang).items():
            if not candidates:
                continue  # response rates, notes: no result of their own
            allowed = set().union(*(_published_numbers(r) for r in candidates))
            for row in workbook[name].iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str) and re.fullmatch(r"\d+", value):
                        value = int(value)
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        assert round(float(value), 6) in allowed, (book.name, name, value, row)
                        checked += 1
    assert checked > 1000


@pytest.mark.parametrize("wave", WAVES)
def test_report_markdown_shows_no_number_for_hidden_groups(published, markdown, wave):
    from survey import catalogue
    from survey.kinds import words

    checked = 0
    for lang in published[wave]["project"].languages:
        page = markdown[(wave, lang)]
        text = page["text"]
        assert "n = –" not in text and "luottamusväli –" not in text and "interval –" not in text
        whole_sample = {catalogue.text("col_interviews_all", lang)}
        for caption, header, rows in markdown_tables(text):
            ids = page["captions"].get(caption, [])
            hidden = {label for rid in ids for label in _hidden_labels(published[wave]["results"][rid], lang)}
            for cells in rows:
                if not hidden & set(cells):
                    continue
                checked += 1
                for head, cell in zip(header, cells):
                    if head in whole_sample or cell in hidden:
                        continue
                    assert not re.search(r"\d", cell), (wave, lang, caption, head, cell)
    # the report shows breakdowns as verdicts; their full tables live in the workbooks (checked cell
    # by cell above). Any table of the report that does name a hidden group was checked here.


@pytest.mark.parametrize("wave", WAVES)
def test_codebook_shows_no_count_of_a_hidden_missing_group(published, wave):
    import openpyxl

    from survey.artefacts.workbook import SUPPRESSED

    book = openpyxl.load_workbook(published[wave]["folder"] / "codebook.xlsx", read_only=True)
    rows = [r for ws in book.worksheets[2:] for r in ws.iter_rows(values_only=True) if r and len(r) >= 7]
    checked = 0
    for result in published[wave]["results"].values():
        if result["kind"] == "single" and MISSING_GROUP in (result["suppression"].get("suppressed_groups") or []):
            row = next(r for r in rows if r[1] == result["question"])
            assert tuple(row[-2:]) == (SUPPRESSED, SUPPRESSED), row
            checked += 1
    assert checked  # both waves hide a missing group (staff without a role; 2026 also a member count)


def test_no_uncleared_quote_reaches_anything_published(published, truth, markdown, decks):
    from survey.analysis import interviews as iv

    for wave in WAVES:
        frames = {"codings": truth[wave]["interviews_codings"], "cases": truth[wave]["interviews_cases"]}
        clearance = iv.quote_clearance(frames, threshold=T)
        assert len(clearance) and not clearance["cleared"].any()
        texts = [t for t in clearance["text"] if len(t) >= 30]
        folder = published[wave]["folder"]
        published_text = "\n".join(p.read_text(encoding="utf-8") for p in (folder / "results").glob("*.json"))
        published_text += "\n".join(published[wave]["alts"].values())
        published_text += "\n".join(v["text"] for (w, _), v in markdown.items() if w == wave)
        published_text += "\n".join(t for (w, _), slides in decks.items() if w == wave for texts in slides
                                     for t in texts)
        import openpyxl

        for book in published[wave]["workbooks"]:
            for ws in openpyxl.load_workbook(book, read_only=True):
                for row in ws.iter_rows(values_only=True):
                    published_text += "\n" + " ".join(str(v) for v in row if isinstance(v, str))
        for text in texts:
            assert text not in published_text and json.dumps(text)[1:-1] not in published_text, (wave, text[:40])
        assert "interviews-quotes" not in published[wave]["results"]
        cleared = published[wave]["results"]["interviews-quotes-cleared"]
        assert cleared["table"] == []


def test_quote_attributions_are_at_one_level_for_everyone(truth):
    from survey.analysis import interviews as iv

    for wave in WAVES:
        frames = {"codings": truth[wave]["interviews_codings"], "cases": truth[wave]["interviews_cases"]}
        every = iv.quote_clearance(frames, threshold=T)
        results = iv.analyse_interviews(frames, threshold=T, cleared=list(every["quote_id"]))
        quotes = next(r for r in results if r.kind == "interview_quotes").table
        assert len(quotes) == len(every)
        with_division = quotes["attribution_fi"].str.contains(",")
        assert with_division.all() or not with_division.any()
        # a division is hidden in both demo waves: so no quote names one
        assert not with_division.any() and quotes["division"].isna().all()


# ---------------------------------------------------------------- the attacker who reproduces the plan
#
# review-2 §1: someone who knows the published rule runs the package's own plan_groups on every size
# vector of the hidden groups that fits what is published (shown sizes, the total, which groups are
# hidden) and keeps those that give the same hidden set. No hidden size may be the same in all of them,
# nor the multiset of
# the hidden sizes ("one is 4 and one is 8").


def _compositions(total: int, parts: int, low: int = 1):
    if parts == 0:
        if total == 0:
            yield ()
        return
    for first in range(low, total - low * (parts - 1) + 1):
        for rest in _compositions(total - first, parts - 1, low):
            yield (first, *rest)


def plan_attack(order: list, shown: dict, hidden: set, total: int, threshold: int) -> list[dict]:
    """Every size vector of the ``hidden`` members that fits and makes ``plan_groups`` hide exactly them.

    ``order``: the partition's members as published (the missing group last when it is a row);
    ``shown``: the published sizes; ``total``: everyone in the partition.
    """
    from survey.analysis.disclosure import DisclosureRule, plan_groups

    unknown = [g for g in order if g in hidden]
    rest = total - sum(shown.values())
    rule = DisclosureRule(min_group_size=threshold)
    fits = []
    for combo in _compositions(rest, len(unknown)):
        sizes = {**shown, **dict(zip(unknown, combo))}
        plan = plan_groups({g: sizes[g] for g in order if g != MISSING_GROUP}, sizes.get(MISSING_GROUP, 0), rule)
        if set(plan.hidden) == set(hidden):
            fits.append(dict(zip(unknown, combo)))
    return fits


def assert_plan_attack_fails(fits: list[dict], threshold: int, where: str, truth: dict | None = None):
    assert fits, f"{where}: not even the published plan fits (the attacker's model is wrong)"
    if truth is not None:
        assert {g: truth[g] for g in fits[0]} in fits, f"{where}: the true sizes do not fit"
    for g in fits[0]:
        seen = {f[g] for f in fits}
        small = {v for v in seen if v < threshold}
        assert len(seen) >= 2, f"{where}: {g} recovered as {seen}"
        assert len(small) != 1 or threshold <= 2, f"{where}: supposing {g} is the small one gives {small}"
    if len(fits[0]) >= 2:
        multisets = {tuple(sorted(f.values())) for f in fits}
        assert len(multisets) >= 2, f"{where}: the hidden sizes are {multisets.pop()} in some order"


def _partitions_published(results: dict):
    """``(where, order, shown, hidden, total)`` of every published partition with hidden members."""
    for result in results.values():
        suppression = result.get("suppression") or {}
        if result["kind"] == "single" and suppression.get("background") and suppression.get("suppressed_groups") \
                and not suppression.get("merged_groups"):
            order = [r["code"] for r in result["table"]]
            hidden = set(suppression["suppressed_groups"])
            shown = {r["code"]: int(r["count"]) for r in result["table"] if r["code"] not in hidden}
            if MISSING_GROUP not in order:  # nobody without a value, or the missing ones shown as 'answering'
                shown[MISSING_GROUP] = int(result["n"]["respondents"]) - int(result["n"].get("answering",
                                                                                            result["n"]["respondents"]))
                order.append(MISSING_GROUP)
            yield result["id"], order, shown, hidden, int(result["n"]["respondents"])
        if result["kind"] == "interview_codes_by" and suppression.get("suppressed") \
                and not suppression.get("merged_groups"):
            order = list(dict.fromkeys(r["group"] for r in result["table"]))
            hidden = set(suppression["suppressed"])
            shown = {g: int(result["n"][f"group:{g}"]) for g in order if g not in hidden}
            if MISSING_GROUP not in order:
                shown[MISSING_GROUP] = 0
                order.append(MISSING_GROUP)
            yield result["id"], order, shown, hidden, int(result["n"]["interviews"])


def _threshold(project) -> int:
    return int(project.min_group_size)


@pytest.mark.parametrize("wave", WAVES)
def test_an_attacker_who_reproduces_the_plan_pins_no_hidden_size(published, wave):
    t = _threshold(published[wave]["project"])
    attacked = 0
    for where, order, shown, hidden, total in _partitions_published(published[wave]["results"]):
        assert_plan_attack_fails(plan_attack(order, shown, hidden, total, t), t, f"{wave} {where}")
        attacked += 1
    assert attacked >= 2


@pytest.mark.slow
def test_the_plan_attack_fails_on_random_partitions():
    """Other groupings, thresholds 3-10, several small groups, a missing group: sizes stay unknown."""
    from survey.analysis.disclosure import DisclosureRule, plan_groups

    rng = np.random.default_rng(2026)
    attacked = 0
    while attacked < 30:
        t = int(rng.integers(3, 11))
        k = int(rng.integers(2, 7))
        sizes = {f"g{i}": int(rng.choice([rng.integers(1, t), rng.integers(t, 3 * t)])) for i in range(k)}
        missing = int(rng.choice([0, 0, rng.integers(1, t), rng.integers(t, 2 * t)]))
        plan = plan_groups(sizes, missing, DisclosureRule(min_group_size=t))
        full = {**sizes, MISSING_GROUP: missing}
        if not plan.hidden:
            assert all(n == 0 or n >= t for n in full.values())
            continue
        hidden = set(plan.hidden)
        rest = sum(full[g] for g in hidden)
        assert len(hidden) >= 2 and (rest >= t or all(g in hidden for g, n in full.items() if n))
        if all(g in hidden for g, n in full.items() if n):
            continue  # nothing about any group is shown: the attacker has the whole sample's size only
        if math.comb(rest - 1, len(hidden) - 1) > 3000:
            continue  # the brute-force attacker below would take minutes
        shown = {g: n for g, n in full.items() if g not in hidden}
        fits = plan_attack(list(full), shown, hidden, sum(full.values()), t)
        assert_plan_attack_fails(fits, t, f"{full} t={t} hidden {sorted(hidden)}", truth=full)
        attacked += 1


def test_the_review_tie_case_leaves_both_sizes_open():
    # review-2 §1: youth 4 is small, culture 8 and village 8 tie; "the smallest partner, the earlier at a
    # tie" hid culture and so told culture = 8, youth = 4
    sizes = {"sports": 16, "culture": 8, "village": 8, "social_health": 17, "youth": 4, "pensioners": 9, "other": 9}
    from survey.analysis.disclosure import DisclosureRule, plan_groups

    plan = plan_groups(sizes, 0, DisclosureRule(min_group_size=5))
    hidden = set(plan.hidden)
    assert "youth" in hidden and len(hidden) == 2
    shown = {g: n for g, n in sizes.items() if g not in hidden}
    fits = plan_attack([*sizes, MISSING_GROUP], {**shown, MISSING_GROUP: 0}, hidden, sum(sizes.values()), 5)
    assert_plan_attack_fails(fits, 5, f"tie case, hidden {sorted(hidden)}", truth=sizes)


# ---------------------------------------------------------------- the crafted wave (review-2 §1, §2)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """Results of a synthetic wave built to attack the plan: see tests/_attack_wave.py."""
    from _attack_wave import attack_results

    return attack_results(tmp_path_factory.mktemp("attack"))


@pytest.mark.slow
def test_crafted_wave_hides_what_it_was_made_to_hide(crafted):
    results, project, frames = crafted
    kinds = frames["associations"]["assoc_type"].value_counts().to_dict()
    assert (kinds["culture"], kinds["village"], kinds["youth"]) == (8, 8, 4)
    assert frames["associations"]["members"].isna().sum() >= 3
    assert "youth" in results["associations-assoc-type"]["suppression"]["suppressed_groups"]


def test_crafted_wave_plan_attack_pins_no_size(crafted):
    results, project, frames = crafted
    t = _threshold(project)
    attacked = 0
    for where, order, shown, hidden, total in _partitions_published(results):
        truth = None
        if where.startswith("associations-"):
            qid = results[where]["question"]
            column = frames["associations"][qid]
            truth = {**column.value_counts().to_dict(), MISSING_GROUP: int(column.isna().sum())}
        assert_plan_attack_fails(plan_attack(order, shown, hidden, total, t), t, f"crafted {where}", truth=truth)
        attacked += 1
    assert attacked >= 3


@pytest.mark.slow
def test_crafted_wave_no_hidden_base_is_pinned_by_the_hidden_union_size(crafted):
    """review-2 §2: 'other' hidden for premises_booking only; culture + youth's public total bounds their answers."""
    results = crafted[0]
    by_variable: dict = {}
    for result in results.values():
        if result["kind"] in ("breakdown", "breakdown_numeric"):
            by_variable.setdefault((result["dataset"], result["test"]["by"]), []).append(result)
    assert ("associations", "assoc_type") in by_variable
    for (dataset, by), chosen in by_variable.items():
        attack, targets, size_var = breakdown_attack(results, chosen)
        _assert_nothing_pinned(attack, targets, size_var, f"crafted {dataset} by {by}")
