"""Map coordinates computed on the server (the browser never runs physics).

Three levels of the same network, each a plain list of nodes and edges with x/y:
- ``rooms``: the node rooms (core in the centre, the others on a ring) and the external networks;
  edges are the circuits between rooms (every circuit its own edge, so parallel circuits show).
- ``units``: the rooms plus every unit, placed on an arc around its primary room (the room its
  primary circuit lands in), facing away from the core; edges are unit access circuits and backbone
  circuits.
- ``devices``: every device near its room or unit; edges are every circuit and link.

The layout is O(nodes + edges) and deterministic; positions an engineer saved (``MapPosition``
rows, passed in as ``saved``) override the computed ones. Semantics only (carrier, role, protection
class, single point of failure): colours and fonts belong to the web layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

LEVELS = ("rooms", "units", "devices")

ROOM_RING = 1150.0  # radius of the room ring at the units level, for up to ~8 rooms
UNIT_RADIUS = 360.0  # distance of a room's units from the room
UNIT_ROW = 120.0  # extra distance of the staggered second row
CORE_UNIT_RADIUS = 430.0
MIN_UNIT_GAP = 95.0  # arc length per unit, about one Chinese label


@dataclass
class MapNode:
    id: str  # room:CODE | unit:CODE | device:HOST | external:NAME | segment:[VRF:]NETWORK
    kind: str  # room | unit | device | external | segment
    label: str
    x: float
    y: float
    room: str | None = None
    unit: str | None = None
    terminals: int = 0
    units: int = 0  # units homed here (rooms)
    cls: str | None = None  # protection class (units)
    spof: bool = False  # its failure alone cuts terminals
    is_core: bool = False
    role: str | None = None
    platform: str | None = None
    saved: bool = False  # position comes from a saved MapPosition


@dataclass
class MapEdge:
    id: str  # circuit id or link key
    source: str
    target: str
    carrier: str | None
    role: str
    bandwidth_mbps: int
    srlg: str | None
    source_kind: str  # declared | lldp | cdp | subnet | manual
    spof: bool = False
    parallel: int = 0  # index among the edges between the same two nodes (0 = first)
    evidence: dict[str, Any] | None = None  # what made a discovered link (inventory.links)


@dataclass
class MapLevel:
    level: str
    nodes: list[MapNode] = field(default_factory=list)
    edges: list[MapEdge] = field(default_factory=list)

    def node(self, node_id: str) -> MapNode:
        return next(n for n in self.nodes if n.id == node_id)


def compute(g: nx.MultiGraph, level: str, *, classes: dict[str, str] | None = None,
            primary_rooms: dict[str, str | None] | None = None, spof: set[str] | None = None,
            saved: dict[str, tuple[float, float]] | None = None) -> MapLevel:
    """The map at one level.

    ``classes``: unit code → protection class; ``primary_rooms``: unit code → room code (from
    ``topology.protection.classify``; without it a unit goes to the room its devices connect to
    most). ``spof``: failure names as ``kind:element`` (``room:CORE``, ``device:X``, ``link:CID``,
    ``srlg:S``). ``saved``: node id → (x, y) for this level.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown map level {level!r}; expected one of {', '.join(LEVELS)}")
    spof = spof or set()
    classes = classes or {}
    rooms: dict[str, dict[str, Any]] = g.graph.get("rooms", {})
    units: dict[str, dict[str, Any]] = g.graph.get("units", {})
    homes = _homes(g, units, primary_rooms)
    room_pos, outward = _room_positions(g, rooms)
    unit_pos = _unit_positions(rooms, room_pos, homes, outward)
    externals = [n for n, k in g.nodes(data="kind") if k == "external"]
    ext_pos = {n: (0.0 + 260.0 * i, -200.0 - 60.0 * i) for i, n in enumerate(sorted(externals))}
    scale = {"rooms": 0.55, "units": 1.0, "devices": 1.6}[level]
    out = MapLevel(level)

    def add(node: MapNode) -> None:
        node.x, node.y = round(node.x * scale, 1), round(node.y * scale, 1)
        out.nodes.append(node)

    homed: dict[str, int] = {}
    for home in homes.values():
        if home:
            homed[home] = homed.get(home, 0) + 1
    unit_terms = {code: int(u.get("terminals") or 0) for code, u in units.items()}
    room_terms: dict[str, int] = {}
    for code, home in homes.items():
        if home:
            room_terms[home] = room_terms.get(home, 0) + unit_terms.get(code, 0)
    for n in sorted(externals):
        x, y = ext_pos[n]
        add(MapNode(n, "external", g.nodes[n].get("name") or n.split(":", 1)[1], x, y, role="external"))

    if level in ("rooms", "units"):
        for code, r in rooms.items():
            x, y = room_pos[code]
            add(MapNode(f"room:{code}", "room", r.get("name") or code, x, y, room=code,
                        terminals=room_terms.get(code, 0), units=homed.get(code, 0),
                        spof=f"room:{code}" in spof, is_core=bool(r.get("is_core"))))
    if level == "units":
        for code, u in units.items():
            x, y = unit_pos[code]
            add(MapNode(f"unit:{code}", "unit", u.get("name") or code, x, y, room=homes.get(code), unit=code,
                        terminals=unit_terms.get(code, 0), cls=classes.get(code)))
    if level == "devices":
        _device_nodes(g, rooms, units, room_pos, unit_pos, homes, spof, classes, add)
    placed = _segment_nodes(g, level, out, spof)

    out.edges.extend(_map_edges(g, level, spof, placed))

    for node in out.nodes:
        if saved and node.id in saved:
            node.x, node.y = saved[node.id]
            node.saved = True
    return out


