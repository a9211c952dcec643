"""province-pg: the 11-city province loaded into PostgreSQL through the importer, then every single failure
(links, network and unit devices, SRLGs, rooms) timed from the database: reading the inventory and
building the networkx graph (no cache) + the integer view + the one-pass N-1 sweep.
Baseline, in the same run: the same read + build, then the naive networkx loop (restricted_view + BFS,
both views), timed on a random sample of the failures and extrapolated, as n1-province does. The fast
answers are checked against the integer-BFS naive loop for every failure."""

from __future__ import annotations

import os
import statistics
import time

from sqlmodel import Session, func, select

from inventory.models import Device, Unit
from inventory.province import load_province
from tests.bench._n1 import SAMPLE, naive_baselines
from tests.bench._util import write_result
from tests.conftest import make_pg_database, need, pg_available
from topology.graph import build_graph
from topology.sweep import sweep_single

KINDS = ("link", "device", "unit-device", "srlg", "room")
CITIES = 11
RUNS = 7


def test_province_pg() -> None:
    from inventory.db import get_engine
    from inventory.service import prepare

    ok, why = pg_available()
    need("PostgreSQL", ok, why)
    engine = get_engine(make_pg_database("bench_province"))
    prepare(engine)
    t = time.perf_counter()
    report = load_province(engine, CITIES)
    load_s = time.perf_counter() - t

    times, builds, cpu = [], [], []
    for _ in range(RUNS):
        t, c = time.perf_counter(), time.process_time()
        with Session(engine) as s:
            g = build_graph(s)
        built = time.perf_counter()
        fast = sweep_single(g, KINDS)
        times.append(time.perf_counter() - t)
        builds.append(built - t)
        cpu.append(time.process_time() - c)
    value, build_s = statistics.median(times), statistics.median(builds)

    int_s, nx_s = naive_baselines(g, fast, KINDS)

    with Session(engine) as s:
        devices = s.exec(select(func.count()).select_from(Device)).one()
        units = s.exec(select(func.count()).select_from(Unit)).one()
        terminals = s.exec(select(func.sum(Unit.declared_terminals))).one()
    engine.dispose()
    res = write_result("province-pg", value, "seconds", build_s + nx_s, higher_is_better=False,
                       cities=CITIES, devices=devices, units=units, terminals=terminals,
                       interfaces=report.created.get("interfaces", 0), circuits=report.created.get("circuits", 0),
                       load_seconds=round(load_s, 3), graph_build_seconds=round(build_s, 4),
                       sweep_seconds=round(value - build_s, 4), nodes=g.number_of_nodes(), edges=g.number_of_edges(),
                       failures=len(fast), min_seconds=round(min(times), 4),
                       cpu_seconds_median=round(statistics.median(cpu), 4), load_average=os.getloadavg()[0],
                       includes="PostgreSQL read + networkx graph build (cache off) + int view + all N-1",
                       baseline_method=f"the same read + build, then the naive networkx loop (restricted_view + "
                                       f"BFS, both views), sampled: {SAMPLE} random failures timed and extrapolated "
                                       f"to all {len(fast)}",
                       baseline_sampled=True, naive_int_bfs_seconds=round(int_s, 3),
                       target="<= 1 s including reading the inventory and building the graph")
    print(res)
