"""Each chart drawn once per test session, and what the chart tests check, noted as it is drawn.

Many tests run the real pipeline on small projects (the network dataset, the kill
tests, the hardening tests), and the session's demo build draws every demo chart.
:func:`install` wraps ``survey.artefacts.figures.draw_chart`` (one result's charts in one
language at the sizes asked for, their PNG/SVG files and alt texts) with a memo shared by
all processes of the session (xdist workers, forked chart workers, the background
demo build):

* the memo key is everything the files depend on, as the pipeline's own figure cache
  sees it and more: the whole result, the language, the sizes and formats, the wave
  label, the synthetic flag, the theme, the dataset title printed in the footer, whether
  the files carry the language in their names, every source and data file of
  the ``survey`` package, the versions of the rendering packages and matplotlib's
  rcParams;
* on a miss the real ``draw_chart`` runs and every file it writes (the bytes given
  to ``survey.store.files.write_bytes_atomic``, in order) is kept under the key;
* on a hit the same writes are replayed, in the same order, through
  ``survey.store.files.write_bytes_atomic`` as looked up at that moment, so a test that
  makes that function fail after N writes (a full disk) sees the same writes fail.

The files are byte for byte those the real drawing makes (the pipeline guarantees
identical bytes for an identical key; ``test_pipeline`` and ``test_export`` check it
with real draws). Tests that are about drawing call ``survey.kinds.charts`` directly and are
not affected. ``SURVEY_TEST_DRAW=1`` switches the memo off: every chart is drawn.

While a chart is really drawn, the facts the chart tests assert on are noted from the
live Figure (title, alt text, height, footer, the texts of its axes and, for the
languages in :data:`TEXT_CHECK_LANGS` of the waves in :data:`TEXT_CHECK_WAVES`,
``survey.kinds.charts.text_problems`` measured in the PNG's layout as it is drawn) and stored with the memo entry; with ``facts`` set, :func:`install` also
writes them as ``<facts>/<wave>/<id>.<size>.<lang>.json`` for every chart drawn or
replayed. The demo build uses this, so ``test_charts`` checks every demo chart
without drawing any of them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

TEXT_CHECK_LANGS = ("sv",)  # Swedish labels are the longest (test_charts checks them for overlaps)
TEXT_CHECK_WAVES = ("2026-demo",)  # ... in the later demo wave (a chart drawn for no file is laid out to be measured)
_CODE: list[str] = []


def _code_digest() -> str:
    """Every file of the installed ``survey`` package and the rendering packages' versions (once per process)."""
    if not _CODE:
        import importlib.metadata

        import survey

        digest = hashlib.sha256()
        root = Path(survey.__file__).resolve().parent
        for file in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
        for name in ("matplotlib", "numpy", "pandas", "pillow", "fonttools", "babel"):
            try:
                digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
            except importlib.metadata.PackageNotFoundError:
                pass
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def memo_key(result, lang, sizes, options) -> str:
    """Everything one ``draw_chart`` call's files depend on (see the module docstring)."""
    import matplotlib

    from survey.model import to_json

    rc = repr(sorted((k, repr(v)) for k, v in matplotlib.rcParams.items() if k != "backend"))
    plain = {k: v for k, v in options.items() if k != "theme"}
    text = to_json({"result": result.to_dict(), "lang": lang, "sizes": list(sizes), **plain})
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(pickle.dumps(options.get("theme")))
    digest.update(rc.encode())
    digest.update(_code_digest().encode())
    return digest.hexdigest()


