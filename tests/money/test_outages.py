"""Outages as objects (money/outages.py) from hand-made ledgers."""

from __future__ import annotations

import datetime as dt

from money import sla
from money.outages import Reboot, TrafficSpan, TypedIncident, build_outages, stretches
from money.sla import CircuitInfo, Span, build

UTC = dt.UTC
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
LO, HI = sla.year_bounds(2022)
T = dt.datetime(2022, 5, 4, 9, tzinfo=sla.CHINA).astimezone(UTC)


def around(*downs: tuple[dt.datetime, dt.datetime], ref: str = "lsi:1") -> list[Span]:
    out, cur = [], LO
    for a, b in downs:
        out += [Span(cur, a, "up", "snmp", "lsi:0"), Span(a, b, "down", "snmp", ref)]
        cur = b
    return [*out, Span(cur, HI, "up", "snmp", "lsi:0")]


INFO = {"P1": CircuitInfo("P1", "unicom", "primary", "U1", ("R1",), ("u1-ar1", "r1-agg1")),
        "B1": CircuitInfo("B1", "telecom", "backup", "U1", ("R2",), ("u1-ar1", "r2-agg1")),
        "P2": CircuitInfo("P2", "unicom", "primary", "U2", ("R1",), ("u2-ar1", "r1-agg1")),
        "P3": CircuitInfo("P3", "unicom", "primary", "U3", ("R1",), ("u3-ar1", "r1-agg1"))}


def test_circuit_outage_with_backup_taking_over() -> None:
    spans = {"P1": around((T, T + 2 * H), ref="lsi:5"), "B1": around(), "P2": around(), "P3": around()}
    led = build(2022, INFO, spans)
    traffic = {"B1": [TrafficSpan(T + 5 * M * i, T + 5 * M * (i + 1), 50 if i < 1 else 6_000_000)
                      for i in range(24)]}
    [o] = build_outages(led, terminals={"U1": 40}, traffic=traffic)
    assert (o.failed_kind, o.failed, o.circuits, o.carriers) == ("circuit", "P1", ("P1",), ("unicom",))
    assert o.start == T and o.end == T + 2 * H and o.duration_s == 7200
    assert o.evidence == ("lsi:5",) and o.sources == ("snmp",) and not o.typed and o.measured
    [u] = o.units
    assert (u.unit, u.terminals, u.cut_s, u.backup, u.backup_ready, u.backup_up_s) == ("U1", 40, 0, "B1", True, 7200)
    # the first 5-minute span carried keepalives only; traffic from the second: 5 minutes, to 5 minutes
    assert u.takeover_s == 300 and u.takeover_resolution_s == 300
    assert u.carried_octets == 50 + 23 * 6_000_000
    assert o.terminals == 0  # nobody was cut off


def test_backup_failing_during_the_outage_cuts_the_unit() -> None:
    spans = {"P1": around((T, T + 2 * H)), "B1": around((T + H, T + 3 * H)), "P2": around(), "P3": around()}
    out = build_outages(build(2022, INFO, spans), terminals={"U1": 40})
    assert [(o.failed, o.duration_s) for o in out] == [("P1", 7200), ("B1", 7200)]
    p = out[0].units[0]
    assert p.cut_s == 3600 and p.backup_up_s == 3600 and p.backup_ready is True and p.takeover_s is None
    assert out[0].terminals == 40
    b = out[1].units[0]  # the backup's own outage: U1's other circuit is its primary, not a backup
    assert b.cut_s == 3600 and b.backup is None


def test_reboot_makes_one_device_outage() -> None:
    spans = {"P1": around((T, T + 10 * M)), "B1": around((T + M, T + 9 * M)), "P2": around(), "P3": around()}
    out = build_outages(build(2022, INFO, spans), terminals={"U1": 40},
                        reboots=[Reboot("u1-ar1", T + 8 * M, "sample:77")])
    [o] = out
    assert (o.failed_kind, o.failed, o.cause, o.circuits) == ("device", "u1-ar1", "reboot", ("B1", "P1"))
    assert o.start == T and o.end == T + 10 * M and "sample:77" in o.evidence
    assert o.units[0].cut_s == 8 * 60 and o.terminals == 40


def test_all_circuits_of_a_device_down_is_the_device() -> None:
    spans = {"P1": around((T, T + H)), "B1": around(), "P2": around((T + M, T + H)),
             "P3": around((T + 2 * M, T + 2 * H))}
    out = build_outages(build(2022, INFO, spans), terminals={"U1": 40, "U2": 10, "U3": 5})
    [o] = out
    assert (o.failed_kind, o.failed, o.cause) == ("device", "r1-agg1", "all circuits down")
    assert o.circuits == ("P1", "P2", "P3") and o.duration_s == 2 * 3600
    assert {u.unit: u.cut_s for u in o.units} == {"U1": 0, "U2": 59 * 60, "U3": 2 * 3600 - 2 * 60}
    assert o.terminals == 15


