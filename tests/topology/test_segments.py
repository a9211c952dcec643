"""A shared subnet of three or more interfaces is one segment node of the graph: failing it cuts every
member at once, failing one member's attachment only that member; the one-pass sweep agrees with the
naive one, and the map draws the segment between its members."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from collectors.parse import AddressFact, Facts, InterfaceFact
from inventory.collection import _save_facts, finalise_run
from inventory.db import session_scope
from inventory.models import CollectionRun, Device, DeviceResult, Room, Unit
from topology import layout
from topology.graph import build_graph
from topology.scenario import FailureSpec, simulate
from topology.sweep import sweep_single, sweep_single_naive

LAN = "segment:10.60.0.0/24"


def _city(engine: Engine) -> None:
    """A core router and two units' routers on one shared LAN; U1 also has a /30 of its own to the core."""
    now = dt.datetime(2026, 12, 3, 4, 0, tzinfo=dt.UTC)
    with session_scope(engine, actor="collector") as s:
        room = Room(code="CORE", name="核心机房", is_core=True)
        s.add(room)
        units = [Unit(name=f"单位{n}", code=f"U{n}", kind="government", declared_terminals=100 * n) for n in (1, 2)]
        s.add_all(units)
        s.flush()
        devs = [Device(hostname="QHD-CORE-R1", platform="cisco_ios", vendor="Cisco", role="core", room_id=room.id,
                       mgmt_address="172.16.0.1")]
        devs += [Device(hostname=f"U{n}-AR1", platform="cisco_ios", vendor="Cisco", role="access-router",
                        unit_id=units[n - 1].id, mgmt_address=f"172.16.0.{n + 1}") for n in (1, 2)]
        s.add_all(devs)
        run = CollectionRun(trigger="test")
        s.add(run)
        s.flush()
        addrs = {"QHD-CORE-R1": [("GigabitEthernet0/1", "10.60.0.1/24"), ("GigabitEthernet0/2", "10.1.0.1/30")],
                 "U1-AR1": [("GigabitEthernet0/1", "10.60.0.2/24"), ("GigabitEthernet0/2", "10.1.0.2/30")],
                 "U2-AR1": [("GigabitEthernet0/1", "10.60.0.3/24")]}
        for d in devs:
            facts = Facts(interfaces=[InterfaceFact(name=n, addresses=[AddressFact(a)], sources={"config"})
                                      for n, a in addrs[d.hostname]])
            result = DeviceResult(run_id=run.id, device_id=d.id, status="ok")
            s.add(result)
            s.flush()
            result.subnets = _save_facts(s, run.id, d, facts, now)
        run_id = run.id
    finalise_run(engine, run_id)


def test_a_segment_is_one_node_that_fails_as_one(engine: Engine) -> None:
    _city(engine)
    with session_scope(engine) as s:
        g = build_graph(s)
    assert g.nodes[LAN]["kind"] == "segment" and g.nodes[LAN]["members"] == 3
    assert sorted(g.neighbors(LAN)) == ["device:QHD-CORE-R1", "device:U1-AR1", "device:U2-AR1"]
    # no pairwise edges for the segment's rows: three attachments plus the /30
    assert sorted(k for _, _, k in g.edges(keys=True) if not k.startswith(LAN)) == [
        k for _, _, k in g.edges(keys=True) if k.startswith("link:")]
    assert g.number_of_edges() == 4

    whole = simulate(g, FailureSpec(devices=[LAN]))
    assert [u.unit for u in whole.units_cut] == ["U2"]  # U1 still has its /30
    one_port = simulate(g, FailureSpec(links=[f"{LAN}~U2-AR1:GigabitEthernet0/1"]))
    assert [u.unit for u in one_port.units_cut] == ["U2"]
    other_port = simulate(g, FailureSpec(links=[f"{LAN}~U1-AR1:GigabitEthernet0/1"]))
    assert other_port.units_cut == [] and other_port.terminals_lost == 0

    kinds = ("link", "device", "unit-device", "room")
    fast = sorted(f.key() for f in sweep_single(g, kinds))
    assert fast == sorted(f.key() for f in sweep_single_naive(g, kinds))
    segment = next(f for f in sweep_single(g, ("device",)) if f.element == LAN)
    assert (segment.terminals_lost, len(segment.units_cut)) == (200, 1)


def test_the_map_draws_the_segment_between_its_members(engine: Engine) -> None:
    _city(engine)
    with session_scope(engine) as s:
        g = build_graph(s)
    devices = layout.compute(g, "devices")
    seg = devices.node(LAN)
    assert (seg.kind, seg.label) == ("segment", "10.60.0.0/24")
    members = [devices.node(n) for n in ("device:QHD-CORE-R1", "device:U1-AR1", "device:U2-AR1")]
    assert min(m.x for m in members) <= seg.x <= max(m.x for m in members)
    assert {(e.source, e.target) for e in devices.edges if LAN in (e.source, e.target)} == {
        (m.id, LAN) for m in members}
    assert all(e.evidence and e.evidence["kind"] == "segment" for e in devices.edges if e.target == LAN)
    ids = {n.id for n in devices.nodes}
    assert all(e.source in ids and e.target in ids for e in devices.edges)
    for level in ("rooms", "units"):
        m = layout.compute(g, level)
        ids = {n.id for n in m.nodes}
        assert all(e.source in ids and e.target in ids for e in m.edges), level
