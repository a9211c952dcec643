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

from collections.abc import Iterable

import networkx as nx

from .failures import SingleFailure
from .net import Net, element_name, failable, get_net
from .views import View, get_views

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

    def holders_of(view: View, comps: list[int]) -> dict[int, dict[int, int]]:
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
        out["device"] = [build("device", element_name(net.nodes[v]), full.lost_by_device(v),
                               prim.lost_by_device(v))
                         for v in range(len(net.nodes)) if failable(net.nodes[v]) and net.owner[v] < 0]
    many = sum(1 for r in net.room_nodes if r) >= CONTRACT_ROOMS_FROM
    if "room" in kinds and (rooms == "contract" or (rooms == "auto" and many)):
        room_failures = _rooms_by_contraction(g, net, build_from, had_all)
        if room_failures is not None:
            out["room"] = room_failures
    if "unit-device" in kinds:
        out["unit-device"] = [build_from("unit-device", element_name(net.nodes[v]),
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
    hfull, hprim = View(hnet, primary=False), View(hnet, primary=True)
    back = {hnet.index[rep[i]]: i for i in range(len(net.nodes)) if net.owner[i] >= 0}

    def holders(view: View, comps: list[int]) -> dict[int, dict[int, int]]:
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
