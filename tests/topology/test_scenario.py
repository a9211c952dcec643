"""The scenario engine on hand-made graphs with known answers, on the sample city, and its errors."""

from __future__ import annotations

import networkx as nx
import pytest
from sqlalchemy.engine import Engine

import answers
from inventory.db import session_scope
from inventory.errors import ExtranetError, NotFound
from topology.protection import classify
from topology.scenario import FailureSpec, simulate
from topology.synth import Builder


def two_room_city() -> nx.MultiGraph:
    """CORE (C1, C2); rooms A (A1) and B (B1, B2). A has a Unicom backbone only; B has Unicom on B1
    and Telecom on B2.
    U-A: one Unicom circuit into A.                 -> dies with Unicom, with room A
    U-AB: Unicom into A, Telecom into B2.           -> survives Unicom (over DX), survives A
    U-BB: Unicom into B1, Telecom into B2.          -> survives Unicom, dies with room B
    U-DEAD: Unicom into B1, Telecom into A1.        -> Telecom lands in a room without Telecom: dies with Unicom
    U-TRANSIT: Unicom into A1 and into B1 (two routers). It must never carry A's traffic to B."""
    b = Builder()
    b.room("CORE", is_core=True)
    b.device("C1", room="CORE")
    b.device("C2", room="CORE")
    b.link("C1", "C2", "CORE-1")
    b.device("A1", room="A")
    b.link("A1", "C1", "LT-BB-A", carrier="unicom", role="primary", srlg="duct:A")
    b.device("B1", room="B")
    b.device("B2", room="B")
    b.link("B1", "B2", "B-LOCAL")
    b.link("B1", "C1", "LT-BB-B", carrier="unicom", role="primary", srlg="duct:B")
    b.link("B2", "C2", "DX-BB-B", carrier="telecom", role="backup", bandwidth=100)
    b.device("UA-AR", unit="U-A", terminals=10)
    b.link("UA-AR", "A1", "LT-UA", carrier="unicom", role="primary")
    b.device("UAB-AR1", unit="U-AB", terminals=0)
    b.device("UAB-AR2", unit="U-AB", terminals=0)
    b.device("UAB-SW1", unit="U-AB", terminals=200)
    b.link("UAB-SW1", "UAB-AR1", "UAB-L1")
    b.link("UAB-SW1", "UAB-AR2", "UAB-L2")
    b.link("UAB-AR1", "A1", "LT-UAB", carrier="unicom", role="primary", bandwidth=100)
    b.link("UAB-AR2", "B2", "DX-UAB", carrier="telecom", role="backup", bandwidth=20)
    b.device("UBB-AR", unit="U-BB", terminals=30)
    b.link("UBB-AR", "B1", "LT-UBB", carrier="unicom", role="primary")
    b.link("UBB-AR", "B2", "DX-UBB", carrier="telecom", role="backup", bandwidth=50)
    b.device("UD-AR", unit="U-DEAD", terminals=40)
    b.link("UD-AR", "B1", "LT-UD", carrier="unicom", role="primary")
    b.link("UD-AR", "A1", "DX-UD", carrier="telecom", role="backup")
    b.device("UT-AR1", unit="U-TRANSIT", terminals=50)
    b.device("UT-AR2", unit="U-TRANSIT", terminals=0)
    b.link("UT-AR1", "UT-AR2", "UT-L")
    b.link("UT-AR1", "A1", "LT-UT-1", carrier="unicom", role="primary")
    b.link("UT-AR2", "B1", "LT-UT-2", carrier="unicom", role="backup")
    return b.done()


def cut(r) -> set[str]:
    return {u.unit for u in r.units_cut}


