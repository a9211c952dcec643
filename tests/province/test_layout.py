"""The province map (topology.layout on province_graph): each city drawn as one cluster around its
city core, every unit next to its own primary room, nothing on top of anything else."""

from __future__ import annotations

import itertools
import math

from topology.layout import compute
from topology.protection import classify
from topology.synth import province_graph


def test_cities_are_clusters_and_units_sit_at_their_rooms() -> None:
    g = province_graph(cities=5)
    p = classify(g)
    m = compute(g, "units", classes={k: v.cls for k, v in p.items()},
                primary_rooms={k: v.primary_room for k, v in p.items()})
    rooms = {n.room: n for n in m.nodes if n.kind == "room"}
    units = [n for n in m.nodes if n.kind == "unit"]
    assert len(units) == len(g.graph["units"])
    for u in units:
        nearest = min(rooms.values(), key=lambda r: math.hypot(u.x - r.x, u.y - r.y))
        assert nearest.room == p[u.unit].primary_room, u.unit
    cores = {code[:4]: rooms[code] for code in rooms if code.endswith("-CORE")}
    assert len(cores) == 5
    for code, r in rooms.items():
        if code.startswith("PROV-"):
            assert math.hypot(r.x, r.y) < 200  # the provincial core pair in the centre
            continue
        nearest_core = min(cores, key=lambda c: math.hypot(r.x - cores[c].x, r.y - cores[c].y))
        assert nearest_core == code[:4], code  # a node room sits with its own city
    pts = [(n.x, n.y) for n in m.nodes]
    assert min(math.dist(a, b) for a, b in itertools.combinations(pts, 2)) > 60
