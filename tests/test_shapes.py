"""The SHACL shapes (shapes/*.ttl): good data conforms, and each kind of mistake gets its own message.

Each test validates a small article graph written inline, the way the build validates every article graph:
with the shapes and the ontology's class hierarchy. `claimed(...)` reifies every fact as a claim quoted from
the test article, as the mapping engine does, so a test only writes the facts it is about.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, RDFS, SH, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from ecograph.build.shacl import class_hierarchy, load_shapes, problems_in
from ecograph.findings import Finding
from ecograph.ontology import Vocabulary
from ecograph.project import Project

REPO = Path(__file__).resolve().parents[1]
ECO = Namespace("https://w3id.org/ecograph/def#")
ID = Namespace("https://w3id.org/ecograph/id/")
PROV = Namespace("http://www.w3.org/ns/prov#")

PREFIXES = """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix eco: <https://w3id.org/ecograph/def#> .
@prefix article: <https://w3id.org/ecograph/id/article/> .
@prefix organisation: <https://w3id.org/ecograph/id/organisation/> .
@prefix person: <https://w3id.org/ecograph/id/person/> .
@prefix position: <https://w3id.org/ecograph/id/position/> .
@prefix place: <https://w3id.org/ecograph/id/place/> .
@prefix programme: <https://w3id.org/ecograph/id/programme/> .
@prefix funding: <https://w3id.org/ecograph/id/funding/> .
@prefix figure: <https://w3id.org/ecograph/id/figure/> .
@prefix event: <https://w3id.org/ecograph/id/event/> .
@prefix graph: <https://w3id.org/ecograph/graph/> .
"""

# What the engine writes about the article itself, outside claims.
ARTICLE = """
article:micronit-clean-room a eco:Article ;
    eco:seedFile "100_test.txt" ;
    eco:sha256 "0f8c5ec4853f10598731eff781cf9179157cbba42ce10463069e11196da9130b" ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/ENG> .
graph:micronit-clean-room eco:sourceArticle article:micronit-clean-room .
"""

# Facts of a small article that uses most kinds of entity; every one of them is right.
GOOD = """
article:micronit-clean-room dcterms:title "Micronit opens a new clean room"@en ;
    dcterms:issued "2023-12-19"^^xsd:date .

organisation:micronit a eco:Company ;
    rdfs:label "Micronit"@en , "Micronit"@nl ;
    skos:altLabel "Micronit Microtechnologies"@en ;
    eco:locatedIn place:enschede .
place:enschede a eco:City ;
    rdfs:label "Enschede"@en , "Enschede"@nl .
organisation:twente-board a eco:InnovationIntermediary ;
    rdfs:label "Twente Board"@en , "Twente Board"@nl .
person:jan-jansen a eco:Person ;
    rdfs:label "Jan Jansen"@en , "Jan Jansen"@nl .
position:jan-jansen-micronit a eco:Position ;
    rdfs:label "Jan Jansen, director of Micronit"@en , "Jan Jansen, directeur van Micronit"@nl ;
    eco:heldBy person:jan-jansen ;
    eco:atOrganisation organisation:micronit ;
    eco:jobTitle "director"@en .
funding:twente-board-micronit a eco:Funding ;
    rdfs:label "Twente Board funding for Micronit"@en , "Financiering van de Twente Board voor Micronit"@nl ;
    eco:funder organisation:twente-board ;
    eco:recipient organisation:micronit ;
    eco:amount 2000000.0 ;
    eco:currency "EUR" ;
    eco:date "2023-12"^^xsd:gYearMonth .
figure:micronit-partners a eco:Figure ;
    rdfs:label "Micronit's partners"@en , "partners van Micronit"@nl ;
    eco:about organisation:micronit ;
    eco:value 13.0 ;
    eco:measure "partners"@en ;
    eco:qualifier "exact" .
event:clean-room-opening a eco:Event ;
    rdfs:label "Opening of the clean room"@en , "Opening van de cleanroom"@nl ;
    eco:startDate "--12-19"^^xsd:gMonthDay ;
    eco:locatedIn place:enschede ;
    eco:participant person:jan-jansen .
"""


@pytest.fixture(scope="module")
def validate():
    """validate(graph) -> the shapes' problems with it (empty when it conforms)."""
    project = Project.open(REPO)
    shapes = load_shapes(project)
    hierarchy = class_hierarchy(Vocabulary.of(project).graph)
    return lambda graph: problems_in(graph, shapes, hierarchy)


