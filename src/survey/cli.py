"""The ``survey`` command: init, draft, run, validate, inspect, render, slides, demo.

Every command works on one project folder (survey.yml, instruments/, data/raw/):
``--project DIR`` (before or after the command), else ``$SURVEY_PROJECT``, else the
nearest folder upwards from the working directory that holds a survey.yml.

Errors are one readable message and a non-zero exit code (see ``survey --help``);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from survey import __version__
from survey.artefacts.deck import write_slides
from survey.demo import demo_waves, generate_demo
from survey.errors import (EXIT_CODES_HELP, EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, EXIT_USAGE, ConfigError, InputError,
                           SurveyError, UsageError, ValidationFailed, os_failure, printable)
from survey.ingest.inspect import format_inspection, inspect_file
from survey.kinds.style import project_theme
from survey.pipeline import check_wave, print_progress, run_wave, write_failed_validation
from survey.project.config import CONFIG_FILE, load_project, use_project
from survey.project.draft import draft_instrument
from survey.project.scaffold import init_project
from survey.report.render import render

PROJECT_HELP = ("project folder holding survey.yml (default: $SURVEY_PROJECT, else the nearest folder upwards "
                "from here that holds a survey.yml)")
DESCRIPTION = ("Survey pipeline for municipalities' cooperation with associations (järjestöyhteistyö): "
               "ingest raw exports, validate, analyse, export charts and tables, render the report.")


def _err(message: str) -> None:
    print(printable(message, None, lines=True), file=sys.stderr, flush=True)


def _project(args):
    root = Path(args.project).resolve() if getattr(args, "project", None) else None
    return load_project(root)


def cmd_init(args) -> int:
    written = init_project(Path(args.dir), organisation=args.name, languages=tuple(args.lang or ["fi"]))
    print(f"Created a new survey project in {Path(args.dir).resolve()} ({len(written)} files).")
    print("Next: put an export in data/raw/<wave>/ and run "
          f"`survey draft FILE --dataset ID --wave WAVE --project {args.dir}`.")
    return EXIT_OK


def cmd_draft(args) -> int:
    project = _project(args)
    report = draft_instrument(project, Path(args.file), args.dataset, wave=args.wave, force=args.force,
                              kind=args.kind)
    print(f"Wrote {report.instrument}: {report.questions} questions, {report.checks} lines marked '# CHECK:'.")
    for note in report.notes:
        print(f"  {note}")
    print("Read every '# CHECK:' line, then run `survey validate`" +
          (f" --wave {args.wave}." if args.wave else "."))
    return EXIT_OK


def cmd_run(args) -> int:
    project = _project(args)
    report = run_wave(project, args.wave, render=not args.no_render, progress=print_progress,
                      command=" ".join(["survey", *args.argv]))
    handled = [p for p in report.problems if p.severity == "handled"]
    print(f"Wave {report.wave}: {report.results} results.")
    print(f"  processed data: {report.processed}")
    print(f"  charts, workbooks and slides: {report.output}")
    if handled:
        print(f"  {len(handled)} data problems were handled by the cleaning rules in survey.yml "
              f"(listed in {report.processed / 'validation.json'}).")
    if report.rendered:
        for path in report.rendered:
            print(f"  rendered: {path}")
    elif not args.no_render:
        print(f"  report not rendered: {report.render_message}")
    if report.render_error is not None:
        _err(f"survey: the report could not be rendered: {report.render_message}")
        return getattr(report.render_error, "exit_code", EXIT_INTERNAL)
    return EXIT_OK


def cmd_validate(args) -> int:
    project = _project(args)
    project_theme(project)  # the logo is read as `survey run` reads it: a bad one fails here too (exit 2)
    if not project.waves and not args.wave:
        print(f"{project.paths.config_file} is valid: {len(project.datasets)} datasets, no waves yet "
              "(nothing to validate).")
        return EXIT_OK
    ingested = check_wave(project, args.wave, progress=print_progress)
    errors = ingested.errors
    others = [p for p in ingested.problems if p.severity != "error"]
    for problem in errors:
        print(f"ERROR  {problem.describe()}")
    for problem in others:
        print(f"{problem.severity.upper():6} {problem.describe()}")
    if errors:
        path = write_failed_validation(project, ingested)
        print(f"{len(errors)} problems must be fixed before `survey run` (report: {path}).")
        return EXIT_INVALID
    counts = ", ".join([f"{name} {len(frame)}" for name, frame in ingested.frames.items()] +
                       ([f"{ingested.interviews_dataset} {ingested.interviews['cases']['interview'].nunique()}"]
                        if ingested.interviews_dataset and "cases" in ingested.interviews else []))
    handled = sum(p.severity == "handled" for p in others)
    warned = len(others) - handled
    notes = ([f"{handled} problems handled by cleaning rules"] if handled else []) + \
        ([f"{warned} warning{'s' if warned > 1 else ''}"] if warned else [])
    print(f"Wave {ingested.wave.id} is valid: {counts} respondents" + (f"; {', '.join(notes)}." if notes else "."))
    return EXIT_OK


def cmd_inspect(args) -> int:
    path = Path(args.file)
    if not path.exists():
        raise InputError("no such file", file=str(path))
    info = inspect_file(path, fmt=args.format)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2, default=str))
    else:
        print(format_inspection(info))
    return EXIT_OK


def _check_language(project, lang: str | None) -> None:
    """``--lang`` must be one of survey.yml's languages: only those have charts and texts drawn (exit 2)."""
    if lang is not None and lang not in project.languages:
        raise ConfigError(f"no charts were drawn in '{printable(lang, 20)}': add it to `languages:` in survey.yml "
                          f"and rerun `survey run` (drawn: {', '.join(project.languages)})",
                          file=str(project.paths.config_file))


