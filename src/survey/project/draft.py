"""``survey draft FILE --dataset ID``: a first instrument written from one export.

What the readers detect (``survey.ingest.read``; ``survey.ingest.inspect.inspect_file`` for an
interview project) becomes ``instruments/<ID>.yml``: question ids slugged from the
question text, types, options with stable codes, Likert batteries with their scale
and "En osaa sanoa" code, SPSS variable names and user-missing codes, the id column,
identifier columns (ignored) and background questions. Every guess the analyst
should check carries a ``# CHECK:`` comment. With ``--wave W`` the dataset and the
wave's file are also declared in ``survey.yml`` (its comments kept), and the export
is copied into ``data/raw/W/`` when it lies elsewhere. An existing instrument is
never overwritten without ``force``.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from survey.errors import ConfigError, InputError
from survey.ingest import read
from survey.ingest.detect import sniff_kind
from survey.ingest.inspect import inspect_file
from survey.prepare.normalise import BATTERY_SEPARATOR
from survey.project import safe_yaml
from survey.project.config import Project, load_project
from survey.project.instruments import parse_instrument
from survey.project.models import _plain_name, escape
from survey.store import files

TRANSLITERATE = {"ä": "a", "ö": "o", "å": "a", "ü": "u", "ß": "ss", "Ä": "a", "Ö": "o", "Å": "a", "Ü": "u"}
DONT_KNOW = ("en osaa sanoa", "ei osaa sanoa", "eos", "kan inte säga", "vet inte", "don't know", "do not know",
             "dont know", "ei mielipidettä", "en tiedä")
POSITIVE_FIRST = ("täysin samaa", "strongly agree", "helt av samma", "erittäin hyvä", "erittäin tyytyväinen",
                  "very good", "very satisfied")
DONT_KNOW_CODE = 9
CASE_ROLES = {"division": ("division", "toimiala", "sektor", "department", "osasto", "yksikkö"),
              "role": ("role", "rooli", "tehtävä", "asema", "roll", "position", "nimike")}


@dataclass
class DraftReport:
    instrument: Path
    questions: int
    checks: int
    notes: list[str] = field(default_factory=list)


def slug(text: object, words: int = 4, sep: str = "_") -> str:
    """A plain id from a text: ä->a, ö->o, å->a, ü->u, ß->ss, other accents dropped, the first ``words`` words."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join(TRANSLITERATE.get(ch, ch) for ch in text).lower()
    parts = [unicodedata.normalize("NFKD", p).encode("ascii", "ignore").decode("ascii")
             for p in re.split(r"[\W_]+", text)]
    parts = [p for p in parts if p]
    return sep.join(parts[:words]) or "q"


def _unique(base: str, used: set) -> str:
    name, i = base, 2
    while name in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name)
    return name


def _q(value: object) -> str:
    """A YAML scalar: numbers as they are, text double-quoted (so yes/no/on stay text)."""
    if isinstance(value, bool):
        return json.dumps(str(value).lower())
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _is_dont_know(label: object) -> bool:
    text = re.sub(r"[\s.:!?*]+$", "", str(label or "").strip().casefold())
    return text in DONT_KNOW