def claimed(facts: str, *, article: str = ARTICLE) -> Graph:
    """The facts, each with a claim quoted from line 1 of the article, plus the article's own triples."""
    graph = Graph().parse(data=PREFIXES + facts, format="turtle")
    source = ID["article/micronit-clean-room"]
    for subject, predicate, obj in list(graph):
        statement = f"{subject.n3()} {predicate.n3()} {obj.n3()}"
        claim = ID["claim/" + hashlib.sha256(statement.encode()).hexdigest()[:16]]
        graph.add((claim, RDF.type, ECO.Claim))
        graph.add((claim, RDF.subject, subject))
        graph.add((claim, RDF.predicate, predicate))
        graph.add((claim, RDF.object, obj))
        graph.add((claim, ECO.quote, Literal("Micronit opens a new clean room")))
        graph.add((claim, ECO.quoteLine, Literal(1, datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))))
        graph.add((claim, PROV.wasQuotedFrom, source))
    return graph.parse(data=PREFIXES + article, format="turtle")


def violations(problems: list[Finding]) -> list[Finding]:
    return [p for p in problems if p.severity == "Violation"]


def only_violation(problems: list[Finding]) -> Finding:
    """The one violation: a test of one mistake must not set off other constraints (a value that breaks two
    parts of one constraint, such as "abc"^^xsd:decimal for a positive decimal, is still one mistake)."""
    found = list({(p.focus, p.path, p.message): p for p in violations(problems)}.values())
    assert len(found) == 1, "\n".join(f"{p.focus} {p.path}: {p.message}" for p in found)
    return found[0]


def only(severity: str, problems: list[Finding]) -> Finding:
    found = [p for p in problems if p.severity == severity]
    assert len(found) == 1, "\n".join(f"{p.severity} {p.focus} {p.path}: {p.message}" for p in problems)
    return found[0]


def good_but(old: str, new: str) -> str:
    """The good facts with one passage changed."""
    assert old in GOOD, old
    return GOOD.replace(old, new)


CONSTRAINTS = {
    SH[name]
    for name in (
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
        "uniqueLang",
        "in",
        "hasValue",
        "node",
        "or",
        "and",
        "not",
        "xone",
        "qualifiedValueShape",
        "equals",
        "disjoint",
        "lessThan",
        "closed",
    )
}


# the shapes themselves ---------------------------------------------------------------------------------------


def test_the_shapes_conform_to_shacl_for_shacl() -> None:
    shapes = load_shapes(Project.open(REPO))
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_shacl_for_shacl_catches_a_broken_shape() -> None:
    broken = Graph().parse(
        data=PREFIXES
        + """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <https://w3id.org/ecograph/shapes#Broken> a sh:NodeShape ;
            sh:targetClass eco:Position ;
            sh:property [ sh:path eco:heldBy ; sh:minCount "one" ] .
        """,
        format="turtle",
    )
    with pytest.raises(Exception, match=r"does not validate against the SHACL Shapes SHACL \(MetaSHACL\) file"):
        pyshacl.validate(Graph(), shacl_graph=broken, meta_shacl=True)


def test_every_class_of_the_ontology_is_checked_by_a_shape() -> None:
    project = Project.open(REPO)
    shapes = load_shapes(project)
    ontology = Vocabulary.of(project).graph
    targeted = set(shapes.objects(None, SH.targetClass))

    def reached(cls: URIRef) -> bool:
        return cls in targeted or any(reached(s) for s in ontology.objects(cls, RDFS.subClassOf))

    classes = Vocabulary.of(project).classes.values()
    assert [c for c in classes if not reached(c)] == []


def test_every_property_of_the_ontology_is_checked_by_a_shape() -> None:
    project = Project.open(REPO)
    shapes = load_shapes(project)
    checked = set(shapes.objects(None, SH.path)) | set(shapes.objects(None, SH.targetSubjectsOf))
    properties = [p.iri for p in Vocabulary.of(project).properties.values()]
    assert [p for p in properties if p not in checked] == []


def test_every_constraint_says_what_to_do_in_english() -> None:
    """Every shape that is checked on its own (it has a target or hangs off sh:property) and has a constraint
    of its own carries an English sh:message; helper shapes used through sh:node or sh:or report through the
    shape that uses them."""
    shapes = load_shapes(Project.open(REPO))
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    checked = {s for p in targets for s in shapes.subjects(p, None)} | set(shapes.objects(None, SH.property))
    without = [
        s
        for s in checked
        if any(p in CONSTRAINTS for p in shapes.predicates(s))
        and not any(m.language == "en" for m in shapes.objects(s, SH.message))
    ]
    assert without == []


