"""The SLA ledger from a record written by the real pieces: SNMP rounds stored by store_round, rolled up by
rollup(), syslog intervals beside them. From the rollups and from the raw samples the figures agree, a poll
gap is unmeasured (not up), and syslog's instants refine SNMP's five-minute uncertainty."""

from __future__ import annotations

import datetime as dt

from answers import ask
from answers.sla_rows import load
from collectors.snmp.poller import DeviceResult, InterfaceReading
from inventory.db import session_scope
from inventory.models import Circuit, Device, Interface, LinkStateInterval
from inventory.record.rollup import rollup
from inventory.record.samples import store_round
from money import sla
from money.outages import build_outages

CN = sla.CHINA
T0 = dt.datetime(2022, 6, 1, tzinfo=CN).astimezone(dt.UTC)
M = dt.timedelta(minutes=1)
YEAR_S = 365 * 86400


def _record(engine) -> int:
    with session_scope(engine) as s:
        d = Device(hostname="u023-ar1", platform="huawei_vrp", vendor="huawei", role="unit-router",
                   mgmt_address="10.23.0.1")
        s.add(d)
        s.flush()
        i = Interface(device_id=d.id, name="GigabitEthernet0/0/1", speed_mbps=100)
        s.add(i)
        s.flush()
        c = Circuit(cid="LT-U023-1", role="primary", bandwidth_mbps=100, a_interface_id=i.id)
        s.add(c)
        s.flush()
        iid, cid = i.id, c.id
    octets = 0
    for k in range(0, 73):  # 00:00 → 06:00 local, every 5 minutes
        at = T0 + 5 * k * M
        if 48 <= k < 60:  # 04:00–04:55: the device did not answer
            continue
        octets += 1_000_000
        up = not (25 <= k <= 30)  # the samples at 02:05 … 02:30 see it down
        res = DeviceResult("u023-ar1", at, uptime_cs=1_000_000 + k * 30_000,
                           readings=[InterfaceReading("GigabitEthernet0/0/1", 1, octets, octets, up, 100)])
        with session_scope(engine) as s:
            store_round(s, [res], {("u023-ar1", "GigabitEthernet0/0/1"): iid}, {iid: cid})
    rollup(engine, T0 - dt.timedelta(hours=1), T0 + dt.timedelta(hours=8))
    return iid


def _syslog(engine, iid: int) -> None:
    with session_scope(engine) as s:
        s.add(LinkStateInterval(interface_id=iid, state="down", started_at=T0 + 123 * M, ended_at=T0 + 153 * M,
                                source="syslog", opened_by="syslog:1"))
        s.add(LinkStateInterval(interface_id=iid, state="up", started_at=T0 + 153 * M, source="syslog",
                                opened_by="syslog:2"))


def test_rollups_and_samples_agree_and_gap_is_unmeasured(engine) -> None:
    iid = _record(engine)
    figures = {}
    for source in ("rollups", "samples"):
        with session_scope(engine) as s:
            rows = load(s, 2022, source=source)
        led = sla.build(2022, rows.info, rows.spans)
        figures[source] = led.circuits["LT-U023-1"].year
    for y in figures.values():
        # measured: 00:00–03:55 and 05:00–06:00 = 295 minutes; SNMP's convention puts the outage 02:05–02:35
        assert (y.up, y.down) == (265 * 60, 30 * 60)
        assert y.unmeasured == YEAR_S - 295 * 60 and y.by_source == {"snmp": 295 * 60}
    _syslog(engine, iid)
    for source in ("rollups", "samples"):
        with session_scope(engine) as s:
            rows = load(s, 2022, source=source)
        led = sla.build(2022, rows.info, rows.spans)
        y = led.circuits["LT-U023-1"].year
        assert (y.up, y.down, y.unmeasured) == (265 * 60, 30 * 60, YEAR_S - 295 * 60)
        # syslog knows the instants: 02:03–02:33, inside SNMP's two five-minute uncertainties
        downs = [iv for iv in led.circuits["LT-U023-1"].intervals if iv.state == "down"]
        assert downs[0].start == T0 + 123 * M and downs[-1].end == T0 + 153 * M
        assert y.by_source["syslog"] == (2 + 3 + 2) * 60  # 02:03–02:05, 02:30–02:33 down; 02:33–02:35 up
        [o] = build_outages(led)
        assert (o.start, o.duration_s, o.sources) == (T0 + 123 * M, 30 * 60, ("snmp", "syslog"))
        assert any(e.startswith("lsi:") for e in o.evidence)


def test_answer_is_cached_until_the_record_moves(engine) -> None:
    iid = _record(engine)
    with session_scope(engine) as s:
        first = ask(s).sla_ledger(2022)
        assert ask(s).sla_ledger(2022) is first  # the same record: the same answer object
    assert first.ledger.circuits["LT-U023-1"].year.by_source == {"snmp": 295 * 60}
    _syslog(engine, iid)  # evidence rows are not audited: only the record's own mark sees them
    with session_scope(engine) as s:
        again = ask(s).sla_ledger(2022)
    assert again is not first and again.ledger.circuits["LT-U023-1"].year.by_source["syslog"] == 7 * 60
