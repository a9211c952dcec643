"""What-if scenarios: fail any set of links, devices, rooms, shared-risk groups and whole carriers, and
say who loses the core, who keeps it only over a backup circuit, and which backup circuits overflow.

Demand model (documented in docs/topology.md): a unit's demand is its measured peak rate where
counters were collected on its access interfaces (see ``peak_demand``; the answers layer reads the
counters), else its terminals ×
``mbps_per_terminal`` (declared, default 0.2 Mbps). Traffic follows one shortest-path tree from the
core where a primary circuit costs 1 and a backup circuit (backup role or backup carrier) costs 100,
i.e. backups carry traffic only when nothing else is left. ECMP and LAG load sharing are not
modelled: a backup circuit is reported overloaded when the demand routed over it exceeds its
bandwidth.
"""

from __future__ import annotations

import difflib
import heapq
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx

from inventory.errors import ExtranetError, NotFound

from .failures import SingleFailure, elements
from .net import Net, element_name, failable, get_net, no_gc, reach
from .sweep import compare, full_sweep, spof, sweep_single

# C1 names spof() and the sweeps next to simulate(); they live in topology.sweep.
__all__ = ["FailureSpec", "ScenarioResult", "full_sweep", "simulate", "spof", "sweep_single"]

DEFAULT_MBPS_PER_TERMINAL = 0.2
BACKUP_COST = 100


@dataclass
class FailureSpec:
    links: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    srlgs: list[str] = field(default_factory=list)
    carriers: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.links or self.devices or self.rooms or self.srlgs or self.carriers)

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in asdict(self).items() if v}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FailureSpec:
        unknown = set(data) - {"links", "devices", "rooms", "srlgs", "carriers"}
        if unknown:
            raise ExtranetError(f"unknown failure kind(s) {', '.join(sorted(unknown))}; expected links, devices, "
                                "rooms, srlgs, carriers", code="bad_scenario")
        out: dict[str, list[str]] = {}
        for k, v in data.items():
            if isinstance(v, str):
                v = [v]  # a single name, not a list of characters
            elif not isinstance(v, list | tuple):
                raise ExtranetError(f"{k}: expected a list of names, got {type(v).__name__}", code="bad_scenario")
            out[k] = [str(x) for x in v]
        return cls(**out)

    def describe(self) -> str:
        parts = [f"{k}: {', '.join(v)}" for k, v in self.to_dict().items()]
        return "; ".join(parts)


@dataclass
class UnitImpact:
    unit: str
    name: str
    terminals: int  # terminals lost (cut/degraded) or moved onto backups (failover)
    via: list[str] = field(default_factory=list)  # backup circuits carrying it (failover)


@dataclass
class Overload:
    circuit: str
    carrier: str | None
    bandwidth_mbps: int
    demand_mbps: float
    units: list[str]


@dataclass
class ScenarioResult:
    spec: FailureSpec
    failed_links: list[str]
    failed_devices: list[str]
    units_cut: list[UnitImpact]
    units_degraded: list[UnitImpact]
    terminals_lost: int
    units_failover: list[UnitImpact]
    terminals_failover: int
    overloaded: list[Overload]
    backup_load: dict[str, float]  # backup circuit → Mbps routed over it
    already_down: list[str]  # units without the core before the failure
    demand_source: dict[str, int]  # "measured"/"declared" → number of units
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {"units_cut": [u.unit for u in self.units_cut], "units_degraded": [u.unit for u in self.units_degraded],
                "terminals_lost": self.terminals_lost, "units_failover": [u.unit for u in self.units_failover],
                "terminals_failover": self.terminals_failover, "overloaded": [o.circuit for o in self.overloaded]}


def _pick(kind: str, wanted: list[str], known: dict[str, Any], shown: list[str]) -> list[Any]:
    out = []
    for name in wanted:
        if name not in known:
            # Close spellings first, so the hint is useful when the list is long.
            close = difflib.get_close_matches(name, shown, n=5, cutoff=0.5)
            close += [s for s in shown if name.lower() in s.lower() and s not in close]
            raise NotFound.of(kind, name, close + [s for s in shown if s not in close])
        out.append(known[name])
    return out


