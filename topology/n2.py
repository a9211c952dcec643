"""N-2 over every pair of links: only the pairs whose impact is NOT the union of their two singles.

Every other pair's impact is derivable from the N-1 sweep, so this is the complete N-2 answer.
Extra impact arises in exactly four ways (proofs sketched in docs/topology.md), all found from the
one DFS of topology.views without trying pairs:
1. a *cut pair* {e1, e2} of non-bridge infrastructure links (cycle-space sampling, Pritchard &
   Thurimella: a random 64-bit label per non-tree edge, a tree edge's label = XOR of the labels over
   its subtree; two non-bridges are a 2-edge cut iff their labels are equal). The lost part is
   subtree(c1) − subtree(c2) for two tree edges, subtree(c) for a tree edge and a back edge;
2. two disjoint bridges whose subtrees together hold all of a unit component's attachments;
3. a unit's access circuit plus a bridge whose subtree holds all its other attachments;
4. a unit component's only two access circuits.
The naive loop (``n2_naive``: BFS per pair) is the oracle the tests compare with.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from .net import Net, get_net, no_gc, reach
from .views import View, get_views


@dataclass
class PairImpact:
    a: str
    b: str
    terminals_lost: int  # by the pair
    extra_terminals: int  # beyond the union of the two single failures
    units: list[str] = field(default_factory=list)  # units losing terminals only because of the pair
    kind: str = ""  # cut-pair | two-bridges | access+bridge | both-access


def candidate_links(net: Net) -> list[int]:
    return [e for e in range(len(net.keys)) if not net.unit_internal[e]]


def _comp_terms(view: View, net: Net) -> list[int]:
    """Terminals of each unit LAN component that is up now (0 for those already down)."""
    held = [dict(h) for h in net.holders]
    return [sum(held[c["unit"]].get(d, 0) for d in c["devices"]) if view.up[ci] else 0
            for ci, c in enumerate(view.comps)]


class _Tree:
    """Questions about the DFS tree of one view."""

    def __init__(self, v: View, m: int) -> None:
        self.v, self.m = v, m
        self.tin, self.size, self.parent, self.low, self.pedge = v.tin, v.size, v.parent, v.low, v.pedge

    def is_bridge(self, c: int) -> bool:
        pe = self.pedge[c]
        return pe >= 0 and pe < self.m and self.low[c] > self.tin[self.parent[c]]

    def inside(self, y: int, c: int) -> bool:
        return self.tin[c] <= self.tin[y] < self.tin[c] + self.size[c]

    def lca(self, nodes: list[int]) -> int:
        tin, size = self.tin, self.size
        lo = min(tin[y] for y in nodes)
        hi = max(tin[y] for y in nodes)
        x = next(y for y in nodes if tin[y] == lo)
        while not (tin[x] <= hi < tin[x] + size[x]):
            x = self.parent[x]
        return x

    def bridges_between(self, y: int, top: int) -> list[int]:
        """Bridge children c on the tree path from y up to top, top's own edge excluded."""
        out_c = []
        x = y
        while x != top and x >= 0:
            if self.is_bridge(x):
                out_c.append(x)
            x = self.parent[x]
        return out_c


Found = dict[tuple[int, int], tuple[str, set[int]]]


def _add(out: Found, a: int, b: int, kind: str, comps: Iterable[int]) -> None:
    key = (a, b) if a < b else (b, a)
    cur = out.get(key)
    if cur is None:
        out[key] = (kind, set(comps))
    else:
        cur[1].update(comps)


def _cut_labels(net: Net, t: _Tree, seed: int) -> dict[int, int]:
    """A random 64-bit label per non-tree infrastructure edge; a tree edge's label is the XOR over its
    subtree (cycle-space sampling)."""
    v, tin, pedge, parent = t.v, t.tin, t.pedge, t.parent
    n, m = len(net.nodes), len(net.edges)
    rng = random.Random(seed)
    xor = [0] * (n + 1)
    label: dict[int, int] = {}
    tree_child = v.child_of_edge
    for e, (a, b) in enumerate(net.edges):
        if not (net.owner[a] < 0 and net.owner[b] < 0) or a == b or tin[a] < 0 or tin[b] < 0:
            continue
        if e in tree_child:
            continue
        r = rng.getrandbits(64)
        label[e] = r
        xor[a] ^= r
        xor[b] ^= r
    for i, c in enumerate(net.core):
        if net.owner[c] < 0 and tin[c] >= 0 and pedge[c] != m + i:
            r = rng.getrandbits(64)
            xor[n] ^= r
            xor[c] ^= r
    # Subtree XOR in reverse preorder.
    order = sorted((x for x in range(n) if tin[x] >= 0), key=lambda x: -tin[x])
    sub = xor[:]
    for x in order:
        p = parent[x]
        if p >= 0:
            sub[p] ^= sub[x]
    for e, c in tree_child.items():
        if sub[c]:
            label[e] = sub[c]
    return label


