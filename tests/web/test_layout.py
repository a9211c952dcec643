"""topology.layout: server-side coordinates (pure function over the graph)."""

from __future__ import annotations

import math

import pytest

from topology.layout import LEVELS, compute
from topology.protection import classify
from topology.sweep import spof
from topology.synth import city_graph, province_graph


@pytest.fixture(scope="module")
def city():
    g = city_graph()
    p = classify(g)
    return g, p, {f"{f.kind}:{f.element}" for f in spof(g)}


def _level(city, level, **kw):
    g, p, s = city
    return compute(g, level, classes={k: v.cls for k, v in p.items()},
                   primary_rooms={k: v.primary_room for k, v in p.items()}, spof=s, **kw)


def _dist(a, b) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def test_rooms_ring_around_the_core(city) -> None:
    m = _level(city, "rooms")
    rooms = [n for n in m.nodes if n.kind == "room"]
    assert len(rooms) == 7 and {n.kind for n in m.nodes} == {"room", "external"}
    core = m.node("room:CORE")
    assert (core.x, core.y) == (0, 0) and core.is_core and core.spof
    radii = [_dist(n, core) for n in rooms if n is not core]
    assert min(radii) > 0 and max(radii) - min(radii) < 2  # every other room on one ring (coordinates to 0.1)
    # Every circuit between rooms is its own edge; nothing of a unit shows at this level.
    assert all(e.source.startswith(("room:", "external:")) and e.target.startswith(("room:", "external:"))
               for e in m.edges)
    g = city[0]
    between = sum(1 for u, v, d in g.edges(data=True)
                  if g.nodes[u].get("room") != g.nodes[v].get("room") and not g.nodes[u].get("unit")
                  and not g.nodes[v].get("unit"))
    assert len(m.edges) == between


def test_units_sit_around_their_primary_room(city) -> None:
    g, p, _ = city
    m = _level(city, "units")
    rooms = {n.room: n for n in m.nodes if n.kind == "room"}
    units = [n for n in m.nodes if n.kind == "unit"]
    assert len(units) == 97
    for u in units:
        home = p[u.unit].primary_room
        nearest = min(rooms.values(), key=lambda r: _dist(u, r))
        assert nearest.room == home, (u.unit, home, nearest.room)
        assert u.cls == p[u.unit].cls and u.terminals == g.graph["units"][u.unit]["terminals"]
    # No two nodes on top of each other.
    pts = [(n.x, n.y) for n in m.nodes]
    assert min(math.dist(a, b) for i, a in enumerate(pts) for b in pts[i + 1:]) > 60
    # Parallel circuits (same two map nodes) are numbered so each is drawn.
    pairs: dict[frozenset, list[int]] = {}
    for e in m.edges:
        pairs.setdefault(frozenset((e.source, e.target)), []).append(e.parallel)
    assert any(len(v) > 1 for v in pairs.values())
    assert all(sorted(v) == list(range(len(v))) for v in pairs.values())


def test_device_level_places_every_device_near_its_room_or_unit(city) -> None:
    g, _, s = city
    m = _level(city, "devices")
    units_level = {n.id: n for n in _level(city, "units").nodes}
    devices = [n for n in m.nodes if n.kind == "device"]
    assert len(devices) == sum(1 for _, k in g.nodes(data="kind") if k == "device")
    assert len(m.edges) == g.number_of_edges()
    for n in devices:
        anchor = units_level[f"unit:{n.unit}"] if n.unit else units_level[f"room:{n.room}"]
        assert math.hypot(n.x - anchor.x * 1.6, n.y - anchor.y * 1.6) < 150
    assert {n.id for n in devices if n.spof} == {f"device:{x.split(':', 1)[1]}" for x in s if x.startswith("device:")}


def test_saved_positions_override_and_layout_is_deterministic(city) -> None:
    a = _level(city, "units")
    b = _level(city, "units", saved={"unit:U001": (12.5, -3.0)})
    assert [(n.id, n.x, n.y) for n in a.nodes if n.id != "unit:U001"] == \
        [(n.id, n.x, n.y) for n in b.nodes if n.id != "unit:U001"]
    moved = b.node("unit:U001")
    assert (moved.x, moved.y, moved.saved) == (12.5, -3.0, True)


def test_unknown_level_names_the_levels(city) -> None:
    with pytest.raises(ValueError, match="rooms, units, devices"):
        compute(city[0], "terminals")


def test_province_scale_is_linear_and_without_a_classification() -> None:
    g = province_graph(cities=3)
    for level in LEVELS:
        m = compute(g, level)  # no protection input: units go to the room they connect to most
        assert m.nodes and all(math.isfinite(n.x) and math.isfinite(n.y) for n in m.nodes)
    units = compute(g, "units")
    assert sum(1 for n in units.nodes if n.kind == "unit") == len(g.graph["units"])
