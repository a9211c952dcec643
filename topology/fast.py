"""One-pass N-1: the impact of every single link and device failure from one DFS per view.

Method (see docs/topology.md): a virtual super-source S is joined to every core node, so "reaches
the core" = "reaches S". One iterative Tarjan DFS from S over the infrastructure (unit devices are
never transit) gives preorder ``tin``, lowpoint ``low`` and subtree sizes; parallel edges count as
back edges because only the parent *edge* is skipped. Then:
- a tree edge (p, c) is a bridge iff ``low[c] > tin[p]``; its failure disconnects exactly
  subtree(c), a contiguous preorder interval;
- a device v disconnects v plus every child subtree with ``low[c] >= tin[v]``.
A unit's LAN component (its devices joined by their own links) stays up while any of its access
attachments does. It is lost by a bridge iff the DFS-tree LCA of its attachments lies in subtree(c),
so components sorted by the preorder number of their LCA give each failure's lost set as a slice.
A component whose LCA is the failed device itself is checked directly (each component has one LCA,
so these checks cost O(attachments) in all). The unit's own access circuits only affect that unit
and are checked directly. The same pass on the primary view (no backup circuits, no backup carrier)
gives the failover: terminals that lose their primary path but keep a path over a backup circuit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

import networkx as nx

from .net import Net, get_net
from .sweep import SingleFailure


class _View:
    """DFS structure of one view (all usable edges, or the primary ones only)."""

    def __init__(self, net: Net, primary: bool):
        self.net = net
        n, m = len(net.nodes), len(net.edges)
        ok = net.primary_edge if primary else [True] * m
        infra = [o < 0 for o in net.owner]
        S = n
        adj: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
        for e, (a, b) in enumerate(net.edges):
            if ok[e] and a != b and infra[a] and infra[b]:
                adj[a].append((b, e))
                adj[b].append((a, e))
        for i, c in enumerate(net.core):
            if infra[c]:
                adj[S].append((c, m + i))
                adj[c].append((S, m + i))

        tin = [-1] * (n + 1)
        low = [0] * (n + 1)
        size = [0] * (n + 1)
        parent = [-1] * (n + 1)
        pedge = [-1] * (n + 1)
        children: list[list[int]] = [[] for _ in range(n + 1)]
        tin[S] = 0
        timer = 1
        stack = [(S, 0)]
        while stack:
            v, i = stack[-1]
            nb = adj[v]
            if i < len(nb):
                stack[-1] = (v, i + 1)
                y, e = nb[i]
                if e == pedge[v]:
                    continue
                if tin[y] == -1:
                    tin[y] = low[y] = timer
                    timer += 1
                    parent[y] = v
                    pedge[y] = e
                    children[v].append(y)
                    stack.append((y, 0))
                elif tin[y] < low[v]:
                    low[v] = tin[y]
            else:
                stack.pop()
                size[v] = timer - tin[v]
                p = parent[v]
                if p >= 0 and low[v] < low[p]:
                    low[p] = low[v]
        self.tin, self.low, self.size, self.parent, self.pedge, self.children = tin, low, size, parent, pedge, children
        self.child_of_edge = {pedge[v]: v for v in range(n) if pedge[v] >= 0 and pedge[v] < m}

        # Unit LAN components in this view.
        self.comp_of: dict[int, int] = {}
        self.comps: list[dict] = []
        for ui, devs in enumerate(net.unit_devices):
            root = {d: d for d in devs}

            def find(x: int, root: dict[int, int] = root) -> int:
                while root[x] != x:
                    root[x] = root[root[x]]
                    x = root[x]
                return x

            for d in devs:
                for y, e in net.adj[d]:
                    if ok[e] and net.owner[y] == ui:
                        root[find(d)] = find(y)
            groups: dict[int, list[int]] = {}
            for d in devs:
                groups.setdefault(find(d), []).append(d)
            for members in groups.values():
                attach = [(y, e) for d in members for y, e in net.adj[d] if ok[e] and infra[y] and tin[y] >= 0]
                ci = len(self.comps)
                self.comps.append({"unit": ui, "devices": members, "attach": attach, "lca": -1})
                for d in members:
                    self.comp_of[d] = ci
        self.up = [bool(c["attach"]) for c in self.comps]
        by_lca: list[tuple[int, int]] = []
        self.at_node: dict[int, list[int]] = {}
        for ci, c in enumerate(self.comps):
            if not c["attach"]:
                continue
            ts = [tin[y] for y, _ in c["attach"]]
            lo, hi = min(ts), max(ts)
            x = next(y for y, _ in c["attach"] if tin[y] == lo)
            while not (tin[x] <= hi < tin[x] + size[x]):
                x = parent[x]
            c["lca"] = x
            if x != S:
                by_lca.append((tin[x], ci))
                self.at_node.setdefault(x, []).append(ci)
        by_lca.sort()
        self.lca_tins = [t for t, _ in by_lca]
        self.lca_comps = [ci for _, ci in by_lca]
        self.S = S
        self.ok = ok

    def base_up(self, d: int) -> bool:
        ci = self.comp_of.get(d)
        return ci is not None and self.up[ci]

    def _subtree(self, c: int) -> list[int]:
        t0, t1 = self.tin[c], self.tin[c] + self.size[c]
        return self.lca_comps[bisect_left(self.lca_tins, t0):bisect_left(self.lca_tins, t1)]

    def lost_by_edge(self, e: int) -> list[int]:
        net = self.net
        if not self.ok[e]:
            return []
        a, b = net.edges[e]
        oa, ob = net.owner[a], net.owner[b]
        if oa < 0 and ob < 0:
            c = self.child_of_edge.get(e)
            if c is None or self.low[c] <= self.tin[self.parent[c]]:
                return []
            return self._subtree(c)
        if (oa < 0) == (ob < 0):
            return []  # unit internal (never a candidate) or between two units (never used)
        d = a if oa >= 0 else b
        ci = self.comp_of[d]
        if self.up[ci] and all(ae == e for _, ae in self.comps[ci]["attach"]):
            return [ci]
        return []

    def lost_by_unit_device(self, d: int) -> list[int]:
        """Devices of d's unit that go down with d (units are not transit, so nothing else changes)."""
        net = self.net
        if not self.base_up(d):
            return []
        ui = net.owner[d]
        others = [x for x in net.unit_devices[ui] if x != d]
        root = {x: x for x in others}

        def find(x: int) -> int:
            while root[x] != x:
                root[x] = root[root[x]]
                x = root[x]
            return x

        attached = set()
        for x in others:
            for y, e in net.adj[x]:
                if not self.ok[e]:
                    continue
                if net.owner[y] == ui and y != d:
                    root[find(x)] = find(y)
                elif net.owner[y] < 0 and self.tin[y] >= 0:
                    attached.add(x)
        live = {find(x) for x in attached}
        return [d] + [x for x in others if self.base_up(x) and find(x) not in live]

    def lost_by_device(self, v: int) -> list[int]:
        tin, low = self.tin, self.low
        if tin[v] < 0:
            return []
        kids = self.children[v]
        sep = [low[c] >= tin[v] for c in kids]
        out: list[int] = []
        for c, s in zip(kids, sep, strict=True):
            if s:
                out.extend(self._subtree(c))
        kid_tins = [tin[c] for c in kids]
        for ci in self.at_node.get(v, ()):
            lost = True
            for y, _ in self.comps[ci]["attach"]:
                if y == v:
                    continue
                k = bisect_right(kid_tins, tin[y]) - 1
                if k < 0 or not sep[k]:
                    lost = False
                    break
            if lost:
                out.append(ci)
        return out