def _cut_pairs(net: Net, t: _Tree, seed: int, out: Found) -> None:
    """1. Two non-bridge infrastructure edges with equal labels are a 2-edge cut."""
    v, tree_child = t.v, t.v.child_of_edge
    groups: dict[int, list[int]] = {}
    for e, lab in _cut_labels(net, t, seed).items():
        groups.setdefault(lab, []).append(e)
    for members in groups.values():
        if len(members) < 2:
            continue
        for e1, e2 in combinations(sorted(members), 2):
            c1, c2 = tree_child.get(e1), tree_child.get(e2)
            if c1 is not None and c2 is not None:
                upper, lower = (c1, c2) if t.inside(c2, c1) else (c2, c1)
                comps = [ci for ci in v.subtree(upper)
                         if not any(t.inside(y, lower) for y, _ in v.comps[ci]["attach"])]
            else:
                comps = v.subtree(c1 if c1 is not None else c2)
            _add(out, e1, e2, "cut-pair", comps)


def _component_pairs(t: _Tree, out: Found) -> None:
    """2-4. Per unit component, from its attachments."""
    v, pedge = t.v, t.pedge
    for ci, comp in enumerate(v.comps):
        att = comp["attach"]
        if not v.up[ci]:
            continue
        nodes = list(dict.fromkeys(y for y, _ in att))
        top = comp["lca"] if comp["lca"] >= 0 else t.lca(nodes)
        # 2. two disjoint bridges.
        if len(nodes) >= 2:
            y0 = nodes[0]
            for b1 in t.bridges_between(y0, top):
                rest = [y for y in nodes if not t.inside(y, b1)]
                for b2 in t.bridges_between(t.lca(rest), top):
                    _add(out, pedge[b1], pedge[b2], "two-bridges", [ci])
        # 3. an access circuit plus a bridge; 4. the only two access circuits.
        wan = list(dict.fromkeys(e for _, e in att))
        for w in wan:
            rest_nodes = list(dict.fromkeys(y for y, e in att if e != w))
            if not rest_nodes:
                continue
            for c in t.bridges_between(t.lca(rest_nodes), top):
                _add(out, w, pedge[c], "access+bridge", [ci])
        if len(wan) == 2:
            _add(out, wan[0], wan[1], "both-access", [ci])


@no_gc
def n2_extra_comps(g: nx.MultiGraph, seed: int = 20260501) -> dict[tuple[int, int], tuple[str, set[int]]]:
    """(edge a, edge b) with a < b → (kind, unit components lost in addition to the two singles)."""
    net = get_net(g)
    v, _ = get_views(g)
    t = _Tree(v, len(net.edges))
    out: Found = {}
    _cut_pairs(net, t, seed, out)
    _component_pairs(t, out)
    return out


def single_lost(g: nx.MultiGraph) -> dict[int, set[int]]:
    """Edge → unit components it alone disconnects (full view)."""
    net = get_net(g)
    v, _ = get_views(g)
    return {e: set(v.lost_by_edge(e)) for e in candidate_links(net)}


@no_gc
def n2_extra(g: nx.MultiGraph) -> list[PairImpact]:
    """The pairs of links that lose more than their two singles, worst first."""
    net = get_net(g)
    v, _ = get_views(g)
    terms = _comp_terms(v, net)
    singles = single_lost(g)
    out = []
    for (a, b), (kind, comps) in n2_extra_comps(g).items():
        union = singles.get(a, set()) | singles.get(b, set())
        extra = comps - union
        if not extra:
            continue
        out.append(PairImpact(net.keys[a], net.keys[b], sum(terms[c] for c in union | extra),
                              sum(terms[c] for c in extra),
                              sorted({net.units[v.comps[c]["unit"]] for c in extra}), kind))
    out.sort(key=lambda p: (-p.extra_terminals, p.a, p.b))
    return out


def pair_lost_fast(g: nx.MultiGraph, a: int, b: int, extra: dict | None = None,
                   singles: dict[int, set[int]] | None = None) -> set[int]:
    """Terminal-holder devices lost by failing links a and b, from N-1 results plus the extra pairs."""
    net = get_net(g)
    v, _ = get_views(g)
    extra = extra if extra is not None else n2_extra_comps(g)
    singles = singles if singles is not None else single_lost(g)
    comps = singles.get(a, set()) | singles.get(b, set()) | extra.get((min(a, b), max(a, b)), ("", set()))[1]
    held = [dict(h) for h in net.holders]
    return {d for c in comps for d in v.comps[c]["devices"] if d in held[v.comps[c]["unit"]]}


def pair_lost_naive(net: Net, a: int, b: int, base: bytearray) -> set[int]:
    up = reach(net, (), (a, b))
    return {d for held in net.holders for d, _ in held if base[d] and not up[d]}


@no_gc
def n2_naive(g: nx.MultiGraph, pairs: Iterable[tuple[int, int]] | None = None) -> dict[tuple[int, int], set[int]]:
    """The oracle: BFS for every pair (or the given sample of pairs)."""
    net = get_net(g)
    base = reach(net)
    cand = candidate_links(net)
    pairs = pairs if pairs is not None else combinations(cand, 2)
    return {(a, b): pair_lost_naive(net, a, b, base) for a, b in pairs}