def test_whole_unicom_outage_leaves_units_with_a_telecom_path() -> None:
    g = two_room_city()
    r = simulate(g, FailureSpec(carriers=["unicom"]))
    assert cut(r) == {"U-A", "U-DEAD", "U-TRANSIT"}
    assert {u.unit for u in r.units_failover} == {"U-AB", "U-BB"}
    assert r.terminals_lost == 10 + 40 + 50 and r.terminals_failover == 200 + 30
    ab = next(u for u in r.units_failover if u.unit == "U-AB")
    assert ab.via == ["DX-BB-B", "DX-UAB"]
    # Declared demand 0.2 Mbps/terminal: U-AB needs 40 Mbps on a 20 Mbps circuit; DX-BB-B carries 46.
    assert [(o.circuit, o.demand_mbps) for o in r.overloaded] == [("DX-UAB", 40.0)]
    assert r.backup_load["DX-BB-B"] == pytest.approx(46.0)
    # Measured demand overrides the declared one.
    r2 = simulate(g, FailureSpec(carriers=["中国联通"]), {"U-AB": 5.0, "U-BB": 120.0})
    assert {o.circuit for o in r2.overloaded} == {"DX-UBB", "DX-BB-B"}


def test_room_failure_cuts_exactly_units_whose_every_path_crosses_it() -> None:
    g = two_room_city()
    assert cut(simulate(g, FailureSpec(rooms=["A"]))) == {"U-A"}  # U-UT keeps B1, U-DEAD keeps B1, U-AB keeps B2
    assert cut(simulate(g, FailureSpec(rooms=["B"]))) == {"U-BB"}
    # Unit routers are not transit: with A's backbone gone, A1 cannot reach the core through U-TRANSIT.
    r = simulate(g, FailureSpec(links=["LT-BB-A"]))
    assert cut(r) == {"U-A"}
    assert {u.unit for u in r.units_failover} == {"U-AB", "U-TRANSIT"}
    # Both Unicom ducts: B1 still reaches the core over B's local link and its Telecom backbone.
    r = simulate(g, FailureSpec(srlgs=["duct:A", "duct:B"]))
    assert cut(r) == {"U-A"}
    assert {u.unit for u in r.units_failover} == {"U-AB", "U-BB", "U-DEAD", "U-TRANSIT"}


def test_degraded_when_only_some_terminals_are_lost() -> None:
    b = Builder()
    b.room("CORE", is_core=True)
    b.device("C1", room="CORE")
    b.device("AR", unit="U", terminals=0)
    b.device("SW1", unit="U", terminals=10)
    b.device("SW2", unit="U", terminals=30)
    b.link("AR", "C1", "LT-U", carrier="unicom", role="primary")
    b.link("SW1", "AR", "L1")
    b.link("SW2", "AR", "L2")
    b.link("SW2", "C1", "LT-U-SW2", carrier="unicom", role="primary")
    r = simulate(b.done(), FailureSpec(links=["LT-U"]))
    # Inside its own unit traffic may move freely: SW1 and AR still reach the core through SW2.
    assert [u.unit for u in r.units_degraded] == [] and cut(r) == set()
    g = b.done()
    r = simulate(g, FailureSpec(links=["LT-U-SW2", "L1"]))
    assert [(u.unit, u.terminals) for u in r.units_degraded] == [("U", 10)] and r.terminals_lost == 10


def test_sample_unicom_outage_matches_classes(sample_graph: nx.MultiGraph) -> None:
    classes = classify(sample_graph)
    r = simulate(sample_graph, FailureSpec(carriers=["unicom"]))
    survivors = set(classes) - cut(r) - {u.unit for u in r.units_degraded}
    assert survivors == {u for u, p in classes.items() if p.cls.startswith("dual-carrier")}
    assert r.units_failover and r.overloaded  # 50 Mbps backups cannot carry the big units
    assert simulate(sample_graph, FailureSpec(carriers=["telecom"])).terminals_lost == 0


@pytest.mark.parametrize(("spec", "needle"), [
    (FailureSpec(), "empty failure set"),
    (FailureSpec(carriers=["mobile"]), "known: unicom (中国联通), telecom (中国电信)"),
    (FailureSpec(links=["LT-U001-9"]), "LT-U001-1"),
    (FailureSpec(devices=["QHD-CORE-SW9"]), "QHD-CORE-SW1"),
    (FailureSpec(rooms=["MOON"]), "CITIZEN (市民中心节点机房)"),
    (FailureSpec(srlgs=["duct:X"]), "duct:CITIZEN-core"),
])
def test_bad_input_lists_valid_names(sample_graph: nx.MultiGraph, spec: FailureSpec, needle: str) -> None:
    with pytest.raises(ExtranetError) as err:
        simulate(sample_graph, spec)
    assert needle in err.value.message
    if not spec.is_empty():
        assert isinstance(err.value, NotFound)


