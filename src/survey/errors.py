"""Errors a user can act on, the exit codes the CLI maps them to, and text safe to show.

Every failure mode ends in one sentence and one of the exit codes below (``survey
--help`` prints the same table). 70 is kept for bugs only: bad input, a bad
``survey.yml``, an unreadable file or an output folder that cannot be written each have
their own code. Text taken from the data or from a file name (a header, a value, a
path) is shown through :func:`printable`: control characters (ANSI escape sequences,
ESC, VT, BEL, NUL, bidirectional overrides) are escaped and the length is capped, so
neither the terminal nor ``validation.json`` ever receives raw bytes from an input.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass

EXIT_OK = 0
EXIT_INVALID = 1       # the data has problems (validation); every one is listed
EXIT_USAGE = 2         # bad command line or survey.yml (including ids and paths that leave the project)
EXIT_RENDER = 3        # the report was not rendered (Quarto missing or failed); artefacts were produced
EXIT_NO_QUARTO = EXIT_RENDER
EXIT_BAD_INPUT = 4     # an input file could not be read (not a survey export, damaged, unsafe, a link outside)
EXIT_CANNOT_WRITE = 5  # outputs could not be written (disk full, read-only, size limit); previous outputs intact
EXIT_BUSY = 6          # another survey command is writing this project's outputs
EXIT_INTERNAL = 70     # a bug: rerun with --debug and report it
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM; previous outputs intact

EXIT_CODES_HELP = """exit codes:
  0   success
  1   validation found problems in the data (all are listed)
  2   bad command line or survey.yml (also a wave id or file path that leaves the project)
  3   Quarto is not installed or failed: the report was not rendered (artefacts were still produced)
  4   an input file could not be read (not a survey export, damaged, unsafe, a link outside the project)
  5   outputs could not be written (disk full, read-only folder, file size limit); previous outputs intact
  6   another survey command is writing this project's outputs; wait for it and rerun
  70  unexpected internal error (rerun with --debug)
  130 interrupted (Ctrl-C or SIGTERM); previous outputs intact"""

MAX_VALUE = 80
MAX_NAME = 200      # headers (question texts) and file names
MAX_MESSAGE = 600

# C0 controls except tab/newline (escaped separately), DEL, C1 controls, bidi overrides and isolates,
# zero-width characters, line/paragraph separators: everything that moves a terminal cursor, recolours text or reorders it.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_BREAKS = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object, limit: int | None = MAX_VALUE, *, lines: bool = False) -> str:
    """``value`` as text safe for a terminal, a log or a JSON report.

    Control characters become visible escapes (``ESC`` -> ``\\x1b``), tabs and line
    breaks too unless ``lines``, and text longer than ``limit`` characters is cut with
    ``…``. Non-string values are shown with ``repr``.
    """
    text = value if isinstance(value, str) else repr(value)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 1)] + "…"
    text = _UNSAFE.sub(lambda m: _escape(m.group(0)), text)
    if not lines:
        text = re.sub("[\t\n\r]", lambda m: _BREAKS[m.group(0)], text)
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the user would look for it."""

    file: str
    rule: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"

    def describe(self) -> str:
        where = [printable(self.file, MAX_NAME)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{printable(self.column, MAX_NAME)}'")
        value = "" if self.value is None else f" value '{printable(self.value)}':"
        return f"{', '.join(where)}:{value} {printable(self.message, MAX_MESSAGE)}"


class SurveyError(Exception):
    """An error with a message meant for the user, and its exit code."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, value: object = None, hint: str | None = None):
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        """The one sentence shown to the user: where, what, the value, the hint; control characters escaped."""
        parts = []
        if self.file:
            where = [printable(str(self.file), MAX_NAME)]
            if self.row is not None:
                where.append(f"row {self.row}")
            if self.column is not None:
                where.append(f"column '{printable(self.column, MAX_NAME)}'")
            parts.append(", ".join(where) + ":")
        parts.append(printable(self.message, MAX_MESSAGE))
        if self.value is not None:
            parts.append(f"(value: '{printable(str(self.value))}')")
        text = " ".join(parts)
        if self.hint:
            text = text.rstrip(".") + f". {printable(self.hint, MAX_MESSAGE)}"
        return text


class ConfigError(SurveyError):
    exit_code = EXIT_USAGE


class UsageError(SurveyError):
    """The command cannot do what was asked yet (``survey render`` before ``survey run``)."""

    exit_code = EXIT_USAGE


class InputError(SurveyError):
    """A file that cannot be read as a survey export."""

    exit_code = EXIT_BAD_INPUT


class OutputError(SurveyError):
    """The outputs could not be written (disk full, read-only folder, size limit); nothing was replaced."""

    exit_code = EXIT_CANNOT_WRITE


class Busy(SurveyError):
    """Another survey command holds the project's output lock."""

    exit_code = EXIT_BUSY


class Interrupted(SurveyError):
    """The run was stopped by Ctrl-C or SIGTERM; nothing was replaced."""

    exit_code = EXIT_INTERRUPTED


class ValidationFailed(SurveyError):
    exit_code = EXIT_INVALID

    def __init__(self, problems: list[Problem], message: str = "validation found problems"):
        self.problems = problems
        super().__init__(f"{message}: {len(problems)}")


class QuartoMissing(SurveyError):
    exit_code = EXIT_RENDER


# errno -> (what happened, what to do); the sentence names the file and says the outputs are intact
_WRITE_ERRORS = {
    errno.ENOSPC: ("the disk is full", "free some space"),
    errno.EDQUOT: ("the disk quota is used up", "free some space"),
    errno.EROFS: ("the folder is on a read-only file system", "make the output folder writable"),
    errno.EFBIG: ("a file reached the file size limit (ulimit -f)", "raise the limit"),
    errno.EACCES: ("permission to write there is denied", "make the output folder writable"),
    errno.EPERM: ("the operation is not permitted there", "make the output folder writable"),
}
WRITE_ERRNOS = frozenset(_WRITE_ERRORS)


def write_failure(exc: OSError, file: str | None = None) -> OutputError:
    """The :class:`OutputError` for an OSError raised while writing outputs (one plain sentence)."""
    what, action = _WRITE_ERRORS.get(exc.errno, (f"the system refused the write "
                                                 f"({printable(exc.strerror or exc, 80)})", "fix the cause"))
    return OutputError(f"the outputs could not be written: {what}; the previous outputs are intact and nothing "
                       f"was replaced. {action[0].upper() + action[1:]} and rerun", file=file)


def os_failure(exc: OSError, file: str | None = None) -> SurveyError:
    """One sentence for an OSError that no stage turned into a SurveyError (reading or writing)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG):
        return write_failure(exc, file)
    reason = printable(exc.strerror or type(exc).__name__, 80)
    return InputError(f"a file could not be read or written ({reason})", file=file)
