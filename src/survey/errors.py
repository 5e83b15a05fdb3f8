"""Errors a user can act on, and the exit codes the CLI maps them to."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_INVALID = 1  # the data has problems (validation)
EXIT_USAGE = 2  # bad command line or configuration
EXIT_NO_QUARTO = 3  # render step needs Quarto
EXIT_BAD_INPUT = 4  # a file could not be read at all
EXIT_INTERNAL = 70  # a bug: rerun with --debug and report it

EXIT_CODES_HELP = """exit codes:
  0   success
  1   validation found problems in the data (all are listed)
  2   bad command line or survey.yml
  3   Quarto is not installed (artefacts were still produced)
  4   an input file could not be read (not a survey export, damaged, unsafe)
  70  unexpected internal error (rerun with --debug)"""


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
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f" value {self.value!r}:"
        return f"{', '.join(where)}:{value} {self.message}"


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
        parts = []
        if self.file:
            where = [str(self.file)]
            if self.row is not None:
                where.append(f"row {self.row}")
            if self.column is not None:
                where.append(f"column '{self.column}'")
            parts.append(", ".join(where) + ":")
        parts.append(self.message)
        if self.value is not None:
            parts.append(f"(value: {str(self.value)[:80]!r})")
        text = " ".join(parts)
        if self.hint:
            text = text.rstrip(".") + f". {self.hint}"
        return text


class ConfigError(SurveyError):
    exit_code = EXIT_USAGE


class InputError(SurveyError):
    """A file that cannot be read as a survey export."""

    exit_code = EXIT_BAD_INPUT


class ValidationFailed(SurveyError):
    exit_code = EXIT_INVALID

    def __init__(self, problems: list[Problem], message: str = "validation found problems"):
        self.problems = problems
        super().__init__(f"{message}: {len(problems)}")


class QuartoMissing(SurveyError):
    exit_code = EXIT_NO_QUARTO