def test_bad_kind_in_saved_spec() -> None:
    with pytest.raises(ExtranetError, match="unknown failure kind"):
        FailureSpec.from_dict({"ducts": ["x"]})
    with pytest.raises(ExtranetError, match="expected a list"):
        FailureSpec.from_dict({"rooms": 3})
    assert FailureSpec.from_dict({"carriers": "unicom"}).carriers == ["unicom"]


def test_saved_scenarios_rerun_and_compare(sample_copy: Engine) -> None:
    engine = sample_copy
    from sqlmodel import select

    from inventory.models import Circuit
    with session_scope(engine, actor="planner") as s:
        a = answers.ask(s)
        row = a.save_scenario("联通全断", FailureSpec(carriers=["unicom"]), description="whole Unicom down",
                              actor="planner")
        assert row.spec["fail"] == {"carriers": ["unicom"]}
        with pytest.raises(ExtranetError, match="exists"):
            a.save_scenario("联通全断", FailureSpec(carriers=["unicom"]))
    with session_scope(engine) as s:
        assert [x.name for x in answers.ask(s).saved_scenarios()] == ["联通全断"]
        same = answers.ask(s).rerun("联通全断")
        assert same.newly_cut == [] and same.no_longer_cut == [] and same.terminals_lost_delta == 0
        with pytest.raises(NotFound, match="联通全断"):
            answers.ask(s).rerun("nope")
    # The inventory changes (a Telecom backup is cancelled): the re-run shows the unit newly cut.
    with session_scope(engine) as s:
        s.exec(select(Circuit).where(Circuit.cid == "DX-U001-1")).one().status = "decommissioned"
    with session_scope(engine) as s:
        later = answers.ask(s).rerun("联通全断")
    assert later.newly_cut == ["U001"] and later.terminals_lost_delta > 0


def test_measured_demand_from_counters(sample_copy: Engine) -> None:
    engine = sample_copy
    import datetime as dt

    from sqlmodel import select

    from inventory.models import Circuit, CounterSample
    t0 = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)
    with session_scope(engine) as s:
        lt = s.exec(select(Circuit).where(Circuit.cid == "LT-U001-1")).one()
        # 60 s at 30 Mbps, then 60 s at 120 Mbps (the busier direction counts), then a counter reset.
        # (Values stay below 2**31: counter_sample's octet columns are 32-bit INTEGER on PostgreSQL.)
        for i, (inn, out) in enumerate([(0, 0), (225_000_000, 10), (225_000_000 + 900_000_000, 20), (5, 5)]):
            s.add(CounterSample(interface_id=lt.a_interface_id, sampled_at=t0 + dt.timedelta(seconds=60 * i),
                                in_octets=inn, out_octets=out))
    with session_scope(engine) as s:
        a = answers.ask(s)
        assert a.measured_demand() == pytest.approx({"U001": 120.0})
        r = a.simulate(FailureSpec(carriers=["unicom"]))
    assert r.demand_source == {"measured": 1, "declared": 96}
    assert next(o for o in r.overloaded if o.circuit == "DX-U001-1").demand_mbps == pytest.approx(120.0)


def test_demo_step_prints_the_headline(sample_sqlite: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.demo import DemoContext
    from cli.topology import _demo

    ctx = DemoContext(engine=sample_sqlite)
    _demo(ctx)
    out = capsys.readouterr().out
    assert "Units by protection class" in out and "Single points of failure" in out
    assert "What a whole-Unicom outage does" in out or "联通全网中断" in out
    assert ctx.state["topology"]["classes"]["single-path"] == 58
    assert "drift (declared vs seen): declared-not-seen 0" in out
    assert "N-2: 48 of 13,366 link pairs" in out