def test_typed_incidents_are_kept_and_marked() -> None:
    spans = {"P1": around((T, T + H)), "B1": around(), "P2": around(), "P3": around()}
    led = build(2022, INFO, spans)
    out = build_outages(led, terminals={"U2": 10}, incidents=[
        TypedIncident(3, "unicom", "P1", "access_quality", "major", T + 5 * M, T + H),
        TypedIncident(4, "unicom", "P2", "access_quality", "minor", T + 5 * H, T + 6 * H)])
    assert [(o.id, o.typed, o.measured, o.incident_ids) for o in out] == [
        (f"circuit:P1:{T:%Y%m%dT%H%M%SZ}", True, True, (3,)), ("incident:4", True, False, (4,))]
    assert out[1].duration_s == 3600 and (out[1].units[0].unit, out[1].units[0].terminals) == ("U2", 10)
    assert out[1].terminals == 0  # not measured: nothing says the unit was cut off


def test_stretches_merge_sources_and_mark_open_end() -> None:
    spans = {"P1": [Span(LO, T, "up", "snmp"), Span(T, T + H, "down", "snmp", "lsi:1"),
                    Span(T + H, T + 2 * H, "down", "syslog", "lsi:2")],
             "B1": [], "P2": [], "P3": []}
    [s] = stretches(build(2022, INFO, spans))
    assert (s.start, s.end, s.sources, s.refs, s.open_end) == (T, T + 2 * H, ("snmp", "syslog"),
                                                                ("lsi:1", "lsi:2"), False)
    spans["P1"].append(Span(T + 2 * H, HI, "down", "syslog", "lsi:3"))
    [s] = stretches(build(2022, INFO, spans))
    assert s.open_end and s.end == HI
    [o] = build_outages(build(2022, INFO, spans))
    assert o.end is None and o.open_end and o.duration_s is None


def test_a_duct_and_a_room() -> None:
    info = {"A": CircuitInfo("A", "unicom", "primary", "U1", ("R1",), ("u1-ar1", "r1-agg1"), srlg="管道-北环"),
            "B": CircuitInfo("B", "unicom", "primary", "U2", ("R1",), ("u2-ar1", "r1-agg2"), srlg="管道-北环"),
            "C": CircuitInfo("C", "unicom", "primary", "U3", ("R1",), ("u3-ar1", "r1-agg2")),
            "D": CircuitInfo("D", "telecom", "primary", "U4", ("R2",), ("u4-ar1", "r2-agg1"))}
    # the duct: A and B together, C (same room, same device as B) stays up
    spans = {"A": around((T, T + H)), "B": around((T + 3 * M, T + H)), "C": around(), "D": around()}
    [o] = build_outages(build(2022, info, spans))
    assert (o.failed_kind, o.failed, o.circuits) == ("srlg", "管道-北环", ("A", "B"))
    # the room: every circuit ending in R1 within ten minutes; D, elsewhere, is not part of it
    spans = {"A": around((T, T + H)), "B": around((T + 3 * M, T + H)), "C": around((T + 5 * M, T + 2 * H)),
             "D": around((T + 4 * M, T + H))}
    out = build_outages(build(2022, info, spans))
    assert [(o.failed_kind, o.failed, o.circuits) for o in out] == [("room", "R1", ("A", "B", "C")),
                                                                    ("circuit", "D", ("D",))]
    assert out[0].duration_s == 2 * 3600 and out[0].cause == "all circuits down"


def test_a_trunk_outage_names_the_units_it_cut_off_behind_its_room() -> None:
    info = {**INFO, "BB-R1": CircuitInfo("BB-R1", "unicom", "primary", None, ("R1", "CORE"), ("r1-agg1", "core1")),
            "BB-R2": CircuitInfo("BB-R2", "telecom", "backup", None, ("R2", "CORE"), ("r2-agg1", "core1"))}
    spans = {c: around() for c in info}
    spans["BB-R1"] = around((T, T + H), ref="lsi:9")
    led = build(2022, info, spans, core=["CORE"])
    [o] = [o for o in build_outages(led, terminals={"U1": 40, "U2": 7, "U3": 5}) if "BB-R1" in o.circuits]
    # U1 reaches the core over its backup's room; U2 and U3 land only in R1: cut off for the hour
    assert {u.unit: u.cut_s for u in o.units} == {"U2": 3600, "U3": 3600}
    assert o.terminals == 12
    assert led.units["U2"].intervals[1].refs == ("lsi:9",)