def resolve(g: nx.MultiGraph, spec: FailureSpec) -> tuple[set[int], set[int]]:
    """Names → failed node and edge indexes; unknown names raise with the valid ones listed."""
    if spec.is_empty():
        raise ExtranetError("empty failure set: name at least one link, device, room, srlg or carrier to fail",
                            code="bad_scenario")
    net = get_net(g)
    dead_nodes: set[int] = set()
    dead_edges: set[int] = set()
    edges = {k: i for i, k in enumerate(net.keys)}
    for e in _pick("link", spec.links, edges, sorted(edges)):
        dead_edges.add(e)
    devices = {element_name(n): i for i, n in enumerate(net.nodes) if failable(n)}
    devices.update({n: i for i, n in enumerate(net.nodes) if failable(n)})
    dead_nodes.update(_pick("device", spec.devices, devices,
                            sorted(k for k in devices if not k.startswith("device:"))))
    rooms = {code: i for i, code in enumerate(net.rooms)}
    rooms.update({d["name"]: rooms[code] for code, d in g.graph["rooms"].items()})
    for r in _pick("room", spec.rooms, rooms, [f"{c} ({d['name']})" for c, d in g.graph["rooms"].items()]):
        dead_nodes.update(net.room_nodes[r])
    srlgs = g.graph.get("srlgs", {})
    for members in _pick("srlg", spec.srlgs, srlgs, sorted(srlgs)):
        dead_edges.update(edges[k] for k in members if k in edges)
    carriers = {c: c for c in g.graph.get("carriers", {})}
    carriers.update({d["name"]: c for c, d in g.graph.get("carriers", {}).items()})
    for c in _pick("carrier", spec.carriers, carriers,
                   [f"{c} ({d['name']})" for c, d in g.graph.get("carriers", {}).items()]):
        dead_edges.update(i for i, ec in enumerate(net.carrier) if ec == c)
    return dead_nodes, dead_edges


@no_gc
def simulate(g: nx.MultiGraph, spec: FailureSpec, demand: dict[str, float] | None = None, *,
             mbps_per_terminal: float = DEFAULT_MBPS_PER_TERMINAL,
             demand_source: dict[str, str] | None = None) -> ScenarioResult:
    """Evaluate one scenario. ``demand`` maps unit code → Mbps (see ``unit_demand``); missing units
    get terminals × ``mbps_per_terminal``."""
    started = time.perf_counter()
    net = get_net(g)
    dn, de = resolve(g, spec)
    base, base_p = _baselines(g)
    full = reach(net, dn, de)
    prim = reach(net, dn, de, primary_only=True)
    f: SingleFailure = compare(net, "scenario", spec.describe(), base, base_p, full, prim)
    demand = dict(demand or {})
    for ui, code in enumerate(net.units):
        demand.setdefault(code, net.unit_terminals[ui] * mbps_per_terminal)
    load, carried = route_load(net, full, dn, de, demand)
    backup = {net.keys[e]: round(mb, 3) for e, mb in load.items() if not net.primary_edge[e]}
    over = [Overload(net.keys[e], net.carrier[e], net.bandwidth[e], round(mb, 3), sorted(carried[e]))
            for e, mb in sorted(load.items(), key=lambda x: -x[1])
            if not net.primary_edge[e] and mb > net.bandwidth[e]]
    names = g.graph["units"]

    def impacts(units: list[int], lost_of: Any) -> list[UnitImpact]:
        return [UnitImpact(net.units[u], names[net.units[u]]["name"], lost_of(u)) for u in sorted(units)]

    def lost_terms(u: int) -> int:
        return sum(t for d, t in net.holders[u] if base[d] and not full[d])

    def moved_terms(u: int) -> int:
        return sum(t for d, t in net.holders[u] if base_p[d] and not prim[d] and full[d])

    fo = impacts(f.units_failover, moved_terms)
    via: dict[str, list[str]] = {}
    for e, units in carried.items():
        if not net.primary_edge[e]:
            for u in units:
                via.setdefault(u, []).append(net.keys[e])
    for imp in fo:
        imp.via = sorted(via.get(imp.unit, []))
    src = demand_source or {}
    sources = {"measured": sum(1 for u in net.units if src.get(u) == "measured")}
    sources["declared"] = len(net.units) - sources["measured"]
    return ScenarioResult(
        spec=spec, failed_links=sorted(net.keys[e] for e in de),
        failed_devices=sorted(net.nodes[n].split(":", 1)[1] for n in dn),
        units_cut=impacts(f.units_cut, lost_terms), units_degraded=impacts(f.units_degraded, lost_terms),
        terminals_lost=f.terminals_lost, units_failover=fo, terminals_failover=f.terminals_failover,
        overloaded=over, backup_load=backup,
        already_down=[net.units[u] for u, held in enumerate(net.holders) if held and not any(base[d] for d, _ in held)],
        demand_source=sources, seconds=time.perf_counter() - started)