def _check_results(project, wave) -> None:
    """``survey render``/``slides`` read what ``survey run`` saved: none yet is a usage error (exit 2)."""
    folder = project.paths.results(wave.id)
    if not folder.is_dir() or not any(folder.glob("*.json")):
        raise UsageError(f"no results for wave '{wave.id}' yet; run `survey run --wave {wave.id}` first")


def cmd_render(args) -> int:
    project = _project(args)
    wave = project.wave(args.wave)
    _check_language(project, args.lang)
    outputs = render(project, wave.id, to=args.to, compare=args.compare or wave.compare_to, lang=args.lang)
    for path in outputs:
        print(f"rendered: {path}")
    return EXIT_OK


def cmd_slides(args) -> int:
    project = _project(args)
    _check_language(project, args.lang)
    _check_results(project, project.wave(args.wave))
    for path in write_slides(project, args.wave, args.lang):
        print(f"slides: {path}")
    return EXIT_OK


def cmd_demo(args) -> int:
    project = _project(args)
    waves = tuple(args.wave) if args.wave else demo_waves(project)
    written = generate_demo(project.paths.root, waves=waves)
    print(f"Wrote {len(written)} demo files under {project.paths.root / 'data' / 'raw'}.")
    return EXIT_OK


def _run_in_project(args) -> int:
    """Run the command with ``--project`` as the current project, and forget it afterwards."""
    try:
        _use_project(args)
        return args.func(args)
    finally:
        use_project(None)