def _owner(g: nx.MultiGraph, level: str, node: str) -> str | None:
    """The map node a graph node is drawn as at this level (None: not drawn)."""
    data = g.nodes[node]
    if data.get("kind") == "external" or (level == "devices" and data.get("kind") != "segment"):
        return node
    if level == "units" and data.get("unit"):
        return f"unit:{data['unit']}"
    if data.get("room"):
        return f"room:{data['room']}"
    return None  # a unit device at the rooms level: its circuits are summarised on the room


def _segment_nodes(g: nx.MultiGraph, level: str, out: MapLevel, spof: set[str]) -> dict[str, str | None]:
    """Segment node → the map node it is drawn as. A segment whose members all fold into one map node
    (one room at the rooms level, one unit at the units level) is inside it; otherwise it is drawn
    itself, between its members (their mean position, nudged so it does not cover one of them)."""
    at = {n.id: n for n in out.nodes}
    placed: dict[str, str | None] = {}
    for node, data in sorted(g.nodes(data=True)):
        if data.get("kind") != "segment":
            continue
        ends = sorted({o for nb in g.neighbors(node) if (o := _owner(g, level, nb)) is not None and o in at})
        if len(ends) == 1 and level != "devices":
            placed[node] = ends[0]
            continue
        if not ends:
            placed[node] = None
            continue
        x = sum(at[e].x for e in ends) / len(ends)
        y = sum(at[e].y for e in ends) / len(ends) + 18.0
        key = node.split(":", 1)[1]
        out.nodes.append(MapNode(node, "segment", key, round(x, 1), round(y, 1), room=data.get("room"),
                                 unit=data.get("unit"), spof=f"device:{node}" in spof, role="segment"))
        placed[node] = node
    return placed


def _map_edges(g: nx.MultiGraph, level: str, spof: set[str], placed: dict[str, str | None] | None = None,
               ) -> list[MapEdge]:
    """Each graph edge between the map nodes its ends belong to at this level (parallel ones numbered)."""
    placed = placed or {}

    def owner(node: str) -> str | None:
        if node in placed:
            return placed[node]
        return _owner(g, level, node)

    edges: list[MapEdge] = []
    seen: dict[frozenset[str], int] = {}
    for u, v, key, d in sorted(g.edges(keys=True, data=True), key=lambda e: str(e[2])):
        a, b = owner(u), owner(v)
        if a is None or b is None or a == b:
            continue
        pair = frozenset((a, b))
        index = seen.get(pair, 0)
        seen[pair] = index + 1
        srlg = d.get("srlg")
        edges.append(MapEdge(str(key), a, b, d.get("carrier"), d.get("role") or "internal",
                             int(d.get("bandwidth_mbps") or 0), srlg, d.get("source") or "declared",
                             spof=f"link:{key}" in spof or (bool(srlg) and f"srlg:{srlg}" in spof),
                             parallel=index, evidence=d.get("evidence")))
    return edges


