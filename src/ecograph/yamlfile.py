"""Read YAML files safely and remember on which line each value stands, so errors can point at it.

Anchors and aliases are refused: mappings never need them, and they are how a "YAML bomb" multiplies a small
file into billions of nodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Location
from .userfile import parser_message, read_user_file

MAX_BYTES = 5_000_000
MAX_NODES = 500_000
PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


# libyaml's parser (about 25x faster than PyYAML's pure-Python one) when PyYAML was built with it
_NoAliasLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Map(dict[str, Any]):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class Seq(list[Any]):
    """A YAML sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


def load_yaml(path: Path) -> Any:
    """Parse one YAML file into Map/Seq/scalars, raising InputError with file and line on any problem."""
    raw = read_user_file(path, MAX_BYTES, kind="a YAML file", too_large="split the article's facts over smaller files")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            Location(path, raw[: error.start].count(b"\n") + 1), "the file is not UTF-8 text", "save it as UTF-8"
        ) from error
    loader = _NoAliasLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise InputError(Location(path, 1), "the file is empty", "see mappings/ for an example")
        return _Builder(path, loader).build(root)
    except yaml.MarkedYAMLError as error:
        # the context mark is where the broken construct starts (e.g. an unclosed '{'): the line to fix
        mark = error.context_mark or error.problem_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(filter(None, [error.context, error.problem]))
        if error.problem_mark and line and error.problem_mark.line + 1 != line:
            problem += f" (noticed on line {error.problem_mark.line + 1})"
        raise InputError(
            Location(path, line),
            f"YAML syntax error: {parser_message(problem)}",
            "check the indentation and quoting on that line",
        ) from error
    except yaml.YAMLError as error:
        raise InputError(Location(path), f"YAML error: {parser_message(str(error))}") from error
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, path: Path, loader: yaml.SafeLoader | yaml.CSafeLoader) -> None:
        self.path = path
        self.loader = loader
        self.nodes = 0
        self.seen: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:  # the composer hands out an anchored node again for each alias
            raise InputError(
                Location(self.path, node.start_mark.line + 1),
                "YAML aliases (*name) are not allowed",
                "write the value out in full",
            )
        self.seen.add(id(node))
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(
                Location(self.path, node.start_mark.line + 1), f"more than {MAX_NODES:,} YAML nodes", "split the file"
            )
        if node.tag not in PLAIN_TAGS:
            raise InputError(
                Location(self.path, node.start_mark.line + 1),
                f"the YAML tag {node.tag} is not allowed",
                "write plain values without !! tags",
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node)
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """The scalar's value; text that only looks like a date (2023-02-30) stays text for the caller to judge."""
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            return node.value

    def _mapping(self, node: yaml.MappingNode) -> Map:
        result = Map()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise InputError(Location(self.path, line, key), f"the key '{key}' appears twice", "keep one of them")
            result[key] = self.build(value_node)
            result.key_lines[key] = line
        return result

    def _sequence(self, node: yaml.SequenceNode) -> Seq:
        result = Seq()
        result.line = node.start_mark.line + 1
        result.item_lines = []
        for item in node.value:
            result.append(self.build(item))
            result.item_lines.append(item.start_mark.line + 1)
        return result