def _code(value: object):
    """An SPSS code as an int when it is integral."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return value


# --- drafting a questionnaire ------------------------------------------------------------------------

def draft_survey(raw, dataset_id: str, source: str) -> tuple[str, int]:
    """The instrument text of a survey export (a :class:`~survey.model.Dataset`) and its question count."""
    meta = raw.meta
    spss = meta.format.startswith("spss")
    lines = [f"# Instrument of dataset '{dataset_id}', drafted by `survey draft` from {Path(source).name}.",
             "# Lines marked '# CHECK:' are guesses: read each one, correct it and delete the mark.",
             "# Every key is described in docs/CONFIG.md.",
             f"dataset: {dataset_id}",
             "title:",
             f"  fi: {_q(meta.extra.get('file_label') or dataset_id)}  # CHECK: the questionnaire's name in "
             "outputs",
             "unit:",
             "  fi: vastaajaa", ]
    id_header = next((q.text for q in meta.questions if meta.id_column and meta.id_column in q.columns), None)
    if id_header:
        lines.append(f"source_id_column: {_q(id_header)}  # CHECK: the column holding the respondent id")
    identifiers = set(meta.extra.get("identifier_columns") or ())
    ignored = [q for q in meta.questions if set(q.columns) & identifiers and not (meta.id_column in q.columns)]
    dates = [q for q in meta.questions if q.type == "date" and not (set(q.columns) & identifiers)]
    if ignored or dates:
        lines.append("ignore:  # columns never analysed")
        for q in ignored:
            lines.append(f"  - {_q(q.text)}  # identifier (names, e-mails...): dropped, its values masked in "
                         "open answers")
        for q in dates:
            lines.append(f"  - {_q(q.text)}  # CHECK: a date or time column (response time?)")
    lines.append("questions:")
    used: set = set()
    batteries: dict[str, str] = {}
    count = 0
    seen_other = False
    for rq in meta.questions:
        if rq in ignored or rq in dates or (meta.id_column and meta.id_column in rq.columns):
            continue
        battery_text, text = None, rq.text
        if rq.type == "likert" and BATTERY_SEPARATOR in rq.text:
            battery_text, text = rq.text.split(BATTERY_SEPARATOR, 1)
        qid = _unique(slug(text), used)
        count += 1
        lines.append(f"  - id: {qid}")
        kind = rq.type if rq.type in ("single", "multi", "likert", "numeric", "text", "date") else "text"
        lines.append(f"    type: {kind}" + ("" if rq.type in ("single", "multi", "likert", "numeric", "text") else
                                             f"  # CHECK: the reader saw '{rq.type}'"))
        if kind == "single" and not seen_other and len(rq.options) <= 8:
            lines.append("    background: true  # CHECK: a background question (others are broken down by it)?")
        if kind not in ("single",):
            seen_other = True
        if battery_text:
            if battery_text not in batteries:
                batteries[battery_text] = _unique(slug(battery_text, 3), used)
            lines.append(f"    battery: {batteries[battery_text]}")
            lines.append("    battery_text:")
            lines.append(f"      fi: {_q(battery_text)}")
        if spss and kind != "multi" and rq.columns:
            lines.append(f"    spss: {_q(rq.columns[0])}")
        lines.append("    text:")
        lines.append(f"      fi: {_q(text)}")
        if kind == "single":
            lines += _single_options(rq, meta, spss)
        elif kind == "likert":
            lines += _likert_options(rq, meta, spss)
        elif kind == "multi":
            lines += _multi_options(rq)
        elif kind == "numeric":
            values = raw.frame[rq.columns[0]].dropna() if rq.columns else []
            numbers = [v for v in (_number(x) for x in list(values)) if v is not None]
            if numbers and min(numbers) >= 0:
                lines.append("    min: 0  # CHECK: the smallest plausible value; add max: for the largest")
    return "\n".join(lines) + "\n", count


def _number(value):
    try:
        return float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None


def _missing_labels(meta, rq) -> dict:
    labels = (meta.extra.get("missing_labels") or {}).get(rq.id) or {}
    return {_code(k): v for k, v in labels.items()}


def _single_options(rq, meta, spss: bool) -> list[str]:
    lines = []
    used: set = set()
    missing = _missing_labels(meta, rq)
    dont_know = None
    options = []
    for o in rq.options:
        if spss:
            code = _code(o.code)
        else:
            code = "dont_know" if _is_dont_know(o.label) else _unique(slug(o.label, 3), used)
        if _is_dont_know(o.label):
            dont_know = code
        options.append((code, o.label))
    if dont_know is not None:
        lines.append(f"    dont_know_option: {_q(dont_know)}")
    codes = [_code(c) for c in rq.missing]
    if codes:
        lines.append(f"    missing: [{', '.join(_q(c) for c in codes)}]  # user-missing: "
                     + "; ".join(f"{c} = {missing.get(c, '?')}" for c in codes))
    lines.append("    options:" + ("" if spss else "  # CHECK: the options seen in this export; add any the "
                                                   "questionnaire offered that nobody chose"))
    for code, label in options:
        lines.append(f"      - {{code: {_q(code)}, fi: {_q(label)}}}")
    return lines


def _likert_options(rq, meta, spss: bool) -> list[str]:
    lines = []
    missing = _missing_labels(meta, rq)
    scale_options = [o for o in rq.options if not _is_dont_know(o.label)]
    dont_know = None
    if spss:
        scale = [(_code(o.code), o.label) for o in scale_options]
        for code, label in missing.items():
            if _is_dont_know(label):
                dont_know = (code, label)
        for o in rq.options:
            if _is_dont_know(o.label):
                dont_know = (_code(o.code), o.label)
        user_missing = [_code(c) for c in rq.missing if dont_know is None or _code(c) != dont_know[0]]
    else:
        ordered = list(scale_options)
        if ordered and any(p in str(ordered[0].label).casefold() for p in POSITIVE_FIRST):
            ordered.reverse()  # the export lists the most positive first; the scale runs to it
        scale = [(i + 1, o.label) for i, o in enumerate(ordered)]
        label = next((o.label for o in rq.options if _is_dont_know(o.label)), None)
        if label is not None:
            dont_know = (DONT_KNOW_CODE if len(scale) < DONT_KNOW_CODE else 99, label)
        user_missing = []
    codes = [c for c, _ in scale]
    lines.append(f"    scale: [{', '.join(_q(c) for c in codes)}]  # CHECK: scale order, most positive last: "
                 f"{codes[0] if codes else '?'} = {scale[0][1] if scale else '?'}, "
                 f"{codes[-1] if codes else '?'} = {scale[-1][1] if scale else '?'}")
    if dont_know is not None:
        lines.append(f"    dont_know: {_q(dont_know[0])}  # '{escape(dont_know[1])}': kept as a code, not in %")
    if user_missing:
        lines.append(f"    missing: [{', '.join(_q(c) for c in user_missing)}]  # user-missing: "
                     + "; ".join(f"{c} = {missing.get(c, '?')}" for c in user_missing))
    lines.append("    options:")
    for code, label in reversed(scale):
        lines.append(f"      - {{code: {_q(code)}, fi: {_q(label)}}}")
    if dont_know is not None:
        lines.append(f"      - {{code: {_q(dont_know[0])}, fi: {_q(dont_know[1])}}}")
    return lines


def _multi_options(rq) -> list[str]:
    lines = []
    if rq.text_column:
        lines.append("    examples:")
        lines.append("      fi: \"Muu, mikä?\"  # CHECK: the label of the free-text box beside the options")
    lines.append("    options:")
    used: set = set()
    for o in rq.options:
        lines.append(f"      - {{code: {_q(_unique(slug(o.label, 3), used))}, fi: {_q(o.label)}}}")
    return lines


# --- drafting a codebook -------------------------------------------------------------------------

def draft_codebook(info: dict, dataset_id: str, source: str) -> tuple[str, int]:
    """The codebook text of an interview project (``inspect_file``'s answer) and its theme count."""
    codes = info.get("code_list") or []
    lines = [f"# Codebook of dataset '{dataset_id}' (interviews), drafted by `survey draft` from "
             f"{Path(source).name}.",
             "# Lines marked '# CHECK:' are guesses: read each one, correct it and delete the mark.",
             f"dataset: {dataset_id}",
             "title:",
             f"  fi: {_q(dataset_id)}  # CHECK: the name of the interviews in outputs",
             "unit:",
             "  fi: haastateltavaa",
             "interviewee:",
             "  fi: Haastateltava"]
    variables = [v for v in info.get("case_variables") or [] if v and v not in ("division", "role")]
    if variables:
        lines.append("case_variables:  # CHECK: which case variable is the division and which the role")
        targets: dict[str, list] = {}
        for name in variables:
            low = str(name).casefold()
            target = next((t for t, words in CASE_ROLES.items() if low in words), slug(name, 3))
            targets.setdefault(target, []).append(name)
        for target, names in targets.items():
            lines.append(f"  {target}: [{', '.join(_q(n) for n in names)}]")
    lines.append("themes:  # CHECK: themes (top-level codes) and their codes; add plan_theme: for triangulation")
    used: set = set()
    themes = 0
    current = None
    for entry in codes:
        name = str(entry.get("code"))
        if int(entry.get("depth") or 0) == 0:
            themes += 1
            current = _unique(slug(name, 4), used)
            lines += [f"  - code: {current}", f"    fi: {_q(name)}", "    codes:"]
        elif current is not None:
            lines.append(f"      - {{code: {_q(_unique(slug(name, 4), used))}, fi: {_q(name)}}}")
    for i, line in enumerate(lines):
        if line == "    codes:" and (i + 1 == len(lines) or not lines[i + 1].startswith("      - ")):
            lines[i] = "    codes: []"
    return "\n".join(lines) + "\n", themes


# --- the command ---------------------------------------------------------------------------------

def draft_instrument(project: Project, file: Path, dataset: str, *, wave: str | None = None,
                     force: bool = False, kind: str | None = None) -> DraftReport:
    """Write ``instruments/<dataset>.yml`` from ``file`` (and declare it with ``wave``); return what was done."""
    try:
        dataset = _plain_name(dataset)
        if wave is not None:
            wave = _plain_name(wave)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    file = Path(file)
    if not file.is_file():
        raise InputError("no such file", file=str(file))
    if dataset in project.datasets:
        target = project.instrument_file(dataset)
    else:
        target = project.paths.project_file(f"instruments/{dataset}.yml", "instrument")
    if target.exists() and not force:
        raise ConfigError(f"{target.name} exists already; give --force to replace it (your edits in it would be "
                          "lost)", file=str(target))
    kind = kind or ("interviews" if sniff_kind(file) == "qdpx" else "survey")
    if kind == "interviews":
        text, count = draft_codebook(inspect_file(file), dataset, str(file))  # the export's own code names
    else:
        text, count = draft_survey(read(file), dataset, str(file))
    data, located = safe_yaml.loads(text, file=str(target))
    parse_instrument(data, where=str(target), located=located, dataset=dataset)  # the draft is valid
    notes = []
    if wave is not None:
        notes += declare(project, dataset, kind, wave, file)
    target.parent.mkdir(parents=True, exist_ok=True)
    files.write_text_atomic(target, text)
    if wave is not None:
        load_project(project.paths.root)  # the edited survey.yml is valid
    return DraftReport(instrument=target, questions=count, checks=text.count("# CHECK:"), notes=notes)


def declare(project: Project, dataset: str, kind: str, wave: str, file: Path) -> list[str]:
    """Declare ``dataset`` and ``wave``'s file in survey.yml (comments kept); copy the file into the wave."""
    notes = []
    folder = project.paths.raw(wave)
    dest = folder / file.name
    if file.resolve() != dest.resolve():
        if dest.exists() and files.sha256_file(dest) != files.sha256_file(file):
            raise ConfigError(f"data/raw/{wave}/{file.name} exists and differs from {file}; remove one of them",
                              file=str(dest))
        folder.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            shutil.copy2(file, dest)
            notes.append(f"copied the export to {dest}")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    config_file = project.paths.config_file
    data = yaml.load(config_file.read_text(encoding="utf-8")) or CommentedMap()
    datasets = data.get("datasets")
    if datasets is None:
        datasets = CommentedMap()
        if "waves" in data:
            data.insert(list(data.keys()).index("waves"), "datasets", datasets)
        else:
            data["datasets"] = datasets
    if hasattr(datasets, "fa"):
        datasets.fa.set_block_style()
    if dataset not in datasets:
        entry = CommentedMap(kind=kind)
        entry.fa.set_flow_style()
        datasets[dataset] = entry
        notes.append(f"declared dataset '{dataset}' ({kind}) in survey.yml")
    waves = data.get("waves")
    if waves is None:
        waves = CommentedSeq()
        data["waves"] = waves
    entry = next((w for w in waves if str(w.get("id")) == wave), None)
    if entry is None:
        entry = CommentedMap(id=wave, label=wave, datasets=CommentedMap())
        waves.append(entry)
        notes.append(f"declared wave '{wave}' in survey.yml")
    if not entry.get("datasets"):
        entry["datasets"] = CommentedMap()
    entry["datasets"][dataset] = CommentedMap(file=file.name)
    if hasattr(waves, "fa"):
        waves.fa.set_block_style()
    out = io.StringIO()
    yaml.dump(data, out)
    files.write_text_atomic(config_file, out.getvalue())
    return notes
