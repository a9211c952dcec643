"""The overload sweep's incremental routing: after any failure (and pairs of them), re-solving only
the cut subtrees of the base least-cost tree gives exactly the distances and parent edges of a full
Dijkstra with the failure applied, ties included (the loads follow the parent edges)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.topology.test_property import random_graph
from topology.net import get_net
from topology.scenario import _reroute, _route_tree
from topology.sweep import elements


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31), st.sampled_from([1, 2]))
def test_reroute_equals_a_full_dijkstra(seed: int, scale: int) -> None:
    net = get_net(random_graph(seed, scale))
    dist, pedge = _route_tree(net, set(), set())
    children: list[list[int]] = [[] for _ in net.nodes]
    for y, e in enumerate(pedge):
        if e >= 0:
            a, b = net.edges[e]
            children[a if b == y else b].append(y)
    failures = [(set(dn), set(de)) for kind in ("link", "device", "unit-device", "srlg", "room")
                for _, dn, de in elements(net, kind)]
    rng = random.Random(seed)
    for _ in range(10):  # a few double failures too
        (n1, e1), (n2, e2) = rng.choice(failures), rng.choice(failures)
        failures.append((n1 | n2, e1 | e2))
    for dead_n, dead_e in failures:
        assert _reroute(net, (dist, pedge, children), dead_n, dead_e) == _route_tree(net, dead_n, dead_e)
