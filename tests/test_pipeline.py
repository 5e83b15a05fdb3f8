"""pipeline: a rerun on unchanged inputs reuses figures and workbooks and gives identical bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey.project.config import load_project
from survey.store.files import sha256_file
from survey.pipeline import run_wave

def _hashes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


@pytest.mark.slow
def test_rerun_reuses_unchanged_figures_and_workbooks_byte_for_byte(network_project):
    project = load_project(network_project)
    run_wave(project, "2024-demo", render=False)
    out = project.paths.output("2024-demo")
    first = _hashes(out) | {f"processed/{k}": v for k, v in _hashes(project.paths.processed("2024-demo")).items()}
    messages: list[str] = []
    run_wave(project, "2024-demo", render=False, progress=messages.append)
    second = _hashes(out) | {f"processed/{k}": v for k, v in _hashes(project.paths.processed("2024-demo")).items()}
    assert first == second
    assert any("6 charts unchanged since the last run, reused" in m for m in messages)  # 3 results x 2 langs, slides
    assert not any(m.startswith("  chart ") for m in messages)
    assert {"tables.xlsx", "tables.sv.xlsx", "codebook.xlsx", "slides.pptx", "slides.sv.pptx"} <= \
        {p.name for p in out.iterdir()}
    assert "open_answers.xlsx" not in {p.name for p in out.iterdir()}  # the analyst's working file
    assert (project.paths.processed("2024-demo") / "open_answers.xlsx").is_file()
    assert (out / "figures" / "network-grants.slide.sv.png").is_file()


def _drawn(messages: list[str]) -> set[tuple[str, str, str]]:
    """``{(result id, lang, size)}`` the run's progress says it drew (``  chart i/n: <id> (<lang>: <sizes>)``)."""
    drawn = set()
    for message in messages:
        match = re.match(r"  chart \d+/\d+: (\S+) \((\w+): ([\w, ]+)\)$", message)
        if match:
            drawn |= {(match.group(1), match.group(2), size) for size in match.group(3).split(", ")}
    return drawn


@pytest.mark.slow
def test_changing_an_instrument_title_redraws_the_charts_that_print_it(network_project):
    """The dataset's name is printed in every chart footer ('Lähde: ...'): a new Finnish name redraws every
    Finnish chart, and only those (the Swedish ones print the Swedish name)."""
    project = load_project(network_project)
    run_wave(project, "2024-demo", render=False)
    figures = project.paths.figures("2024-demo")
    before = {p.name: sha256_file(p) for p in figures.glob("network-grants.slide*.png")}
    assert before
    # the project's own questionnaire: its Finnish title is reworded, nothing else
    file = network_project / "instruments" / "network.yml"
    text = file.read_text(encoding="utf-8")
    old = "  fi: Kuntien järjestöyhdyshenkilöverkoston kysely\n"
    assert old in text
    file.write_text(text.replace(old, "  fi: Järjestöyhdyshenkilöverkoston kysely (uusi nimi)\n"), encoding="utf-8")
    messages: list[str] = []
    run_wave(load_project(network_project), "2024-demo", render=False, progress=messages.append)
    after = {p.name: sha256_file(p) for p in figures.glob("network-grants.slide*.png")}
    assert after["network-grants.slide.png"] != before["network-grants.slide.png"], messages  # fi footer changed
    assert after["network-grants.slide.sv.png"] == before["network-grants.slide.sv.png"]
    ids = ("network-partnership-forms", "network-grants", "network-agreements")
    assert _drawn(messages) == {(rid, "fi", "slide") for rid in ids}, messages
    assert any("3 charts unchanged since the last run, reused" in m for m in messages)


