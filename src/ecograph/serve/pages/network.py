"""The ecosystem picture: organisations, ecosystems and funding flows as a network, laid out in Python.

The layout is a Fruchterman–Reingold force layout started from a circle in a fixed order, so the same data
always gives the same picture. The SVG itself is written by a template (templates/network.svg).
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .describe import Linker, SiteLike

MEMBERSHIP = (
    "memberOf",
    "hasMember",
    "partner",
    "initiatedBy",
    "managedBy",
    "ledBy",
    "subOrganisationOf",
    "collaboratesWith",
    "spinOffOf",
)

TYPES = """SELECT ?s ?t ?label WHERE {
  ?s a ?t . FILTER(?t != <ECO#Claim> && ?t != <ECO#Article>)
  OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
}"""
LINKS = """SELECT ?a ?p ?b WHERE { ?a ?p ?b VALUES ?p { PROPERTIES } }"""
FUNDING = """SELECT ?f ?funder ?instrument ?recipient ?amount WHERE {
  ?f a <ECO#Funding> ; <ECO#recipient> ?recipient .
  OPTIONAL { ?f <ECO#funder> ?funder }
  OPTIONAL { ?f <ECO#instrument> ?instrument }
  OPTIONAL { ?f <ECO#amount> ?amount }
}"""


@dataclass
class Node:
    iri: str
    label: str
    kind: str  # "ecosystem", "organisation" or "other" (a funding instrument, programme, ...)
    href: str = ""
    x: float = 0.0
    y: float = 0.0
    degree: int = 0
    radius: float = 5.0
    show_label: bool = True
    label_x: float = 0.0
    label_y: float = 0.0
    anchor: str = "middle"

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= 30 else self.label[:28].rstrip() + "…"


@dataclass
class Edge:
    source: str
    target: str
    kind: str  # "member" or "funding"
    label: str = ""
    weight: float = 1.0


@dataclass
class Network:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 900
    height: int = 640

    def node(self, iri: str) -> Node:
        return next(n for n in self.nodes if n.iri == iri)


async def ecosystem_network(site: SiteLike, linker: Linker) -> Network:
    """Organisations and ecosystems linked by membership and partnership, and funder → recipient flows."""
    eco = f"{site.base}def#"
    properties = " ".join(f"<{eco}{name}>" for name in MEMBERSHIP)
    types = await site.query(TYPES.replace("ECO#", eco))
    links = await site.query(LINKS.replace("PROPERTIES", properties))
    funding = await site.query(FUNDING.replace("ECO#", eco))
    kinds, labels = _kinds(types.rows, linker, eco)
    edges = _membership_edges(links.rows, kinds) + _funding_edges(funding.rows, kinds)
    network = _network(edges, kinds, labels, linker)
    await asyncio.to_thread(layout, network)  # ~0.2 s of arithmetic for 40 nodes: off the event loop
    return network


def _kinds(rows: list[tuple], linker: Linker, eco: str) -> tuple[dict[str, str], dict[str, str]]:
    organisations = linker.vocab.subclasses(eco + "Organisation")
    ecosystems = linker.vocab.subclasses(eco + "Ecosystem")
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    for subject, kind, label in rows:
        if not isinstance(subject, ox.NamedNode):
            continue
        iri = subject.value
        if kind.value in ecosystems:
            kinds[iri] = "ecosystem"
        elif kind.value in organisations and kinds.get(iri) != "ecosystem":
            kinds[iri] = "organisation"
        else:
            kinds.setdefault(iri, "other")
        if label is not None:
            labels.setdefault(iri, label.value)
    return kinds, labels


def _membership_edges(rows: list[tuple], kinds: dict[str, str]) -> list[Edge]:
    edges = []
    for a, _p, b in rows:
        ends = (a.value, b.value) if isinstance(b, ox.NamedNode) else None
        if ends and all(kinds.get(e) in ("organisation", "ecosystem") for e in ends) and ends[0] != ends[1]:
            edges.append(Edge(source=ends[0], target=ends[1], kind="member"))
    return edges


def _funding_edges(rows: list[tuple], kinds: dict[str, str]) -> list[Edge]:
    edges = []
    for _f, funder, instrument, recipient, amount in rows:
        source = funder or instrument
        if source is None or not isinstance(recipient, ox.NamedNode):
            continue
        value = _amount(amount)
        label = f"€{value:,.0f}" if value else ""
        edges.append(
            Edge(
                source=source.value,
                target=recipient.value,
                kind="funding",
                label=label,
                weight=1.0 + math.log10(1 + value) / 3 if value else 1.0,
            )
        )
    return edges


def _amount(term: ox.Literal | None) -> float:
    try:
        return float(term.value) if term is not None else 0.0
    except ValueError:
        return 0.0


def _network(edges: list[Edge], kinds: dict[str, str], labels: dict[str, str], linker: Linker) -> Network:
    unique: dict[tuple[str, str, str], Edge] = {}
    for edge in edges:
        key = (
            (edge.source, edge.target, edge.kind)
            if edge.kind == "funding"
            else (*sorted((edge.source, edge.target)), edge.kind)
        )
        unique.setdefault(key, edge)  # type: ignore[arg-type]
    degree: dict[str, int] = defaultdict(int)
    for edge in unique.values():
        degree[edge.source] += 1
        degree[edge.target] += 1
    nodes = [
        Node(
            iri=iri,
            label=labels.get(iri) or linker.link(iri).label,
            kind=kinds.get(iri, "other"),
            href=linker.href(iri),
            degree=degree[iri],
        )
        for iri in sorted(degree)
    ]
    return Network(nodes=nodes, edges=sorted(unique.values(), key=lambda e: (e.kind, e.source, e.target)))


def layout(network: Network, iterations: int = 120) -> None:
    """Fruchterman–Reingold from a circle (fixed order), then scaled into the picture with a margin."""
    nodes, count = network.nodes, len(network.nodes)
    if not count:
        return
    for index, node in enumerate(nodes):
        angle = 2 * math.pi * index / count
        node.x, node.y = math.cos(angle), math.sin(angle)
    index_of = {node.iri: i for i, node in enumerate(nodes)}
    pairs = [(index_of[e.source], index_of[e.target]) for e in network.edges]
    k = math.sqrt(4.0 / count)
    temperature = 0.2
    for _ in range(iterations):
        _step(nodes, pairs, k, temperature)
        temperature *= 0.97
    _fit(network)


def _step(nodes: list[Node], pairs: list[tuple[int, int]], k: float, temperature: float) -> None:
    count = len(nodes)
    dx = [0.0] * count
    dy = [0.0] * count
    xs = [n.x for n in nodes]
    ys = [n.y for n in nodes]
    for i in range(count):
        for j in range(i + 1, count):
            ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
            distance2 = ddx * ddx + ddy * ddy or 1e-6
            force = k * k / distance2
            dx[i] += ddx * force
            dy[i] += ddy * force
            dx[j] -= ddx * force
            dy[j] -= ddy * force
    for i, j in pairs:
        ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
        distance = math.sqrt(ddx * ddx + ddy * ddy) or 1e-3
        force = distance / k
        dx[i] -= ddx * force
        dy[i] -= ddy * force
        dx[j] += ddx * force
        dy[j] += ddy * force
    for i, node in enumerate(nodes):
        # a weak pull to the centre keeps unconnected parts from drifting away
        dx[i] -= xs[i] * 0.05 * count
        dy[i] -= ys[i] * 0.05 * count
        length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) or 1e-9
        step = min(length, temperature)
        node.x = xs[i] + dx[i] / length * step
        node.y = ys[i] + dy[i] / length * step


def _fit(network: Network, margin: float = 70.0) -> None:
    left, right = min(n.x for n in network.nodes), max(n.x for n in network.nodes)
    top, bottom = min(n.y for n in network.nodes), max(n.y for n in network.nodes)
    span_x, span_y = (right - left) or 1.0, (bottom - top) or 1.0
    for node in network.nodes:
        node.x = round(margin + (node.x - left) / span_x * (network.width - 2 * margin), 1)
        node.y = round(margin / 2 + (node.y - top) / span_y * (network.height - margin), 1)


@dataclass
class DrawnEdge:
    """An edge in picture coordinates: a line, or for funding a curve (control point cx, cy) with an arrow."""

    kind: str
    x1: float
    y1: float
    x2: float
    y2: float
    cx: float
    cy: float
    width: float
    label: str
    title: str


def draw(network: Network) -> list[DrawnEdge]:
    """Sizes the nodes (by kind and degree), places labels where they fit, and places every edge."""
    for node in network.nodes:
        node.radius = {"ecosystem": 11.0, "organisation": 4.0 + min(node.degree, 6)}.get(node.kind, 6.0)
    _place_labels(network)
    by_iri = {node.iri: node for node in network.nodes}
    return [_drawn(edge, by_iri[edge.source], by_iri[edge.target]) for edge in network.edges]


Box = tuple[float, float, float, float]


def _place_labels(network: Network) -> None:
    """Greedy: most important nodes first, each label above, below, right or left of its node where it
    overlaps no label placed before and stays inside the picture; else no label (the node keeps its tooltip)."""
    placed: list[Box] = [(n.x - n.radius, n.y - n.radius, n.x + n.radius, n.y + n.radius) for n in network.nodes]
    order = sorted(network.nodes, key=lambda n: (n.kind != "ecosystem", -n.degree, n.label))
    for node in order:
        node.show_label = False
        size = 13.0 if node.kind == "ecosystem" else 11.0
        width, height = len(node.short_label) * size * 0.58, size
        for x, y, anchor in _candidates(node, width, height):
            box = _box(x, y, anchor, width, height)
            inside = box[0] >= 2 and box[2] <= network.width - 2 and box[1] >= 2 and box[3] <= network.height - 2
            if inside and not any(_overlap(box, other) for other in placed if other != _own(node)):
                node.label_x, node.label_y, node.anchor, node.show_label = x, y, anchor, True
                placed.append(box)
                break


def _candidates(node: Node, width: float, height: float) -> list[tuple[float, float, str]]:
    gap = node.radius + 3
    above, below = node.y - gap, node.y + gap + height
    return [
        (node.x, above, "middle"),
        (node.x, below, "middle"),
        (node.x + gap, node.y + height / 3, "start"),
        (node.x - gap, node.y + height / 3, "end"),
        (node.x + node.radius, above, "end"),
        (node.x - node.radius, above, "start"),
        (node.x + node.radius, below, "end"),
        (node.x - node.radius, below, "start"),
    ]


def _box(x: float, y: float, anchor: str, width: float, height: float) -> Box:
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (left, y - height, left + width, y + 2)


def _own(node: Node) -> Box:
    return (node.x - node.radius, node.y - node.radius, node.x + node.radius, node.y + node.radius)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _drawn(edge: Edge, a: Node, b: Node) -> DrawnEdge:
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    x1, y1 = a.x + ux * a.radius, a.y + uy * a.radius
    x2, y2 = b.x - ux * (b.radius + 1), b.y - uy * (b.radius + 1)
    bend = 0.15 * length if edge.kind == "funding" else 0.0
    cx, cy = (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend
    verb = "funds" if edge.kind == "funding" else "is linked to"
    title = f"{a.label} {verb} {b.label}" + (f" ({edge.label})" if edge.label else "")
    return DrawnEdge(
        kind=edge.kind,
        x1=round(x1, 1),
        y1=round(y1, 1),
        x2=round(x2, 1),
        y2=round(y2, 1),
        cx=round(cx, 1),
        cy=round(cy, 1),
        width=round(1.2 * edge.weight, 2),
        label=edge.label,
        title=title,
    )
