"""Property tests on random multigraphs: the one-pass N-1 and the N-2 extra-pair method give exactly
the naive loop's answers, and room/carrier scenarios agree with an independent networkx check."""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topology.n2 import candidate_links, n2_extra_comps, pair_lost_fast, pair_lost_naive, single_lost
from topology.net import get_net, reach
from topology.scenario import FailureSpec, simulate
from topology.sweep import sweep_single, sweep_single_naive, sweep_single_naive_nx
from topology.synth import Builder

CARRIERS = ["unicom", "telecom", None]
ROLES = ["primary", "backup", "internal", "uplink"]


def random_graph(seed: int, scale: int = 1) -> nx.MultiGraph:
    rng = random.Random(seed)
    b = Builder()
    rooms = [f"R{i}" for i in range(rng.randint(1, 4 * scale))]
    b.room(rooms[0], is_core=True)
    for r in rooms[1:]:
        b.room(r)
    infra = []
    for i in range(rng.randint(2, 10 * scale)):
        room = rng.choice([*rooms, None]) if i else rooms[0]
        infra.append(b.device(f"D{i}", room=room))
    if rng.random() < 0.3:
        infra.append(b.external("EXT"))
    for i in range(rng.randint(1, 16 * scale * scale)):
        a, z = rng.choice(infra), rng.choice(infra)
        if a == z:
            continue
        b.link(a, z, f"E{i}", carrier=rng.choice(CARRIERS), role=rng.choice(ROLES),
               srlg=rng.choice([None, None, "s1", "s2"]), bandwidth=rng.choice([20, 100, 1000]))
    unit_devs: list[list[str]] = []
    for u in range(rng.randint(1, 6 * scale)):
        devs = [b.device(f"U{u}-{k}", unit=f"U{u}", terminals=rng.choice([0, 5, 10, 40]))
                for k in range(rng.randint(1, 3))]
        unit_devs.append(devs)
        for i, (a, z) in enumerate(combinations(devs, 2)):
            if rng.random() < 0.6:
                b.link(a, z, f"U{u}-L{i}")
        for i, d in enumerate(devs):
            for j in range(rng.choice([0, 1, 1, 2])):
                b.link(d, rng.choice(infra), f"U{u}-W{i}{j}", carrier=rng.choice(CARRIERS[:2]),
                       role=rng.choice(["primary", "backup"]), srlg=rng.choice([None, "s1"]),
                       bandwidth=rng.choice([10, 50, 100]))
    if len(unit_devs) > 1 and rng.random() < 0.3:
        b.link(unit_devs[0][0], unit_devs[1][0], "UU")  # a stray unit-to-unit link: never transit
    return b.done()


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.integers(0, 2**31))
def test_n1_fast_equals_naive(seed: int) -> None:
    g = random_graph(seed)
    kinds = ("link", "device", "unit-device", "srlg", "room", "carrier")
    fast = [f.key() for f in sweep_single(g, kinds)]
    assert fast == [f.key() for f in sweep_single_naive(g, kinds)]
    # Rooms by contraction (used from 20 rooms up): exact whenever it applies.
    assert [f.key() for f in sweep_single(g, kinds, rooms="contract")] == fast
    assert fast == [f.key() for f in sweep_single_naive_nx(g, kinds)]


@FAST
@given(st.integers(0, 2**31))
def test_n2_fast_equals_naive(seed: int) -> None:
    g = random_graph(seed)
    net = get_net(g)
    base = reach(net)
    extra, singles = n2_extra_comps(g), single_lost(g)
    for a, b in combinations(candidate_links(net), 2):
        assert pair_lost_fast(g, a, b, extra, singles) == pair_lost_naive(net, a, b, base), (net.keys[a], net.keys[b])


def independent_cut(g: nx.MultiGraph, dead_nodes: set[str], dead_edge: callable) -> set[str]:
    """Units cut, computed with a directed networkx graph: into units but never out of them."""
    d = nx.DiGraph()
    d.add_nodes_from(g.nodes)
    for u, v, k, data in g.edges(keys=True, data=True):
        if u in dead_nodes or v in dead_nodes or dead_edge(k, data):
            continue
        ou, ov = g.nodes[u]["unit"], g.nodes[v]["unit"]
        if ou is None or ou == ov:
            d.add_edge(u, v)
        if ov is None or ou == ov:
            d.add_edge(v, u)
    for c in g.graph["core"]:
        if c not in dead_nodes and g.nodes[c]["unit"] is None:
            d.add_edge("S", c)
    d.add_node("S")
    up = nx.descendants(d, "S")
    return up