def _baselines(g: nx.MultiGraph) -> tuple[bytearray, bytearray]:
    cached = g.graph.get("_baselines")
    if cached is None:
        net = get_net(g)
        cached = (reach(net), reach(net, primary_only=True))
        g.graph["_baselines"] = cached
    return cached


def route_load(net: Net, up: bytearray, dead_nodes: set[int], dead_edges: set[int],
               demand: dict[str, float]) -> tuple[dict[int, float], dict[int, set[str]]]:
    """Route each reachable unit's demand to the core over one least-cost tree (backup cost 100; paths
    are assumed shorter than 100 hops, so any primary-only path beats any path with a backup)."""
    dist, pedge = _route_tree(net, dead_nodes, dead_edges)
    return _tree_load(net, up, dist, pedge, demand)


def _route_tree(net: Net, dead_nodes: set[int], dead_edges: set[int]) -> tuple[list[float], list[int]]:
    """Dijkstra from the core: distance and parent edge per node. Ties go to the parent popped first,
    i.e. the least (distance, node index, edge id): ``_reroute`` relies on exactly this rule."""
    n = len(net.nodes)
    dist = [float("inf")] * n
    pedge = [-1] * n
    heap: list[tuple[float, int]] = []
    for c in net.core:
        if c not in dead_nodes:
            dist[c] = 0
            heap.append((0, c))
    heapq.heapify(heap)
    # Locals, not attribute lookups, in the loop: the overload sweep runs this once per failure.
    owner, adj, prim, pop, push = net.owner, net.adj, net.primary_edge, heapq.heappop, heapq.heappush
    while heap:
        dx, x = pop(heap)
        if dx > dist[x]:
            continue
        ox = owner[x]
        for y, e in adj[x]:
            if (ox >= 0 and owner[y] != ox) or y in dead_nodes or e in dead_edges:
                continue
            nd = dx + (1 if prim[e] else BACKUP_COST)
            if nd < dist[y]:
                dist[y] = nd
                pedge[y] = e
                push(heap, (nd, y))
    return dist, pedge


def _reroute(net: Net, base: tuple[list[float], list[int], list[list[int]]], dead_nodes: set[int],
             dead_edges: set[int]) -> tuple[list[float], list[int]]:
    """``_route_tree`` after a failure, recomputing only the nodes whose base tree path it cuts.

    A failure only lengthens paths, so a node whose tree path survives keeps its distance, and its
    parent: the least (distance, node, edge) among the neighbours that reach it at that distance
    cannot change when candidates only disappear or get farther. The cut subtrees are re-solved
    from their surviving boundary, and their parents picked by that same rule."""
    base_dist, base_pedge, children = base
    edges, owner, adj, prim = net.edges, net.owner, net.adj, net.primary_edge
    stack = list(dead_nodes) + [c for e in dead_edges for c in set(edges[e]) if base_pedge[c] == e]
    cut: set[int] = set()
    while stack:
        x = stack.pop()
        if x not in cut:
            cut.add(x)
            stack.extend(children[x])
    dist, pedge = list(base_dist), list(base_pedge)
    inf = float("inf")
    for y in cut:
        dist[y], pedge[y] = inf, -1

    def allowed(x: int, y: int, e: int) -> bool:
        return x not in dead_nodes and e not in dead_edges and (owner[x] < 0 or owner[y] == owner[x])

    heap: list[tuple[float, int]] = []
    for y in cut:
        if y in dead_nodes:
            continue
        best = min((dist[x] + (1 if prim[e] else BACKUP_COST) for x, e in adj[y]
                    if x not in cut and allowed(x, y, e)), default=inf)
        if best < inf:
            dist[y] = best
            heap.append((best, y))
    heapq.heapify(heap)
    while heap:
        dx, x = heapq.heappop(heap)
        if dx > dist[x]:
            continue
        for y, e in adj[x]:
            if y not in cut or y in dead_nodes or not allowed(x, y, e):
                continue
            nd = dx + (1 if prim[e] else BACKUP_COST)
            if nd < dist[y]:
                dist[y] = nd
                heapq.heappush(heap, (nd, y))
    for y in cut:
        if dist[y] < inf:
            pedge[y] = min((dist[x], x, e) for x, e in adj[y]
                           if allowed(x, y, e) and dist[x] + (1 if prim[e] else BACKUP_COST) == dist[y])[2]
    return dist, pedge


