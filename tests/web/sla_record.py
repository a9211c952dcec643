"""A year of record for the SLA page's tests, written by the real store functions where they are cheap.

U001's two circuits, 2022 (China time):
- 4 May, a day of 5-minute SNMP rounds through `store_round` and `rollup()`: the primary is down 09:00–11:00
  and the backup carries the unit's traffic meanwhile; a syslog down/up pair (its messages kept) gives the
  instants. Every other day: a daily rollup measured in full, as the record stands once raw samples are gone.
- 1 August, 12:00: an NQA probe of the primary found no answer (a minute down, the probe decides).
- March: the primary's poller got no answer (no rollups at all), so its March is unmeasured, never up.
- The other circuits of the sample city have no record: unmeasured all year.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from collectors.snmp.poller import DeviceResult, InterfaceReading
from inventory.db import session_scope
from inventory.models import (
    Circuit,
    Device,
    Interface,
    InterfaceRollup,
    LinkStateInterval,
    ProbeResult,
    SyslogMessage,
)
from inventory.record.rollup import rollup
from inventory.record.samples import store_round
from money import sla

YEAR = 2022
CN = sla.CHINA
LO, HI = sla.year_bounds(YEAR)
DAY0 = dt.datetime(YEAR, 5, 4, tzinfo=CN).astimezone(dt.UTC)
OUT0 = dt.datetime(YEAR, 5, 4, 9, tzinfo=CN).astimezone(dt.UTC)  # the SNMP sample that first sees it down
OUT1 = dt.datetime(YEAR, 5, 4, 11, tzinfo=CN).astimezone(dt.UTC)  # … and the one that sees it up again
SYS_DOWN = OUT0 - dt.timedelta(minutes=3, seconds=20)  # the device's own instants, inside SNMP's uncertainty
SYS_UP = OUT1 - dt.timedelta(minutes=2, seconds=5)
MARCH = (dt.datetime(YEAR, 3, 1, tzinfo=CN).astimezone(dt.UTC), dt.datetime(YEAR, 4, 1, tzinfo=CN).astimezone(dt.UTC))
PROBE_AT = dt.datetime(YEAR, 8, 1, 12, tzinfo=CN).astimezone(dt.UTC)  # one NQA test that found no answer
PRIMARY, BACKUP = "LT-U001-1", "DX-U001-1"


def _line(host: str, at: dt.datetime, seq: int, iface: str, state: str) -> str:
    # Our own line in the VRP5 layout the lab speaks (lab/personalities/huawei_vrp.py syslog_line, learned from
    # Huawei's "IFNET/4/LINK_STATE" log reference): PRI, local time with the year, host, the tag, the text.
    t = at.astimezone(CN)
    return (f"<188>{t:%b} {t.day:>2} {t:%Y %H:%M:%S} {host} %%01IFNET/4/LINK_STATE(l)[{seq}]:The line protocol IP "
            f"on the interface {iface} has entered the {state.upper()} state.")


def write_record(engine) -> dict[str, object]:
    with session_scope(engine, actor="test") as s:
        p = s.exec(select(Circuit).where(Circuit.cid == PRIMARY)).one()
        b = s.exec(select(Circuit).where(Circuit.cid == BACKUP)).one()
        pi, bi = p.a_interface_id, b.a_interface_id
        pif, bif = s.get(Interface, pi), s.get(Interface, bi)
        pdev, bdev = s.get(Device, pif.device_id), s.get(Device, bif.device_id)
        names = {"p_host": pdev.hostname, "p_if": pif.name, "b_host": bdev.hostname, "b_if": bif.name,
                 "pdev": pdev.id, "pcid": p.id, "bcid": b.id}
        # the state before the sampled day: SNMP saw both up since the year began (store_round continues it)
        s.add_all([LinkStateInterval(interface_id=pi, circuit_id=p.id, state="up", started_at=LO, source="snmp"),
                   LinkStateInterval(interface_id=bi, circuit_id=b.id, state="up", started_at=LO, source="snmp")])
    ids = {(names["p_host"], names["p_if"]): pi, (names["b_host"], names["b_if"]): bi}
    circuit_of = {pi: names["pcid"], bi: names["bcid"]}
    octets = {pi: 0, bi: 0}
    for k in range(0, 24 * 12 + 2):  # 00:00 → 00:05 next day, every 5 minutes
        at = DAY0 + dt.timedelta(minutes=5 * k)
        down = OUT0 <= at < OUT1
        octets[pi] += 0 if down else 60_000_000
        octets[bi] += 300_000_000 if down else 60_000  # 8 Mbit/s on a 100M port  # keepalives, then the unit's traffic
        by_host: dict[str, list[InterfaceReading]] = {}
        by_host.setdefault(names["p_host"], []).append(
            InterfaceReading(names["p_if"], 1, octets[pi], octets[pi], not down, 100))
        by_host.setdefault(names["b_host"], []).append(
            InterfaceReading(names["b_if"], 2, octets[bi], octets[bi], True, 100))
        results = [DeviceResult(h, at, uptime_cs=5_000_000 + k * 30_000, readings=r) for h, r in by_host.items()]
        with session_scope(engine, actor="test") as s:
            store_round(s, results, ids, circuit_of)
    rollup(engine, DAY0, DAY0 + dt.timedelta(days=1))
    with session_scope(engine, actor="test") as s:
        # rollup() may have rolled the neighbouring days from the samples it saw there: theirs stand whole
        for r in s.exec(select(InterfaceRollup).where(InterfaceRollup.period == "day")).all():
            if r.start not in (DAY0, DAY0.replace(tzinfo=None)):
                s.delete(r)
        day = LO
        rows = []
        while day < HI:
            for iid in (pi, bi):
                if day == DAY0:
                    continue  # the sampled day: rollup() wrote it from the samples
                if iid == pi and MARCH[0] <= day < MARCH[1]:
                    continue  # the poller got no answer from the primary's router all March
                rows.append(InterfaceRollup(interface_id=iid, period="day", start=day, samples=288, measured_s=86400,
                                            in_bytes=10**9, out_bytes=10**9, up_s=86400))
            day += dt.timedelta(days=1)
        s.add_all(rows)
        m_down = SyslogMessage(occurred_at=SYS_DOWN, received_at=SYS_DOWN, source_addr="10.23.0.1",
                               device_id=names["pdev"], hostname=names["p_host"], facility=23, severity=4,
                               tag="IFNET/4/LINK_STATE", kind="link", interface_name=names["p_if"], state="down",
                               raw=_line(names["p_host"], SYS_DOWN, 41, names["p_if"], "down"))
        m_up = SyslogMessage(occurred_at=SYS_UP, received_at=SYS_UP, source_addr="10.23.0.1",
                             device_id=names["pdev"], hostname=names["p_host"], facility=23, severity=4,
                             tag="IFNET/4/LINK_STATE", kind="link", interface_name=names["p_if"], state="up",
                             raw=_line(names["p_host"], SYS_UP, 42, names["p_if"], "up"))
        s.add_all([m_down, m_up])
        s.flush()
        s.add_all([
            LinkStateInterval(interface_id=pi, circuit_id=names["pcid"], state="down", started_at=SYS_DOWN,
                              ended_at=SYS_UP, source="syslog", opened_by=f"syslog:{m_down.id}"),
            LinkStateInterval(interface_id=pi, circuit_id=names["pcid"], state="up", started_at=SYS_UP,
                              source="syslog", opened_by=f"syslog:{m_up.id}"),
        ])
        s.add(ProbeResult(device_id=names["pdev"], test="nqa wan-primary icmp", target="10.255.1.1",
                          circuit_id=names["pcid"], measured_at=PROBE_AT, ok=False, sent=5, received=0))
        names["msg_down"] = m_down.raw
    return names