def _homes(g: nx.MultiGraph, units: dict[str, dict[str, Any]],
           primary_rooms: dict[str, str | None] | None) -> dict[str, str | None]:
    """Unit → the room it is drawn around."""
    homes: dict[str, str | None] = {}
    for code, u in units.items():
        if primary_rooms and primary_rooms.get(code):
            homes[code] = primary_rooms[code]
            continue
        votes: dict[str, int] = {}
        for dev in u.get("devices", []):
            for nb in g.neighbors(dev) if dev in g else ():
                room = g.nodes[nb].get("room")
                if room:
                    votes[room] = votes.get(room, 0) + 1
        homes[code] = max(sorted(votes), key=lambda r: votes[r]) if votes else None
    return homes


def _room_positions(g: nx.MultiGraph, rooms: dict[str, dict[str, Any]]
                    ) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Room → (x, y), and room → the direction its units fan out to.

    Core rooms sit in the centre. Rooms one circuit away from a core room go on a ring around it; a
    room further out (a province: a city's node rooms hang off the city core) is drawn in a cluster
    around the ring room it connects to, so each city reads as one group instead of one long ring."""
    core = [c for c, r in rooms.items() if r.get("is_core")]
    parent = _room_parents(g, rooms, core)
    ring = [c for c in rooms if c not in core and c not in parent]
    children: dict[str, list[str]] = {}
    for child, up in parent.items():
        children.setdefault(up, []).append(child)
    pos: dict[str, tuple[float, float]] = {}
    outward: dict[str, float] = {}
    for i, code in enumerate(core):
        angle = 2 * math.pi * i / max(len(core), 1)
        pos[code] = (0.0, 0.0) if len(core) == 1 else (160.0 * math.cos(angle), 160.0 * math.sin(angle))
    arc = UNIT_RADIUS + UNIT_ROW  # how far a room's units reach
    # A cluster's radius: its child rooms on a circle with room for their unit arcs, plus those arcs.
    inner = {c: max(arc + 250.0, len(children.get(c, [])) * 2 * arc * 1.1 / (2 * math.pi)) if children.get(c)
             else 0.0 for c in ring}
    reach = {c: inner[c] + arc for c in ring}
    # A bigger ring when there are many rooms or clusters (a province), so the unit arcs do not overlap.
    radius = max(ROOM_RING, sum(2 * max(reach[c], arc) * 1.1 for c in ring) / (2 * math.pi))
    for i, code in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * (i + 0.5) / max(len(ring), 1)
        pos[code] = (radius * math.cos(angle), radius * math.sin(angle))
        outward[code] = angle
    placed = list(ring)
    while placed:  # breadth first: a child's own children go around it, and so on
        nxt = []
        for code in placed:
            kids = sorted(children.get(code, []))
            cx, cy = pos[code]
            base = outward[code]
            r = inner.get(code) or max(arc + 250.0, len(kids) * 2 * arc * 1.1 / (2 * math.pi))
            for j, kid in enumerate(kids):
                angle = base + 2 * math.pi * (j + 0.5) / len(kids)
                pos[kid] = (cx + r * math.cos(angle), cy + r * math.sin(angle))
                outward[kid] = angle  # away from the room it hangs off
            nxt += kids
        placed = nxt
    return pos, outward


def _room_parents(g: nx.MultiGraph, rooms: dict[str, dict[str, Any]], core: list[str]) -> dict[str, str]:
    """Room → the room it hangs off, for rooms two or more room-to-room circuits from a core room
    (breadth first over circuits whose both ends are room devices; the parent is the nearer neighbour
    with the most circuits to it)."""
    links: dict[str, dict[str, int]] = {}
    for u, v in g.edges():
        ru, rv = g.nodes[u].get("room"), g.nodes[v].get("room")
        if ru and rv and ru != rv and ru in rooms and rv in rooms:
            for a, b in ((ru, rv), (rv, ru)):
                row = links.setdefault(a, {})
                row[b] = row.get(b, 0) + 1
    depth = {c: 0 for c in core}
    frontier = sorted(core)
    parent: dict[str, str] = {}
    while frontier:
        nxt: list[str] = []
        for code in frontier:
            for nb in sorted(links.get(code, {})):
                if nb not in depth:
                    depth[nb] = depth[code] + 1
                    nxt.append(nb)
        for nb in nxt:
            if depth[nb] >= 2:
                ups = [r for r in sorted(links[nb]) if depth.get(r) == depth[nb] - 1]
                parent[nb] = max(ups, key=lambda r: links[nb][r])
        frontier = nxt
    return parent


def _unit_positions(rooms: dict[str, dict[str, Any]], room_pos: dict[str, tuple[float, float]],
                    homes: dict[str, str | None], outward: dict[str, float] | None = None
                    ) -> dict[str, tuple[float, float]]:
    by_room: dict[str | None, list[str]] = {}
    for code, home in homes.items():
        by_room.setdefault(home if home in room_pos else None, []).append(code)
    pos: dict[str, tuple[float, float]] = {}
    for home, codes in by_room.items():
        codes.sort()
        if home is None:  # no access circuit: a row under the map, so they are visible, not guessed
            for i, code in enumerate(codes):
                pos[code] = (-600.0 + 120.0 * (i % 12), ROOM_RING + 700.0 + 90.0 * (i // 12))
            continue
        hx, hy = room_pos[home]
        k = len(codes)
        if rooms.get(home, {}).get("is_core") and hx == 0 and hy == 0:
            # Around the core: a full circle, offset by half a step from the room spokes.
            radius = max(CORE_UNIT_RADIUS, k * MIN_UNIT_GAP / (2 * math.pi))
            for i, code in enumerate(codes):
                angle = -math.pi / 2 + 2 * math.pi * (i + 0.25) / k
                pos[code] = (hx + radius * math.cos(angle), hy + radius * math.sin(angle))
            continue
        away = (outward or {}).get(home, math.atan2(hy, hx) if (hx or hy) else -math.pi / 2)
        rows = 1 if k <= 10 else 2
        per_row = math.ceil(k / rows)
        spread = min(math.radians(260), per_row * MIN_UNIT_GAP / UNIT_RADIUS)
        for i, code in enumerate(codes):
            row, slot = i % rows, i // rows
            radius = UNIT_RADIUS + row * UNIT_ROW
            frac = 0.5 if per_row == 1 else slot / (per_row - 1)
            angle = away - spread / 2 + spread * frac + (row * spread / per_row / 2 if rows > 1 else 0)
            pos[code] = (hx + radius * math.cos(angle), hy + radius * math.sin(angle))
    return pos


def _device_nodes(g: nx.MultiGraph, rooms: dict[str, dict[str, Any]], units: dict[str, dict[str, Any]],
                  room_pos: dict[str, tuple[float, float]], unit_pos: dict[str, tuple[float, float]],
                  homes: dict[str, str | None], spof: set[str], classes: dict[str, str], add: Any) -> None:
    """Room devices on a small circle at their room, unit devices on a smaller one at their unit."""
    groups: dict[tuple[str, str], list[str]] = {}
    loose: list[str] = []
    for n, d in g.nodes(data=True):
        if d.get("kind") != "device":
            continue
        if d.get("unit") and d["unit"] in unit_pos:
            groups.setdefault(("unit", d["unit"]), []).append(n)
        elif d.get("room") and d["room"] in room_pos:
            groups.setdefault(("room", d["room"]), []).append(n)
        else:
            loose.append(n)
    for (kind, code), members in groups.items():
        members.sort()
        cx, cy = (unit_pos if kind == "unit" else room_pos)[code]
        radius = (22.0 if kind == "unit" else 70.0) * (1 if len(members) > 1 else 0) + 6.0 * max(0, len(members) - 4)
        for i, n in enumerate(members):
            angle = 2 * math.pi * i / len(members) - math.pi / 2
            _add_device(g, n, cx + radius * math.cos(angle), cy + radius * math.sin(angle), spof, classes, add)
    for i, n in enumerate(sorted(loose)):
        _add_device(g, n, -600.0 + 140.0 * (i % 10), -ROOM_RING - 400.0 - 80.0 * (i // 10), spof, classes, add)


def _add_device(g: nx.MultiGraph, n: str, x: float, y: float, spof: set[str], classes: dict[str, str],
                add: Any) -> None:
    d = g.nodes[n]
    host = d.get("hostname") or n.split(":", 1)[1]
    add(MapNode(n, "device", host, x, y, room=d.get("room"), unit=d.get("unit"),
                terminals=int(d.get("terminals") or 0),
                cls=classes.get(d["unit"]) if d.get("unit") else None,
                spof=f"device:{host}" in spof,  # a unit's own router shows as its class
                role=d.get("role"), platform=d.get("platform")))
