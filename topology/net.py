"""An integer view of the topology graph, built once per graph and shared by every analysis, plus
the reference reachability (one BFS) every faster method is tested against.

Reachability semantics (the same in every method):
- The target is the core set ``G.graph["core"]`` (core-room devices and external uplink networks):
  a node is up if it reaches ANY core node.
- Infrastructure nodes (devices of no unit, externals) carry transit traffic. A unit's devices do
  not: traffic may enter a unit from the infrastructure and move between that unit's own devices,
  but never leaves a unit towards the infrastructure or another unit. Without this rule a unit
  dual-homed to two rooms would be counted as a path between those rooms.
- Terminals are counts on devices. A unit is *cut* when it loses all its terminals (a unit without
  terminal counts: when none of its devices is up) and *degraded* when it loses some.
"""

from __future__ import annotations

import functools
import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx

F = TypeVar("F", bound=Callable[..., Any])

# A shared subnet of three or more interfaces (a LAN, the switch nobody collected) is one node of the
# graph: failing it cuts every member's attachment at once (topology.graph builds it).
SEGMENT = "segment:"


def failable(node: str) -> bool:
    """A node that fails as a device (a device, or a segment: the unseen switch of a shared LAN)."""
    return node.startswith(("device:", SEGMENT))


def element_name(node: str) -> str:
    """How a failure names a node: a device by its hostname, a segment by its node id."""
    return node.split(":", 1)[1] if node.startswith("device:") else node


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a pure computation. The analyses allocate many small
    lists and dicts; with a large heap (a web process, a benchmark holding the province) the
    collections they trigger cost 2-4x the analysis itself. Nothing here creates reference cycles
    that need collecting meanwhile; the caller's previous state is restored."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def no_gc(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with gc_paused():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclass
class Net:
    nodes: list[str]
    index: dict[str, int]
    owner: list[int]  # unit index, or -1 for infrastructure
    room: list[int]  # room index, or -1
    edges: list[tuple[int, int]]
    keys: list[str]
    eindex: dict[str, int]
    adj: list[list[tuple[int, int]]]  # node -> [(neighbour, edge id)]
    core: list[int]
    units: list[str]
    unit_index: dict[str, int]
    unit_devices: list[list[int]]
    holders: list[list[tuple[int, int]]]  # unit -> [(device, terminals)] that count as its terminals
    unit_terminals: list[int]
    rooms: list[str]
    room_index: dict[str, int]
    room_nodes: list[list[int]]
    carrier: list[str | None]
    role: list[str]
    bandwidth: list[int]
    srlg: list[str | None]
    primary_edge: list[bool]  # usable in the primary view (not a backup circuit, not a backup carrier)
    unit_internal: list[bool]  # both ends inside the same unit (the unit's LAN)
    node_terminals: list[int] = field(default_factory=list)


def get_net(g: nx.MultiGraph) -> Net:
    net = g.graph.get("_net")
    if net is None:
        net = _make_net(g)
        g.graph["_net"] = net
    return net


