"""Drift against a real collection: the SSH lab plays the sample city with three physical changes the
register does not know about, netmiko collects every device, the collector ingests LLDP and subnet
links, and the drift report must name exactly those changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

import answers
from inventory.db import get_engine, session_scope
from inventory.models import Circuit, Interface
from inventory.service import load_sample, prepare
from lab.model import LabNeighbor
from lab.spec import build_lab_spec
from tests.conftest import collect_from_lab
from topology.graph import build_graph

pytestmark = pytest.mark.xdist_group("topology-lab")


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    tmp = tmp_path_factory.mktemp("topology-lab")
    eng = get_engine(f"sqlite:///{tmp / 'extranet.db'}")
    prepare(eng)
    load_sample(eng)
    with session_scope(eng) as s:
        spec = build_lab_spec(s)
        lt = s.exec(select(Circuit).where(Circuit.cid == "LT-U010-1")).one()
        unplugged = {s.get(Interface, lt.a_interface_id).name, s.get(Interface, lt.z_interface_id).name}
    devs = {d.hostname: d for d in spec.devices}
    # 1. LT-U010-1 is unplugged in the field (both ends stop seeing each other).
    for d in devs.values():
        d.neighbors = [n for n in d.neighbors
                       if not (n.local_interface in unplugged and "U010-AR1" in (d.hostname, n.neighbor))]
    # 2. Someone patched U001's LAN port straight into U002's.
    lan = {h: next(i.name for i in devs[h].interfaces if "局域网" in i.description) for h in ("U001-AR1", "U002-AR1")}
    devs["U001-AR1"].neighbors.append(LabNeighbor(lan["U001-AR1"], "U002-AR1", lan["U002-AR1"]))
    devs["U002-AR1"].neighbors.append(LabNeighbor(lan["U002-AR1"], "U001-AR1", lan["U001-AR1"]))
    # 3. The aggregation switch facing U003's Telecom backup no longer reports it.
    agg = next(h for h, d in devs.items() if "AGG" in h and any(n.neighbor == "U003-AR2" for n in d.neighbors))
    devs[agg].neighbors = [n for n in devs[agg].neighbors if n.neighbor != "U003-AR2"]
    collect_from_lab(eng, tmp, spec, concurrency=16)
    yield eng, agg
    eng.dispose()


def test_drift_names_exactly_what_changed_in_the_field(collected: tuple[Engine, str]) -> None:
    engine, agg = collected
    with session_scope(engine) as s:
        report = answers.ask(s).drift()
        graph = build_graph(s)
    kinds = report.by_kind()
    assert len(report.lldp_scope) == graph.number_of_nodes() - 1  # every device's screen was read
    assert [i.circuit for i in kinds["declared-not-seen"]] == ["LT-U010-1"]
    assert [(i.a.split(":")[0], i.z.split(":")[0]) for i in kinds["seen-not-declared"]] == [("U001-AR1", "U002-AR1")]
    assert [(i.a.split(":")[0], i.z.split(":")[0]) for i in kinds["one-sided-lldp"]] == [("U003-AR2", agg)]
    assert kinds["carrier-mismatch"] == [] and kinds["bandwidth-mismatch"] == []
    # The stray patch cable is in the graph as a discovered edge; it joins two units, so it carries nothing.
    assert any(k.startswith("link:") for _, _, k in graph.edges(keys=True))
