"""The DFS structure of a graph's two views (every usable edge; the primary edges only), built once
per graph and shared by the one-pass N-1 (topology.fast) and the N-2 pairs (topology.n2).

See topology.fast for the method: a super-source joined to the core, one iterative Tarjan DFS, unit
LAN components ordered by the preorder number of the LCA of their attachments."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import networkx as nx

from .net import Net, get_net


class View:
    """DFS structure of one view (all usable edges, or the primary ones only)."""

    def __init__(self, net: Net, primary: bool):
        self.net = net
        n, m = len(net.nodes), len(net.edges)
        self.ok = net.primary_edge if primary else [True] * m
        self.infra = [o < 0 for o in net.owner]
        self.S = n
        self._dfs(self._infra_adjacency())
        self.child_of_edge = {self.pedge[v]: v for v in range(n) if self.pedge[v] >= 0 and self.pedge[v] < m}
        self._unit_components()
        self._order_by_lca()

    def _infra_adjacency(self) -> list[list[tuple[int, int]]]:
        """Usable infrastructure edges, plus one virtual edge (id m + i) from S to each core node."""
        net, ok, infra, S = self.net, self.ok, self.infra, self.S
        n, m = len(net.nodes), len(net.edges)
        adj: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
        for e, (a, b) in enumerate(net.edges):
            if ok[e] and a != b and infra[a] and infra[b]:
                adj[a].append((b, e))
                adj[b].append((a, e))
        for i, c in enumerate(net.core):
            if infra[c]:
                adj[S].append((c, m + i))
                adj[c].append((S, m + i))
        return adj

    def _dfs(self, adj: list[list[tuple[int, int]]]) -> None:
        """One iterative Tarjan DFS from S: preorder, lowpoint, subtree size, parent and parent edge."""
        S = self.S
        n = len(adj) - 1
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

    def _unit_components(self) -> None:
        """Unit LAN components in this view: a unit's devices joined by its own links, with their
        attachments to the infrastructure."""
        net, ok, infra, tin = self.net, self.ok, self.infra, self.tin
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

    def _order_by_lca(self) -> None:
        """Each component's DFS-tree LCA of its attachments; components sorted by its preorder number."""
        tin, size, parent, S = self.tin, self.size, self.parent, self.S
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

    def base_up(self, d: int) -> bool:
        ci = self.comp_of.get(d)
        return ci is not None and self.up[ci]

    def subtree(self, c: int) -> list[int]:
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
            return self.subtree(c)
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
                out.extend(self.subtree(c))
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


def get_views(g: nx.MultiGraph) -> tuple[View, View]:
    views = g.graph.get("_views")
    if views is None:
        net = get_net(g)
        views = (View(net, primary=False), View(net, primary=True))
        g.graph["_views"] = views
    return views