def test_every_named_shape_has_a_name() -> None:
    shapes = load_shapes(Project.open(REPO))
    named = {s for kind in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, kind)}
    assert [s for s in named if not (shapes.value(s, RDFS.label) or shapes.value(s, SH.name))] == []


def test_the_date_alternatives_are_a_closed_list() -> None:
    """DateValue accepts exactly the four date datatypes the mapping engine writes."""
    shapes = load_shapes(Project.open(REPO))
    options = Collection(shapes, shapes.value(URIRef("https://w3id.org/ecograph/shapes#DateValue"), SH["or"]))
    datatypes = {str(shapes.value(option, SH.datatype)).rsplit("#", 1)[-1] for option in options}
    assert datatypes == {"date", "gYearMonth", "gYear", "gMonthDay"}


# good data -------------------------------------------------------------------------------------------------


def test_good_data_conforms_without_warnings(validate) -> None:
    problems = validate(claimed(GOOD))
    assert [p for p in problems if p.severity != "Info"] == []


def test_the_patterns_follow_the_project_base(tmp_path: Path) -> None:
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "ecograph.ttl").write_text((REPO / "shapes" / "ecograph.ttl").read_text("utf-8"), "utf-8")
    shapes = load_shapes(Project(root=tmp_path, base="https://example.org/eg/"))
    patterns = {str(p) for p in shapes.objects(None, SH.pattern)}
    assert "^https://example.org/eg/id/[a-z][a-z0-9-]*/[a-z0-9][a-z0-9-]*$" in patterns
    assert not [p for p in patterns if "w3id.org" in p]


# cardinalities ---------------------------------------------------------------------------------------------


def test_missing_required_property(validate) -> None:
    facts = good_but("    eco:heldBy person:jan-jansen ;\n", "")
    problem = only_violation(validate(claimed(facts)))
    assert problem.focus == str(ID["position/jan-jansen-micronit"])
    assert problem.message.startswith("A position is held by exactly one person: write one fact heldBy:")


def test_entity_without_a_label(validate) -> None:
    facts = good_but('    rdfs:label "Twente Board"@en , "Twente Board"@nl .', "    eco:locatedIn place:enschede .")
    problem = only_violation(validate(claimed(facts)))
    assert problem.focus == str(ID["organisation/twente-board"])
    assert problem.message.startswith("An entity needs a name: write label: {en: ...}")


def test_two_values_where_one_is_allowed(validate) -> None:
    facts = good_but("    eco:value 13.0 ;", "    eco:value 13.0 , 14.0 ;")
    problem = only_violation(validate(claimed(facts)))
    assert problem.focus == str(ID["figure/micronit-partners"])
    assert problem.message.startswith("A figure has exactly one value")


def test_position_at_two_organisations(validate) -> None:
    facts = good_but(
        "    eco:atOrganisation organisation:micronit ;",
        "    eco:atOrganisation organisation:micronit , organisation:twente-board ;",
    )
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("A position is held at one organisation")


def test_position_without_organisation_is_only_a_warning(validate) -> None:
    facts = good_but("    eco:atOrganisation organisation:micronit ;\n", "")
    problems = validate(claimed(facts))
    assert violations(problems) == []
    assert only("Warning", problems).message.startswith("The position names no organisation")


def test_funding_with_neither_funder_nor_recipient(validate) -> None:
    facts = good_but("    eco:funder organisation:twente-board ;\n    eco:recipient organisation:micronit ;\n", "")
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("A funding must say who gives the money or who receives it")


def test_funding_with_both_an_amount_and_a_minimum_amount(validate) -> None:
    facts = good_but("    eco:amount 2000000.0 ;", "    eco:amount 2000000.0 ;\n    eco:minimumAmount 1000000.0 ;")
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("A funding has an exact amount or a minimum amount, not both")


def test_funding_amount_without_currency(validate) -> None:
    facts = good_but('    eco:currency "EUR" ;\n', "")
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("A funding amount needs its currency: add a fact currency: EUR")


# datatypes and values --------------------------------------------------------------------------------------


