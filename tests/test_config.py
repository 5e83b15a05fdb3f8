"""survey.yml and instruments: typed, checked, safe; each mistake is one sentence with its line."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from survey.project import safe_yaml
from survey.cli import main
from survey.project.config import DatasetSpec, config_schema, find_project, load_project
from survey.errors import ConfigError
from survey.project.instruments import instrument_schema, parse_instrument, read_instrument
from survey.model import Dataset, Meta, Option, Question
from survey.prepare.normalise import normalise

REPO = Path(__file__).resolve().parents[1]
GOOD = """\
organisation: {name: Testikunta}
languages: [fi]
disclosure:
  min_group_size: 5
datasets:
  network: {kind: survey}
waves:
  - id: w1
    datasets:
      network: {file: network_webropol.xlsx}
"""


def _load(tmp_path: Path, text: str):
    (tmp_path / "survey.yml").write_text(text, encoding="utf-8")
    return load_project(tmp_path)


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    return info.value.describe()


@pytest.mark.parametrize("old, new, words", [
    ("disclosure:", "redactoin:\n  names: []\ndisclosure:", ("line 3", "'redactoin'", "closest known one is 'redaction'")),
    ("datasets:\n  network", "dataset:\n  network", ("line 5", "'dataset'", "'datasets'")),
    ("    datasets:\n      network", "    dataset:\n      network", ("line 9", "'dataset'", "'datasets'")),
    ("{file: network_webropol.xlsx}", "{file: x.xlsx, mapping: {reworde: [q]}}", ("line 10", "'reworde'",
                                                                                    "'reworded'")),
    ("min_group_size: 5", "min_group_size: yes", ("line 4", "whole number", "yes")),
    ("min_group_size: 5", "min_group_size: 0", ("line 4", "greater than or equal to 1")),
    ("min_group_size: 5", "min_group_size: 5\n  merge_small_groups: \"false\"", ("line 5", "true or false")),
    ("  - id: w1", "  - id: w1\n    synthetic: \"false\"", ("line 9", "synthetic", "true or false")),
    ("languages: [fi]", "languages: fi", ("line 2", "must be a list", "languages: [fi]")),
    ("languages: [fi]", "languages: [fi, de]", ("line 2", "'fi', 'sv' or 'en'", "de")),
    ("  - id: w1", "  - id: ../raw/adv", ("line 8", "not a plain name")),
    ("  - id: w1", "  - id: '.'", ("line 8", "not a plain name")),
    ("  - id: w1", "  - id: /abs/path", ("line 8", "not a plain name")),
    ("{file: network_webropol.xlsx}", "{file: /etc/passwd}", ("line 10", "not an absolute one")),
    ("{file: network_webropol.xlsx}", "{file: ../../../survey.yml}", ("line 10", "leaves the wave's folder")),
    ("    datasets:\n      network: {file: network_webropol.xlsx}\n", "    datasets: {}\n", ("line 9", "at least one")),
    ("network: {kind: survey}", "network: {kind: survy}", ("line 6", "'survey' or 'interviews'")),
    ("      network: {file", "      netwrok: {file", ("line 10", "'netwrok'", "not declared", "'network'")),
])
def test_config_mistakes_are_one_sentence_with_line_and_closest_key(tmp_path, old, new, words):
    assert old in GOOD
    message = _error(tmp_path, GOOD.replace(old, new))
    assert "survey.yml" in message
    for word in words:
        assert word in message, message
    assert "\n" not in message


def test_good_config_is_typed(tmp_path):
    project = _load(tmp_path, GOOD)
    assert project.min_group_size == 5 and project.merge_small_groups is False
    assert list(project.datasets) == ["network"] and project.datasets["network"].kind == "survey"
    assert project.datasets["network"].instrument_file == tmp_path / "instruments" / "network.yml"
    assert project.statistics.alpha == 0.05 and project.statistics.family == "dataset"


def test_duplicate_wave_ids_are_refused(tmp_path):
    text = GOOD + "  - id: w1\n    datasets:\n      network: {file: b.xlsx}\n"
    assert "declared twice" in _error(tmp_path, text)


def test_wave_label_in_each_language(tmp_path):
    text = GOOD.replace("languages: [fi]", "languages: [fi, sv]").replace(
        "  - id: w1", "  - id: w1\n    label: {fi: Kevät 2025, sv: Våren 2025}")
    wave = _load(tmp_path, text).wave("w1")
    assert wave.label == "Kevät 2025" and wave.label_in("sv") == "Våren 2025" and wave.label_in("en") == "Kevät 2025"


def test_a_1kb_alias_bomb_is_refused_at_once(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text.encode()) < 1100
    start = time.perf_counter()
    message = _error(tmp_path, text)
    assert time.perf_counter() - start < 0.5
    assert "aliases" in message


def test_deep_nesting_and_huge_files_are_refused(tmp_path):
    assert "nested" in _error(tmp_path, "x: " + "[" * 50_000 + "\n") or "YAML" in _error(tmp_path, "x: " + "[" * 50_000)
    assert "levels deep" in _error(tmp_path, "x: " + "[" * 60 + "]" * 60 + "\n")
    (tmp_path / "survey.yml").write_bytes(b"# " + b"x" * (safe_yaml.MAX_BYTES + 10) + b"\n")
    with pytest.raises(ConfigError, match="at most"):
        load_project(tmp_path)


def test_not_yaml_names_line_and_column(tmp_path):
    message = _error(tmp_path, "waves: [\n  - id: x\n    : : :\n")
    assert "line" in message and "not valid YAML" in message


def test_instrument_typos_and_types_name_the_file_and_line(tmp_path):
    shutil.copy2(REPO / "instruments" / "network.yml", tmp_path / "network.yml")
    text = (tmp_path / "network.yml").read_text(encoding="utf-8")
    (tmp_path / "bad.yml").write_text(text.replace("    theme: grants", "    theem: grants"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_instrument(tmp_path / "bad.yml", dataset="network")
    line = text.replace("    theme: grants", "    theem: grants").splitlines().index("    theem: grants") + 1
    assert f"line {line}: unknown key 'theem'" in info.value.describe()
    assert "closest known one is 'theme'" in info.value.describe()
    (tmp_path / "bad.yml").write_text(text.replace("type: multi", "type: multiple", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="must be one of 'single', 'multi'"):
        read_instrument(tmp_path / "bad.yml", dataset="network")
    (tmp_path / "bad.yml").write_text(text.replace("{code: grants,", "{code: yes,", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="put the code in quotes"):
        read_instrument(tmp_path / "bad.yml", dataset="network")


def test_instrument_keeps_extra_readable_and_typed_fields():
    instrument = read_instrument(REPO / "instruments" / "associations.yml", dataset="associations")
    q = instrument.question("grants_clear")
    assert (q.battery, q.scale, q.dont_know, q.missing, q.agree) == ("views", [1, 2, 3, 4, 5], 9, [99], [4, 5])
    assert q.battery == "views" and q.background is False
    assert instrument.question("assoc_type").background is True
    assert instrument.question("grants_received").options[4].added_in == "2026-demo"
    assert instrument.question("grants_received").options[4].added_in == "2026-demo"
    interviews = read_instrument(REPO / "instruments" / "interviews.yml", dataset="interviews")
    assert interviews.themes[0].codes[0].code == "avustukset_haku"
    assert instrument.chapter_title == instrument.title


def test_the_project_is_found_upwards_like_git(tmp_path, monkeypatch, capsys):
    root = tmp_path / "kunta"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "survey.yml").write_text("datasets: {}\nwaves: []\n", encoding="utf-8")
    assert find_project(root / "data" / "raw") == root
    monkeypatch.delenv("SURVEY_PROJECT", raising=False)
    monkeypatch.chdir(root / "data" / "raw")
    assert main(["validate"]) == 0
    assert str(root / "survey.yml") in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "no survey project here" in err and err.count("\n") == 1
    assert main(["validate", "--project", str(root)]) == 0
    assert main(["--project", str(root), "validate"]) == 0
    assert main(["validate", "--project", str(tmp_path / "nowhere")]) == 2


def test_demo_of_an_unknown_wave_is_one_sentence_exit_2(capsys):
    assert main(["demo", "--wave", "2026", "--project", str(REPO)]) == 2
    err = capsys.readouterr().err
    assert "'2026' is not a demo wave" in err and err.count("\n") == 1


def test_a_symlink_out_of_the_wave_folder_is_refused(network_project, tmp_path, capsys):
    raw = network_project / "data" / "raw" / "2024-demo" / "network_webropol.xlsx"
    outside = tmp_path / "elsewhere.xlsx"
    shutil.move(raw, outside)
    os.symlink(outside, raw)
    assert main(["validate", "--wave", "2024-demo"]) == 4
    assert "outside the project" in capsys.readouterr().err


IGNORED = ["Valitse, mitä kumppanuuden muotoa järjestöjen kanssa on kunnassanne ollut käytössä.",
           "Järjestöt voivat hakea seuraavia kuntamme avustuksia.",
           "Jos olette laatineet sopimuksia, mistä asioista niissä on sovittu?"]


@pytest.mark.slow
def test_a_run_without_results_fails_and_keeps_the_outputs(network_project, capsys):
    assert main(["run", "--wave", "2024-demo", "--no-render"]) == 0
    project = load_project(network_project)
    output = project.paths.output("2024-demo")
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    instrument = network_project / "instruments" / "network.yml"
    text = instrument.read_text(encoding="utf-8")
    # every question dropped by the wave: nothing to analyse
    (network_project / "survey.yml").write_text(
        (network_project / "survey.yml").read_text(encoding="utf-8").replace(
            "network: {file: network_webropol.xlsx}",
            "network: {file: network_webropol.xlsx, mapping: {dropped: [partnership_forms, grants, agreements],"
            " ignore: " + json.dumps(IGNORED, ensure_ascii=False) + "}}"),
        encoding="utf-8")
    assert text
    capsys.readouterr()
    assert main(["run", "--wave", "2024-demo", "--no-render"]) == 1
    assert "gave no results" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


# --- headers: Unicode normalised before matching ----------------------------------------------------

INSTRUMENT = parse_instrument({"dataset": "demo", "questions": [
    {"id": "kind", "type": "single", "text": {"fi": "Yhdistyksen tyyppi"},
     "options": [{"code": "sports", "fi": "Urheiluseura"}, {"code": "village", "fi": "Kyläyhdistys"}]}]})


def _raw(header: str) -> Dataset:
    frame = pd.DataFrame({"id": ["A"], "c1": ["Urheiluseura"]})
    questions = (Question(id="q", text=header, type="single", columns=("c1",)),)
    return Dataset(frame=frame, meta=Meta(source="x.csv", format="csv", respondents=1, questions=questions,
                                          id_column="id", source_rows=(2,)))


@pytest.mark.parametrize("header", ["Yhdistyksen tyyppi", "Yhdistyksen\u200b tyyppi", "\ufeff\ufeffYhdistyksen tyyppi",
                                    "Yhdistyksen tyyppi\u2060"])
def test_invisible_characters_in_headers_still_match(header):
    out = normalise(_raw(header), INSTRUMENT, DatasetSpec(name="demo", file="x.csv"))
    assert out.problems == () and out.frame["kind"].tolist() == ["sports"]


def test_nfd_headers_match_their_nfc_question():
    import unicodedata

    instrument = parse_instrument({"dataset": "demo", "questions": [
        {"id": "kind", "type": "single", "text": {"fi": "Yhdistyksen tyyppi kylässä"},
         "options": [{"code": "sports", "fi": "Urheiluseura"}]}]})
    header = unicodedata.normalize("NFD", "Yhdistyksen tyyppi kylässä")
    assert header != "Yhdistyksen tyyppi kylässä"
    out = normalise(_raw(header), instrument, DatasetSpec(name="demo", file="x.csv"))
    assert out.problems == ()


def test_a_cyrillic_look_alike_does_not_match_and_the_message_shows_the_difference():
    header = "Yhdistyksen tyyppi".replace("y", "\u0443", 1)  # Cyrillic у
    out = normalise(_raw(header), INSTRUMENT, DatasetSpec(name="demo", file="x.csv"))
    unknown = [p for p in out.problems if p.rule == "unknown-column"]
    assert unknown, out.problems
    assert "U+0443" in unknown[0].message and "U+0079" in unknown[0].message


def test_ignored_columns_are_left_out(tmp_path):
    spec = DatasetSpec(name="demo", file="x.csv", mapping={"ignore": ["Muu sarake"]})
    raw = _raw("Yhdistyksen tyyppi")
    frame = raw.frame.assign(c2=["x"])
    questions = raw.meta.questions + (Question(id="q2", text="Muu sarake", type="text", columns=("c2",)),)
    raw = Dataset(frame=frame, meta=Meta(source="x.csv", format="csv", respondents=1, questions=questions,
                                         id_column="id", source_rows=(2,)))
    out = normalise(raw, INSTRUMENT, spec)
    assert out.problems == () and "c2" not in out.frame and out.notes == ("ignored column: Muu sarake",)


def test_reworded_texts_find_their_column_and_show_in_the_wave(tmp_path):
    spec = DatasetSpec(name="demo", file="x.csv", mapping={"reworded": {"kind": {"fi": "Yhdistyksenne laji"}}})
    out = normalise(_raw("Yhdistyksenne laji"), INSTRUMENT, spec)
    assert out.problems == ()
    assert INSTRUMENT.for_wave(spec.mapping.reworded).question("kind").label("fi") == "Yhdistyksenne laji"
    assert DatasetSpec(name="d", file="x", mapping={"reworded": ["kind"]}).mapping.reworded == {"kind": {}}


def test_reworded_demo_item_is_not_compared_and_carries_the_wording_of_2026():
    from survey.pipeline import reworded_between, wave_instrument

    project = load_project(REPO)
    wave = project.wave("2026-demo")
    assert reworded_between(project, wave, "associations") == ["premises_booking"]
    text = wave_instrument(project, wave, "associations").question("premises_booking").label("fi")
    assert "sähköisen varausjärjestelmän" in text
    assert "sähköisen" not in project.instrument("associations").question("premises_booking").label("fi")


# --- JSON Schemas ---------------------------------------------------------------------------------

def test_committed_schemas_equal_the_generated_ones():
    for name, schema in (("survey.schema.json", config_schema()), ("instrument.schema.json", instrument_schema())):
        committed = json.loads((REPO / "schema" / name).read_text(encoding="utf-8"))
        assert committed == schema, f"regenerate schema/{name}: python -m survey.project.schema"


def test_the_schemas_check_the_bundled_projects():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    for root in (REPO, REPO / "examples" / "pikkukunta"):
        data = yaml.safe_load((root / "survey.yml").read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(json.dumps(data, default=str)), config_schema())
        for file in (root / "instruments").glob("*.yml"):
            jsonschema.validate(json.loads(json.dumps(yaml.safe_load(file.read_text(encoding="utf-8")),
                                                      default=str)), instrument_schema())


def test_the_min_group_size_description_promises_what_the_report_promises():
    """Schema, CONFIG.md and the report's methods text say the same: groups hidden, small cells shown."""
    from survey import catalogue

    described = config_schema()["$defs"]["Disclosure"]["properties"]["min_group_size"]["description"]
    assert "is shown only when it has at least this many respondents and at least this many of them answered" \
        in described
    assert "a smaller group is hidden everywhere" in described
    assert "Inside a shown group a count below it is shown (cells 1–4 with the default 5" in described
    assert "suppressed everywhere" not in described     # the old text promised hidden cells too
    promise = catalogue.text("promise_suppress", "en", t=5) + " " + catalogue.text("promise_cells_shown", "en", t=5)
    assert "shown only when it has at least 5 respondents and at least 5 of them answered" in promise
    assert "Within a shown group a single count can be below 5" in promise
    docs = (REPO / "docs" / "CONFIG.md").read_text(encoding="utf-8")
    assert "**Inside a shown group a count below it is shown** (cells 1–4 with the default 5" in docs
