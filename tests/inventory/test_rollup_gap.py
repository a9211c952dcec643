"""A span between two samples longer than the max gap shares its bytes but is not measured: the poller did
not hear the device, so its state over that span is unknown (the SLA ledger reads measured_s as coverage)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from answers.sla_rows import _coverage_samples
from collectors.snmp.poller import DeviceResult
from inventory.db import session_scope
from inventory.models import InterfaceRollup, InterfaceSample
from inventory.record.rollup import rollup
from inventory.record.samples import store_round

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


def test_an_unanswered_poll_between_two_close_samples_is_unmeasured(engine, monkeypatch) -> None:
    monkeypatch.delenv("EXTRANET_SNMP_MAX_GAP", raising=False)
    iid, cid = _setup(engine)
    up0 = 10_000_000
    _round(engine, iid, cid, T0, 0, 0, True, up0)
    _round(engine, iid, cid, T0 + 5 * M, 10**6, 10**6, True, up0 + 30_000)
    with session_scope(engine) as s:  # 01:10: the device did not answer
        store_round(s, [DeviceResult("XA-CORE-01", T0 + 10 * M, error_code="snmp_timeout", error="timeout")],
                    {("XA-CORE-01", "GigabitEthernet0/0/1"): iid}, {iid: cid})
    _round(engine, iid, cid, T0 + 15 * M, 3 * 10**6, 3 * 10**6, True, up0 + 90_000)  # 10 min after: < max gap
    _round(engine, iid, cid, T0 + 20 * M, 4 * 10**6, 4 * 10**6, True, up0 + 120_000)
    with session_scope(engine) as s:
        marks = [smp.missed_after for smp in s.exec(select(InterfaceSample).order_by(InterfaceSample.id))]
    assert marks == [False, True, False, False]  # the sample before the silence says so, once
    rollup(engine, T0, T0 + dt.timedelta(hours=1))
    with session_scope(engine) as s:
        h = s.exec(select(InterfaceRollup).where(InterfaceRollup.period == "hour",
                                                 InterfaceRollup.start == T0)).one()
        cov, _prev = _coverage_samples(s, [iid], T0, T0 + dt.timedelta(hours=1))
    assert h.measured_s == 600 and h.in_bytes == 4 * 10**6  # 01:00–01:05 and 01:15–01:20; the bytes all count
    assert cov[str(iid)] == [(T0, T0 + 5 * M), (T0 + 15 * M, T0 + 20 * M)]
