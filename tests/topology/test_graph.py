"""build_graph (C1): nodes, edges, annotations, and the graph answer cached per state of the database, on
SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

import answers
from inventory.db import session_scope
from inventory.models import Circuit, Interface, Link, Unit
from topology.graph import build_graph


def test_graph_matches_inventory(sample_engine: Engine) -> None:
    with session_scope(sample_engine) as s:
        g = build_graph(s)
        circuits = list(s.exec(select(Circuit).where(Circuit.status == "active")))
        units = list(s.exec(select(Unit)))
    assert g.number_of_edges() == len(circuits)  # every sample circuit is placed
    assert g.graph["unplaced"] == []
    assert {k for _, _, k in g.edges(keys=True)} == {c.cid for c in circuits}
    # Parallel members between the core pair are kept as two edges.
    assert g.number_of_edges("device:QHD-CORE-SW1", "device:QHD-CORE-SW2") == 2
    sw1 = g.nodes["device:QHD-CORE-SW1"]
    assert (sw1["kind"], sw1["room"], sw1["unit"], sw1["role"]) == ("device", "CORE", None, "core")
    ar = g.nodes["device:U001-AR1"]
    assert ar["unit"] == "U001" and ar["room"] is None
    up = g.edges["device:QHD-CORE-SW2", "external:河北省电子政务外网", "DX-UPLINK-PROV"]
    assert (up["carrier"], up["role"], up["source"]) == ("telecom", "uplink", "declared")
    bb = g.edges["device:QHD-CLOUD-AGG1", "device:QHD-CORE-SW1", "LT-BB-CLOUD-1"]
    assert bb["srlg"] == "duct:CLOUD-core" and bb["a_room"] == "CLOUD" and bb["z_room"] == "CORE"
    assert bb["bandwidth_mbps"] == 10000
    # Rooms and units are annotations, never nodes.
    assert not any(n.startswith(("room:", "unit:")) for n in g)
    assert set(g.graph["units"]) == {u.code for u in units}
    assert sum(u["terminals"] for u in g.graph["units"].values()) == sum(u.declared_terminals for u in units)
    assert sum(g.nodes[n]["terminals"] for n in g) == sum(u.declared_terminals for u in units)
    assert set(g.graph["core"]) == {"device:QHD-CORE-SW1", "device:QHD-CORE-SW2", "device:QHD-CORE-FW1",
                                    "external:河北省电子政务外网"}
    assert sorted(g.graph["srlgs"]["duct:HEBEI-core"]) == ["LT-BB-HEBEI-1", "LT-BB-HEBEI-2"]


def test_graph_answer_per_state_of_the_database(sample_copy: Engine) -> None:
    engine = sample_copy
    with session_scope(engine) as s:
        g1 = answers.ask(s).graph()
        assert answers.ask(s).graph() is g1  # same state: the very same object, never a copy
    with session_scope(engine) as s:
        c = s.exec(select(Circuit).where(Circuit.cid == "DX-U001-1")).one()
        c.status = "decommissioned"
    with session_scope(engine) as s:
        g2 = answers.ask(s).graph()
    assert g2 is not g1 and "DX-U001-1" not in {k for _, _, k in g2.edges(keys=True)}
    # A link seen by LLDP that no circuit explains becomes an edge of its own (and only with discovered=True).
    with session_scope(engine) as s:
        a = s.exec(select(Interface).where(Interface.name.contains("/0/2"))).first()
        z = s.exec(select(Interface).where(Interface.name.contains("/0/3"), Interface.device_id != a.device_id)).first()
        s.add(Link(a_interface_id=a.id, z_interface_id=z.id, source="lldp"))
    with session_scope(engine) as s:
        g3 = answers.ask(s).graph()
        declared_only = answers.ask(s).graph(discovered=False)
    extra = [d for _, _, k, d in g3.edges(keys=True, data=True) if k.startswith("link:")]
    assert len(extra) == 1 and extra[0]["source"] == "lldp" and extra[0]["carrier"] is None
    assert declared_only.number_of_edges() == g3.number_of_edges() - 1


def test_observed_state_from_collection(sample_copy: Engine) -> None:
    engine = sample_copy
    import datetime as dt

    from inventory.models import Device, TerminalCount
    from topology.scenario import FailureSpec, simulate

    with session_scope(engine) as s:
        g0 = build_graph(s)
        assert g0.graph["down_links"] == [] and g0.nodes["device:U001-AR1"]["terminals_measured"] is None
    with session_scope(engine, actor="collector") as s:
        lt = s.exec(select(Circuit).where(Circuit.cid == "LT-U002-1")).one()
        s.get(Interface, lt.a_interface_id).oper_up = False
        s.get(Interface, lt.z_interface_id).oper_up = True
        ar = s.exec(select(Device).where(Device.hostname == "U001-AR1")).one()
        t = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        s.add(TerminalCount(device_id=ar.id, counted_at=t, mac_count=250, arp_count=260))
        s.add(TerminalCount(device_id=ar.id, counted_at=t + dt.timedelta(hours=1), mac_count=0, arp_count=240))
    with session_scope(engine) as s:
        g = build_graph(s)
    assert g is not g0  # a collection changes the version (terminal counts leave no audit row)
    assert g.graph["down_links"] == ["LT-U002-1"]
    assert g.nodes["device:U001-AR1"]["terminals_measured"] == 240
    # U002 is dual-carrier: with its primary down it is already on the Telecom backup.
    r = simulate(g, FailureSpec(links=g.graph["down_links"]))
    assert r.units_cut == [] and [u.unit for u in r.units_failover] == ["U002"]
