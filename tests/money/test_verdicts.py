"""A verdict per backup circuit (money/verdicts.py) on hand-made outages, with hand-computed shares."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from money.outages import Outage, UnitImpact
from money.verdicts import (
    OVERLOADED,
    UNKNOWN,
    BackupCircuit,
    verdicts,
)
from topology.arming import ARMED, NOT_ARMED, Armed

T = dt.datetime(2022, 5, 4, 1, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def _outage(oid: str, primary: str, unit: str, backup: str, hours: float, cut_s: float = 0.0,
            carried: int = 0, takeover: float | None = 30.0) -> Outage:
    return Outage(oid, T, T + hours * H, "circuit", primary, (primary,), ("unicom",),
                  units=[UnitImpact(unit, 100, cut_s, backup=backup, backup_ready=cut_s == 0,
                                    carried_octets=carried, takeover_s=takeover)])


def test_each_verdict_and_the_fee_shares() -> None:
    circuits = [
        BackupCircuit("B1", "telecom", "U1", "单位一", ("P1",), 50, year_octets=10**9, demand_mbps=20.0),
        BackupCircuit("B2", "telecom", "U2", "单位二", ("P2",), 10, demand_mbps=40.0),
        BackupCircuit("B3", "telecom", "U3", "单位三", ("P3",), 50),
        BackupCircuit("B4", "telecom", "U4", "单位四", ("P4",), 50, annual_cost_wan=Decimal("2")),
        BackupCircuit("B5", "telecom", "U5", "单位五", ("P5",), 50),
        BackupCircuit("B6", "telecom", "U6", "单位六", ("P6",), 50),
    ]
    outages = [_outage("O1", "P1", "U1", "B1", 2, carried=5 * 10**8),
               _outage("O2", "P1", "U1", "B1", 1, carried=10**6, takeover=None),  # at night: keepalives only
               _outage("O3", "P2", "U2", "B2", 4, cut_s=4 * 3600),  # the backup was down too: cut off
               _outage("O4", "B3", "U3", "B3", 1)]  # an outage of the backup itself is no failover
    armed = {"B3": Armed(ARMED, "U3-AR", 7, T, ("floating_static", "nqa")),
             "B5": Armed(NOT_ARMED, "U5-AR", 9, T)}
    vy = verdicts(2022, "telecom", "中国电信", circuits, outages, fee_wan=Decimal("6"),
                  protected={"U1": 300, "U3": 0, "U4": 50}, dead_end={"U6"}, armed=armed)
    by = {v.cid: v for v in vy.verdicts}
    assert {c: v.verdict for c, v in by.items()} == {"B1": "proven", "B2": "failed", "B3": "armed_untested",
                                                       "B4": "unmeasured", "B5": "unarmed", "B6": "dead_end"}
    b1 = by["B1"]
    assert (len(b1.failovers), b1.failover_seconds, b1.carried_octets) == (2, 3 * 3600, 5 * 10**8 + 10**6)
    assert (b1.would_hold, b1.headroom) == ("holds", 2.5) and by["B2"].would_hold == OVERLOADED
    assert by["B3"].would_hold == UNKNOWN and by["B3"].failovers == () and by["B3"].evidence == ("config:7",)
    # B4 has its own price (2 万元); the other five share the rest, 4 万元, equally
    assert by["B4"].fee_wan == Decimal("2") and {by[c].fee_wan for c in ("B1", "B2", "B3", "B5", "B6")} == {
        Decimal("0.800000")}
    assert b1.per_unit_wan == Decimal("0.800000") and b1.per_terminal_yuan == Decimal("26.67")  # 8000 元 / 300
    assert by["B3"].per_terminal_yuan is None and by["B2"].per_unit_wan is None  # nothing protected there
    t = vy.totals
    assert (t.circuits, t.failovers, t.protected_units, t.protected_terminals) == (6, 3, 3, 350)
    assert t.per_unit_wan == Decimal("2.000000") and t.per_terminal_yuan == Decimal("171.43")
    assert sum(t.by_verdict.values()) == 6


def test_no_fee_no_share_and_no_circuits() -> None:
    vy = verdicts(2022, "telecom", "中国电信", [BackupCircuit("B1", "telecom", None, None, (), 0)], [],
                  fee_wan=None, protected={}, dead_end=set())
    assert vy.verdicts[0].fee_wan is None and vy.verdicts[0].verdict == "unmeasured"
    empty = verdicts(2022, "telecom", "中国电信", [], [], fee_wan=Decimal("1"), protected={}, dead_end=set())
    assert empty.verdicts == () and empty.totals.circuits == 0 and empty.totals.per_unit_wan is None
