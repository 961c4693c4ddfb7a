"""Golden graph facts: what the seed build must (and must not) say, read against the articles.

Each case is a SPARQL ASK over the built graph (all article graphs merged), with the answer an editor expects
after reading the articles: one thing has one IRI, relations the articles state are links (statements of intent
as such), things have the right class, and no claim says more than its quote.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.queries import open_store
from ecograph.validate.duplicates import normalise

PREFIXES = """
PREFIX eco: <https://w3id.org/ecograph/def#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
BASE <https://w3id.org/ecograph/id/>
"""

# (what an editor reads in the articles, the ASK pattern, whether the graph must say it)
FACTS = [
    # one thing, one IRI
    (
        "the Kennispark campus is managed by the Kennispark organisation of the same name",
        "<facility/kennispark-twente> eco:managedBy <organisation/kennispark-twente>",
        True,
    ),
    (
        "the new biomedical laboratories are the MedTech Factory, not a second facility",
        "<facility/kennispark-biomedical-laboratories> ?p ?o",
        False,
    ),
    (
        "the MedTech Factory keeps the other name as an alias",
        '<facility/medtech-factory> skos:altLabel "new biomedical laboratories"@en',
        True,
    ),
    (
        "Kathleen D’Hondt's one role is one position",
        "?a eco:heldBy <person/kathleen-dhondt> . ?b eco:heldBy <person/kathleen-dhondt> FILTER(?a != ?b)",
        False,
    ),
    (
        "Kathleen D’Hondt is from the Flemish Government: a member, as every 'X from Y'",
        "<person/kathleen-dhondt> eco:memberOf <organisation/flemish-government>",
        True,
    ),
    (
        "the three people from the 3D Lab Groningen are its members",
        "<person/max-witjes> eco:memberOf <organisation/3d-lab-groningen> . "
        "<person/joep-kraeima> eco:memberOf <organisation/3d-lab-groningen> . "
        "<person/frank-ijpma> eco:memberOf <organisation/3d-lab-groningen>",
        True,
    ),
    (
        "no position at the 3D Lab Groningen: the article gives them no title there",
        "?position eco:atOrganisation <organisation/3d-lab-groningen>",
        False,
    ),
    # relations the articles state, statements of intent as such
    (
        "Twente's MedTech ecosystem aims to take its position together with three other MedTech ecosystems",
        "<ecosystem/medtech-twente> eco:seeksCollaborationWith <ecosystem/medical-delta> , "
        "<ecosystem/brainport-eindhoven> , <ecosystem/brightlands-maastricht-health-campus>",
        True,
    ),
    (
        "Beernink calls to partner with Brainport",
        "<person/jaap-beernink> eco:callsToPartnerWith <ecosystem/brainport-eindhoven>",
        True,
    ),
    (
        "Burie calls to support NLAIC and MedTechNL",
        "<person/remke-burie> eco:callsToSupport <programme/nlaic> , <programme/medtechnl>",
        True,
    ),
    (
        "Orthros Medical is interested in the MedTech Factory",
        "<organisation/orthros-medical> eco:interestedIn <facility/medtech-factory>",
        True,
    ),
    (
        "the MedTech Factory is for companies from the Netherlands and Western Europe",
        "<facility/medtech-factory> eco:areaServed <place/netherlands> , <place/western-europe>",
        True,
    ),
    ("TOPFIT aims at Northern Europe", "<programme/topfit> eco:targetRegion <place/northern-europe>", True),
    (
        "since 2018 East Netherlands is co-lead of the S3 platform on Personalised Medicine",
        "?role a eco:Role ; eco:roleHolder <place/east-netherlands> ; "
        'eco:roleIn <partnership/s3-personalised-medicine> ; eco:roleName "co-lead"@en ; '
        'eco:startDate "2018"^^xsd:gYear',
        True,
    ),
    (
        "the Radboudumc is named in the Nijmegen ecosystem",
        "<organisation/radboudumc> eco:activeIn <ecosystem/health-high-tech-region-nijmegen>",
        True,
    ),
    (
        "the University of Twente is the source of new activity and innovations in MedTech Twente",
        "<organisation/university-of-twente> eco:sourceOfInnovationIn <ecosystem/medtech-twente>",
        True,
    ),
    (
        "EFRO is among those that made the Open Innovation subsidy available",
        "<instrument/open-innovation-subsidy> eco:fundedFrom <instrument/efro>",
        True,
    ),
    (
        "MDR and IVDR are regulations medical implants are subject to",
        "<regulation/mdr> a eco:Regulation . <regulation/ivdr> a eco:Regulation . "
        "<domain/medical-implants> eco:subjectTo <regulation/mdr> , <regulation/ivdr>",
        True,
    ),
    (
        "the clinical departments whose people started Personalised Implants are departments active in it",
        "<organisation/oral-diseases-and-maxillofacial-surgery> a eco:ClinicalDepartment ; "
        "eco:activeIn <ecosystem/personalised-implants> . "
        "<organisation/trauma-surgery> a eco:ClinicalDepartment ; eco:activeIn <ecosystem/personalised-implants>",
        True,
    ),
    # typing
    (
        "the programming period 2021-2027 is a budget period, not a programme",
        '?period a eco:ProgrammingPeriod ; rdfs:label "programming period 2021-2027"@en '
        "FILTER NOT EXISTS { ?period a eco:Programme }",
        True,
    ),
    (
        "the investment proposal is a document, not a programme",
        "?proposal a eco:Proposal ; eco:submittedTo <person/mona-keijzer> "
        "FILTER NOT EXISTS { ?proposal a eco:Programme }",
        True,
    ),
    (
        "diabetes, food, social return on investment and lifestyle coaching are application areas",
        "<domain/diabetes> a eco:ApplicationArea . <domain/food> a eco:ApplicationArea . "
        "<domain/social-return-on-investment> a eco:ApplicationArea . "
        "<domain/lifestyle-coaching> a eco:ApplicationArea",
        True,
    ),
    (
        "none of them is a technology domain",
        "VALUES ?d { <domain/diabetes> <domain/food> <domain/social-return-on-investment> "
        "<domain/lifestyle-coaching> } ?d a eco:TechnologyDomain",
        False,
    ),
    # claims the quote does not carry
    (
        "no article says any company is a member of MedTech Twente",
        "?company eco:memberOf <ecosystem/medtech-twente>",
        False,
    ),
    (
        "Demcon's and Inreda's work is counted among the cluster's",
        "<organisation/demcon> eco:activeIn <ecosystem/medtech-twente> . "
        "<organisation/inreda-diabetic> eco:activeIn <ecosystem/medtech-twente>",
        True,
    ),
    (
        "moving away for lack of space does not say where Orthros Medical originated",
        "<organisation/orthros-medical> eco:originatedIn ?place",
        False,
    ),
    (
        "dRural was launched thanks in part to Health Valley, not initiated by it",
        "<programme/drural> eco:initiatedBy ?agent",
        False,
    ),
    (
        "dRural was launched with the help of Health Valley",
        "<programme/drural> eco:launchedWithHelpOf <ecosystem/health-valley>",
        True,
    ),
    (
        "the TechMed Centre owes its position to the degree programmes; the text does not say it manages them",
        "?programme a eco:EducationProgramme ; eco:managedBy <organisation/techmed-centre>",
        False,
    ),
    (
        "MESA+ is headquartered at the university, which does not make it part of it",
        "<organisation/mesa-plus> eco:subOrganisationOf ?parent",
        False,
    ),
    (
        "partners of Th!nk East Netherlands are active in the platforms; the text says no 'member'",
        "<partnership/think-east-netherlands> eco:memberOf ?platform",
        False,
    ),
]


@pytest.fixture(scope="module")
def store(built_dist: Path) -> ox.Store:
    return open_store(built_dist)


@pytest.mark.parametrize(("fact", "pattern", "stated"), FACTS, ids=[f[0] for f in FACTS])
def test_the_graph_says_what_the_articles_say(store: ox.Store, fact: str, pattern: str, stated: bool) -> None:
    assert bool(store.query(f"{PREFIXES} ASK {{ {pattern} }}")) is stated, fact


def test_no_two_entities_share_a_name_unless_a_stated_relation_links_them(store: ox.Store) -> None:
    """Two entities with the same name (after normalising case, accents, word order and legal forms) are one
    thing twice, unless the articles relate them (a campus and the body that manages it, a platform and its
    domain): the stated relation is the recorded reason."""
    names: dict[str, set[str]] = {}
    for row in store.query(
        "SELECT DISTINCT ?e ?n WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label>"
        "|<http://www.w3.org/2004/02/skos/core#altLabel> ?n }"
    ):
        names.setdefault(normalise(row["n"].value), set()).add(row["e"].value)
    unrelated = [
        (name, a, b)
        for name, entities in sorted(names.items())
        for a in sorted(entities)
        for b in sorted(entities)
        if a < b and not bool(store.query(f"ASK {{ {{ <{a}> ?p <{b}> }} UNION {{ <{b}> ?p <{a}> }} }}"))
    ]
    assert unrelated == []
