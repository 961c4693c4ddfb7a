"""The ecosystem picture: organisations, ecosystems and funding flows as a network, laid out with networkx.

A funding with one funder and one recipient is an arrow carrying its amount; a funding with several funders (or
recipients, or one side unknown) is a node of its own that carries the amount once, with arrows from its funders
and to its recipients, so a co-funded amount is never drawn twice. The layout is networkx's spring layout
(Fruchterman–Reingold) with a fixed seed over nodes and edges in a fixed order, so the same data always gives
the same picture, byte for byte. Each node and edge names the ecosystems it belongs to, for the page's filter
(static/network.js). The SVG itself is written by a template (templates/network.svg).
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from .describe import Linker, SiteLike
from .present import money

MEMBERSHIP = (
    "memberOf",
    "hasMember",
    "partner",
    "activeIn",
    "initiatedBy",
    "managedBy",
    "ledBy",
    "subOrganisationOf",
    "collaboratesWith",
    "spinOffOf",
)
SEED = 20240601  # the layout's seed: change it and every picture changes
MAX_NODES = 250  # a picture with more is unreadable (and slow to lay out): the most connected are kept
ARROW = 8.0  # arrowhead length in picture units (userSpaceOnUse in templates/network.svg)

TYPES = """SELECT ?s ?t ?label WHERE {
  ?s a ?t . FILTER(?t != <ECO#Claim> && ?t != <ECO#Article>)
  OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
}"""
LINKS = """SELECT ?a ?p ?b WHERE { ?a ?p ?b VALUES ?p { PROPERTIES } }"""
FUNDING = """SELECT ?f ?funder ?instrument ?recipient ?amount ?minimum ?currency WHERE {
  ?f a <ECO#Funding> .
  OPTIONAL { ?f <ECO#recipient> ?recipient }
  OPTIONAL { ?f <ECO#funder> ?funder }
  OPTIONAL { ?f <ECO#instrument> ?instrument }
  OPTIONAL { ?f <ECO#amount> ?amount }
  OPTIONAL { ?f <ECO#minimumAmount> ?minimum }
  OPTIONAL { ?f <ECO#currency> ?currency }
}"""


@dataclass
class Node:
    iri: str
    label: str
    kind: str  # "ecosystem", "organisation", "funding" (a funding drawn as a node) or "other" (an instrument, ...)
    href: str = ""
    x: float = 0.0
    y: float = 0.0
    degree: int = 0
    radius: float = 5.0
    show_label: bool = True
    label_x: float = 0.0
    label_y: float = 0.0
    anchor: str = "middle"
    amount: str = ""  # a funding node's amount, shown as its label
    title: str = ""  # the full text on hover (defaults to the label)
    ecosystems: list[str] = field(default_factory=list)

    @property
    def short_label(self) -> str:
        if self.kind == "funding":
            return self.amount
        return self.label if len(self.label) <= 30 else self.label[:28].rstrip() + "…"

    @property
    def hover(self) -> str:
        return self.title or f"{self.label} ({self.kind})"


@dataclass
class Edge:
    source: str
    target: str
    kind: str  # "member", "funding" (funder → recipient, or → a funding node → recipient)
    label: str = ""
    weight: float = 1.0


@dataclass
class Network:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 900
    height: int = 640
    omitted: int = 0  # nodes left out past MAX_NODES

    def node(self, iri: str) -> Node:
        return next(n for n in self.nodes if n.iri == iri)

    @property
    def ecosystems(self) -> list[Node]:
        """The ecosystems the filter offers, by label."""
        return sorted((n for n in self.nodes if n.kind == "ecosystem"), key=lambda n: n.label)


@dataclass
class Funding:
    """One eco:Funding as the picture needs it: who gives, who gets, how much."""

    iri: str
    sources: set[str] = field(default_factory=set)
    instruments: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)
    amount: float = 0.0
    stated: str = ""  # the amount as the data writes it ("" when none is given)
    minimum: bool = False  # the amount is a lower bound ("over €11 million")
    currency: str | None = None

    @property
    def givers(self) -> list[str]:
        return sorted(self.sources or self.instruments)

    @property
    def money(self) -> str:
        """The amount as the pages write money, with its currency and qualifier; "" when none is given."""
        return money(self.stated, self.currency, "en", minimum=self.minimum) if self.stated else ""


async def ecosystem_network(site: SiteLike, linker: Linker) -> Network:
    """Organisations and ecosystems linked by membership and partnership, and funder → recipient flows."""
    eco = f"{site.base}def#"
    properties = " ".join(f"<{eco}{name}>" for name in MEMBERSHIP)
    types = await site.query(TYPES.replace("ECO#", eco))
    links = await site.query(LINKS.replace("PROPERTIES", properties))
    funding = await site.query(FUNDING.replace("ECO#", eco))
    kinds, labels = _kinds(types.rows, linker, eco)
    fundings = _fundings(funding.rows)
    edges = _membership_edges(links.rows, kinds) + _funding_edges(fundings)
    network = _network(edges, kinds, labels, linker)
    _describe_fundings(network, fundings)
    _assign_ecosystems(network)
    await asyncio.to_thread(layout, network)
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


def _fundings(rows: list[tuple]) -> dict[str, Funding]:
    """The rows of FUNDING (one per combination of funder, instrument and recipient) grouped by funding."""
    fundings: dict[str, Funding] = {}
    for f, funder, instrument, recipient, amount, minimum, currency in rows:
        funding = fundings.setdefault(f.value, Funding(f.value))
        for term, found in (
            (funder, funding.sources),
            (instrument, funding.instruments),
            (recipient, funding.recipients),
        ):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
        stated = amount if amount is not None else minimum
        if stated is not None and _amount(stated) >= funding.amount:
            funding.amount, funding.stated, funding.minimum = _amount(stated), stated.value, amount is None
        if isinstance(currency, ox.Literal):
            funding.currency = currency.value
    return fundings


def _funding_edges(fundings: dict[str, Funding]) -> list[Edge]:
    """One arrow with the amount for one giver → one recipient; else arrows through the funding's own node."""
    edges = []
    for funding in fundings.values():
        givers, recipients = funding.givers, sorted(funding.recipients)
        if len(givers) == 1 and len(recipients) == 1:
            edges.append(Edge(givers[0], recipients[0], "funding", funding.money, _weight(funding.amount)))
        elif (givers and recipients) or funding.amount:
            edges += [Edge(giver, funding.iri, "funding") for giver in givers]
            edges += [
                Edge(funding.iri, recipient, "funding", weight=_weight(funding.amount)) for recipient in recipients
            ]
    return edges


def _weight(value: float) -> float:
    return 1.0 + math.log10(1 + value) / 3 if value else 1.0


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
    ranked = sorted(degree, key=lambda iri: (kinds.get(iri) != "ecosystem", -degree[iri], iri))
    kept = set(ranked[:MAX_NODES])
    nodes = [
        Node(
            iri=iri,
            label=labels.get(iri) or linker.link(iri).label,
            kind=kinds.get(iri, "other"),
            href=linker.href(iri),
            degree=degree[iri],
        )
        for iri in sorted(kept)
    ]
    edges = sorted(
        (e for e in unique.values() if e.source in kept and e.target in kept),
        key=lambda e: (e.kind, e.source, e.target),
    )
    return Network(nodes=nodes, edges=edges, omitted=len(degree) - len(kept))


def _describe_fundings(network: Network, fundings: dict[str, Funding]) -> None:
    """A funding drawn as a node shows its amount, and on hover who gives it to whom."""
    labels = {node.iri: node.label for node in network.nodes}
    for node in network.nodes:
        funding = fundings.get(node.iri)
        if funding is None:
            continue
        node.kind, node.amount = "funding", funding.money
        givers = ", ".join(labels.get(g, g) for g in funding.givers) or "unknown funders"
        recipients = ", ".join(labels.get(r, r) for r in sorted(funding.recipients)) or "a recipient not named"
        node.title = f"{node.label}: {node.amount or 'an amount not given'} from {givers} to {recipients}"


def _assign_ecosystems(network: Network) -> None:
    """Each node's ecosystems: an ecosystem, the nodes linked to it, and the funding chains that reach them."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    funding: dict[str, set[str]] = defaultdict(set)
    for edge in network.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)
        if edge.kind == "funding":
            funding[edge.source].add(edge.target)
            funding[edge.target].add(edge.source)
    members: dict[str, set[str]] = defaultdict(set)
    for ecosystem in network.ecosystems:
        group = {ecosystem.iri} | neighbours[ecosystem.iri]
        for _ in range(2):  # giver → funding node → recipient
            group |= {other for iri in group for other in funding[iri]}
        for iri in group:
            members[iri].add(ecosystem.href.rsplit("/", 1)[-1])
    for node in network.nodes:
        node.ecosystems = sorted(members[node.iri])


def layout(network: Network, seed: int = SEED) -> None:
    """networkx's spring layout (seeded, nodes and edges in a fixed order) for each connected part, the parts
    packed in rows (largest first, each in a square as large as its number of nodes asks), scaled into the
    picture. One layout of the whole would push the parts to the corners and crowd each into a dot."""
    if not network.nodes:
        return
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(node.iri for node in network.nodes)
    graph.add_edges_from((edge.source, edge.target) for edge in network.edges)
    parts = sorted((sorted(part) for part in nx.connected_components(graph)), key=lambda p: (-len(p), p[0]))
    row_width = math.sqrt(len(network.nodes) * network.width / network.height) + 1
    x = y = row_height = 0.0
    positions: dict[str, tuple[float, float]] = {}
    for part in parts:
        side = math.sqrt(len(part))
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height + GAP, 0.0
        for iri, (px, py) in _part_layout(_ordered(graph, part), seed).items():
            positions[iri] = (x + px * side, y + py * side)
        x, row_height = x + side + GAP, max(row_height, side)
    for node in network.nodes:
        node.x, node.y = positions[node.iri]
    _fit(network)


GAP = 0.6  # between the parts of the picture, in the units of a part's side (the square root of its size)


def _ordered(graph: nx.Graph[str], part: list[str]) -> nx.Graph[str]:
    """The part as a graph of its own, nodes and edges in sorted order (a subgraph view would iterate over a set,
    in an order that changes with Python's hash seed, and so would the layout)."""
    ordered: nx.Graph[str] = nx.Graph()
    ordered.add_nodes_from(part)
    ordered.add_edges_from(sorted((min(a, b), max(a, b)) for a, b in graph.subgraph(part).edges))
    return ordered


def _part_layout(part: nx.Graph[str], seed: int) -> dict[str, tuple[float, float]]:
    """A connected part laid out in the unit square."""
    if part.number_of_nodes() <= 2:
        nodes = sorted(part.nodes)
        return {iri: (0.5 * i, 0.5) for i, iri in enumerate(nodes)}
    positions = nx.spring_layout(part, iterations=100, seed=seed, method="force")
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {iri: ((float(p[0]) - min(xs)) / span, (float(p[1]) - min(ys)) / span) for iri, p in positions.items()}


def _fit(network: Network, margin: float = 70.0) -> None:
    left, right = min(n.x for n in network.nodes), max(n.x for n in network.nodes)
    top, bottom = min(n.y for n in network.nodes), max(n.y for n in network.nodes)
    span_x, span_y = (right - left) or 1.0, (bottom - top) or 1.0
    for node in network.nodes:
        node.x = round(margin + (node.x - left) / span_x * (network.width - 2 * margin), 1)
        node.y = round(margin / 2 + (node.y - top) / span_y * (network.height - margin), 1)


@dataclass
class DrawnEdge:
    """An edge in picture coordinates: a line, or for funding a curve (control point cx, cy) with an arrow, and
    its amount's place (lx, ly) clear of every arrowhead."""

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
    ecosystems: list[str] = field(default_factory=list)
    lx: float = 0.0
    ly: float = 0.0


Box = tuple[float, float, float, float]


def draw(network: Network) -> list[DrawnEdge]:
    """Sizes the nodes (by kind and degree), places every edge, then the labels where they fit: node labels and
    amounts clear of the nodes, of each other and of the arrowheads."""
    for node in network.nodes:
        node.radius = {"ecosystem": 11.0, "organisation": 4.0 + min(node.degree, 6), "funding": 5.0}.get(node.kind, 6.0)
    by_iri = {node.iri: node for node in network.nodes}
    drawn = [_drawn(edge, by_iri[edge.source], by_iri[edge.target]) for edge in network.edges]
    arrows = [arrowhead(e) for e in drawn if e.kind == "funding"]
    placed = [_own(n) for n in network.nodes] + arrows
    _place_labels(network, placed)
    for edge in drawn:
        if edge.label:
            _place_amount(edge, placed)
    return drawn


def arrowhead(edge: DrawnEdge) -> Box:
    """The box an arrowhead covers at the end of a funding edge."""
    return (edge.x2 - ARROW, edge.y2 - ARROW, edge.x2 + ARROW, edge.y2 + ARROW)


def text_box(x: float, y: float, anchor: str, text: str, size: float) -> Box:
    """The box a line of text covers (its width estimated from the number of characters)."""
    width = len(text) * size * 0.58
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (left, y - size, left + width, y + 2)


def _place_labels(network: Network, placed: list[Box]) -> None:
    """Greedy: fundings' amounts and the most important nodes first, each label above, below, right or left of
    its node where it overlaps nothing placed before and stays inside the picture; else no label (the node
    keeps its tooltip), except that an amount and an ecosystem's name are always shown (where they overlap least)."""
    order = sorted(network.nodes, key=lambda n: (n.kind != "funding", n.kind != "ecosystem", -n.degree, n.label))
    for node in order:
        node.show_label = False
        size = 13.0 if node.kind == "ecosystem" else 11.0
        if not node.short_label:
            continue
        own = _own(node)
        spots: list[tuple[int, tuple[float, float, str], Box]] = []
        for x, y, anchor in _candidates(node, len(node.short_label) * size * 0.58, size):
            box = text_box(x, y, anchor, node.short_label, size)
            overlaps = sum(_overlap(box, other) for other in placed if other != own)
            spots.append((overlaps + (0 if _inside(box, network) else 1000), (x, y, anchor), box))
        best = min(spots, key=lambda spot: spot[0])  # the first of the best: candidates are in order of preference
        if best[0] == 0 or node.kind in ("funding", "ecosystem"):
            _, (x, y, anchor), box = best
            node.label_x, node.label_y, node.anchor, node.show_label = x, y, anchor, True
            placed.append(box)


def _place_amount(edge: DrawnEdge, placed: list[Box]) -> None:
    """The amount beside its curve, at the first point along it (middle first) clear of arrowheads and labels."""
    spots = []
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        x, y, nx_, ny_ = _on_curve(edge, t)
        for side in (1, -1):
            spots.append((x + nx_ * 9 * side, y + ny_ * 9 * side + 4))
    for x, y in spots:
        box = text_box(x, y, "middle", edge.label, 10.0)
        if not any(_overlap(box, other) for other in placed):
            break
    else:
        x, y = spots[0]
        box = text_box(x, y, "middle", edge.label, 10.0)
    edge.lx, edge.ly = round(x, 1), round(y, 1)
    placed.append(box)


def _on_curve(edge: DrawnEdge, t: float) -> tuple[float, float, float, float]:
    """The point of the quadratic curve at t and the unit normal there."""
    x = (1 - t) ** 2 * edge.x1 + 2 * (1 - t) * t * edge.cx + t**2 * edge.x2
    y = (1 - t) ** 2 * edge.y1 + 2 * (1 - t) * t * edge.cy + t**2 * edge.y2
    dx = 2 * (1 - t) * (edge.cx - edge.x1) + 2 * t * (edge.x2 - edge.cx)
    dy = 2 * (1 - t) * (edge.cy - edge.y1) + 2 * t * (edge.y2 - edge.cy)
    length = math.hypot(dx, dy) or 1.0
    return x, y, -dy / length, dx / length


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


def _inside(box: Box, network: Network) -> bool:
    return box[0] >= 2 and box[2] <= network.width - 2 and box[1] >= 2 and box[3] <= network.height - 2


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
        ecosystems=sorted(set(a.ecosystems) & set(b.ecosystems)),
    )
