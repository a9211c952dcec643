"""What the topology and analysis endpoints derive from the graph (protection classes, the single-
failure sweep, SPOFs, map levels), computed once per inventory version and shared by every request.

The graph itself is cached by topology.graph per inventory version; checking that version costs a
dozen small queries, so finished responses are also kept for a second, and any write made through
this API (Ctx.write) drops them at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx
from sqlmodel import Session, func, select

from inventory.models import MapPosition
from topology.graph import build_graph
from topology.protection import UnitProtection, classify
from topology.sweep import SingleFailure, spof, sweep_single

SWEEP_KINDS = ("link", "device", "unit-device", "srlg", "room", "carrier")


@dataclass
class Derived:
    graph: nx.MultiGraph
    protection: dict[str, UnitProtection]
    singles: list[SingleFailure]
    spofs: list[SingleFailure]
    spof_names: set[str]


_LOCK = threading.Lock()
_DERIVED: dict[str, tuple[nx.MultiGraph, Derived]] = {}
_RESPONSES: dict[tuple[Any, ...], tuple[float, int, Any, bytes]] = {}
_GENERATION = [0]
FRESH_SECONDS = 1.0


def invalidate() -> None:
    """Called after every write through the API."""
    with _LOCK:
        _GENERATION[0] += 1
        _RESPONSES.clear()


def derived(session: Session) -> Derived:
    g = build_graph(session)
    url = str(session.get_bind().url)
    with _LOCK:
        hit = _DERIVED.get(url)
        if hit and hit[0] is g:
            return hit[1]
    singles = sweep_single(g, SWEEP_KINDS)
    prot = classify(g, singles)
    spofs = spof(g, failures=[f for f in singles if f.kind != "carrier"])
    d = Derived(g, prot, singles, spofs, {f"{f.kind}:{f.element}" for f in spofs})
    with _LOCK:
        _DERIVED[url] = (g, d)
    return d


def positions_version(session: Session, level: str) -> tuple[Any, ...]:
    return tuple(session.exec(select(func.count(), func.max(MapPosition.saved_at))
                              .where(MapPosition.level == level)).one())


def cached_bytes(session: Session, key: tuple[Any, ...], version: Callable[[], Any],
                 render: Callable[[], bytes]) -> bytes:
    """`render()` once per (key, version()); version() is re-checked at most every FRESH_SECONDS."""
    url = str(session.get_bind().url)
    full = (url, *key)
    now = time.monotonic()
    with _LOCK:
        hit = _RESPONSES.get(full)
        generation = _GENERATION[0]
    if hit and hit[1] == generation and now - hit[0] < FRESH_SECONDS:
        return hit[3]
    ver = version()
    if hit and hit[1] == generation and hit[2] == ver:
        with _LOCK:
            _RESPONSES[full] = (now, generation, ver, hit[3])
        return hit[3]
    body = render()
    with _LOCK:
        if len(_RESPONSES) > 1024:  # many distinct list queries: start over rather than grow
            _RESPONSES.clear()
        _RESPONSES[full] = (now, generation, ver, body)
    return body


def fresh_bytes(engine_url: str, key: tuple[Any, ...]) -> bytes | None:
    """A response rendered less than FRESH_SECONDS ago with no write since, without any query."""
    with _LOCK:
        hit = _RESPONSES.get((engine_url, *key))
        generation = _GENERATION[0]
    if hit and hit[1] == generation and time.monotonic() - hit[0] < FRESH_SECONDS:
        return hit[3]
    return None
