"""What the Telecom fee buys: protection from the topology, failovers from link events, bytes from
counters, the availability model, the cost figures and the verdict."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import networkx as nx
import pytest
from sqlmodel import select

from inventory.db import session_scope
from inventory.models import CHINA_TZ, Circuit, Incident, Unit
from money.backup_value import availability_model, backup_value, protection, usage
from money.evidence import CounterRow, EventRow, Evidence
from money.ledger import build_ledger
from topology.protection import classify
from topology.scenario import FailureSpec, simulate


@pytest.fixture(scope="module")
def loaded(evidence_city, evidence_loaded):  # type: ignore[no-untyped-def]
    eng, expected = evidence_city
    rows, g, ev = evidence_loaded.rows, evidence_loaded.graph, evidence_loaded.evidence
    with session_scope(eng) as s:
        incidents = [(i, s.get(Circuit, i.circuit_id)) for i in s.exec(select(Incident))]
        units = {u.id: u.code for u in s.exec(select(Unit))}
        incidents = [(i.carrier_id, c.cid, units.get(c.a_unit_id), i.started_at, i.ended_at) for i, c in incidents]
    ledger = build_ledger(rows)
    return rows, ledger, g, ev, expected, incidents, evidence_loaded.classes


def test_protected_set_equals_topology_dual_carrier_units(loaded) -> None:
    rows, ledger, g, ev, _, _, classes = loaded
    bv = backup_value(rows, ledger, g, ev, classes=classes)
    dual = {u for u, p in classify(g).items() if p.cls in ("dual-carrier", "dual-carrier-room-diverse")}
    assert set(bv.protection.units) == dual == set(bv.protection.dual_carrier_classes)
    assert len(dual) == 28
    # Independently: fail every Unicom circuit by hand on a copy and see who still reaches the core.
    h = nx.MultiGraph(g)
    h.remove_edges_from([(u, v, k) for u, v, k, c in g.edges(keys=True, data="carrier") if c == "unicom"])
    core = set(g.graph["core"])
    reach = set().union(*(nx.node_connected_component(h, c) for c in core))
    alive = {code for code, info in g.graph["units"].items() if any(d in reach for d in info["devices"])}
    assert alive == dual
    assert bv.protection.terminals == sum(g.graph["units"][u]["terminals"] for u in dual)
    # Units that pay for a Telecom circuit that cannot reach the core on its own.
    telecom_units = {d["a_unit"] for _, _, d in g.edges(data=True) if d["carrier"] == "telecom" and d["a_unit"]}
    assert set(bv.protection.dead_end) == telecom_units - dual and len(bv.protection.dead_end) == 3


def test_failover_hours_match_the_link_events(loaded) -> None:
    rows, ledger, g, ev, _, incidents, classes = loaded
    bv = backup_value(rows, ledger, g, ev, classes=classes)
    y = bv.year(2022)
    # Every incident was logged at both ends of its circuit: one merged interval each.
    assert len(bv.intervals) == len(incidents) == 8
    by_cid = {i.cid: i for i in bv.intervals}
    expected_fo = 0.0
    n_fo = 0
    for _carrier, cid, unit, start, end in incidents:
        span = by_cid[cid]
        assert span.start == start and span.end == end and len(span.devices) == 2
        single = simulate(g, FailureSpec(links=[cid]))
        kept = {u.unit: u.via for u in single.units_failover}
        if unit in kept and any(c.startswith("DX-") for c in kept[unit]):
            assert span.kind == "failover"
            expected_fo += (end - start).total_seconds() / 3600
            n_fo += 1
    assert y.failovers == n_fo >= 5 and y.failover_hours == pytest.approx(expected_fo)
    kinds = {i.kind for i in bv.intervals}
    assert {"failover", "outage", "backup-down"} <= kinds
    assert bv.year(2021).failovers == 0


def test_backup_bytes_match_the_counters(loaded) -> None:
    rows, ledger, g, ev, expected, _, classes = loaded
    bv = backup_value(rows, ledger, g, ev, classes=classes)
    assert bv.usage.octets == expected  # the units' Telecom circuits only, not the backbones behind them
    assert len(expected) == 31 and not any(c.startswith(("DX-BB", "DX-UPLINK")) for c in bv.usage.octets)
    assert bv.year(2022).backup_octets == sum(expected.values())
    assert set(bv.usage.by_month) == {"2022-01", "2022-02", "2022-03"}
    assert sum(bv.usage.by_month["2022-01"].values()) == 30_000 * len(expected)
    march = bv.usage.by_month["2022-03"]
    assert set(march) == set(expected) and all(v and v % 1200 == 0 for v in march.values())
    # Counting only what came after the first reading drops the January baseline.
    after = backup_value(rows, ledger, g, ev, classes=classes, baseline="first")
    assert after.usage.octets == {k: v - 30_000 for k, v in expected.items()}


def test_failover_hours_per_backup_circuit(loaded) -> None:
    rows, ledger, g, ev, _, incidents, classes = loaded
    bv = backup_value(rows, ledger, g, ev, classes=classes)
    per = bv.failover_hours_by_circuit()
    assert set(per) == {c.cid for c in rows.circuits if c.carrier == "telecom" and c.unit}
    want: dict[str, float] = {}
    for _carrier, cid, unit, start, end in incidents:
        dx = f"DX-{unit}-1"
        if cid.startswith("LT-") and dx in per:
            want[dx] = want.get(dx, 0.0) + (end - start).total_seconds() / 3600
    assert {k: v for k, v in per.items() if v} == pytest.approx(want)
    assert sum(per.values()) == pytest.approx(bv.year(2022).failover_hours)


def test_counter_reset_and_unit_end_preference() -> None:
    g = nx.MultiGraph()
    g.graph["carriers"] = {"telecom": {"role": "backup"}, "unicom": {"role": "primary"}}
    g.add_edge("device:U1-AR1", "device:AGG", key="DX-1", carrier="telecom", a_unit="U1", z_unit=None)
    g.add_edge("device:AGG", "device:CORE", key="DX-BB", carrier="telecom", a_unit=None, z_unit=None)
    t = [dt.datetime(2022, 1, d, tzinfo=dt.UTC) for d in (1, 2, 3)]
    rows = [CounterRow("DX-1", "a", "U1-AR1", "x", t[0], 100, 0), CounterRow("DX-1", "a", "U1-AR1", "x", t[1], 150, 10),
            CounterRow("DX-1", "a", "U1-AR1", "x", t[2], 30, 15),  # reset: counts 30, not -120
            CounterRow("DX-1", "z", "AGG", "y", t[0], 0, 0), CounterRow("DX-1", "z", "AGG", "y", t[2], 999, 999),
            CounterRow("DX-BB", "a", "AGG", "z", t[0], 5, 5)]  # a backbone: the same bytes again, not added
    assert usage(g, rows, "first").octets == {"DX-1": 50 + 10 + 30 + 5}
    assert usage(g, rows).octets == {"DX-1": 100 + 50 + 10 + 30 + 5}  # counted from zero


def test_availability_model_by_hand(loaded) -> None:
    rows, _, g, _, _, _, classes = loaded
    prot = protection(g, classes)
    m = availability_model(rows, g, prot, 2021, D("99.9"))
    assert m.source == {"unicom": "assumed", "telecom": "assumed"}
    q = D("0.001")
    access: dict[str, list[str]] = {}
    for c in rows.circuits:
        if c.unit and c.carrier and c.in_service(2021):
            access.setdefault(c.unit, []).append(c.carrier)
    without = sum(D(8760) * q ** sum(1 for c in cs if c == "unicom") for cs in access.values())
    with_ = sum(D(8760) * q ** (sum(1 for c in cs if c == "unicom")
                                + (sum(1 for c in cs if c == "telecom") if u in prot.units else 0))
                for u, cs in access.items())
    assert m.unit_hours_without == without and m.unit_hours_with == with_
    assert m.avoided_unit_hours > 0
    # 2022 has incidents for both carriers: measured q = incident hours / (circuits × hours of the year).
    m22 = availability_model(rows, g, prot, 2022)
    assert m22.source == {"unicom": "measured", "telecom": "measured"}
    unicom_hours = sum(D(str(i.hours)) for i in rows.incidents if i.carrier == "unicom")
    n = sum(1 for c in rows.circuits if c.carrier == "unicom" and c.in_service(2022))
    assert m22.unavailability["unicom"] == unicom_hours / (n * 8760)


def test_costs_and_verdicts(loaded) -> None:
    rows, ledger, g, ev, _, _, classes = loaded
    bv = backup_value(rows, ledger, g, ev, classes=classes)
    assert [y.year for y in bv.years] == [2019, 2020, 2021, 2022]
    y22, y21 = bv.year(2022), bv.year(2021)
    assert y22.fee == D("8.88") and y22.fee_basis == "paid"
    assert y22.per_unit == (D("8.88") / 28).quantize(D("0.000001"))
    assert y22.per_terminal_yuan == (D("88800") / y22.protected_terminals).quantize(D("0.01"))
    assert y22.per_avoided_hour == (D("8.88") / y22.model.avoided_unit_hours).quantize(D("0.000001"))
    assert y22.per_failover_hour == (D("8.88") / D(str(y22.failover_hours))).quantize(D("0.000001"))
    assert y22.verdict_code == "evidenced" and "2022年" in y22.verdict and "28 个单位" in y22.verdict
    assert y21.verdict_code == "paper" and "无任何使用证据" in y21.verdict
    assert y21.failovers == 0 and y21.backup_octets == 0


def test_no_backup_circuits_buys_nothing(loaded) -> None:
    rows, ledger, g, _, _, _, _ = loaded
    h = nx.MultiGraph(g)
    h.graph = {k: v for k, v in g.graph.items() if not k.startswith("_")}  # drop the copied analysis caches
    h.remove_edges_from([(u, v, k) for u, v, k, c in g.edges(keys=True, data="carrier") if c == "telecom"])
    no_dx = dataclasses.replace(rows, circuits=[c for c in rows.circuits if c.carrier != "telecom"])
    bv = backup_value(no_dx, ledger, h, Evidence(), classes=classify(h), years=[2021])
    y = bv.year(2021)
    assert y.protected_units == 0 and y.per_unit is None and y.verdict_code == "none"
    assert "没有买到" in y.verdict


def test_open_interval_runs_to_the_last_evidence(loaded) -> None:
    rows, ledger, g, _, _, _, classes = loaded
    start = dt.datetime(2022, 11, 1, 8, tzinfo=CHINA_TZ)
    later = dt.datetime(2022, 11, 1, 11, tzinfo=CHINA_TZ)
    events = [EventRow("LT-U001-1", "U001-AR1", "x", start, "down"),
              EventRow("LT-U002-1", "U002-AR1", "x", later - dt.timedelta(hours=1), "down"),
              EventRow("LT-U002-1", "U002-AR1", "x", later, "up")]
    bv = backup_value(rows, ledger, g, Evidence(events=events), classes=classes, years=[2022])
    open_span = next(i for i in bv.intervals if i.cid == "LT-U001-1")
    assert open_span.end is None and open_span.hours(later) == 3
    assert bv.year(2022).failover_hours == 4