def figure_facts(fig) -> dict:
    """What the chart tests read from a drawn Figure (plain data)."""
    plot_axes = [ax for ax in fig.axes if ax.axison]
    return {"id": fig.survey.get("id"), "title": fig.survey.get("title"), "alt": fig.survey.get("alt"),
            "layout": fig.survey.get("layout"), "suptitle": fig.get_suptitle(), "supxlabel": fig.get_supxlabel(),
            "height_in": fig.get_figheight(), "width_in": fig.get_figwidth(),
            "axes_texts": [t.get_text() for ax in plot_axes for t in ax.texts],
            "ytick_labels": [t.get_text() for ax in plot_axes for t in ax.get_yticklabels()]}


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _record(real, folder: Path) -> tuple[list, dict]:
    """Run the real ``draw_chart`` (``real()``); the writes it made (name, bytes) in order, and each chart's facts."""
    from survey.artefacts import figures as export
    from survey.kinds import charts
    from survey.store import files

    writes: list = []
    facts: dict = {}
    drawn: dict = {}
    real_write, real_draw, real_png = files.write_bytes_atomic, charts.draw, export.png_bytes

    def write(path, data):
        out = real_write(path, data)
        writes.append((Path(path).relative_to(folder).as_posix(), bytes(data)))
        return out

    def draw(result, lang="fi", size="report", **kwargs):
        fig = real_draw(result, lang=lang, size=size, **kwargs)
        if fig is not None:
            drawn[id(fig)] = (lang, size, result.wave in TEXT_CHECK_WAVES)
            facts[f"{size}.{lang}"] = figure_facts(fig)
        return fig

    def png(fig, *args, **kwargs):
        lang, size, checked = drawn.get(id(fig), (None, None, False))
        if not (checked and lang in TEXT_CHECK_LANGS):
            return real_png(fig, *args, **kwargs)

        def inspect(fig, renderer):  # the labels measured in the PNG's own layout, as it is drawn
            facts[f"{size}.{lang}"]["text_problems"] = charts.text_problems(fig, renderer=renderer)
        return real_png(fig, *args, **kwargs, inspect=inspect)

    files.write_bytes_atomic, charts.draw, export.png_bytes = write, draw, png
    try:
        real()
    finally:
        files.write_bytes_atomic, charts.draw, export.png_bytes = real_write, real_draw, real_png
    return writes, facts


def write_facts(facts_dir: Path, result, facts: dict) -> None:
    for key, value in facts.items():
        _write_atomic(Path(facts_dir) / (result.wave or "_") / f"{result.id}.{key}.json",
                      json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def install(memo_dir: Path | None, facts_dir: Path | None = None) -> None:
    """Wrap ``survey.artefacts.figures.draw_chart`` in this process (and the processes it forks) with the memo.

    ``memo_dir=None``: no memo, every chart is drawn (its facts are still noted when ``facts_dir`` is set).
    """
    from survey.artefacts import figures
    from survey.kinds import charts
    from survey.store import files

    real = getattr(figures.draw_chart, "__wrapped_by_memo__", figures.draw_chart)

    def draw_chart(result, folder, lang, sizes, **options):
        if not charts.has_chart(result):
            return real(result, folder, lang, sizes, **options)
        folder = Path(folder)
        entry = None
        if memo_dir is not None:
            entry = Path(memo_dir) / f"{memo_key(result, lang, sizes, options)}.pickle"
        try:
            if entry is None:
                raise OSError("no memo")
            writes, facts = pickle.loads(entry.read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError):
            writes, facts = _record(lambda: real(result, folder, lang, sizes, **options), folder)
            if entry is not None:
                _write_atomic(entry, pickle.dumps((writes, facts)))
        else:
            for name, data in writes:
                files.write_bytes_atomic(folder / name, data)
        if facts_dir is not None:
            write_facts(facts_dir, result, facts)
        return result.id

    draw_chart.__wrapped_by_memo__ = real
    figures.draw_chart = draw_chart


def enabled() -> bool:
    return os.environ.get("SURVEY_TEST_DRAW", "") not in ("1", "true", "yes")


def read_facts(facts_dir: Path, wave: str) -> dict:
    """``{(result id, size, lang): facts}`` of one wave."""
    out = {}
    for path in sorted((Path(facts_dir) / wave).glob("*.json")):
        rid, size, lang, _ = path.name.rsplit(".", 3)
        out[(rid, size, lang)] = json.loads(path.read_text(encoding="utf-8"))
    return out
