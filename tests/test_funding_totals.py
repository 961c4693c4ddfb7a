"""Money that adds up: the stored funding queries count each funding once, so their totals agree per currency.

A funding with several funders (or instruments, or recipients) is given by them together and the articles never
say how it is split, so it counts once, in the row of its group. The seed build's one co-funded funding states no
amount, so the tests also run on the seed build plus one co-funded funding with an amount (written here, as the
mapping engine would write it): counted once per funder, it would make the funder rows add up to more.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.project import DEFAULT_BASE, Project
from ecograph.queries import bind_arguments, load_queries, open_store, run_query

REPO = Path(__file__).resolve().parents[1]
QUERIES = {query.name: query for query in load_queries(Project.open(REPO))}
ECO = "https://w3id.org/ecograph/def#"
ID = DEFAULT_BASE + "id/"
CO_FUNDED = ID + "funding/case-co-funded"


def co_funded_funding() -> list[tuple[str, ox.NamedNode | ox.Literal]]:
    """€5 million from the Twente Board and the Province of Overijssel together, through REACT-EU and EFRO, to
    Micronit and the MedTech Factory."""
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    return [
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(ECO + "Funding")),
        (ECO + "funder", ox.NamedNode(ID + "organisation/twente-board")),
        (ECO + "funder", ox.NamedNode(ID + "organisation/province-of-overijssel")),
        (ECO + "instrument", ox.NamedNode(ID + "instrument/react-eu")),
        (ECO + "instrument", ox.NamedNode(ID + "instrument/efro")),
        (ECO + "recipient", ox.NamedNode(ID + "organisation/micronit")),
        (ECO + "recipient", ox.NamedNode(ID + "facility/medtech-factory")),
        (ECO + "amount", ox.Literal("5000000", datatype=decimal)),
        (ECO + "currency", ox.Literal("EUR")),
    ]


@pytest.fixture(scope="module")
def seed_store(built_dist: Path) -> ox.Store:
    return open_store(built_dist)


@pytest.fixture(scope="module")
def co_funded_store(built_dist: Path) -> ox.Store:
    store = open_store(built_dist)
    graph = ox.NamedNode(DEFAULT_BASE + "graph/case")
    funding = ox.NamedNode(CO_FUNDED)
    for predicate, obj in co_funded_funding():
        for target in (graph, ox.DefaultGraph()):
            store.add(ox.Quad(funding, ox.NamedNode(predicate), obj, target))
    return store


def rows(store: ox.Store, name: str, **args: str) -> list[dict[str, str]]:
    query = QUERIES[name]
    variables, answer = run_query(store, query.text, bind_arguments(query, args, DEFAULT_BASE))
    return [{v: t.value for v, t in zip(variables, row, strict=True) if t is not None} for row in answer]


def totals(answer: list[dict[str, str]], column: str) -> dict[str, Decimal]:
    summed: dict[str, Decimal] = defaultdict(Decimal)
    for row in answer:
        if column in row:
            summed[row.get("currency", "")] += Decimal(row[column])
    return {currency: total for currency, total in summed.items() if total}


@pytest.mark.parametrize("store_name", ["seed_store", "co_funded_store"])
@pytest.mark.parametrize("name", ["funding-by-funder", "funding-by-instrument", "funding-by-recipient"])
def test_the_rows_of_a_funding_total_add_up_to_the_fundings(
    name: str, store_name: str, request: pytest.FixtureRequest
) -> None:
    store = request.getfixturevalue(store_name)
    fundings = rows(store, "fundings")
    assert len(fundings) == len({row["funding"] for row in fundings}), "one row per funding"
    expected = totals(fundings, "amount")
    assert expected
    assert totals(rows(store, name), "total") == expected
    assert sum(int(row["fundings"]) for row in rows(store, name)) == len(fundings)


def test_a_co_funded_funding_counts_once_in_the_row_of_its_funders_together(co_funded_store: ox.Store) -> None:
    [row] = [
        r for r in rows(co_funded_store, "funding-by-funder") if r["shared"] == "true" and "twente" in r["funders"]
    ]
    assert row["shared"] == "true"
    assert row["funders"].split() == sorted(
        [ID + "organisation/province-of-overijssel", ID + "organisation/twente-board"]
    )
    assert row["funderLabels"] == "Province of Overijssel + Twente Board"
    assert Decimal(row["total"]) == 5_000_000


def test_a_funder_sees_what_it_gives_alone_and_what_it_shares(co_funded_store: ox.Store) -> None:
    answer = rows(co_funded_store, "funding-by-funder", funder="organisation/twente-board")
    assert {(row["shared"], row["funderLabels"], Decimal(row["total"])) for row in answer} == {
        ("false", "Twente Board", Decimal(2_000_000)),  # the MedTech Factory investment (article 003)
        ("true", "Province of Overijssel + Twente Board", Decimal(5_000_000)),
    }


def test_fundings_lists_the_co_funders_of_a_funding_in_one_row(co_funded_store: ox.Store) -> None:
    [row] = [r for r in rows(co_funded_store, "fundings") if r["funding"] == CO_FUNDED]
    assert row["funderLabels"] == "Province of Overijssel + Twente Board"
    assert row["instrumentLabels"] == "European Fund for Regional Development + REACT-EU"
    assert row["recipientLabels"] == "MedTech Factory + Micronit"
    assert Decimal(row["amount"]) == 5_000_000