def test_wrong_datatype(validate) -> None:
    facts = GOOD + 'programme:p a eco:Programme ;\n    rdfs:label "P"@en , "P"@nl ;\n    eco:numberOfPartners "13" .\n'
    problem = only_violation(validate(claimed(facts)))
    assert problem.focus == str(ID["programme/p"])
    assert problem.value == "13"
    assert problem.message.startswith("The number of partners is one whole number")


@pytest.mark.parametrize("amount", ["-2000000.0", '"2 million"', '"abc"^^xsd:decimal', "0.0"])
def test_amount_that_is_not_a_positive_number(validate, amount: str) -> None:
    facts = good_but("    eco:amount 2000000.0 ;", f"    eco:amount {amount} ;")
    problem = only_violation(validate(claimed(facts)))
    assert problem.message == (
        "A funding amount must be a positive number: write the amount in euros as digits, e.g. 8710000."
    )


@pytest.mark.parametrize(
    "date",
    [
        '"2023-02-30"^^xsd:date',
        '"2023-13"^^xsd:gYearMonth',
        '"2023"',
        '"--02-30"^^xsd:gMonthDay',
        '"2023-12-19T10:00:00"^^xsd:dateTime',
    ],
)
def test_impossible_date(validate, date: str) -> None:
    facts = good_but('    eco:date "2023-12"^^xsd:gYearMonth .', f"    eco:date {date} .")
    problem = only_violation(validate(claimed(facts)))
    assert problem.focus == str(ID["funding/twente-board-micronit"])
    assert problem.message.startswith("A date is one valid date: write date: 2023-12-19")


@pytest.mark.parametrize("currency", ['"€"', '"euro"', '"eur"'])
def test_currency_that_is_not_an_iso_code(validate, currency: str) -> None:
    facts = good_but('    eco:currency "EUR" ;', f"    eco:currency {currency} ;")
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("A currency is a three-letter ISO 4217 code")


def test_qualifier_outside_the_list(validate) -> None:
    facts = good_but('    eco:qualifier "exact" .', '    eco:qualifier "roughly" .')
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("A qualifier is one of: exact, about, more than, less than, forecast")


# classes of linked nodes -----------------------------------------------------------------------------------


def test_wrong_class_of_a_linked_node(validate) -> None:
    facts = good_but("    eco:heldBy person:jan-jansen ;", "    eco:heldBy organisation:twente-board ;")
    problem = only_violation(validate(claimed(facts)))
    assert problem.value == str(ID["organisation/twente-board"])
    assert problem.message.startswith("heldBy links to the person who holds the position")


def test_a_subclass_satisfies_a_range(validate) -> None:
    """funder's range is prov:Agent: an InnovationIntermediary is one through eco:Organisation."""
    assert violations(validate(claimed(GOOD))) == []
    facts = good_but("    eco:funder organisation:twente-board ;", "    eco:funder place:enschede ;")
    assert only_violation(validate(claimed(facts))).message.startswith("funder links to the organisation")


def test_a_link_from_outside_the_domain_is_a_warning(validate) -> None:
    facts = good_but(
        '    rdfs:label "Jan Jansen"@en , "Jan Jansen"@nl .',
        '    rdfs:label "Jan Jansen"@en , "Jan Jansen"@nl ;\n    eco:heldBy person:jan-jansen .',
    )
    problems = validate(claimed(facts))
    assert violations(problems) == []
    assert only("Warning", problems).message.startswith("heldBy belongs on a position")


# labels and language tags ----------------------------------------------------------------------------------


def test_label_without_language_tag(validate) -> None:
    facts = good_but('rdfs:label "Enschede"@en , "Enschede"@nl .', 'rdfs:label "Enschede" .')
    problem = only_violation(validate(claimed(facts)))
    assert problem.focus == str(ID["place/enschede"])
    assert problem.message.startswith("A label must be a non-empty text with a language tag")


def test_two_labels_in_one_language(validate) -> None:
    facts = good_but('rdfs:label "Enschede"@en , "Enschede"@nl .', 'rdfs:label "Enschede"@en , "Enschede city"@en .')
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("An entity has one label per language")


def test_missing_dutch_label_is_only_information(validate) -> None:
    facts = good_but('rdfs:label "Enschede"@en , "Enschede"@nl .', 'rdfs:label "Enschede"@en .')
    problems = validate(claimed(facts))
    assert [p.severity for p in problems] == ["Info"]
    assert problems[0].message.startswith("The entity has no Dutch label")


def test_text_without_language_tag(validate) -> None:
    facts = good_but('    eco:jobTitle "director"@en .', '    eco:jobTitle "director" .')
    problem = only_violation(validate(claimed(facts)))
    assert problem.message.startswith("A job title is a non-empty text with a language tag")


