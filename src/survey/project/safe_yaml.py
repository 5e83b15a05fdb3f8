"""A YAML loader with hard limits, and the line of any value in what it loaded.

``survey.yml`` and the instruments are written by hand and may come from anyone, so
the loader refuses, with one sentence, a file that is too large, nested too deeply,
uses too many aliases or expands (through aliases) into too many values: a 1 KB
"billion laughs" file is refused before it is built. A key written twice in one
mapping is refused with both line numbers (YAML would silently keep the last one, so
a second ``min_group_size: 1`` could weaken the disclosure rule unseen). Only plain
YAML is read (the safe loader's types). :func:`load` returns the data and a :class:`Located` tree that
tells the line of any key or value, so a typed-config error can name its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from survey.errors import ConfigError, printable

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_ALIASES = 1_000
MAX_NODES = 200_000

try:  # the C parser when PyYAML has it: the same events, faster
    _Loader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Located:
    """The composed YAML tree, to find the line of a key or value by its path."""

    node: yaml.Node | None

    def line(self, path: tuple) -> int | None:
        """1-based line of the deepest node reached along ``path`` (keys and list indices).

        Path parts that match no child (such as a validator's union tag) are skipped.
        For a path ending in a mapping key, the key's own line.
        """
        node = self.node
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                        line = key.start_mark.line + 1
                        node = value
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
        return line

    def source(self, path: tuple) -> str | None:
        """The scalar text as written at ``path`` (``yes`` rather than True), or None."""
        node = self.node
        for part in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                            node)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
        return node.value if isinstance(node, yaml.ScalarNode) else None


def _where(file: str, mark) -> str:
    return f"line {mark.line + 1}" if mark is not None else ""


def _check_events(text: str, file: str) -> None:
    """Refuse deep nesting and many aliases from the event stream (before anything is built)."""
    depth = 0
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{_where(file, event.start_mark)}: the YAML is nested more than {MAX_DEPTH} "
                                  "levels deep; a configuration never needs that", file=file)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise ConfigError(f"{_where(file, event.start_mark)}: the YAML uses more than {MAX_ALIASES} "
                                  "aliases (*name); write the values out instead", file=file)


def _check_size(root: yaml.Node, file: str) -> None:
    """Refuse a tree whose aliases expand into more than MAX_NODES values or MAX_DEPTH levels."""
    sizes: dict[int, tuple[int, int]] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        children = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        size = 1 + sum(sizes[id(c)][0] for c in children)
        depth = 1 + max((sizes[id(c)][1] for c in children), default=0)
        if size > MAX_NODES or depth > MAX_DEPTH:
            raise ConfigError(f"{_where(file, node.start_mark)}: the YAML expands (through its aliases) into more "
                              f"than {MAX_NODES:,} values or {MAX_DEPTH} levels; write it out plainly",
                              file=file)
        sizes[key] = (size, depth)


def _key_text(key: yaml.Node) -> str | None:
    """A mapping key as the file writes it (scalars only; the merge key ``<<`` is not a key)."""
    if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
        return None
    return key.value


def _check_duplicates(root: yaml.Node, file: str) -> None:
    """Refuse a mapping that writes the same key twice, naming both lines and where the key is."""
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, (*path, i)) for i, child in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            first: dict[tuple, int] = {}
            for key, value in node.value:
                text = _key_text(key)
                if text is not None:
                    line = key.start_mark.line + 1
                    mark = (key.tag, text)
                    if mark in first:
                        where = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                                        for i, p in enumerate(path))
                        place = f" under {printable(where, 80)}" if where else ""
                        raise ConfigError(f"line {line}: the key '{printable(text, 60)}'{place} is written twice "
                                          f"(lines {first[mark]} and {line}); YAML would silently keep only the "
                                          "last one, so delete one of them", file=file)
                    first[mark] = line
                stack.append((value, (*path, text if text is not None else "?")))


def loads(text: str | bytes, file: str = "<yaml>") -> tuple[object, Located]:
    """Parse YAML text within the limits; return ``(data, located)``. Raises ConfigError."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ConfigError(f"the file is {len(text):,} bytes; a configuration file may be at most "
                              f"{MAX_BYTES:,}", file=file)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8", file=file) from None
    if len(text) > MAX_BYTES:
        raise ConfigError(f"the file is {len(text):,} characters; a configuration file may be at most "
                          f"{MAX_BYTES:,}", file=file)
    try:
        _check_events(text, file)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is not None:
                _check_size(root, file)
                _check_duplicates(root, file)
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except ConfigError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise ConfigError(f"{where}the file is not valid YAML ({problem})", file=file) from None
    except (RecursionError, MemoryError):
        raise ConfigError("the YAML is too deeply nested or too large to read safely", file=file) from None
    return data, Located(root)


def load(path: Path) -> tuple[object, Located, bytes]:
    """Read and parse one YAML file within the limits; return ``(data, located, raw bytes)``."""
    raw = read_bytes(path)
    data, located = loads(raw, file=str(path))
    return data, located, raw


def read_bytes(path: Path) -> bytes:
    """The bytes of one YAML file, within the size limit (ConfigError otherwise)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(f"the file is {size:,} bytes; a configuration file may be at most {MAX_BYTES:,}",
                              file=str(path))
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the file ({exc.strerror or exc})", file=str(path)) from None
