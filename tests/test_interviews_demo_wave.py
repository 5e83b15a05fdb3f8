"""The 2024 demo wave end to end: triangulation equals the survey and interview results, no PII leaks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from survey.analysis import interviews as iv
from survey.project.config import load_project, project_root
from survey.demo import interviews as demo
from survey.model import to_json
from survey.prepare.interviews import load_interviews
from survey.project.instruments import Codebook


@pytest.fixture(scope="module")
def demo_wave(demo_outputs):
    """The 2024 demo wave as the session's demo build ran it: (project, frames, results, planted truth).

    The normal forms are the processed parquet files (the interview tables included), the
    results the published ``results/<id>.json``; the committed demo files and truth equal a
    fresh generation (test_demo checks that).
    """
    from survey import store
    from survey.demo.truth import load_truth
    from survey.report.data import read_results

    project = load_project(demo_outputs)
    folder = project.paths.processed("2024-demo")
    frames = {p.stem: store.read_frame(p) for p in sorted(folder.glob("*.parquet"))}
    ingested = SimpleNamespace(frames={k: v for k, v in frames.items() if k in ("associations", "staff", "network")},
                               interviews={k.split("_", 1)[1]: v for k, v in frames.items()
                                           if k.startswith("interviews_")})
    results = list(read_results(project.paths, "2024-demo").values())
    assert set(demo.PLANTED_NAMES) <= set(project.redact_names)  # the demo's planted name is listed for redaction
    return project, ingested, results, load_truth("2024-demo")


def test_triangulation_numbers_equal_the_underlying_results(demo_wave):
    from survey.analysis.likert import summarise_item
    from survey.project.instruments import Codebook

    project, ingested, results, truth = demo_wave
    tri = next(r for r in results if r.kind == "triangulation").table
    assert list(dict.fromkeys(tri["theme"])) == ["grants", "premises", "agreements", "cooperation",
                                                  "communication", "volunteering"]
    mapping = iv.triangulation_mapping(Codebook.of(project.instrument("interviews")), project.triangulation)
    for theme, spec in mapping.items():
        for dataset in ("associations", "staff"):
            row = tri[(tri["theme"] == theme) & (tri["source"] == dataset)].iloc[0]
            question = project.instrument(dataset).question(spec[dataset]["question"])
            frame = ingested.frames[dataset]
            if question.type == "likert":
                expected = summarise_item(frame[question.id], question)
                assert (row["count"], row["n"]) == (expected["agree_count"], expected["n_scale"])
                assert row["ci_low"] == pytest.approx(expected["agree_ci_low"])
            else:
                single = next(r for r in results if r.dataset == dataset and r.question == question.id
                              and r.kind == "single")
                codes = {str(c) for c in spec[dataset]["codes"]}
                count = int(single.table.loc[single.table["code"].astype(str).isin(codes), "count"].sum())
                assert (row["count"], row["n"]) == (count, single.n["answering"])
        row = tri[(tri["theme"] == theme) & (tri["source"] == "interviews")].iloc[0]
        assert (row["count"], row["n"]) == (truth["interviews"]["themes"][spec["interviews"]], 17)


def test_no_planted_personal_data_in_results_or_processed_frames(demo_wave):
    _, ingested, results, _ = demo_wave
    text = "\n".join([to_json(r.to_dict()) for r in results if r.dataset == "interviews"] +
                     [f.to_json() for f in ingested.interviews.values() if hasattr(f, "to_json")])
    for planted in demo.PLANTED_PERSONAL_DATA:
        assert planted not in text, planted


def test_committed_demo_files_give_the_committed_truth():
    from survey.demo.truth import load_truth
    from survey.ingest.coding_sheet import inspect_coding_sheet
    from survey.ingest.qdpx import inspect_qdpx

    for wave in ("2024-demo", "2026-demo"):
        folder = project_root() / "data" / "raw" / wave
        if not (folder / demo.QDPX_FILE).is_file():
            pytest.skip("demo files not generated")
        truth = load_truth(wave)["interviews"]
        book = Codebook.of(load_project(project_root()).instrument("interviews"))
        frames = load_interviews(folder / demo.QDPX_FILE, codebook=book)
        table = iv.count_codes(frames["codings"], frames["cases"], codebook=book).table
        assert table[table["level"] == "code"].set_index("code")["interviews"].to_dict() == truth["codes"]
        assert table[table["level"] == "theme"].set_index("code")["interviews"].to_dict() == truth["themes"]
        qdpx_info, sheet_info = inspect_qdpx(folder / demo.QDPX_FILE), inspect_coding_sheet(folder / demo.SHEET_FILE)
        assert qdpx_info["respondents"] == sheet_info["respondents"] == truth["interviews"]
        assert qdpx_info["codings"] == sheet_info["codings"] == truth["codings"]
        assert qdpx_info["codes"] == sheet_info["codes"] == 24
