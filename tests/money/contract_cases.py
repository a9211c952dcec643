"""The three scoring cases of docs/money.md ("The contract scored from the record"), built as the record
would give them: a hand-made availability ledger for 2021 (China time), its outages, and typed incidents.
Shared by tests/money/test_contract.py, test_simulator.py and the API test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from money import sla
from money.contract import Record
from money.outages import TypedIncident, build_outages
from money.rows import IncidentRow
from money.sla import CircuitInfo, Span, build

UTC = dt.UTC
LO, HI = sla.year_bounds(2021)
TERMINALS = {"U1": 60, "U2": 120, "U3": 80, "U4": 200}
INFO = {
    "P1": CircuitInfo("P1", "unicom", "primary", "U1", ("R1",), ("u1-ar1", "r1-agg1")),
    "P2": CircuitInfo("P2", "unicom", "primary", "U2", ("R1",), ("u2-ar1", "r1-agg1"), srlg="DUCT-7"),
    "P3": CircuitInfo("P3", "unicom", "primary", "U3", ("R1",), ("u3-ar1", "r1-agg1"), srlg="DUCT-7"),
    "P4": CircuitInfo("P4", "unicom", "primary", "U4", ("R1",), ("u4-ar1", "r1-agg1"), srlg="DUCT-7"),
    "B1": CircuitInfo("B1", "telecom", "backup", "U1", ("R2",), ("u1-ar1", "r2-agg1")),
}


def cn(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2021, month, day, hour, minute, tzinfo=sla.CHINA).astimezone(UTC)


def record(downs: dict[str, list[tuple[dt.datetime, dt.timedelta]]], incidents: list[TypedIncident]) -> Record:
    spans: dict[str, list[Span]] = {}
    for cid in INFO:
        out, cur = [], LO
        for n, (a, length) in enumerate(sorted(downs.get(cid, []))):
            out += [Span(cur, a, "up", "snmp", "lsi:0"), Span(a, a + length, "down", "snmp", f"lsi:{cid}{n}")]
            cur = a + length
        spans[cid] = [*out, Span(cur, HI, "up", "snmp", "lsi:0")]
    led = build(2021, INFO, spans)
    return Record(led, build_outages(led, terminals=TERMINALS, incidents=incidents), incidents)


def typed(id_: int, carrier: str, circuit: str | None, category: str, severity: str, start: dt.datetime,
          hours: float) -> tuple[TypedIncident, IncidentRow]:
    end = start + dt.timedelta(hours=hours)
    return (TypedIncident(id_, carrier, circuit, category, severity, start, end),
            IncidentRow(carrier, circuit, category, severity, start, end))


H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)

# Case A: Unicom P1 down 6 h 30 min from 7 Apr 09:00; U1's Telecom backup carried it (no unit cut off).
# The bureau also typed it (access quality, major): one incident, evidence attached. A typed security
# incident (minor) stays.
A_TYPED = [typed(1, "unicom", "P1", "access_quality", "major", cn(4, 7, 9, 10), 6),
           typed(2, "unicom", None, "security", "minor", cn(6, 2), 1)]
CASE_A = ({"P1": [(cn(4, 7), 6 * H + 30 * M)]}, A_TYPED)

# Case B: duct DUCT-7 cut: P2, P3, P4 down 1 h 30 min together on 15 Jul 14:00 (U2, U3, U4 cut off,
# 400 terminals); and P1 flapped 3 minutes on 20 Jul (below min_minutes: no incident).
CASE_B = ({"P2": [(cn(7, 15, 14), 90 * M)], "P3": [(cn(7, 15, 14, 2), 88 * M)],
           "P4": [(cn(7, 15, 14, 1), 89 * M)], "P1": [(cn(7, 20), 3 * M)]}, [])

# Case C: Telecom's only circuit B1 down 12 h from 1 Sep 09:00 (U1 stayed on its Unicom primary); a typed
# access-quality minor incident on Telecom naming no circuit (a ticket, 28 Oct) and a typed O&M major one.
C_TYPED = [typed(3, "telecom", None, "access_quality", "minor", cn(10, 28), 1),
           typed(4, "telecom", None, "operations", "major", cn(11, 3), 2)]
CASE_C = ({"B1": [(cn(9, 1), 12 * H)]}, C_TYPED)

# The hand-computed results (docs/money.md): carrier → (score, payable %, payable 万元)
EXPECTED = {
    "A": {"unicom": (D(91), D(91), D("134.68")), "telecom": (D(100), D(100), D("8.88"))},
    "B": {"unicom": (D(97), D(97), D("143.56")), "telecom": (D(100), D(100), D("8.88"))},
    "C": {"unicom": (D(100), D(100), D("148.00")), "telecom": (D(84), D(84), D("7.4592"))},
}
CASES = {"A": CASE_A, "B": CASE_B, "C": CASE_C}


def build_case(name: str) -> tuple[Record, list[IncidentRow]]:
    downs, pairs = CASES[name]
    return record(downs, [t for t, _ in pairs]), [r for _, r in pairs]
