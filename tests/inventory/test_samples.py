"""The SNMP record: samples with deltas, link-state intervals, rollups and retention (SQLite and PostgreSQL),
and the lab city polled end to end over UDP twice, the stored deltas equal to the traffic added between."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

from sqlmodel import select

from collectors import clock
from collectors.snmp.poller import DeviceResult, InterfaceReading
from inventory.db import session_scope
from inventory.models import Circuit, Device, Interface, InterfaceRollup, InterfaceSample, LinkStateInterval
from inventory.record.polling import poll_once
from inventory.record.retention import apply_retention
from inventory.record.rollup import rollup
from inventory.record.samples import store_round

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
GBIT = 1000


def _setup(engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        d = Device(hostname="XA-CORE-01", platform="huawei_vrp", vendor="huawei", role="core",
                   mgmt_address="10.9.0.1")
        s.add(d)
        s.flush()
        i = Interface(device_id=d.id, name="GigabitEthernet0/0/1", speed_mbps=GBIT)
        s.add(i)
        s.flush()
        c = Circuit(cid="XA-CU-0001", role="primary", bandwidth_mbps=GBIT, a_interface_id=i.id)
        s.add(c)
        s.flush()
        return i.id, c.id


def _round(engine, iid: int, cid: int, at: dt.datetime, in_o: int, out_o: int, up: bool, uptime: int):
    res = DeviceResult("XA-CORE-01", at, uptime_cs=uptime,
                       readings=[InterfaceReading("GigabitEthernet0/0/1", 4, in_o, out_o, up, GBIT)])
    with session_scope(engine) as s:
        return store_round(s, [res], {("XA-CORE-01", "GigabitEthernet0/0/1"): iid}, {iid: cid})


def _samples(engine, iid: int) -> list[InterfaceSample]:
    with session_scope(engine) as s:
        return list(s.exec(select(InterfaceSample).where(InterfaceSample.interface_id == iid)
                           .order_by(InterfaceSample.id)).all())


def test_deltas_wrap_reboot_and_intervals(engine) -> None:
    iid, cid = _setup(engine)
    up0 = 10_000_000
    step = dt.timedelta(seconds=300)
    _round(engine, iid, cid, T0, 2**64 - 1000, 500, True, up0)
    _round(engine, iid, cid, T0 + step, 4000, 1500, True, up0 + 30_000)  # in wrapped: 5000 bytes
    _round(engine, iid, cid, T0 + 2 * step, 9000, 2500, False, up0 + 60_000)  # goes down
    _round(engine, iid, cid, T0 + 3 * step, 10, 10, True, 3_000)  # rebooted
    _round(engine, iid, cid, T0 + 4 * step, 310, 110, True, 33_000)
    got = [(s.in_delta, s.out_delta, s.discontinuity) for s in _samples(engine, iid)]
    assert got == [(None, None, None), (5000, 1000, "wrap"), (5000, 1000, None), (None, None, "reboot"),
                   (300, 100, None)]
    with session_scope(engine) as s:
        ivs = s.exec(select(LinkStateInterval).order_by(LinkStateInterval.id)).all()
    assert [(iv.state, iv.started_at.replace(tzinfo=None), iv.ended_at and iv.ended_at.replace(tzinfo=None),
             iv.circuit_id, iv.source) for iv in ivs] == [
        ("up", T0.replace(tzinfo=None), (T0 + 2 * step).replace(tzinfo=None), cid, "snmp"),
        ("down", (T0 + 2 * step).replace(tzinfo=None), (T0 + 3 * step).replace(tzinfo=None), cid, "snmp"),
        ("up", (T0 + 3 * step).replace(tzinfo=None), None, cid, "snmp")]


def test_rollups_are_idempotent_and_measure_only_deltas(engine) -> None:
    iid, cid = _setup(engine)
    up0 = 10_000_000
    # 13 samples 5 minutes apart from 01:00 to 02:00: 12 deltas of 1 MB in, 2 MB out
    for k in range(13):
        _round(engine, iid, cid, T0 + dt.timedelta(minutes=5 * k), k * 10**6, k * 2 * 10**6, True, up0 + k * 30_000)
    clock.use(clock.Clock(epoch=T0 + dt.timedelta(hours=2), wall=__import__("time").time(), speed=1.0))
    try:
        for _ in range(2):
            rollup(engine, T0, T0 + dt.timedelta(hours=2))
        with session_scope(engine) as s:
            hours = s.exec(select(InterfaceRollup).where(InterfaceRollup.period == "hour")
                           .order_by(InterfaceRollup.start)).all()
            days = s.exec(select(InterfaceRollup).where(InterfaceRollup.period == "day")).all()
    finally:
        clock.use(None)
    assert len(hours) == 2  # 01:00 (12 deltas) and 02:00 (the last sample, no span inside it)
    h1 = hours[0]
    assert (h1.in_bytes, h1.out_bytes, h1.samples, h1.measured_s) == (12 * 10**6, 24 * 10**6, 12, 3600)
    assert h1.peak_in_bps == 10**6 * 8 // 300
    assert h1.up_s == 3600 and h1.down_s == 0
    assert len(days) == 1 and days[0].in_bytes == 12 * 10**6 and days[0].samples == 13


def test_retention_rolls_up_before_deleting(engine) -> None:
    iid, cid = _setup(engine)
    for k in range(3):
        _round(engine, iid, cid, T0 + dt.timedelta(minutes=5 * k), k * 1000, k * 1000, True, 10**6 + k * 30_000)
    rep = apply_retention(engine, raw_days=30, now=T0 + dt.timedelta(days=31))
    assert rep.samples_deleted == 3
    assert _samples(engine, iid) == []
    with session_scope(engine) as s:
        hour = s.exec(select(InterfaceRollup).where(InterfaceRollup.period == "hour")).one()
    assert hour.in_bytes == 2000 and hour.samples == 3
    rep = apply_retention(engine, raw_days=30, rollup_years=1, now=T0 + dt.timedelta(days=800))
    assert rep.rollups_deleted >= 1


def test_lab_city_polled_twice_deltas_equal_traffic_added(sample_sqlite, tmp_path: Path) -> None:
    from lab.server import LabOptions, LabThread
    from lab.spec import build_lab_spec

    with session_scope(sample_sqlite) as s:
        spec = build_lab_spec(s)
    lab = LabThread(spec, LabOptions(snmp=True)).start()
    try:
        inv = json.loads(lab.lab.write_files(tmp_path / "lab").read_text(encoding="utf-8"))
        first = asyncio.run(poll_once(sample_sqlite, lab_inventory=inv))
        assert first.ok == first.devices > 0 and not first.failed, first.failed
        with session_scope(sample_sqlite) as s:
            circuits = s.exec(select(Circuit)).all()
            names = {i.id: (d.hostname, i.name) for i, d in s.exec(select(Interface, Device)
                                                                  .where(Interface.device_id == Device.id)).all()}
        ends = sorted({names[i] for c in circuits for i in (c.a_interface_id, c.z_interface_id) if i in names})
        added = {}
        for n, (host, name) in enumerate(ends):
            added[(host, name)] = (1000 + n, 7 * n)
            lab.call(lab.lab.add_traffic, host, name, 1000 + n, 7 * n)
        second = asyncio.run(poll_once(sample_sqlite, lab_inventory=inv))
        assert second.ok == second.devices and second.stored.deltas == second.interfaces == len(ends)
        with session_scope(sample_sqlite) as s:
            rows = s.exec(select(InterfaceSample, Interface, Device).where(
                InterfaceSample.interface_id == Interface.id, Interface.device_id == Device.id,
                InterfaceSample.in_delta.is_not(None))).all()  # type: ignore[union-attr]
        got = {(d.hostname, i.name): (smp.in_delta, smp.out_delta) for smp, i, d in rows}
        assert got == added
    finally:
        lab.stop()


def test_a_zone_poller_polls_only_its_zone(sample_sqlite) -> None:
    from collectors.snmp.credentials import SnmpCredentials
    from inventory.record.targets import build_targets

    creds = SnmpCredentials(community="x")
    with session_scope(sample_sqlite) as s:
        zones = {d.hostname: d.zone for d in s.exec(select(Device)).all()}
        every = build_targets(s, lambda _h: creds)
        assert len({zones[t.hostname] for t in every.targets}) >= 2, "the sample spans several zones"
        zone = zones[every.targets[0].hostname]
        mine = build_targets(s, lambda _h: creds, zone=zone)
    assert mine.targets and {zones[t.hostname] for t in mine.targets} == {zone}
    assert {t.hostname for t in mine.targets} == {t.hostname for t in every.targets if zones[t.hostname] == zone}
