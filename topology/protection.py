"""Per-unit protection class, computed from the graph (never taken from declared intent).

Classes, checked in this order (failures of the unit's own devices and LAN links are excluded: they
say nothing about the network that serves the unit):
- ``isolated``: no path to the core now.
- ``single-path``: one link (circuit) failure cuts some or all of the unit's terminals.
- ``same-carrier-redundant``: survives every single link failure but not the loss of a whole carrier.
- ``dual-carrier``: survives the loss of any one whole carrier (e.g. a whole-Unicom outage).
- ``dual-carrier-room-diverse``: also survives the loss of its primary room (the room its primary
  circuit lands in; a unit homed on a core room can never be room-diverse: the core is the target).

Evidence: the unit's access circuits (carrier, role, landing room/device), one path per circuit to
the core, the rooms and devices on those paths, and the shared risks — every single link, transit
device, shared-risk group, room or carrier whose failure alone takes terminals from the unit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import networkx as nx

from .failures import SingleFailure
from .net import Net, get_net, no_gc, reach
from .sweep import sweep_single

CLASSES = ("isolated", "single-path", "same-carrier-redundant", "dual-carrier", "dual-carrier-room-diverse")


@dataclass
class Access:
    circuit: str
    carrier: str | None
    role: str
    bandwidth_mbps: int
    unit_device: str
    far_device: str
    far_room: str | None


@dataclass
class UnitProtection:
    unit: str
    name: str
    cls: str
    terminals: int
    primary_room: str | None
    access: list[Access] = field(default_factory=list)
    carriers: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    paths: list[list[str]] = field(default_factory=list)  # per access circuit: unit device → … → core
    path_circuits: list[list[str]] = field(default_factory=list)  # the circuits along each path
    path_carriers: list[list[str]] = field(default_factory=list)  # carriers along each path
    devices: list[str] = field(default_factory=list)
    shared_risks: list[str] = field(default_factory=list)  # e.g. "link:LT-U001-1", "srlg:duct:X-core"


@no_gc
def classify(g: nx.MultiGraph, failures: list[SingleFailure] | None = None) -> dict[str, UnitProtection]:
    """Protection class of every unit, keyed by unit code. ``failures`` may pass a precomputed
    single-failure sweep (links, devices, SRLGs, rooms, carriers) to avoid recomputing it."""
    net = get_net(g)
    if failures is None:
        failures = sweep_single(g, kinds=("link", "device", "unit-device", "srlg", "room", "carrier"))
    else:
        # The class needs link, carrier and room failures; sweep any kind the caller left out.
        missing = [k for k in ("link", "carrier", "room") if k not in {f.kind for f in failures}]
        if missing:
            failures = [*failures, *sweep_single(g, missing)]
    hits: dict[int, list[SingleFailure]] = {}
    for f in failures:
        for ui in f.units_cut + f.units_degraded:
            hits.setdefault(ui, []).append(f)
    base = _baseline(net)
    trees: dict[str | None, tuple[list[int], list[int]]] = {None: _bfs_tree(net, None)}
    result: dict[str, UnitProtection] = {}
    for ui, code in enumerate(net.units):
        info = g.graph["units"][code]
        access = _access(net, ui)
        primary = next((a for a in access if a.role == "primary"), access[0] if access else None)
        primary_room = primary.far_room if primary else None
        up = any(base[d] for d, _ in net.holders[ui]) if net.holders[ui] else False
        risks = hits.get(ui, [])
        kinds = {f.kind for f in risks}
        if not up:
            cls = "isolated"
        elif "link" in kinds:
            cls = "single-path"
        elif "carrier" in kinds:
            cls = "same-carrier-redundant"
        elif any(f.kind == "room" and f.element == primary_room for f in risks) or primary_room is None:
            cls = "dual-carrier"
        else:
            cls = "dual-carrier-room-diverse"
        # Each access circuit's path stays on its own carrier (plus own fibre) where it can, so a
        # Telecom backup shows the Telecom backbone it depends on, not the shortest Unicom detour.
        paths, path_edges = [], []
        for a in access:
            if a.carrier not in trees:
                trees[a.carrier] = _bfs_tree(net, a.carrier)
            start = net.index[a.far_device]
            tree = trees[a.carrier] if trees[a.carrier][0][start] != -2 else trees[None]
            nodes, edges = _path(net, tree, start)
            paths.append(nodes)
            path_edges.append([net.eindex[a.circuit], *edges])
        path_nodes = {n for p in paths for n in p}
        result[code] = UnitProtection(
            unit=code, name=info["name"], cls=cls, terminals=net.unit_terminals[ui], primary_room=primary_room,
            access=access, carriers=sorted({a.carrier for a in access if a.carrier}),
            rooms=sorted({net.rooms[net.room[net.index[n]]] for n in path_nodes if net.room[net.index[n]] >= 0}),
            paths=[[a.unit_device, *p] for a, p in zip(access, paths, strict=True)],
            path_circuits=[[net.keys[e] for e in es] for es in path_edges],
            path_carriers=[sorted({net.carrier[e] for e in es if net.carrier[e]}) for es in path_edges],
            devices=sorted(path_nodes),
            shared_risks=[f"{f.kind}:{f.element}" for f in risks])
    return result


def counts(protection: dict[str, UnitProtection]) -> dict[str, tuple[int, int]]:
    """Class → (units, terminals), in class order."""
    out = {c: (0, 0) for c in CLASSES}
    for p in protection.values():
        n, t = out[p.cls]
        out[p.cls] = (n + 1, t + p.terminals)
    return out


def _baseline(net: Net) -> bytearray:
    return reach(net)


def _access(net: Net, ui: int) -> list[Access]:
    """The unit's circuits towards the infrastructure (its WAN side)."""
    out = []
    for d in net.unit_devices[ui]:
        for y, e in net.adj[d]:
            if net.owner[y] == ui:
                continue
            out.append(Access(circuit=net.keys[e], carrier=net.carrier[e], role=net.role[e],
                              bandwidth_mbps=net.bandwidth[e], unit_device=net.nodes[d], far_device=net.nodes[y],
                              far_room=net.rooms[net.room[y]] if net.room[y] >= 0 else None))
    order = {"primary": 0, "backup": 1}
    out.sort(key=lambda a: (order.get(a.role, 2), a.circuit))
    return out


def _bfs_tree(net: Net, carrier: str | None) -> tuple[list[int], list[int]]:
    """BFS parents (and parent edges) from the core over the infrastructure (units are not transit),
    using only edges of ``carrier`` and own fibre when a carrier is given."""
    parent = [-2] * len(net.nodes)
    pedge = [-1] * len(net.nodes)
    queue: deque[int] = deque()
    for c in net.core:
        parent[c] = -1
        queue.append(c)
    while queue:
        x = queue.popleft()
        for y, e in net.adj[x]:
            if parent[y] != -2 or net.owner[y] >= 0:
                continue
            if carrier is not None and net.carrier[e] not in (carrier, None):
                continue
            parent[y] = x
            pedge[y] = e
            queue.append(y)
    return parent, pedge


def _path(net: Net, tree: tuple[list[int], list[int]], start: int) -> tuple[list[str], list[int]]:
    parent, pedge = tree
    if parent[start] == -2:
        return [net.nodes[start]], []
    nodes, edges, x = [], [], start
    while x >= 0:
        nodes.append(net.nodes[x])
        if pedge[x] >= 0:
            edges.append(pedge[x])
        x = parent[x]
    return nodes, edges
