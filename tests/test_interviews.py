"""Interview analysis: counts per interview, groups, co-occurrence, quotes, triangulation, demo."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from survey.analysis import interviews as iv
from survey.demo import interviews as demo
from survey.errors import InputError
from survey.ingest.coding_sheet import read_coding_sheet
from survey.ingest.qdpx import read_qdpx
from survey.model import Result, to_json
from survey.prepare.interviews import load_interviews
from survey.project.config import load_project
from survey.project.instruments import Codebook

# The demo project's interview codebook (instruments/interviews.yml): ids, labels, aliases, triangulation.
PROJECT = load_project(Path(__file__).resolve().parents[1])
BOOK = Codebook.of(PROJECT.instrument("interviews"))
INSTRUMENTS = {d: PROJECT.instrument(d) for d in ("associations", "staff")}


def _codings(rows):
    frame = pd.DataFrame(rows, columns=["interview", "code", "parent", "text"])
    frame["start"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["end"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["cleared"] = False
    return frame.astype({"interview": "string", "code": "string", "parent": "string", "text": "string"})


# H1 mentions avustukset_haku twice: still one interview.
CODINGS = _codings([
    ("H01", "avustukset_haku", "avustukset", "Haku on työläs pienille yhdistyksille ja sitä pitäisi keventää."),
    ("H01", "avustukset_haku", "avustukset", "Toinen kohta samasta asiasta, hakulomake on pitkä ja vaikea."),
    ("H01", "tilat_varaus", "toimitilat", "Tilojen varaaminen on hajallaan eri järjestelmissä tällä hetkellä."),
    ("H02", "avustukset_haku", "avustukset", "Sähköinen haku on helpottanut, mutta ohjeita tarvitaan lisää."),
    ("H03", "tilat_varaus", "toimitilat", "Yhteinen varauskalenteri auttaisi, soita 040 123 4567 niin kerron."),
    ("H03", "avustukset_kriteerit", "avustukset", "Kriteerit eivät ole selvät kenellekään meistä täällä."),
])
CASES = pd.DataFrame({"interview": ["H01", "H02", "H03", "H04"],
                      "division": ["sivistys", "sivistys", "kaupunkiymparisto", "sivistys"],
                      "role": ["johto", "asiantuntija", "johto", "asiantuntija"]}).astype("string")


def _row(table, **where):
    mask = pd.Series(True, index=table.index)
    for key, value in where.items():
        mask &= table[key] == value
    assert mask.sum() == 1, where
    return table[mask].iloc[0]


def test_count_codes_counts_interviews_not_segments():
    result = iv.count_codes(CODINGS, CASES)
    table = result.table
    assert result.n == {"interviews": 4, "codings": 6, "codes": 3}
    assert list(table["code"]) == ["avustukset", "avustukset_haku", "avustukset_kriteerit", "toimitilat",
                                   "tilat_varaus"]
    haku = _row(table, code="avustukset_haku")
    assert (haku["interviews"], haku["segments"], haku["pct"]) == (2, 3, 0.5)
    theme = _row(table, code="avustukset", level="theme")
    assert (theme["interviews"], theme["segments"]) == (3, 4)
    assert _row(table, code="toimitilat")["interviews"] == 2


BIG_CASES = pd.DataFrame({"interview": [f"H{i:02d}" for i in range(1, 12)],
                          "division": ["sivistys"] * 6 + ["elinvoima"] * 4 + ["kaupunkiymparisto"],
                          "role": ["johto", "asiantuntija"] * 5 + ["johto"]}).astype("string")


def test_count_codes_by_division_hides_small_groups_with_a_partner():
    result = iv.count_codes_by(CODINGS, BIG_CASES, "division", threshold=3)
    table = result.table
    row = _row(table, group="sivistys", code="avustukset_haku")
    assert (row["interviews"], row["n_group"], row["pct"]) == (2, 6, pytest.approx(2 / 6))
    assert row["interviews_all"] == 2
    # the group of 1 is hidden, and so is the next smallest: all minus sivistys is the two together
    assert result.suppression["suppressed"] == ["elinvoima", "kaupunkiymparisto"]
    hidden = table[table["group"].isin(["elinvoima", "kaupunkiymparisto"])]
    assert hidden["suppressed"].all()
    assert hidden[["interviews", "n_group", "pct"]].isna().all().all()
    assert result.n == {"interviews": 11, "group:sivistys": 6}
    merged = iv.count_codes_by(CODINGS, CASES, "division", threshold=1, merge_small=True)
    assert not merged.table["suppressed"].any()


def test_interviewees_without_a_division_are_a_group_too():
    cases = BIG_CASES.assign(division=["sivistys"] * 6 + ["elinvoima"] * 4 + [pd.NA])
    result = iv.count_codes_by(CODINGS, cases, "division", threshold=3)
    # one interviewee without a division: hidden, with the smallest division as its partner
    assert result.suppression["suppressed"] == ["elinvoima", "_missing"]
    assert "group:_missing" not in result.n and "group:elinvoima" not in result.n
    assert iv.attribute("H01", cases, threshold=3) == "Haastateltava 1"


def test_count_codes_by_merges_small_groups_into_other():
    cases = CASES.assign(division=["sivistys", "elinvoima", "kaupunkiymparisto", "sivistys"])
    result = iv.count_codes_by(CODINGS, cases, "division", threshold=2, merge_small=True)
    assert list(dict.fromkeys(result.table["group"])) == ["sivistys", "muut"]
    row = _row(result.table, group="muut", code="tilat_varaus")
    assert (row["interviews"], row["n_group"]) == (1, 2)


def test_cooccurrence_and_jaccard_by_hand():
    table = iv.cooccurrence(CODINGS).table
    # avustukset_haku: {H01, H02}; tilat_varaus: {H01, H03}; both {H01}, either {H01, H02, H03}
    row = _row(table, code_a="avustukset_haku", code_b="tilat_varaus")
    assert (row["both"], row["either"], row["jaccard"]) == (1, 3, pytest.approx(1 / 3))
    assert _row(table, code_a="tilat_varaus", code_b="avustukset_haku")["jaccard"] == pytest.approx(1 / 3)
    assert _row(table, code_a="avustukset_kriteerit", code_b="avustukset_haku")["both"] == 0
    assert _row(table, code_a="tilat_varaus", code_b="tilat_varaus")["jaccard"] == 1
    assert len(table) == 9
    matrix = table.pivot(index="code_a", columns="code_b", values="jaccard")
    assert (matrix.values == matrix.values.T).all()
    themes = iv.cooccurrence(CODINGS, level="theme").table
    assert _row(themes, code_a="avustukset", code_b="toimitilat")["jaccard"] == pytest.approx(2 / 3)


def test_attribution_names_divisions_for_everyone_or_for_no_one():
    # a division of 1 is hidden: then nobody's division is named, so no quote stands out
    assert iv.attribute("H01", CASES, threshold=3) == "Haastateltava 1"
    assert iv.attribute("H03", CASES, threshold=3) == "Haastateltava 3"
    assert iv.attribute("H01", CASES, threshold=1, codebook=BOOK) == "Haastateltava 1, Sivistyksen ja hyvinvoinnin toimiala"
    assert iv.attribute("H03", CASES, threshold=1, codebook=BOOK) == "Haastateltava 3, Kaupunkiympäristö ja konsernipalvelut"
    assert iv.attribute("H01", CASES, threshold=1, lang="sv", codebook=BOOK) == "Intervjuperson 1, Sektorn för bildning och välfärd"
    assert iv.attribute("H01", CASES, threshold=5) == "Haastateltava 1"


def test_quotes_are_redacted_attributed_and_not_cleared_by_default():
    result = iv.candidate_quotes(CODINGS, CASES, threshold=3)
    table = result.table
    assert not table["cleared"].any()
    assert "040 123 4567" not in table["text"].str.cat()
    assert table["division"].isna().all() and not table["attribution_fi"].str.contains(",").any()
    h3 = table[table["interview"] == "H03"]
    assert set(h3["attribution_fi"]) == {"Haastateltava 3"}
    # one quote per interview per code
    assert not table.duplicated(["code", "interview"]).any()
    assert set(table["quote_id"]) >= {"H01-avustukset_haku-1", "H03-tilat_varaus-1"}
    cleared = iv.select_cleared(iv.candidate_quotes(CODINGS, CASES, threshold=3, cleared=["H03-tilat_varaus-1"]))
    assert list(cleared.table["quote_id"]) == ["H03-tilat_varaus-1"]
    assert iv.select_cleared(result).table.empty


def _likert_battery(dataset, items):
    """A ``likert`` result shaped like survey.analysis.likert: item x code rows, dont-know flagged."""
    rows = []
    for item, counts in items.items():
        for code, count in counts.items():
            rows.append({"item": item, "code": code, "count": count, "dont_know": code == 9})
    return Result(id=f"{dataset}-views", kind="likert", dataset=dataset, question=",".join(items), title={"fi": "x"},
                  table=pd.DataFrame(rows), n={"respondents": 60})


def test_triangulation_uses_survey_counts_and_interview_k():
    from scipy.stats import binomtest

    assoc = _likert_battery("associations", {"grants_sufficient": {5: 1, 4: 1, 3: 1, 2: 1, 1: 1, 9: 0},
                                             "grants_clear": {5: 10, 4: 20, 3: 10, 2: 5, 1: 5, 9: 7}})
    staff = _likert_battery("staff", {"grants_process": {5: 3, 4: 9, 3: 12, 2: 10, 1: 6, 9: 11}})
    single = Result(id="associations-volunteering-city", kind="single", dataset="associations",
                    question="volunteering_city", title={"fi": "x"},
                    table=pd.DataFrame({"code": ["yes", "maybe", "no"], "count": [6, 10, 4]}),
                    n={"respondents": 63, "answering": 20})
    counts = iv.count_codes(CODINGS, CASES)
    mapping = {"grants": {"associations": {"question": "grants_clear"}, "staff": {"question": "grants_process"},
                          "interviews": "avustukset"},
               "volunteering": {"associations": {"question": "volunteering_city", "codes": ["yes"]},
                                "interviews": "vapaaehtoisuus"}}
    result = iv.triangulate([staff, single, assoc], counts, mapping, codebook=BOOK, instruments=INSTRUMENTS)
    table = result.table
    a = _row(table, theme="grants", source="associations")
    assert (a["count"], a["n"]) == (30, 50)  # agree = 4 + 5; "En osaa sanoa" (9) is not in the denominator
    low, high = binomtest(30, 50).proportion_ci(method="wilson")
    assert a["pct"] == pytest.approx(0.6) and a["ci_low"] == pytest.approx(low) and a["ci_high"] == pytest.approx(high)
    s = _row(table, theme="grants", source="staff")
    assert (s["count"], s["n"]) == (12, 40)
    i = _row(table, theme="grants", source="interviews")
    assert (i["count"], i["n"], i["pct"]) == (3, 4, 0.75) and pd.isna(i["ci_low"])
    v = _row(table, theme="volunteering", source="associations")
    assert (v["count"], v["n"], v["pct"]) == (6, 20, 0.3)
    assert pd.isna(_row(table, theme="volunteering", source="staff")["pct"])
    assert _row(table, theme="volunteering", source="interviews")["count"] == 0


def test_triangulation_prefers_the_likert_summary_numbers():
    summary = Result(id="staff-views-summary", kind="likert_summary", dataset="staff", question="grants_process",
                     title={"fi": "x"}, n={},
                     table=pd.DataFrame([{"item": "grants_process", "n_scale": 40, "agree_count": 12,
                                          "agree_pct": 0.3, "agree_ci_low": 0.18, "agree_ci_high": 0.45}]))
    mapping = {"grants": {"staff": {"question": "grants_process"}, "interviews": "avustukset"}}
    table = iv.triangulate([summary], iv.count_codes(CODINGS, CASES), mapping).table
    row = _row(table, theme="grants", source="staff")
    assert (row["count"], row["n"], row["ci_low"], row["ci_high"]) == (12, 40, 0.18, 0.45)


def test_triangulation_mapping_defaults_and_overrides():
    mapping = iv.triangulation_mapping(BOOK, {"grants": {"staff": {"question": "other"}}})
    assert list(mapping)[:2] == ["grants", "premises"]
    assert mapping["grants"]["staff"] == {"question": "other"}
    assert mapping["grants"]["interviews"] == "avustukset"
    result = iv.triangulate([], iv.count_codes(CODINGS, CASES), mapping, codebook=BOOK)
    assert set(result.table["source"]) == {"associations", "staff", "interviews"}
    assert result.table.loc[result.table["source"] != "interviews", "pct"].isna().all()


def test_coding_sheet_csv_with_aliases(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_text("Interview;Code;Quote;Division;Publish\n"
                    "Haastattelu A;Avustusten hakuprosessi;Haku on työläs.;Sivistyksen ja hyvinvoinnin toimiala;x\n"
                    "Haastattelu B;tilat_varaus;Varaus on hajallaan.;;\n"
                    "Haastattelu A;Tilojen varaaminen;Kalenteri puuttuu.;Sivistyksen ja hyvinvoinnin toimiala;\n",
                    encoding="utf-8")
    project = read_coding_sheet(path, BOOK)
    assert list(project.codings["interview"]) == ["H01", "H02", "H01"]
    assert list(project.codings["code"]) == ["avustukset_haku", "tilat_varaus", "tilat_varaus"]
    assert list(project.codings["parent"]) == ["avustukset", "toimitilat", "toimitilat"]
    assert list(project.codings["cleared"]) == [True, False, False]
    assert list(project.cases["division"].astype(object).fillna("-")) == ["sivistys", "-"]
    assert "Haastattelu A" not in project.codings.to_string()


def test_coding_sheet_without_required_columns(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_text("Interview;Quote\nA;x\n", encoding="utf-8")
    with pytest.raises(InputError, match="code"):
        read_coding_sheet(path)


# --- demo waves ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_2024(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw")
    truth = demo.write_interviews(folder, "2024-demo")
    return folder, truth


def test_demo_counts_equal_truth_from_both_formats(demo_2024):
    folder, truth = demo_2024
    assert truth["interviews"] == 17 and truth["divisions"]["kaupunkiymparisto"] < 5
    assert 15 <= len(truth["codes"]) + len(truth["themes"]) <= 25
    for project in (read_qdpx(folder / demo.QDPX_FILE, BOOK), read_coding_sheet(folder / demo.SHEET_FILE, BOOK)):
        table = iv.count_codes(project.codings, project.cases, codebook=BOOK).table
        codes = table[table["level"] == "code"].set_index("code")["interviews"].to_dict()
        themes = table[table["level"] == "theme"].set_index("code")["interviews"].to_dict()
        assert codes == truth["codes"]
        assert themes == truth["themes"]
        assert len(project.codings) == truth["codings"]


def test_demo_qdpx_positions_recover_the_sheet_quotes(demo_2024):
    folder, _ = demo_2024
    a = read_qdpx(folder / demo.QDPX_FILE, BOOK).codings
    b = read_coding_sheet(folder / demo.SHEET_FILE, BOOK).codings
    cols = ["interview", "code", "parent", "text"]
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))


def test_demo_bytes_are_deterministic(tmp_path, demo_2024):
    folder, _ = demo_2024
    demo.write_interviews(tmp_path, "2024-demo")
    for name in (demo.QDPX_FILE, demo.SHEET_FILE):
        assert hashlib.sha256((tmp_path / name).read_bytes()).digest() == \
            hashlib.sha256((folder / name).read_bytes()).digest()


def test_demo_2026_has_twelve_interviews(tmp_path):
    truth = demo.write_interviews(tmp_path, "2026-demo")
    assert truth["interviews"] == 12
    assert read_qdpx(tmp_path / demo.QDPX_FILE).interviews == 12


def test_no_planted_personal_data_in_any_output(demo_2024):
    folder, _ = demo_2024
    for file in (demo.QDPX_FILE, demo.SHEET_FILE):
        frames = load_interviews(folder / file, names=demo.PLANTED_NAMES, codebook=BOOK)
        everything = [frames["codings"].to_json(), frames["cases"].to_json(), frames["codes"].to_json()]
        cleared = [f"H{i:02d}-{c}-1" for i in range(1, 18) for c in demo.PREVALENCE]  # clear every quote
        results = iv.analyse_interviews(frames, codebook=BOOK, wave="2024-demo", synthetic=True, threshold=5, cleared=cleared,
                                        names=demo.PLANTED_NAMES)
        everything += [to_json(r.to_dict()) for r in results]
        text = "\n".join(everything)
        for planted in demo.PLANTED_PERSONAL_DATA:
            assert planted not in text, (file, planted)
            assert json.dumps(planted)[1:-1] not in text, (file, planted)
        quotes = next(r for r in results if r.kind == "interview_quotes").table
        assert "[nimi]" in quotes["text"].str.cat() or "[puhelin]" in quotes["text"].str.cat()
        # a division of three is hidden, so no quote names a division: the unattributed ones single no one out
        assert len(quotes) and quotes["division"].isna().all()
        assert not quotes["attribution_fi"].str.contains(",").any()


def test_analyse_interviews_gives_report_results(demo_2024):
    folder, truth = demo_2024
    frames = load_interviews(folder / demo.QDPX_FILE, codebook=BOOK)
    results = iv.analyse_interviews(frames, codebook=BOOK, wave="2024-demo", synthetic=True)
    assert [r.id for r in results] == ["interviews-codes", "interviews-codes-by-division", "interviews-codes-by-role",
                                       "interviews-cooccurrence", "interviews-cooccurrence-themes",
                                       "interviews-quotes-cleared"]
    assert results[-1].table.empty  # nothing is cleared by default, and no uncleared quote is in any result
    by_division = results[1].table
    assert by_division.loc[by_division["group"] == "kaupunkiymparisto", "suppressed"].all()
    assert by_division["suppressed"].any() and by_division.groupby("group")["suppressed"].all().sum() >= 2
    assert "group:kaupunkiymparisto" not in results[1].n
    clearance = iv.quote_clearance(frames)
    assert list(clearance.columns) == iv.CLEARANCE_COLUMNS and len(clearance) and not clearance["cleared"].any()
    row = _row(by_division, group="sivistys", code="avustukset_haku")
    assert row["interviews"] == truth["codes_by_division"]["sivistys"]["avustukset_haku"]
    for result in results:
        again = Result.from_dict(json.loads(to_json(result.to_dict())))
        assert again.id == result.id and len(again.table) == len(result.table)