# Below this many rooms one BFS pair per room is cheaper than building the contracted graph.
CONTRACT_ROOMS_FROM = 20


def n1_fast(g: nx.MultiGraph, kinds: Iterable[str] = ("link", "device"), *,
            rooms: str = "auto") -> dict[str, list[SingleFailure]]:
    """Impact of every single link, device, unit device and (``rooms``: "auto", "contract", "bfs")
    room failure; equal to sweep_single_naive. Kinds it cannot do exactly are left out of the result."""
    net = get_net(g)
    full, prim = get_views(g)
    # Per unit: the terminal holders that are up now, for the cut/degraded decision.
    had: list[dict[int, int]] = [{d: t for d, t in held if full.base_up(d)} for held in net.holders]

    def holders_of(view: _View, comps: list[int]) -> dict[int, dict[int, int]]:
        out: dict[int, dict[int, int]] = {}
        for ci in comps:
            c = view.comps[ci]
            ui = c["unit"]
            for d in c["devices"]:
                t = had_all[ui].get(d)
                if t is not None:
                    out.setdefault(ui, {})[d] = t
        return out

    had_all = [dict(held) for held in net.holders]

    def holders_of_devices(devices: list[int]) -> dict[int, dict[int, int]]:
        out: dict[int, dict[int, int]] = {}
        for d in devices:
            ui = net.owner[d]
            t = had_all[ui].get(d) if ui >= 0 else None
            if t is not None:
                out.setdefault(ui, {})[d] = t
        return out

    def build(kind: str, name: str, lost_full: list[int], lost_prim: list[int]) -> SingleFailure:
        return build_from(kind, name, holders_of(full, lost_full), holders_of(prim, lost_prim))

    def build_from(kind: str, name: str, lf: dict[int, dict[int, int]],
                   lp: dict[int, dict[int, int]]) -> SingleFailure:
        f = SingleFailure(kind, name)
        for ui in sorted(lf):
            lost = lf[ui]
            f.terminals_lost += sum(lost.values())
            (f.units_cut if len(lost) == len(had[ui]) else f.units_degraded).append(ui)
        for ui in sorted(lp):
            gone = lf.get(ui, {})
            moved = [t for d, t in lp[ui].items() if d not in gone]
            if moved:
                f.terminals_failover += sum(moved)
                if len(gone) != len(had[ui]):
                    f.units_failover.append(ui)
        return f

    out: dict[str, list[SingleFailure]] = {}
    kinds = list(kinds)
    if "link" in kinds:
        out["link"] = [build("link", k, full.lost_by_edge(e), prim.lost_by_edge(e))
                       for e, k in enumerate(net.keys) if not net.unit_internal[e]]
    if "device" in kinds:
        out["device"] = [build("device", net.nodes[v].split(":", 1)[1], full.lost_by_device(v),
                               prim.lost_by_device(v))
                         for v in range(len(net.nodes)) if net.nodes[v].startswith("device:") and net.owner[v] < 0]
    many = sum(1 for r in net.room_nodes if r) >= CONTRACT_ROOMS_FROM
    if "room" in kinds and (rooms == "contract" or (rooms == "auto" and many)):
        room_failures = _rooms_by_contraction(g, net, build_from, had_all)
        if room_failures is not None:
            out["room"] = room_failures
    if "unit-device" in kinds:
        out["unit-device"] = [build_from("unit-device", net.nodes[v].split(":", 1)[1],
                                         holders_of_devices(full.lost_by_unit_device(v)),
                                         holders_of_devices(prim.lost_by_unit_device(v)))
                              for v in range(len(net.nodes)) if net.owner[v] >= 0]
    return out


