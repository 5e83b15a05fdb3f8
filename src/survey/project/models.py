"""The typed-model building blocks shared by survey.yml and the instruments.

Value types (``Name``, ``Text``, ``Lang``, project-relative files), the strict base model
(unknown keys refused, frozen), and :func:`parse_model`: a model validated from YAML, every
error one sentence naming the line, the key and, for a misspelt key, the closest known one.
"""

from __future__ import annotations

import difflib
import re
import typing
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from survey.catalogue import LANGUAGES
from survey.errors import ConfigError, printable
from survey.project import safe_yaml

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

# --- value types shared with the instruments -------------------------------------------------------

def _plain_name(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a plain name, not true/false")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("must be a plain name (letters, digits, '.', '_' or '-')")
    if not re.match(NAME_PATTERN, value) or ".." in value:
        raise ValueError(f"'{escape(value)}' is not a plain name: use letters, digits, '.', '_' and '-', "
                         "starting with a letter or digit (no '/', no '..')")
    return value


Name = Annotated[str, BeforeValidator(_plain_name)]


def _text(value: Any) -> Any:
    """Numbers written without quotes are text too (``fi: 2024``); true/false are not."""
    if isinstance(value, bool):
        raise ValueError("is true/false: put the text in quotes (YAML reads yes/no/on/off as true/false)")
    if isinstance(value, (int, float)):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_text)]


def _relative_path(value: Any, folder: str) -> Any:
    """A path relative to ``folder`` that cannot leave it: not absolute, no '..', no drive, no NUL."""
    value = _text(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a file path")
    if "\\" in value or value.startswith("/") or re.match(r"^[A-Za-z]:", value) or "\x00" in value:
        raise ValueError(f"'{escape(value)}' must be a path relative to {folder}, not an absolute one")
    if any(part == ".." for part in PurePosixPath(value).parts):
        raise ValueError(f"'{escape(value)}' leaves {folder} ('..'); keep the file inside it")
    return value


RelativeFile = Annotated[str, BeforeValidator(lambda v: _relative_path(v, "the wave's folder data/raw/<wave>/"))]
ProjectFile = Annotated[str, BeforeValidator(lambda v: _relative_path(v, "the project folder"))]
Lang = Literal[LANGUAGES]  # the catalogue's languages (survey/catalogue/<lang>.yml)


def escape(value: object, limit: int = 80) -> str:
    """A value safe to print: control and invisible characters escaped, length capped (errors.printable)."""
    return printable(str(value), limit)


class Strict(BaseModel):
    """Every configuration model: unknown keys refused, values never silently reinterpreted."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- errors with their line ----------------------------------------------------------------------

def _model_at(model: type, loc: tuple) -> type | None:
    """The model class that holds the last element of ``loc`` (for 'closest known key')."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                continue  # a union tag or similar
            current = info.annotation
        else:
            origin = typing.get_origin(current)
            args = typing.get_args(current)
            if origin in (list, tuple) and args:
                current = args[0]
            elif origin is dict and len(args) == 2:
                current = args[1]
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """The model (or container) inside Annotated[...] and X | None."""
    for _ in range(10):
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is Annotated:
            annotation = args[0]
        elif origin is Union or (origin is not None and getattr(origin, "__name__", "") == "UnionType"):
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            others = [a for a in args if a is not type(None)]
            if models:
                annotation = models[0]
            elif len(others) == 1:
                annotation = others[0]
            else:
                return annotation
        else:
            return annotation
    return annotation


def closest(name: str, known) -> str:
    """' The closest known one is 'x'.' or ''."""
    match = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.5)
    return f"; the closest known one is '{match[0]}'" if match else ""


def _dotted(loc: tuple) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def describe_error(error: dict, model: type, located: safe_yaml.Located) -> str:
    """One sentence for one pydantic error, with the YAML line it points at."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and ("[" in p or p in ("str", "int"))))
    line = located.line(loc)
    where = f"line {line}: " if line else ""
    kind = error["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        holder = _model_at(model, loc[:-1])
        known = list(holder.model_fields) if holder else []
        hint = closest(str(key), known) or (f"; known keys here: {', '.join(known)}" if known else "")
        inside = f" in {_dotted(loc[:-1])}" if loc[:-1] else ""
        return f"{where}unknown key '{escape(key)}'{inside}{hint}"
    name = _dotted(loc) or "the file"
    written = located.source(loc)
    shown = f" (written: {escape(written)!r})" if written is not None else ""
    if kind == "missing":
        return f"{where}{name} is required but missing"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{where}{name} must be a whole number{shown}"
    if kind == "bool_type":
        return f"{where}{name} must be true or false, without quotes{shown}"
    if kind in ("float_type", "float_parsing"):
        return f"{where}{name} must be a number{shown}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}{name} must be a mapping of keys and values{shown}"
    if kind in ("list_type", "tuple_type"):
        return f"{where}{name} must be a list{shown}"
    if kind == "string_type":
        return f"{where}{name} must be a text{shown}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}{name} must be one of {expected}{shown}"
    if kind in ("greater_than_equal", "greater_than", "less_than", "less_than_equal"):
        return f"{where}{name} {error['msg'].lower().replace('input should be', 'must be')}{shown}"
    if kind in ("too_short",):
        return f"{where}{name} must list at least one entry"
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error") or error["msg"])
        return f"{where}{name} {message}"
    return f"{where}{name}: {error['msg']}{shown}"


def validation_message(exc: ValidationError, model: type, located: safe_yaml.Located) -> str:
    """The first error of ``exc`` as a sentence (unknown keys first), and how many more there are."""
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: (e["type"] != "extra_forbidden", -len(e["loc"])))
    first = describe_error(errors[0], model, located)
    more = len({tuple(e["loc"]) for e in errors}) - 1
    return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else "")


def parse_model(model: type, data: Any, located: safe_yaml.Located, file: str):
    """``model`` validated from YAML data; ConfigError naming the line otherwise."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the file must be a mapping of settings (key: value lines)", file=file)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_message(exc, model, located), file=file) from None
