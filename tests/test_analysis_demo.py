"""The demo waves: planted effects are detected and the planted small group never shows.

Reads the committed demo exports (read-only) through the pipeline's ingest, and the
truth the demo generator recorded (``survey/demo/truth/<wave>.json``).
"""

import itertools
import json
import math
from pathlib import Path

import pytest

import survey.demo
from survey import analysis
from survey.kinds.findings import interpret
from survey.project.config import load_project


def load_instrument(dataset: str):
    """The demo project's instrument of ``dataset``."""
    return load_project(Path(__file__).resolve().parents[1]).instrument(dataset)

WAVES = ("2024-demo", "2026-demo")
TRUTH_DIR = Path(survey.demo.__file__).parent / "truth"


@pytest.fixture(scope="module")
def demo():
    from survey.pipeline import ingest_dataset

    project = load_project(Path(__file__).resolve().parents[1])
    frames = {}
    for wave_id in WAVES:
        wave = project.wave(wave_id)
        frame, _, _ = ingest_dataset(project, wave, wave.datasets["associations"])
        frames[wave_id] = frame
    truth = {w: json.loads((TRUTH_DIR / f"{w}.json").read_text(encoding="utf-8"))["associations"] for w in WAVES}
    return frames, truth, load_instrument("associations")


@pytest.mark.parametrize("wave", WAVES)
def test_planted_group_difference_is_detected(demo, wave):
    frames, truth, inst = demo
    planted = truth[wave]["premises_available"]["groups"]
    size = planted["sports"]["agree"] / planted["sports"]["substantive"] - \
        planted["village"]["agree"] / planted["village"]["substantive"]
    result = analysis.analyse_breakdown(frames[wave], inst.question("premises_available"),
                                        inst.question("assoc_type"), dataset="associations", wave=wave)
    item = result.test["items"][0]
    assert item["p"] < 0.05
    diff = [d for d in item["differences"] if {d["group_a"], d["group_b"]} == {"sports", "village"}][0]
    sign = 1 if diff["group_a"] == "sports" else -1
    low, high = sorted((sign * diff["low"], sign * diff["high"]))
    assert low > 0 and low <= size <= high
    assert "selvä ero" in interpret(result, "fi")


def test_planted_wave_change_is_detected(demo):
    frames, truth, inst = demo
    before, now = truth["2024-demo"]["contact_known"], truth["2026-demo"]["contact_known"]
    size = now["count"] / now["answering"] - before["count"] / before["answering"]
    result = analysis.compare_waves(frames["2024-demo"], frames["2026-demo"], inst.question("contact_known"),
                                    dataset="associations", wave="2026-demo", previous_wave="2024-demo")
    row = result.table.set_index("code").loc[now["code"]]
    assert row["ci_low"] > 0 and row["ci_low"] <= size <= row["ci_high"]
    assert row["p_adjusted"] < 0.05
    assert "selvä muutos" in interpret(result, "fi")


def _all_results(frame, inst, wave):
    by = inst.question("assoc_type")
    results = [analysis.analyse_single(frame, by, dataset="associations", wave=wave)]
    for q in inst.questions:
        if q.id == by.id or q.type not in ("single", "multi", "likert", "numeric"):
            continue
        if q.id not in frame.columns and q.answered_column not in frame.columns:
            continue
        results.append(analysis.analyse_breakdown(frame, q, by, dataset="associations", wave=wave))
    return results


@pytest.mark.slow
@pytest.mark.parametrize("wave", WAVES)
def test_small_group_is_hidden_in_every_result(demo, wave):
    frames, truth, inst = demo
    small = truth[wave]["small_group"]
    assert small["count"] < 5
    results = _all_results(frames[wave], inst, wave)
    assert len(results) > 10
    for result in results:
        column = "code" if result.kind == "single" else "group"
        rows = result.table[result.table[column].astype(str) == small["code"]]
        assert len(rows) and rows["suppressed"].all(), result.id
        numbers = [c for c in ("count", "n_group", "pct", "ci_low", "ci_high", "mean", "median")
                   if c in rows.columns]
        assert rows[numbers].isna().all().all(), result.id
        assert small["code"] in result.suppression["suppressed_groups"], result.id
        text = json.dumps(result.to_dict(), allow_nan=False)
        assert "NaN" not in text


@pytest.mark.parametrize("wave", WAVES)
def test_small_group_cannot_be_recovered_from_totals(demo, wave):
    frames, truth, inst = demo
    small = truth[wave]["small_group"]
    frame = frames[wave]
    sizes = analysis.analyse_single(frame, inst.question("assoc_type"), dataset="associations")
    shown = sizes.table[~sizes.table["suppressed"]]
    hidden = sizes.table[sizes.table["suppressed"]]
    remainder = sizes.n["answering"] - int(shown["count"].sum())
    # The attacker knows the hidden groups' total, and that each hidden group is non-empty.
    fillings = [c for c in itertools.product(range(1, remainder + 1), repeat=len(hidden)) if sum(c) == remainder]
    position = list(hidden["code"]).index(small["code"])
    assert len({f[position] for f in fillings}) > 1
    # Per answer: whole-sample count minus the shown groups' counts leaves a sum over hidden groups.
    q = inst.question("contact_known")
    one_way = analysis.analyse_single(frame, q, dataset="associations").table.set_index("code")["count"]
    cross = analysis.analyse_breakdown(frame, q, inst.question("assoc_type"), dataset="associations").table
    for code, total in one_way.items():
        visible = cross[(cross["code"] == code) & ~cross["suppressed"]]["count"].sum()
        hidden_groups = cross[(cross["code"] == code) & cross["suppressed"]]["group"].nunique()
        assert hidden_groups >= 2  # the remainder total - visible is shared by at least two groups
        assert not math.isnan(total - visible)