@pytest.mark.slow
def test_changing_one_question_text_redraws_exactly_the_charts_that_print_it(network_project, monkeypatch):
    """One question's Swedish text reworded (the Finnish one names the export's column): its two Swedish charts
    are drawn again; every other file of the figures folder (the other questions, every Finnish chart) is the
    previous run's. ``SURVEY_FIGURES=all``: the report-size charts too, as a rendering run draws them."""
    monkeypatch.setenv("SURVEY_FIGURE_FORMATS", "png,svg")  # the presenter's SVG files too
    monkeypatch.setenv("SURVEY_FIGURES", "all")
    project = load_project(network_project)
    run_wave(project, "2024-demo", render=False)
    figures = project.paths.figures("2024-demo")
    before = {p.name: sha256_file(p) for p in figures.iterdir() if p.is_file()}
    file = network_project / "instruments" / "network.yml"
    text = file.read_text(encoding="utf-8")
    old = "      sv: Organisationer kan söka följande bidrag från vår kommun.\n"
    assert text.count(old) == 1
    file.write_text(text.replace(old, "      sv: Organisationerna kan söka dessa kommunala bidrag.\n"), encoding="utf-8")
    messages: list[str] = []
    run_wave(load_project(network_project), "2024-demo", render=False, progress=messages.append)
    assert _drawn(messages) == {("network-grants", "sv", "report"), ("network-grants", "sv", "slide")}, messages
    after = {p.name: sha256_file(p) for p in figures.iterdir() if p.is_file()}
    changed = {name for name in after if after[name] != before.get(name)}
    # the text is the chart's alt text and the PNG/SVG title; the Swedish files and the other charts are untouched
    assert changed <= {"network-grants.report.sv.png", "network-grants.slide.sv.png",
                       "network-grants.slide.sv.svg", "network-grants.report.alt.sv.txt",
                       "network-grants.slide.alt.sv.txt", "network-grants.alt.sv.txt", ".figure-keys.json"}, changed
    assert {"network-grants.report.sv.png", "network-grants.slide.sv.svg", ".figure-keys.json"} <= changed
    assert not any(name.endswith(".report.svg") or ".report.sv.svg" in name for name in after)  # SVG: slides only
    assert set(after) == set(before)


def test_cache_keys_cover_code_versions_and_printed_texts():
    import dataclasses

    import pandas as pd

    from survey.model import Result
    from survey.store import cache

    result = Result(id="x", kind="single", dataset="network", question="q", title={"fi": "Kysymys", "sv": "Fråga"},
                    table=pd.DataFrame({"code": [1], "count": [3], "pct": [1.0]}), n={"respondents": 3},
                    labels={"fi": {"1": "Kyllä"}, "sv": {"1": "Ja"}, "groups": {"fi": {"a": "A"}, "sv": {"a": "B"}}})
    code = cache.chart_code_digest()
    langs = ("fi", "sv")

    def key(r=result, lang="fi", size="report", **changes):
        options = {"languages": langs, "wave_label": "W", "synthetic": True, "source": "Kysely", "code": code,
                   "formats": ("png", "svg"), **changes}
        return cache.figure_key(r, lang, size, **options)

    assert key() == key()
    for changes in ({"source": "Toinen"}, {"wave_label": "V"}, {"synthetic": False}, {"code": code + "x"},
                    {"formats": ("png",)}):
        assert key(**changes) != key(), changes
    assert key(size="slide") != key() and key(lang="sv") != key()
    assert key(dataclasses.replace(result, title={"fi": "Toinen", "sv": "Fråga"})) != key()
    assert key(dataclasses.replace(result, n={"respondents": 4})) != key()
    # a Swedish text changes the Swedish charts' keys only
    swedish = dataclasses.replace(result, title={"fi": "Kysymys", "sv": "Annan fråga"},
                                  labels={**result.labels, "groups": {"fi": {"a": "A"}, "sv": {"a": "C"}}})
    assert key(swedish) == key() and key(swedish, lang="sv") != key(lang="sv")
    versions = cache.package_versions()
    assert versions["matplotlib"] and versions["openpyxl"] and versions["babel"]
    assert cache.workbook_key([result], "fi", "W", True, code) != \
        cache.workbook_key([result], "fi", "W", True, code, {"contact": "x"})


def test_code_digest_follows_every_source_change_in_the_same_process(tmp_path, monkeypatch):
    """The digest is kept between calls only while no source file's name, time or size changed."""
    import os

    from survey.project import config
    from survey.store import cache

    (tmp_path / "kinds").mkdir()
    source = tmp_path / "kinds" / "bars.py"
    source.write_text("WIDTH = 1\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not code", encoding="utf-8")
    monkeypatch.setattr(config, "PACKAGE_DIR", tmp_path)
    first = cache.chart_code_digest()
    assert cache.chart_code_digest() == first
    (tmp_path / "notes.txt").write_text("still not code", encoding="utf-8")
    assert cache.chart_code_digest() == first
    source.write_text("WIDTH = 2\n", encoding="utf-8")  # same size: its time tells
    os.utime(source, ns=(1, 10**18))
    second = cache.chart_code_digest()
    assert second != first
    (tmp_path / "kinds" / "new.yml").write_text("a: 1\n", encoding="utf-8")
    assert cache.chart_code_digest() not in (first, second)