def _make_net(g: nx.MultiGraph) -> Net:
    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    units = list(g.graph.get("units", {}))
    unit_index = {u: i for i, u in enumerate(units)}
    rooms = list(g.graph.get("rooms", {}))
    room_index = {r: i for i, r in enumerate(rooms)}
    owner = [unit_index.get(g.nodes[n].get("unit"), -1) if g.nodes[n].get("unit") else -1 for n in nodes]
    room = [room_index.get(g.nodes[n].get("room"), -1) if g.nodes[n].get("room") else -1 for n in nodes]
    backup_carriers = {c for c, d in g.graph.get("carriers", {}).items() if d.get("role") == "backup"}

    edges, keys, carrier, role, bandwidth, srlg, primary, internal = [], [], [], [], [], [], [], []
    adj: list[list[tuple[int, int]]] = [[] for _ in nodes]
    for u, v, k, d in g.edges(keys=True, data=True):
        e = len(edges)
        a, b = index[u], index[v]
        edges.append((a, b))
        keys.append(k)
        carrier.append(d.get("carrier"))
        role.append(d.get("role") or "internal")
        bandwidth.append(int(d.get("bandwidth_mbps") or 0))
        srlg.append(d.get("srlg"))
        primary.append(d.get("role") != "backup" and d.get("carrier") not in backup_carriers)
        internal.append(owner[a] >= 0 and owner[a] == owner[b])
        adj[a].append((b, e))
        if a != b:
            adj[b].append((a, e))

    unit_devices: list[list[int]] = [[] for _ in units]
    for i, o in enumerate(owner):
        if o >= 0:
            unit_devices[o].append(i)
    terms = [int(g.nodes[n].get("terminals") or 0) for n in nodes]
    holders: list[list[tuple[int, int]]] = []
    unit_terminals: list[int] = []
    for ui, code in enumerate(units):
        devs = [d for d in unit_devices[ui] if not nodes[d].startswith(SEGMENT)]  # a segment holds no terminals
        held = [(d, terms[d]) for d in devs if terms[d] > 0]
        if not held and devs:
            # No per-device counts: spread the unit's declared count over its devices.
            total = int(g.graph["units"][code].get("terminals") or 0)
            n = len(devs)
            held = [(d, total // n + (1 if j < total % n else 0)) for j, d in enumerate(devs)]
        holders.append(held)
        unit_terminals.append(sum(t for _, t in held))
    room_nodes: list[list[int]] = [[] for _ in rooms]
    for i, r in enumerate(room):
        if r >= 0:
            room_nodes[r].append(i)
    # Core nodes are infrastructure; a unit device can never be a target.
    core = sorted(index[n] for n in g.graph.get("core", []) if n in index and owner[index[n]] < 0)
    return Net(nodes=nodes, index=index, owner=owner, room=room, edges=edges, keys=keys,
               eindex={k: i for i, k in enumerate(keys)}, adj=adj, core=core, units=units, unit_index=unit_index,
               unit_devices=unit_devices, holders=holders, unit_terminals=unit_terminals, rooms=rooms,
               room_index=room_index, room_nodes=room_nodes, carrier=carrier, role=role, bandwidth=bandwidth,
               srlg=srlg, primary_edge=primary, unit_internal=internal, node_terminals=terms)


def reach(net: Net, dead_nodes: Iterable[int] = (), dead_edges: Iterable[int] = (), *,
          primary_only: bool = False) -> bytearray:
    """Which nodes reach the core after the given failures (the reference BFS)."""
    dn = set(dead_nodes)
    de = set(dead_edges)
    seen = bytearray(len(net.nodes))
    queue: deque[int] = deque()
    for c in net.core:
        if c not in dn:
            seen[c] = 1
            queue.append(c)
    owner, adj, prim = net.owner, net.adj, net.primary_edge
    while queue:
        x = queue.popleft()
        ox = owner[x]
        for y, e in adj[x]:
            if seen[y] or y in dn or e in de or (primary_only and not prim[e]):
                continue
            oy = owner[y]
            # Into a unit from the infrastructure, or within one unit; never out of a unit.
            if ox >= 0 and oy != ox:
                continue
            seen[y] = 1
            queue.append(y)
    return seen


@dataclass
class UnitLoss:
    cut: list[int]  # unit indexes that lost all their terminals
    degraded: list[int]  # lost some
    terminals: int  # unit terminals lost in all


def unit_loss(net: Net, up: bytearray, baseline: bytearray | None = None) -> UnitLoss:
    """Units that lost terminals relative to ``baseline`` (terminals already down are not counted)."""
    cut, degraded, total = [], [], 0
    for ui, held in enumerate(net.holders):
        if not held:
            continue
        had = [(d, t) for d, t in held if baseline is None or baseline[d]]
        if not had:
            continue
        lost = [(d, t) for d, t in had if not up[d]]
        if not lost:
            continue
        n = sum(t for _, t in lost)
        total += n
        if len(lost) == len(had):
            cut.append(ui)
        else:
            degraded.append(ui)
    return UnitLoss(cut, degraded, total)