def _cut_units(g: nx.MultiGraph, before: set[str], after: set[str]) -> set[str]:
    out = set()
    for code, info in g.graph["units"].items():
        holders = [n for n in info["devices"] if g.nodes[n]["terminals"] > 0] or info["devices"]
        had = [n for n in holders if n in before]
        if had and not any(n in after for n in had):
            out.add(code)
    return out


@FAST
@given(st.integers(0, 2**31))
def test_room_and_carrier_scenarios_match_networkx(seed: int) -> None:
    g = random_graph(seed)
    before = independent_cut(g, set(), lambda k, d: False)
    for room, info in g.graph["rooms"].items():
        if not info["devices"]:
            continue
        after = independent_cut(g, set(info["devices"]), lambda k, d: False)
        assert {u.unit for u in simulate(g, FailureSpec(rooms=[room])).units_cut} == _cut_units(g, before, after)
    for carrier in ("unicom", "telecom"):
        if not any(d["carrier"] == carrier for _, _, d in g.edges(data=True)):
            continue
        after = independent_cut(g, set(), lambda k, d, c=carrier: d["carrier"] == c)
        assert {u.unit for u in simulate(g, FailureSpec(carriers=[carrier])).units_cut} == _cut_units(g, before, after)


def test_sample_shaped_cities_fast_equals_naive() -> None:
    """Realistic shapes too: cities generated like the sample with other seeds, every single failure
    and every link pair."""
    from topology.synth import city_graph

    kinds = ("link", "device", "unit-device", "srlg", "room", "carrier")
    for seed in (1, 2, 3):
        g = city_graph(seed)
        naive = [f.key() for f in sweep_single_naive(g, kinds)]
        assert [f.key() for f in sweep_single(g, kinds)] == naive
        assert [f.key() for f in sweep_single(g, kinds, rooms="contract")] == naive
        net = get_net(g)
        base = reach(net)
        extra, singles = n2_extra_comps(g), single_lost(g)
        cand = candidate_links(net)
        assert all(pair_lost_fast(g, a, b, extra, singles) == pair_lost_naive(net, a, b, base)
                   for a, b in combinations(cand, 2))


def _spec_for(kind: str, name: str) -> FailureSpec:
    field = {"link": "links", "device": "devices", "unit-device": "devices", "srlg": "srlgs", "room": "rooms",
             "carrier": "carriers"}[kind]
    return FailureSpec(**{field: [name]})


@FAST
@given(st.integers(0, 2**31))
def test_overload_sweep_equals_one_scenario_per_failure(seed: int) -> None:
    from topology.scenario import overload_sweep

    g = random_graph(seed)
    kinds = ("link", "device", "unit-device", "srlg", "room")
    singles = sweep_single(g, kinds)
    swept = overload_sweep(g, singles, mbps_per_terminal=1.5)
    for f in singles:
        r = simulate(g, _spec_for(f.kind, f.element), mbps_per_terminal=1.5)
        got = [(o.circuit, o.demand_mbps) for o in swept.get((f.kind, f.element), [])]
        assert [(o.circuit, o.demand_mbps) for o in r.overloaded] == got, (f.kind, f.element)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31))
def test_larger_random_graphs(seed: int) -> None:
    """Deeper DFS trees, longer cut-pair groups, many parallel edges (40 devices, up to 144 links)."""
    g = random_graph(seed, scale=4)
    kinds = ("link", "device", "unit-device", "srlg", "room", "carrier")
    naive = [f.key() for f in sweep_single_naive(g, kinds)]
    assert [f.key() for f in sweep_single(g, kinds)] == naive
    assert [f.key() for f in sweep_single(g, kinds, rooms="contract")] == naive
    net = get_net(g)
    base = reach(net)
    extra, singles = n2_extra_comps(g), single_lost(g)
    for a, b in combinations(candidate_links(net), 2):
        assert pair_lost_fast(g, a, b, extra, singles) == pair_lost_naive(net, a, b, base)
