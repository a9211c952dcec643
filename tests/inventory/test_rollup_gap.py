"""A span between two samples longer than the max gap shares its bytes but is not measured: the poller did
not hear the device, so its state over that span is unknown (the SLA ledger reads measured_s as coverage)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from inventory.db import session_scope
from inventory.models import InterfaceRollup
from inventory.record.rollup import rollup

from .test_samples import T0, _round, _setup

M = dt.timedelta(minutes=1)


def test_long_gap_shares_bytes_but_is_unmeasured(engine, monkeypatch) -> None:
    monkeypatch.delenv("EXTRANET_SNMP_MAX_GAP", raising=False)
    iid, cid = _setup(engine)
    up0 = 10_000_000
    # 01:00, 01:05, 01:10, then silence until 02:00, 02:05; 1 MB in per 5 minutes of elapsed time
    for k in (0, 1, 2, 12, 13):
        _round(engine, iid, cid, T0 + 5 * k * M, k * 10**6, k * 10**6, True, up0 + k * 30_000)
    rollup(engine, T0, T0 + dt.timedelta(hours=3))
    with session_scope(engine) as s:
        rows = {r.start.replace(tzinfo=None): r for r in s.exec(
            select(InterfaceRollup).where(InterfaceRollup.period == "hour").order_by(InterfaceRollup.start))}
    h1, h2 = rows[T0.replace(tzinfo=None)], rows[(T0 + 60 * M).replace(tzinfo=None)]
    assert (h1.measured_s, h2.measured_s) == (600, 300)  # the 50-minute span is not measured
    assert (h1.in_bytes, h2.in_bytes) == (12 * 10**6, 10**6)  # but its 10 MB are shared to its hour
    monkeypatch.setenv("EXTRANET_SNMP_MAX_GAP", "3600")
    rollup(engine, T0, T0 + dt.timedelta(hours=3))
    with session_scope(engine) as s:
        h1 = s.exec(select(InterfaceRollup).where(InterfaceRollup.period == "hour",
                                                  InterfaceRollup.start == T0)).one()
    assert h1.measured_s == 3600