def _tree_load(net: Net, up: bytearray, dist: list[float], pedge: list[int],
               demand: dict[str, float]) -> tuple[dict[int, float], dict[int, set[str]]]:
    load: dict[int, float] = {}
    carried: dict[int, set[str]] = {}
    for ui, code in enumerate(net.units):
        mbps = demand.get(code, 0.0)
        held = net.holders[ui]
        if mbps <= 0 or not held:
            continue
        # The unit's demand is spread over its terminals; each terminal-holding device sends its share
        # from where it sits (through the unit's own devices to its best exit).
        total = sum(t for _, t in held)
        for d, t in held:
            if not up[d] or dist[d] == float("inf"):
                continue
            share = mbps * (t / total if total else 1 / len(held))
            x = d
            while pedge[x] >= 0:
                e = pedge[x]
                load[e] = load.get(e, 0.0) + share
                carried.setdefault(e, set()).add(code)
                a, b = net.edges[e]
                x = a if b == x else b
    return load, carried


def demand_interfaces(g: nx.MultiGraph) -> dict[tuple[str, str], str]:
    """(hostname, interface) of every unit's access interfaces → the unit's code: where its demand is
    measured."""
    net = get_net(g)
    wanted: dict[tuple[str, str], str] = {}
    for ui, code in enumerate(net.units):
        for d in net.unit_devices[ui]:
            for y, e in net.adj[d]:
                if net.owner[y] == ui:
                    continue
                u, v = net.edges[e]
                iface = g.edges[net.nodes[u], net.nodes[v], net.keys[e]]["a_interface" if u == d else "z_interface"]
                if iface:
                    wanted[(net.nodes[d].split(":", 1)[1], iface)] = code
    return wanted


def peak_demand(wanted: dict[tuple[str, str], str],
                samples: Iterable[tuple[Any, ...]]) -> dict[str, float]:
    """Peak rate (Mbps, the busier direction) between consecutive counter samples (hostname,
    interface, sampled at, in octets, out octets[, reset]; in time order per interface) on each unit's
    access interfaces; units without two samples are absent (they fall back to declared demand). The
    interval ending at a sample flagged reset (the inventory saw a counter go down) is skipped."""
    series: dict[tuple[str, str], list[tuple[Any, int, int, bool]]] = {}
    for host, iface, at, i, o, *rest in samples:
        if (host, iface) in wanted:
            series.setdefault((host, iface), []).append((at, i, o, bool(rest and rest[0])))
    peak: dict[str, float] = {}
    for key, pts in series.items():
        best = None
        for (t0, i0, o0, _), (t1, i1, o1, reset) in pairwise(pts):
            secs = (t1 - t0).total_seconds()
            if reset or secs <= 0 or i1 < i0 or o1 < o0:  # counter cleared/wrapped, or a clock step
                continue
            rate = max(i1 - i0, o1 - o0) * 8 / secs / 1e6
            best = rate if best is None else max(best, rate)
        if best is not None:
            code = wanted[key]
            peak[code] = max(peak.get(code, 0.0), best)
    return peak


