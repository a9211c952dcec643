"""Sweeps over every single failure (N-1): links, devices, shared-risk groups, rooms, carriers.

``sweep_single`` uses the one-pass method (topology.fast) for links and devices and one BFS pair per
SRLG / room / carrier; ``sweep_single_naive`` evaluates every failure with the reference BFS and is
the test oracle (and the benchmark baseline). Both return identical lists. ``full_sweep`` sits on
top: every single failure plus the N-2 pairs (topology.n2).

Modules, bottom up: net (integer view, BFS) → failures (what a failure is) → views (DFS structure)
→ fast (one-pass N-1) and n2 (pairs) → sweep (this module).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .failures import KINDS, SingleFailure, elements
from .fast import n1_fast
from .n2 import PairImpact, candidate_links, n2_extra
from .net import Net, get_net, no_gc, reach

__all__ = [
    "KINDS",
    "SingleFailure",
    "SweepReport",
    "compare",
    "elements",
    "evaluate",
    "full_sweep",
    "spof",
    "sweep_single",
    "sweep_single_naive",
    "sweep_single_naive_nx",
]

def evaluate(net: Net, kind: str, name: str, dead_nodes: Iterable[int], dead_edges: Iterable[int],
             base: bytearray, base_p: bytearray) -> SingleFailure:
    """One failure with the reference BFS (full view and primary view)."""
    dn, de = list(dead_nodes), list(dead_edges)
    full = reach(net, dn, de)
    prim = reach(net, dn, de, primary_only=True)
    return compare(net, kind, name, base, base_p, full, prim)


def compare(net: Net, kind: str, name: str, base: bytearray, base_p: bytearray, full: bytearray,
            prim: bytearray) -> SingleFailure:
    f = SingleFailure(kind, name)
    for ui, held in enumerate(net.holders):
        had = [(d, t) for d, t in held if base[d]]
        lost = [t for d, t in had if not full[d]]
        if lost:
            f.terminals_lost += sum(lost)
            (f.units_cut if len(lost) == len(had) else f.units_degraded).append(ui)
        moved = [t for d, t in held if base_p[d] and not prim[d] and full[d]]
        if moved:
            f.terminals_failover += sum(moved)
            if len(lost) != len(had) or not had:
                f.units_failover.append(ui)
    return f


@no_gc
def sweep_single_naive(g: nx.MultiGraph, kinds: Iterable[str] = ("link", "device")) -> list[SingleFailure]:
    """Remove each element, BFS, compare: the oracle."""
    net = get_net(g)
    base, base_p = reach(net), reach(net, primary_only=True)
    out = []
    for kind in kinds:
        for name, dn, de in elements(net, kind):
            out.append(evaluate(net, kind, name, dn, de, base, base_p))
    return out


@no_gc
def sweep_single(g: nx.MultiGraph, kinds: Iterable[str] = ("link", "device"), *,
                 rooms: str = "auto") -> list[SingleFailure]:
    """Every single failure of the given kinds: links and devices in one pass, rooms in one pass on
    the room-contracted graph when there are many (``rooms``="contract" forces it, "bfs" avoids it),
    SRLGs and carriers one BFS pair each."""
    kinds = list(kinds)
    for k in kinds:
        if k not in KINDS:
            raise ValueError(f"unknown failure kind {k!r}; expected one of {', '.join(KINDS)}")
    net = get_net(g)
    base, base_p = reach(net), reach(net, primary_only=True)
    fast_kinds = [k for k in kinds if k in ("link", "device", "unit-device", "room")]
    fast = n1_fast(g, fast_kinds, rooms=rooms) if fast_kinds else {}
    out = []
    for kind in kinds:
        if kind in fast:
            out.extend(fast[kind])
            continue
        for name, dn, de in elements(net, kind):
            out.append(evaluate(net, kind, name, dn, de, base, base_p))
    return out


def _nx_reach(view: nx.MultiGraph, net: Net, primary_only: bool) -> bytearray:
    """The same reachability as net.reach, written the plain networkx way (benchmark baseline)."""
    seen = bytearray(len(net.nodes))
    index, owner = net.index, net.owner
    backup_carriers = {c for c, d in view.graph.get("carriers", {}).items() if d.get("role") == "backup"}
    queue = [n for n in view.graph["core"] if n in view and owner[index[n]] < 0]
    for n in queue:
        seen[index[n]] = 1
    while queue:
        x = queue.pop()
        ox = owner[index[x]]
        for y, keyed in view.adj[x].items():
            iy = index[y]
            if seen[iy] or (ox >= 0 and owner[iy] != ox):
                continue
            if primary_only and not any(d.get("role") != "backup" and d.get("carrier") not in backup_carriers
                                        for d in keyed.values()):
                continue
            seen[iy] = 1
            queue.append(y)
    return seen


@no_gc
def sweep_single_naive_nx(g: nx.MultiGraph, kinds: Iterable[str] = ("link", "device")) -> list[SingleFailure]:
    """The textbook loop: per failure a networkx restricted view, then a BFS per view. Same results as
    sweep_single_naive; kept as the baseline the benchmarks compare against."""
    net = get_net(g)
    base, base_p = _nx_reach(g, net, False), _nx_reach(g, net, True)
    out = []
    for kind in kinds:
        for name, dn, de in elements(net, kind):
            view = nx.restricted_view(g, [net.nodes[i] for i in dn],
                                      [(*map(net.nodes.__getitem__, net.edges[e]), net.keys[e]) for e in de])
            out.append(compare(net, kind, name, base, base_p, _nx_reach(view, net, False),
                               _nx_reach(view, net, True)))
    return out


def spof(g: nx.MultiGraph, kinds: Iterable[str] = ("link", "device", "unit-device", "srlg", "room"),
         failures: list[SingleFailure] | None = None) -> list[SingleFailure]:
    """Single points of failure: every element whose failure alone loses terminals, worst first."""
    failures = failures if failures is not None else sweep_single(g, kinds)
    hits = [f for f in failures if f.terminals_lost > 0]
    hits.sort(key=lambda f: (-f.terminals_lost, -len(f.units_cut), f.kind, f.element))
    return hits


@dataclass
class SweepReport:
    singles: list[SingleFailure]
    pairs: list[PairImpact]  # worst first
    candidates: dict[str, int]  # kind → elements swept
    link_pairs: int  # pairs of links covered by the N-2 answer
    seconds: dict[str, float]


@no_gc
def full_sweep(g: nx.MultiGraph, *, n2: bool = True) -> SweepReport:
    """Every single failure of links, devices (network and unit), SRLGs and rooms, plus (n2) the link pairs whose impact
    exceeds their two singles; every other pair's impact is the union of its singles."""
    net = get_net(g)
    t0 = time.perf_counter()
    singles = sweep_single(g, ("link", "device", "unit-device", "srlg", "room"))
    t1 = time.perf_counter()
    pairs = n2_extra(g) if n2 else []
    t2 = time.perf_counter()
    cand: dict[str, int] = {}
    for f in singles:
        cand[f.kind] = cand.get(f.kind, 0) + 1
    m = len(candidate_links(net))
    return SweepReport(singles, pairs, cand, m * (m - 1) // 2, {"n1": t1 - t0, "n2": t2 - t1})
