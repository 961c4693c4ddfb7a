"""The entities the project's other mappings declare, as the build maps them.

A mapping entry with only an id uses an entity another mapping declares, published or not yet. The build sees
every mapping at once; validate sees one contribution, so it maps the project's other mappings (YAML or
hand-written RDF, through the build's per-article cache) the first time a contribution uses an id the published
graph lacks, and takes from them the types and names of what the contribution uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import cached_property
from pathlib import Path

from pyoxigraph import NamedNode, Quad

from ..build.mapcache import map_article_cached
from ..build.mapping import ArticleGraph
from ..errors import InputError
from ..ontology import Vocabulary
from ..project import Project
from ..yamlfile import Map, Seq, load_yaml
from .published import ALT_LABEL, LABEL, RDF_TYPE


class ProjectEntities:
    """The project's mappings but the contribution's own files, mapped on first use."""

    def __init__(self, project: Project, vocabulary: Vocabulary, leaving_out: Iterable[Path]) -> None:
        self.project, self.vocabulary = project, vocabulary
        self.leaving_out = {path.resolve() for path in leaving_out}
        self.notes: list[str] = []
        self.unmapped: list[Path] = []

    @cached_property
    def articles(self) -> list[ArticleGraph]:
        """The other mappings, mapped; one that does not map yet is left out with a note."""
        mapped = []
        for path in self.project.mapping_files():
            if path.resolve() in self.leaving_out:
                continue
            try:
                mapped.append(map_article_cached(self.project, self.vocabulary, path))
            except InputError as error:
                self.unmapped.append(path)
                self.notes.append(
                    f"{path.name} does not map yet, so the types and names of its entities were not used "
                    f"({error.problem}); validate it too"
                )
        return mapped

    @cached_property
    def ids(self) -> set[str]:
        """The ids the other mappings declare (by their entries' keys, in a YAML mapping that does not map yet)."""
        found = {entity_id for article in self.articles for entity_id in article.entity_lines}
        for path in self.unmapped:
            found |= _declared_in_yaml(path) if path.suffix == ".yaml" else set()
        return found

    def declares(self, entity_id: str) -> bool:
        return entity_id in self.ids

    def context(self, iris: set[str], described: AbstractSet[str] = frozenset()) -> list[Quad]:
        """The types, labels and aliases the other mappings give these IRIs, and every fact they state about the
        `described` ones (the entities the contribution adds facts to)."""
        wanted = {NamedNode(iri) for iri in iris}
        every = {NamedNode(iri) for iri in described}
        return [
            quad
            for article in self.articles
            for quad in article.quads
            if quad.subject in every or (quad.subject in wanted and quad.predicate in (RDF_TYPE, LABEL, ALT_LABEL))
        ]


def _declared_in_yaml(path: Path) -> set[str]:
    """The ids of a YAML mapping's entries that declare an entity (with a type), read without mapping it."""
    try:
        document = load_yaml(path)
    except InputError:
        return set()
    entities = document.get("entities") if isinstance(document, Map) else None
    return {
        entity["id"]
        for entity in (entities if isinstance(entities, Seq) else [])
        if isinstance(entity, Map) and isinstance(entity.get("id"), str) and "type" in entity
    }
