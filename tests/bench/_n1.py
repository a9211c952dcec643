"""The N-1 baselines shared by the province benchmarks: the integer-BFS naive loop over every failure
(also the correctness oracle) and the naive networkx loop, timed on a sample and extrapolated."""

from __future__ import annotations

import random
import time
from typing import Any

import networkx as nx

from topology.net import gc_paused, get_net, reach
from topology.sweep import _nx_reach, compare, elements, sweep_single_naive

SAMPLE = 250


def naive_baselines(g: nx.MultiGraph, fast: list[Any], kinds: tuple[str, ...]) -> tuple[float, float]:
    """(integer-BFS naive seconds, extrapolated networkx seconds); asserts the naive answers equal `fast`."""
    t = time.perf_counter()
    naive = sweep_single_naive(g, kinds)
    int_s = time.perf_counter() - t
    assert [f.key() for f in fast] == [f.key() for f in naive]

    net = get_net(g)
    cands = [(k, name, dn, de) for k in kinds for name, dn, de in elements(net, k)]
    assert len(cands) == len(fast)  # the callers report len(fast) as the number extrapolated to
    sample = random.Random(11).sample(cands, SAMPLE)
    base, base_p = reach(net), reach(net, primary_only=True)
    with gc_paused():  # the fast side runs without the cyclic GC too
        t = time.perf_counter()
        for kind, name, dn, de in sample:
            view = nx.restricted_view(g, [net.nodes[i] for i in dn], [(net.nodes[net.edges[e][0]],
                                      net.nodes[net.edges[e][1]], net.keys[e]) for e in de])
            compare(net, kind, name, base, base_p, _nx_reach(view, net, False), _nx_reach(view, net, True))
        nx_s = (time.perf_counter() - t) / SAMPLE * len(cands)
    return int_s, nx_s
