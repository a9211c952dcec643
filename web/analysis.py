"""The graph and what the pages derive from it (protection classes, single points of failure, map
levels), computed once per inventory version and shared by every request."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import networkx as nx
from sqlmodel import Session, select

from inventory.models import MapPosition
from topology import layout
from topology.graph import build_graph
from topology.protection import UnitProtection, classify
from topology.sweep import SingleFailure, spof, sweep_single


@dataclass
class Derived:
    graph: nx.MultiGraph
    protection: dict[str, UnitProtection]
    singles: list[SingleFailure]
    spofs: list[SingleFailure]
    spof_names: set[str]


_CACHE: dict[int, tuple[Any, Derived]] = {}
_LOCK = threading.Lock()


def derived(session: Session) -> Derived:
    g = build_graph(session)
    with _LOCK:
        hit = _CACHE.get(id(g))
        if hit and hit[0] is g:
            return hit[1]
    singles = sweep_single(g, ("link", "device", "unit-device", "srlg", "room", "carrier"))
    prot = classify(g, singles)
    spofs = spof(g, failures=[f for f in singles if f.kind != "carrier"])
    d = Derived(g, prot, singles, spofs, {f"{f.kind}:{f.element}" for f in spofs})
    with _LOCK:
        _CACHE.clear()  # one inventory version at a time is enough
        _CACHE[id(g)] = (g, d)
    return d


def saved_positions(session: Session, level: str) -> dict[str, tuple[float, float]]:
    rows = session.exec(select(MapPosition).where(MapPosition.level == level))
    return {r.node_key: (r.x, r.y) for r in rows}


def map_level(session: Session, level: str) -> layout.MapLevel:
    d = derived(session)
    return layout.compute(d.graph, level, classes={k: p.cls for k, p in d.protection.items()},
                          primary_rooms={k: p.primary_room for k, p in d.protection.items()},
                          spof=d.spof_names, saved=saved_positions(session, level))
