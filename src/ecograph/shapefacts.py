"""What the engine reads from the project's SHACL shapes about its vocabulary, instead of knowing it:

- the kinds of entity ids: a node shape with `sh:targetClass C` and `sh:pattern "^<base>id/KIND/"` says that
  entities of class C are named <base>id/KIND/<slug> (the ids the engine mints itself, article/ and claim/,
  are added);
- concept schemes: a node shape with `sh:targetClass C` and a property `sh:path skos:inScheme ; sh:hasValue S`
  says that every C is a concept of scheme S, so the mapping states it;
- non-negative properties: a property shape `sh:path P` with an `sh:minInclusive` or `sh:minExclusive` of 0
  or more says that P is never negative.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from .project import DEFAULT_BASE, Project

SH = "http://www.w3.org/ns/shacl#"
IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
ENGINE_KINDS = {"article": "Article", "claim": "Claim"}  # ids the mapping mints: id/article/…, id/claim/…

Node = NamedNode | BlankNode | Triple  # a subject, as pyoxigraph types it


@dataclass(frozen=True)
class ShapeFacts:
    kinds: dict[str, tuple[str, ...]]  # id kind -> IRIs of the classes whose entities it names
    schemes: dict[str, str]  # class IRI -> IRI of the concept scheme its instances are in
    non_negative: frozenset[str]  # property IRIs

    @property
    def declares_kinds(self) -> bool:
        """Whether the shapes name any kind of id beyond the engine's own (else ids are not checked by kind)."""
        return bool(set(self.kinds) - set(ENGINE_KINDS))

    @property
    def scheme_kinds(self) -> set[str]:
        """The kinds of the schemes' own ids (scheme/…): named in the data, but not typed entities."""
        return {_kind_of(iri) for iri in self.schemes.values()} - {""}


def shape_facts(project: Project) -> ShapeFacts:
    """The facts in the project's shapes (read once per content of the shape files)."""
    files = tuple(project.shape_files())
    return _read(project.base, files, tuple(p.stat().st_mtime_ns for p in files))


@cache
def _read(base: str, files: tuple[Path, ...], _mtimes: tuple[int, ...]) -> ShapeFacts:
    props: dict[Node, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for path in files:
        for triple in _triples(path, base):
            props[triple.subject][triple.predicate.value].append(triple.object)
    pattern = re.compile("^" + re.escape("^" + base + "id/") + r"([a-z][a-z0-9-]*)/$")
    kinds: dict[str, list[str]] = defaultdict(list)
    for kind, cls in ENGINE_KINDS.items():
        kinds[kind].append(f"{base}def#{cls}")
    schemes: dict[str, str] = {}
    non_negative: set[str] = set()
    for values in props.values():
        for cls in _iris(values[SH + "targetClass"]):
            for text in _texts(values[SH + "pattern"]):
                if match := pattern.match(text):
                    kinds[match[1]].append(cls)
            for scheme in _schemes(props, values[SH + "property"]):
                schemes[cls] = scheme
        if _minimum(values) >= 0:
            non_negative.update(_iris(values[SH + "path"]))
    named = {
        kind: tuple(sorted(set(classes), key=lambda c: (c.rsplit("#", 1)[-1].lower() != kind, c)))
        for kind, classes in kinds.items()
    }  # the class the kind is named after first
    return ShapeFacts(named, schemes, frozenset(non_negative))


def _triples(path: Path, base: str) -> list[Triple]:
    """The shape file's triples; none when it cannot be read or parsed (the shapes check reports that, with
    the file and line, when it loads the shapes)."""
    try:
        return list(parse(path.read_text(encoding="utf-8").replace(DEFAULT_BASE, base), format=RdfFormat.TURTLE))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return []


def _schemes(props: dict[Node, dict[str, list[object]]], shapes: list[object]) -> list[str]:
    return [
        scheme
        for shape in shapes
        if isinstance(shape, NamedNode | BlankNode)
        if IN_SCHEME in _iris(props[shape][SH + "path"])
        for scheme in _iris(props[shape][SH + "hasValue"])
    ]


def _minimum(values: dict[str, list[object]]) -> Decimal:
    minimums = [
        _decimal(v.value)
        for key in ("minInclusive", "minExclusive")
        for v in values[SH + key]
        if isinstance(v, Literal)
    ]
    return min(minimums, default=Decimal(-1))


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(-1)


def _iris(values: list[object]) -> list[str]:
    return [v.value for v in values if isinstance(v, NamedNode)]


def _texts(values: list[object]) -> list[str]:
    return [v.value for v in values if isinstance(v, Literal)]


def _kind_of(iri: str) -> str:
    match = re.search(r"/id/([a-z][a-z0-9-]*)/[^/]+$", iri)
    return match[1] if match else ""