def _room_contraction_exact(net: Net, primary: bool) -> bool:
    """Contracting rooms is exact when every room's devices are joined by the room's own links (in
    this view) and no unit device sits in a room; otherwise the contraction would invent paths."""
    for nodes in net.room_nodes:
        if not nodes:
            continue
        if any(net.owner[x] >= 0 for x in nodes):
            return False
        inside = set(nodes)
        seen = {nodes[0]}
        stack = [nodes[0]]
        while stack:
            x = stack.pop()
            for y, e in net.adj[x]:
                if y in inside and y not in seen and (net.primary_edge[e] or not primary):
                    seen.add(y)
                    stack.append(y)
        if len(seen) != len(nodes):
            return False
    return True


def _rooms_by_contraction(g: nx.MultiGraph, net: Net, build_from, had_all) -> list[SingleFailure] | None:
    """All room failures in one pass: contract each room into one vertex, then a room failure is that
    vertex's device failure in the contracted graph (Farina-style impact of every articulation point)."""
    if not _room_contraction_exact(net, False) or not _room_contraction_exact(net, True):
        return None
    rep = {i: f"room:{net.rooms[net.room[i]]}" if net.room[i] >= 0 else n for i, n in enumerate(net.nodes)}
    h = nx.MultiGraph()
    h.graph.update(carriers=g.graph.get("carriers", {}), srlgs={}, rooms={}, core=sorted({rep[c] for c in net.core}),
                   units={u: {**g.graph["units"][u], "devices": [rep[d] for d in net.unit_devices[ui]]}
                          for ui, u in enumerate(net.units)})
    for i, n in enumerate(net.nodes):
        if rep[i] not in h:
            h.add_node(rep[i], **({"unit": None, "room": None, "terminals": 0} if rep[i] != n else g.nodes[n]))
    for e, (a, b) in enumerate(net.edges):
        if rep[a] == rep[b] and net.room[a] >= 0:
            continue  # inside one room
        u, v = net.nodes[a], net.nodes[b]
        h.add_edge(rep[a], rep[b], key=net.keys[e], **g.edges[u, v, net.keys[e]])
    hnet = get_net(h)
    hfull, hprim = _View(hnet, primary=False), _View(hnet, primary=True)
    back = {hnet.index[rep[i]]: i for i in range(len(net.nodes)) if net.owner[i] >= 0}

    def holders(view: _View, comps: list[int]) -> dict[int, dict[int, int]]:
        out: dict[int, dict[int, int]] = {}
        for ci in comps:
            for hd in view.comps[ci]["devices"]:
                d = back[hd]
                t = had_all[net.owner[d]].get(d)
                if t is not None:
                    out.setdefault(net.owner[d], {})[d] = t
        return out

    out = []
    for r, nodes in enumerate(net.room_nodes):
        if not nodes:
            continue
        v = hnet.index[f"room:{net.rooms[r]}"]
        out.append(build_from("room", net.rooms[r], holders(hfull, hfull.lost_by_device(v)),
                              holders(hprim, hprim.lost_by_device(v))))
    return out


def get_views(g: nx.MultiGraph) -> tuple[_View, _View]:
    views = g.graph.get("_views")
    if views is None:
        net = get_net(g)
        views = (_View(net, primary=False), _View(net, primary=True))
        g.graph["_views"] = views
    return views