def _use_project(args) -> None:
    """``--project DIR`` becomes the process's current project (instruments are read from it)."""
    if args.command == "init" or not getattr(args, "project", None):
        use_project(None)
        return
    root = Path(args.project)
    if not (root / CONFIG_FILE).is_file():
        raise ConfigError(f"{root} is not a survey project: it has no {CONFIG_FILE} (create one with "
                          f"`survey init {root}`)", file=str(root))
    use_project(root)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="survey", description=DESCRIPTION, epilog=EXIT_CODES_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"survey {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    parser.add_argument("--project", metavar="DIR", help=PROJECT_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_: str, func, project: bool = True):
        p = sub.add_parser(name, help=help_, description=help_, epilog=EXIT_CODES_HELP,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        if project:  # accepted after the command too; SUPPRESS keeps a --project given before it
            p.add_argument("--project", metavar="DIR", default=argparse.SUPPRESS, help=PROJECT_HELP)
        return p

    p = add("init", "create a new, empty survey project in DIR (survey.yml, instruments/, data/raw/, README)",
            cmd_init, project=False)
    p.add_argument("dir", metavar="DIR", help="the new project's folder (created; must not hold a survey.yml)")
    p.add_argument("--name", default="", help="the municipality's or organisation's name")
    p.add_argument("--lang", action="append", choices=("fi", "sv", "en"),
                   help="a report language (repeatable; default fi)")

    p = add("draft", "write instruments/ID.yml from one export (every guess marked '# CHECK:')", cmd_draft)
    p.add_argument("file", metavar="FILE", help="a raw export: .sav .xlsx .csv (or .qdpx for interviews)")
    p.add_argument("--dataset", required=True, metavar="ID", help="the dataset id (e.g. associations)")
    p.add_argument("--wave", metavar="W", help="also declare the dataset and this wave's file in survey.yml")
    p.add_argument("--kind", choices=("survey", "interviews"), help="default: interviews for .qdpx, else survey")
    p.add_argument("--force", action="store_true", help="overwrite an existing instrument")

    p = add("run", "the main job: ingest, validate, analyse, export charts and tables, render", cmd_run)
    p.add_argument("--wave", help="wave id from survey.yml (default: the newest declared)")
    p.add_argument("--no-render", action="store_true", help="stop after the charts and workbooks; skip Quarto")

    p = add("validate", "ingest and validate one wave; list every problem (exit 1 if any must be fixed)",
            cmd_validate)
    p.add_argument("--wave", help="wave id from survey.yml (default: the newest declared)")

    p = add("inspect", "show what the readers see in one raw export (format, respondents, questions)", cmd_inspect,
            project=False)
    p.add_argument("file", help="a raw export: .sav .zsav .por .xlsx .csv .tsv .qdpx")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--format", default="auto", help="override the detected format")

    p = add("render", "render the report and slides with Quarto (needs Quarto installed)", cmd_render)
    p.add_argument("--wave", help="wave id from survey.yml (default: the newest declared)")
    p.add_argument("--to", help="one format: html, docx, typst (PDF), revealjs, pptx (default: all)")
    p.add_argument("--compare", help="comparison wave (default: the wave's compare_to)")
    p.add_argument("--lang", help="report language: fi, sv or en (default: the first in survey.yml)")

    p = add("slides", "write the PowerPoint deck of a wave from its results and charts (no Quarto needed)",
            cmd_slides)
    p.add_argument("--wave", help="wave id from survey.yml (default: the newest declared)")
    p.add_argument("--lang", help="deck language: one of survey.yml's languages (default: each of them)")

    p = add("demo", "regenerate the project's synthetic demo waves under data/raw/ (deterministic)", cmd_demo)
    p.add_argument("--wave", action="append", help="only this demo wave (repeatable)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``survey`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.argv = argv
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        return _run_in_project(args)
    except ValidationFailed as exc:
        if args.debug:
            raise
        for problem in exc.problems:
            _err(f"ERROR  {problem.describe()}")
        _err(f"survey: {len(exc.problems)} problems in the data; nothing was replaced. "
             "Fix them or record a cleaning rule in survey.yml, then rerun.")
        return exc.exit_code
    except SurveyError as exc:
        if args.debug:
            raise
        _err(f"survey: {exc.describe()}")
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        _err("survey: interrupted; the previous outputs are intact.")
        return 130
    except OSError as exc:  # a read or write the system refused, outside any stage that named it
        if args.debug:
            raise
        failure = os_failure(exc, file=Path(exc.filename).name if exc.filename else None)
        _err(f"survey: {failure.describe()}")
        return failure.exit_code
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        if args.debug:
            raise
        _err(f"survey: unexpected error ({type(exc).__name__}: {exc}). Rerun with --debug and report it.")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