def _shown_figures(root: Path, wave, lang: str, figures: Path) -> set[str]:
    """The ``<id>.<size>.png`` the report and the Quarto slides of ``wave`` in ``lang`` show, given ``figures``."""
    import contextlib
    import io

    from survey.report.markdown import load_wave_results

    loaded = load_wave_results(wave.id, compare=wave.compare_to or "none", lang=lang, root=root, figures=figures)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        for show in (loaded.show_front, loaded.show_summary, loaded.show_plan, loaded.show_datasets,
                     loaded.show_changes, loaded.show_methods, loaded.show_appendix, loaded.show_slides):
            show()
    return set(re.findall(r"([\w-]+\.(?:report|slide)\.png)", buffer.getvalue()))


def test_a_run_draws_the_slide_charts_and_the_staging_draws_exactly_the_report_charts_shown(demo_outputs, tmp_path,
                                                                                           monkeypatch):
    """A ``--no-render`` run draws the slide-size charts the Quarto slides and the decks (``deck.on_slides``) show,
    as PNG, and no other chart; the report's staging (``render.stage_figures``) copies those and draws
    exactly the report-size charts the report shows. Both checked against the report and slides written over a
    folder where EVERY chart exists (nothing vanishes from a document); ``SURVEY_FIGURES=all`` plans all."""
    import shutil

    from survey import pipeline
    from survey.artefacts import deck
    from survey.kinds import charts
    from survey.report import render
    from survey.report.data import read_results

    monkeypatch.setenv("SURVEY_PROJECT", str(demo_outputs))
    project = load_project(demo_outputs)
    first = project.languages[0]
    for wave in (project.wave("2024-demo"), project.wave("2026-demo")):
        folder = project.paths.figures(wave.id)
        have = {p.name for p in folder.glob("*.png")}
        assert have and all(".slide." in name for name in have), sorted(have)  # no report yet: no report charts
        assert not list(folder.glob("*.svg"))  # SVG only on request (figures: formats: [png, svg])
        results = read_results(project.paths, wave.id)
        sample = sorted(folder.glob("*.slide.png"))[0]
        wanted = set()
        for lang in project.languages:
            every = tmp_path / wave.id / lang
            every.mkdir(parents=True)
            for rid, result in results.items():
                if charts.has_chart(result):
                    (every / f"{rid}.alt.{lang}.txt").write_text("Kuvaus\n", encoding="utf-8")
                    for size in ("report", "slide"):
                        shutil.copy(sample, every / f"{rid}.{size}.png")
                        (every / f"{rid}.{size}.alt.{lang}.txt").write_text("Kuvaus\n", encoding="utf-8")
            shown = _shown_figures(demo_outputs, wave, lang, every)
            on_report = {name for name in shown if ".report." in name}
            staged = tmp_path / wave.id / f"staged-{lang}"
            render.stage_figures(project, wave, lang, staged)
            assert {p.name for p in staged.glob("*.report.png")} == on_report, lang
            assert all((staged / name.replace(".png", f".alt.{lang}.txt")).is_file() for name in on_report)
            suffix = "" if lang == first else f".{lang}"
            on_slides = {name.replace(".png", f"{suffix}.png") for name in shown - on_report}
            on_deck = {f"{rid}.slide{suffix}.png" for rid, result in results.items() if deck.on_slides(result)}
            assert on_slides <= have, sorted(on_slides - have)
            assert {p.name for p in staged.glob("*.slide.png")} == {
                name.replace(f".slide{suffix}.png", ".slide.png") for name in have if name.endswith(f".slide{suffix}.png")}
            wanted |= on_slides | on_deck
        assert have == wanted, sorted(have - wanted)
        monkeypatch.setenv("SURVEY_FIGURES", "all")
        everything = pipeline.chart_plan(project, wave, list(results.values()), project.instruments())
        monkeypatch.delenv("SURVEY_FIGURES")
        assert everything == {rid: ("report", "slide") for rid, r in results.items() if charts.has_chart(r)}
