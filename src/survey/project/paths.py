"""Where every file of a project is: the one module that builds paths, and proves them safe.

Every path the tool reads or writes is built here from the project root and a plain
name (a wave id, a dataset id, a file name from ``survey.yml``), then resolved and
checked to lie inside the project. This holds on its own, whatever the config loader
already checked: a wave id ``../raw/adv``, ``.`` or ``/abs/path``, an export
``file: /etc/passwd`` or ``../../../survey.yml``, or a symlink in ``data/raw/<wave>/``
that points outside the project is refused with one sentence, before anything is read,
written or replaced.

Layout (see docs/ARCHITECTURE.md)::

    data/raw/<wave>/               the exports, never written
    output/<wave>/                 everything one run of the wave made (a :class:`Tree`)
    output/<wave>.validation-failed.json   the problems of the last failed run or validate
    output/.runs/, output/.lock    the store's own bookkeeping (see survey.store)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from survey.errors import ConfigError, InputError, printable

PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
OUTPUT_DIR = "output"


def check_name(name: object, what: str = "wave id") -> str:
    """``name`` if it can be one folder or file name inside the project; ConfigError otherwise.

    A plain name starts with a letter or digit and holds only letters, digits, ``.``,
    ``_`` and ``-`` (at most 100 characters): no ``/``, ``\\``, ``..``, spaces or
    control characters, so it can never climb out of its folder or name a hidden one.
    """
    text = str(name) if isinstance(name, (str, int)) and not isinstance(name, bool) else None
    if text is None or not PLAIN_NAME.fullmatch(text) or ".." in text:
        shown = f"'{printable(name, 60)}'" if isinstance(name, str) else printable(name, 60)
        raise ConfigError(f"{what} {shown} is not a plain name: use letters, digits, '.', '_' "
                          "and '-' only, starting with a letter or digit (no '/', '..' or spaces)")
    return text


def is_inside(path: Path, folder: Path) -> bool:
    """True if ``path``, with every symlink resolved, is ``folder`` or lies below it."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


@dataclass(frozen=True)
class Tree:
    """The artefacts of one run of one wave, named in one place.

    The same names apply to the visible tree (``output/<wave>``) and to a run's
    staging copy that :mod:`survey.store` swaps in when the run is complete.
    """

    root: Path

    @property
    def processed(self) -> Path:
        return self.root / "processed"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def render(self) -> Path:
        return self.root / "render"

    @property
    def validation(self) -> Path:
        return self.processed / "validation.json"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def codebook(self) -> Path:
        return self.root / "codebook.xlsx"

    @property
    def open_answers(self) -> Path:
        """The redacted open answers: the analyst's working file, beside the processed data."""
        return self.processed / "open_answers.xlsx"

    @property
    def quotes(self) -> Path:
        """Every quote candidate with its clearance status: the analyst's working file."""
        return self.processed / "quotes.xlsx"

    def frame(self, dataset: str) -> Path:
        return self.processed / f"{check_name(dataset, 'dataset id')}.parquet"

    def meta(self, dataset: str) -> Path:
        return self.processed / f"{check_name(dataset, 'dataset id')}.meta.json"

    def result(self, result_id: str) -> Path:
        return self.results / f"{check_name(result_id, 'result id')}.json"

    def tables(self, lang: str, first: bool = True) -> Path:
        """``tables.xlsx`` in the first report language, ``tables.<lang>.xlsx`` in the others."""
        return self.root / ("tables.xlsx" if first else f"tables.{check_name(lang, 'language')}.xlsx")


@dataclass(frozen=True)
class Paths:
    """Where each stage reads and writes, for one project root; every path proven inside it."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "survey.yml"

    @property
    def instruments(self) -> Path:
        return self.inside(self.root / "instruments")

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def output_root(self) -> Path:
        """The folder holding every wave's output tree and the store's bookkeeping."""
        return self.inside(self.root / OUTPUT_DIR)

    def raw(self, wave: str) -> Path:
        """``data/raw/<wave>/``: the wave's exports."""
        return self.inside(self.root / "data" / "raw" / check_name(wave))

    def raw_file(self, wave: str, file: str) -> Path:
        """One export of ``wave``, named by ``file:`` in survey.yml, proven inside ``data/raw/<wave>/``.

        ``file`` must be a relative path without ``..``; the file itself may be a
        symlink only when its target is inside the project. A path that leaves the
        wave folder is a ConfigError (exit 2), a symlink leading out an InputError
        (exit 4); neither is opened, so no byte of an outside file reaches a message.
        """
        folder = self.raw(wave)
        text = str(file) if isinstance(file, str) else ""
        parts = PurePosixPath(text.replace("\\", "/")).parts
        if (not text or "\x00" in text or PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute()
                or PureWindowsPath(text).drive or ".." in parts):
                raise ConfigError(f"wave '{wave}': file {printable(file, 80)} must be a file name inside "
                              f"data/raw/{wave}/ (no absolute path, no '..')", file=self.shown(self.config_file))
        path = folder.joinpath(*parts)
        if not is_inside(path, self.root):
            raise InputError(f"the export is a link to a file outside the project, which survey does not read; "
                             f"copy the file into data/raw/{wave}/ instead", file=self.shown(path))
        return path

    def tree(self, wave: str) -> Tree:
        """The visible output tree of ``wave`` (what the last complete run made)."""
        return Tree(self.inside(self.output_root / check_name(wave)))

    def processed(self, wave: str) -> Path:
        return self.tree(wave).processed

    def output(self, wave: str) -> Path:
        return self.tree(wave).root

    def figures(self, wave: str) -> Path:
        return self.tree(wave).figures

    def results(self, wave: str) -> Path:
        return self.tree(wave).results

    def failed_validation(self, wave: str) -> Path:
        """The problems of the last failed run or validate of ``wave``, beside (not in) its tree."""
        return self.output_root / f"{check_name(wave)}.validation-failed.json"

    def inside(self, path: Path, what: str = "folder") -> Path:
        """``path`` unchanged if, with symlinks resolved, it lies inside the project; InputError otherwise."""
        path = Path(path)
        if not is_inside(path, self.root):
            raise InputError(f"this {what} leads outside the project folder {self.root.name}/ (through '..', an "
                             "absolute path or a symlink); survey reads and writes only inside the project",
                             file=self.shown(path))
        return path

    def project_file(self, relative: str, what: str = "file") -> Path:
        """A file named relative to the project in survey.yml (a logo, an instrument), proven inside it."""
        text = str(relative) if isinstance(relative, str) else ""
        parts = PurePosixPath(text.replace("\\", "/")).parts
        if not text or "\x00" in text or Path(text).is_absolute() or PureWindowsPath(text).drive or ".." in parts:
                raise ConfigError(f"{what} {printable(relative, 80)} must be a path inside the project folder "
                              "(relative, no '..')", file=self.shown(self.config_file))
        return self.inside(self.root / text, what)

    def shown(self, path: Path) -> str:
        """``path`` as a message or report shows it: relative to the project, else its name only."""
        path = Path(path)
        for base in (self.root, self.root.resolve()):
            try:
                return path.relative_to(base).as_posix()
            except ValueError:
                continue
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return path.name
