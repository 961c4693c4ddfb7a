"""The ontology as the pages need it: labels by language, definitions, the class hierarchy, and
short names (CURIEs) for the terms of other vocabularies (the prefixes and reused labels of namespaces.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ...namespaces import OWL, RDFS, REUSED_LABELS, Compactor, served_prefixes

PREPOSITIONS = {
    "en": {"by", "of", "in", "with", "at", "about", "to", "from", "on", "for"},
    "nl": {"door", "van", "in", "met", "bij", "over", "naar", "uit", "op", "voor"},
}


def pick_label(labels: dict[str, str], lang: str = "en") -> str | None:
    """The label in `lang`, else English, else the first in another language (by code), else one without one."""
    for key in (lang, "en", *sorted(k for k in labels if k), ""):
        if key in labels:
            return labels[key]
    return None


class Vocabulary:
    """Labels and the class hierarchy of dist/ontology.ttl (empty when the file is missing)."""

    def __init__(self, triples: Iterable[ox.Triple], base: str) -> None:
        self.base = base
        self.prefixes = served_prefixes(base)
        self._compactor = Compactor(self.prefixes)
        self._labels: dict[str, dict[str, str]] = defaultdict(dict)
        self._parents: dict[str, set[str]] = defaultdict(set)
        self._inverse: dict[str, str] = {}
        for iri, labels in REUSED_LABELS.items():
            self._labels[iri].update(labels)
        for triple in triples:
            self._add(triple)

    @classmethod
    def load(cls, path: Path, base: str) -> Vocabulary:
        if not path.is_file():
            return cls([], base)
        return cls(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), base)

    def _add(self, triple: ox.Triple) -> None:
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            return
        if predicate == RDFS + "label" and isinstance(obj, ox.Literal):
            self._labels[subject.value].setdefault(obj.language or "", obj.value)
        elif predicate == RDFS + "subClassOf" and isinstance(obj, ox.NamedNode):
            self._parents[subject.value].add(obj.value)
        elif predicate == OWL + "inverseOf" and isinstance(obj, ox.NamedNode):
            self._inverse.setdefault(subject.value, obj.value)
            self._inverse.setdefault(obj.value, subject.value)

    def labels(self, iri: str) -> dict[str, str]:
        return dict(self._labels.get(iri, {}))

    def label(self, iri: str, lang: str = "en") -> str:
        """The term's label, else its CURIE (e.g. skos:altLabel), else the IRI."""
        return pick_label(self._labels.get(iri, {}), lang) or self.curie(iri)

    def inverse(self, iri: str) -> str | None:
        """The property declared the inverse of `iri` (owl:inverseOf, either way round), if any."""
        return self._inverse.get(iri)

    def inverse_label(self, iri: str, lang: str = "en") -> str:
        """How a link `?x <iri> ?this` reads from ?this: the label of the declared inverse ("has member"),
        else a phrase around the property's label ("is funder of", "developed by this", "focus of")."""
        inverse = self._inverse.get(iri)
        if inverse is not None and self._labels.get(inverse):
            return self.label(inverse, lang)
        label = self.label(iri, lang)
        words = label.split()
        if lang == "nl":
            if words[0] == "heeft" and len(words) > 1:
                return " ".join(words[1:]) + " van"
            return f"{label} dit" if words[-1] in PREPOSITIONS["nl"] else f"is {label} van"
        if words[0] == "has" and len(words) > 1:
            return " ".join(words[1:]) + " of"
        return f"{label} this" if words[-1] in PREPOSITIONS["en"] else f"is {label} of"

    def curie(self, iri: str) -> str:
        """The term's CURIE with the served prefixes, else the IRI."""
        return self._compactor.iri(iri)

    def subclasses(self, iri: str) -> set[str]:
        """`iri` and every class below it (transitively)."""
        found = {iri}
        changed = True
        while changed:
            more = {child for child, parents in self._parents.items() if parents & found} - found
            found |= more
            changed = bool(more)
        return found