# IRIs ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iri",
    [
        "<https://example.org/micronit>",
        "<https://w3id.org/ecograph/id/micronit>",
        "<https://w3id.org/ecograph/id/organisation/Micronit>",
    ],
)
def test_entity_iri_outside_the_base_pattern(validate, iri: str) -> None:
    facts = GOOD + f'{iri} a eco:Company ;\n    rdfs:label "Micronit"@en , "Micronit"@nl .\n'
    problems = violations(validate(claimed(facts)))
    assert [p.message[:41] for p in problems] == ["An entity's IRI must be https://w3id.org/"]


def test_id_under_another_kind_is_a_warning(validate) -> None:
    facts = GOOD + 'organisation:jan a eco:Person ;\n    rdfs:label "Jan"@en , "Jan"@nl .\n'
    problems = validate(claimed(facts))
    assert violations(problems) == []
    assert only("Warning", problems).message.startswith("People are given ids under person/")


# provenance ------------------------------------------------------------------------------------------------


def test_claim_without_quote(validate) -> None:
    graph = claimed(GOOD)
    claim = next(graph.subjects(RDF.subject, ID["place/enschede"]))
    graph.remove((claim, ECO.quote, None))
    problem = only_violation(validate(graph))
    assert problem.focus == str(claim)
    assert problem.message.startswith("Every fact needs exactly one non-empty quote")


def test_claim_with_an_empty_quote(validate) -> None:
    graph = claimed(GOOD)
    claim = next(graph.subjects(RDF.subject, ID["place/enschede"]))
    graph.set((claim, ECO.quote, Literal("  ")))
    assert only_violation(validate(graph)).message.startswith("Every fact needs exactly one non-empty quote")


def test_claim_quoted_from_something_that_is_not_an_article(validate) -> None:
    graph = claimed(GOOD)
    claim = next(graph.subjects(RDF.subject, ID["place/enschede"]))
    graph.set((claim, PROV.wasQuotedFrom, URIRef("https://example.org/some-web-page")))
    problem = only_violation(validate(graph))
    assert problem.message.startswith("A claim is quoted from exactly one article")


def test_claim_without_a_line(validate) -> None:
    graph = claimed(GOOD)
    claim = next(graph.subjects(RDF.subject, ID["place/enschede"]))
    graph.remove((claim, ECO.quoteLine, None))
    assert only_violation(validate(graph)).message.startswith("A claim gives exactly one line")


def test_entity_that_no_claim_supports(validate) -> None:
    graph = claimed(GOOD)
    graph.parse(data=PREFIXES + 'place:hengelo a eco:City ; rdfs:label "Hengelo"@en , "Hengelo"@nl .', format="turtle")
    problem = only_violation(validate(graph))
    assert problem.focus == str(ID["place/hengelo"])
    assert problem.message.startswith("Nothing the article says supports this entity")


def test_article_without_a_title(validate) -> None:
    facts = good_but('dcterms:title "Micronit opens a new clean room"@en ;\n   ', "")
    problem = only_violation(validate(claimed(facts)))
    assert problem.focus == str(ID["article/micronit-clean-room"])
    assert problem.message.startswith("An article has exactly one title with a language tag")


def test_article_without_quoted_metadata(validate) -> None:
    graph = claimed(GOOD)
    for claim in list(graph.subjects(RDF.subject, ID["article/micronit-clean-room"])):
        graph.remove((claim, None, None))
    problem = only_violation(validate(graph))
    assert problem.message.startswith("Nothing the article's metadata states is quoted from its text")


# the seed articles -----------------------------------------------------------------------------------------


def test_the_seed_articles_conform(built_dist: Path, validate) -> None:
    """Each published article graph, validated as the build does (with the names its entities have in the
    names graph and the other articles), has no violation."""
    articles = sorted((built_dist / "articles").glob("*.ttl"))
    whole = Graph().parse(built_dist / "ecograph.ttl", format="turtle")
    assert articles
    for path in articles:
        graph = Graph().parse(path, format="turtle")
        for subject in set(graph.subjects()):
            for predicate in (RDFS.label, SKOS.altLabel):
                for name in whole.objects(subject, predicate):
                    graph.add((subject, predicate, name))
        found = violations(validate(graph))
        assert found == [], f"{path.name}: " + "\n".join(f"{p.focus} {p.path}: {p.message}" for p in found)