def simulate_measured(g: nx.MultiGraph, spec: FailureSpec, measured: dict[str, float], *,
                      mbps_per_terminal: float = DEFAULT_MBPS_PER_TERMINAL) -> ScenarioResult:
    """simulate() with the measured demand where counters were collected (``peak_demand``)."""
    return simulate(g, spec, measured, mbps_per_terminal=mbps_per_terminal,
                    demand_source={u: "measured" for u in measured})


# Saved scenarios (stored by inventory.scenarios) -------------------------------------------------------

@dataclass
class Comparison:
    name: str
    now: ScenarioResult
    saved: dict[str, Any]
    newly_cut: list[str]
    no_longer_cut: list[str]
    terminals_lost_delta: int
    newly_overloaded: list[str]


def compare_saved(name: str, now: ScenarioResult, saved: dict[str, Any]) -> Comparison:
    """A saved scenario's result today against its ``saved_result`` (ScenarioResult.summary's shape)."""
    was = set(saved.get("units_cut", []))
    cut = {u.unit for u in now.units_cut}
    return Comparison(name=name, now=now, saved=saved, newly_cut=sorted(cut - was), no_longer_cut=sorted(was - cut),
                      terminals_lost_delta=now.terminals_lost - int(saved.get("terminals_lost", 0)),
                      newly_overloaded=sorted({o.circuit for o in now.overloaded} - set(saved.get("overloaded", []))))


@no_gc
def overload_sweep(g: nx.MultiGraph, failures: list[SingleFailure], demand: dict[str, float] | None = None, *,
                   mbps_per_terminal: float = DEFAULT_MBPS_PER_TERMINAL) -> dict[tuple[str, str], list[Overload]]:
    """Overloaded backup circuits under every single failure (those with none are left out).
    Only failures that can change a backup circuit's load are routed: those that move terminals onto
    backups (failover), and those that touch the path of a unit already riding a backup with nothing
    failed. Any other unit keeps a primary-only path, which always costs less than one over a backup."""
    net = get_net(g)
    demand = dict(demand or {})
    for ui, code in enumerate(net.units):
        demand.setdefault(code, net.unit_terminals[ui] * mbps_per_terminal)
    base_up = reach(net)
    base_dist, base_pedge = _route_tree(net, set(), set())
    children: list[list[int]] = [[] for _ in net.nodes]
    for y, e in enumerate(base_pedge):
        if e >= 0:
            a, b = net.edges[e]
            children[a if b == y else b].append(y)
    base_load, base_carried = _tree_load(net, base_up, base_dist, base_pedge, demand)
    on_backup = {u for e, units in base_carried.items() if not net.primary_edge[e] for u in units}
    touched_edges = {e for e, units in base_carried.items() if units & on_backup}
    touched_nodes = {x for e in touched_edges for x in net.edges[e]}
    wanted = {(f.kind, f.element) for f in failures}
    failover = {(f.kind, f.element) for f in failures if f.terminals_failover > 0}
    def overloads(load: dict[int, float]) -> list[tuple[int, float]]:
        # Filter, then sort (stable: the same order as sorting everything): a province routes ~3,000 edges.
        hot = [(e, mb) for e, mb in load.items() if not net.primary_edge[e] and mb > net.bandwidth[e]]
        return sorted(hot, key=lambda x: -x[1])

    base_over = overloads(base_load)  # every failure that is not routed again shares it
    out: dict[tuple[str, str], list[Overload]] = {}
    for kind in sorted({k for k, _ in wanted}):
        for name, dn, de in elements(net, kind):
            if (kind, name) not in wanted:
                continue
            dead_n, dead_e = set(dn), set(de)
            if (kind, name) in failover or dead_n & touched_nodes or dead_e & touched_edges:
                dist, pedge = _reroute(net, (base_dist, base_pedge, children), dead_n, dead_e)
                load, carried = _tree_load(net, reach(net, dead_n, dead_e), dist, pedge, demand)
                hot = overloads(load)
            else:
                carried, hot = base_carried, base_over
            over = [Overload(net.keys[e], net.carrier[e], net.bandwidth[e], round(mb, 3), sorted(carried[e]))
                    for e, mb in hot]
            if over:
                out[(kind, name)] = over
    return out
