"""Reading what the SLA ledger and the outages need for one year (China time) from the record.

Rollups where they suffice: SNMP's coverage comes from the daily rollups (a day measured whole is one span)
and the hourly ones of the days that were not; the state comes from the link-state intervals (kept for
years). Raw samples only where they are needed: reboots (sysUpTime went back) and a backup's traffic during
its primary's outage while the samples are still held (else its hourly rollups). `source="samples"` reads
SNMP's coverage from the raw samples instead (the benchmark's baseline; the same rule, finer positions)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, union_all
from sqlmodel import Session, col, select

from inventory.models import (
    Carrier,
    Circuit,
    Device,
    Incident,
    Interface,
    InterfaceRollup,
    InterfaceSample,
    LinkStateInterval,
    ProbeResult,
    Room,
    SyslogMessage,
    Unit,
)
from inventory.record.maintenance import windows as planned_windows
from inventory.record.rollup import max_gap_s
from money import sla
from money.outages import Reboot, TrafficSpan, TypedIncident

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
CHUNK = 200


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


@dataclass
class SlaRows:
    year: int
    info: dict[str, sla.CircuitInfo]
    spans: dict[str, list[sla.Span]]
    ends: dict[int, str]  # interface id → circuit
    unit_end: dict[str, int]  # circuit → its unit end's interface (traffic)
    terminals: dict[str, int] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → key → Chinese name
    reboots: list[Reboot] = field(default_factory=list)
    incidents: list[TypedIncident] = field(default_factory=list)
    maintenance: list[sla.MaintenanceWindow] = field(default_factory=list)
    core: frozenset[str] = frozenset()  # the core rooms' codes: where a unit's path ends


def _day_span(start: dt.date | None, end: dt.date | None, lo: dt.datetime, hi: dt.datetime) -> sla.Span2:
    a = dt.datetime.combine(start, dt.time(), sla.CHINA).astimezone(dt.UTC) if start else lo
    b = dt.datetime.combine(end + DAY, dt.time(), sla.CHINA).astimezone(dt.UTC) if end else hi
    return (max(a, lo), min(b, hi))


def load(session: Session, year: int, *, source: str = "rollups", poll_s: float = sla.DEFAULT_POLL_S,
         maintenance: list[sla.MaintenanceWindow] | None = None) -> SlaRows:
    lo, hi = sla.year_bounds(year)
    carriers = {c.id: c for c in session.exec(select(Carrier))}
    rooms = {r.id: r for r in session.exec(select(Room))}
    units = {u.id: u for u in session.exec(select(Unit))}
    hosts: dict[int, str] = dict(session.exec(select(Device.id, Device.hostname)).all())  # type: ignore[arg-type]
    iface_dev: dict[int, int] = dict(session.exec(select(Interface.id, Interface.device_id)).all())  # type: ignore[arg-type]
    info: dict[str, sla.CircuitInfo] = {}
    ends: dict[int, str] = {}
    unit_end: dict[str, int] = {}
    for c in session.exec(select(Circuit).order_by(Circuit.cid)):
        span = _day_span(c.install_date, c.end_date, lo, hi)
        if c.status == "decommissioned" or span[1] <= span[0]:
            continue
        unit = units[c.a_unit_id].code if c.a_unit_id in units else units[c.z_unit_id].code \
            if c.z_unit_id in units else None
        iids = [i for i in (c.a_interface_id, c.z_interface_id) if i]
        info[c.cid] = sla.CircuitInfo(
            c.cid, carriers[c.carrier_id].code if c.carrier_id in carriers else None, c.role, unit,
            tuple(rooms[r].code for r in (c.a_room_id, c.z_room_id) if r in rooms),
            tuple(hosts[iface_dev[i]] for i in iids if i in iface_dev and iface_dev[i] in hosts), span, c.srlg)
        for i in iids:
            ends[i] = c.cid
        ue = c.a_interface_id if c.a_unit_id else c.z_interface_id if c.z_unit_id else None
        if ue:
            unit_end[c.cid] = ue
    states = _states(session, ends, lo, hi, poll_s)
    ids = sorted(ends)
    if source == "samples":
        cov, prev = _coverage_samples(session, ids, lo, hi)
        states = [sla.StateRow(r.id, r.cid, r.end_key, r.source, r.state, r.start, r.end,
                               prev.get((int(r.end_key), r.start), r.changed_after)
                               if r.changed_after else None) for r in states]
    else:
        cov = _coverage_rollups(session, ids, lo, hi)
    probes = [sla.ProbeRow(p.id, cid, _aware(p.measured_at), bool(p.ok))
              for p, cid in _probes(session, info, lo, hi)]
    heard = _heard(session, ends, iface_dev, hi)
    spans = sla.circuit_spans(info, states, probes, cov, heard, hi, max_gap_s=max_gap_s())
    windows = _maintenance(session, lo, hi) if maintenance is None else list(maintenance)
    rows = SlaRows(year, info, spans, ends, unit_end, maintenance=windows)
    rows.terminals = {u.code: u.declared_terminals for u in units.values()}
    rows.core = frozenset(r.code for r in rooms.values() if r.is_core)
    rows.names = {"carrier": {c.code: c.name for c in carriers.values()},
                  "unit": {u.code: u.name for u in units.values()},
                  "room": {r.code: r.name for r in rooms.values()}}
    rows.reboots = _reboots(session, ids, iface_dev, hosts, lo, hi)
    circuits = {c.id: c.cid for c in session.exec(select(Circuit))}
    rows.incidents = [TypedIncident(i.id, carriers[i.carrier_id].code, circuits.get(i.circuit_id), i.category,
                                    i.severity, _aware(i.started_at), _aware(i.ended_at) if i.ended_at else None,
                                    i.description)
                      for i in session.exec(select(Incident).where(col(Incident.started_at) < hi,
                                                                   or_(col(Incident.ended_at).is_(None),
                                                                       col(Incident.ended_at) > lo)))
                      if i.carrier_id in carriers]
    return rows


def _states(session: Session, ends: dict[int, str], lo: dt.datetime, hi: dt.datetime,
            poll_s: float) -> list[sla.StateRow]:
    L = LinkStateInterval
    out: list[sla.StateRow] = []
    ids = sorted(ends)
    for at in range(0, len(ids), 500):
        stmt = (select(L.id, L.interface_id, L.source, L.state, L.started_at, L.ended_at, L.changed_after)
                .where(col(L.interface_id).in_(ids[at:at + 500]), col(L.started_at) < hi,
                       or_(col(L.ended_at).is_(None), col(L.ended_at) >= lo))
                .order_by(L.interface_id, L.source, L.started_at))
        prev_end: dict[tuple[int, str], dt.datetime] = {}
        for iid, iv_id, src, state, start, end, after in ((r[1], r[0], r[2], r[3], r[4], r[5], r[6])
                                                          for r in session.exec(stmt).all()):
            start = _aware(start)
            end = _aware(end) if end else None
            changed = None
            if src == "snmp" and prev_end.get((iid, src)) == start:
                # the previous sample as the poller stored it; rows from before it did: on the poll grid
                changed = _aware(after) if after else start - dt.timedelta(seconds=poll_s)
            out.append(sla.StateRow(iv_id, ends[iid], str(iid), src, state, start, end, changed))
            if end is not None:
                prev_end[(iid, src)] = end
    return out


def _coverage_rollups(session: Session, ids: list[int], lo: dt.datetime, hi: dt.datetime
                      ) -> dict[str, list[sla.Span2]]:
    R = InterfaceRollup
    wanted = set(ids)
    full: dict[int, list[dt.datetime]] = defaultdict(list)
    partial: list[tuple[int, dt.datetime]] = []
    # by interface: the (interface, period, start) index; by start alone SQLite walks the hours too
    day_rows = [r for at in range(0, len(ids), 500) for r in session.execute(
        select(R.interface_id, R.start, R.measured_s).where(col(R.interface_id).in_(ids[at:at + 500]),
                                                            R.period == "day", col(R.start) >= lo,
                                                            col(R.start) < hi)).all()]
    for iid, start, measured in day_rows:
        if iid not in wanted:
            continue
        if measured >= 86400:
            full[iid].append(_aware(start))
        else:
            partial.append((iid, _aware(start)))
    # the days the daily rollup has not reached yet (the poller rolls the hours around each round and their
    # days, so at most the latest two) are read hour by hour
    latest = session.exec(select(func.max(R.start)).where(R.period == "hour", col(R.start) >= lo,
                                                          col(R.start) < hi)).one()
    want = list(partial)
    if latest is not None:
        known = {(i, d) for i, ds in full.items() for d in ds} | set(partial)
        last_day = lo + DAY * int((_aware(latest) - lo) / DAY)
        for d in (last_day - DAY, last_day):
            if d >= lo:
                want += [(i, d) for i in ids if (i, d) not in known]
    hours: dict[int, dict[dt.datetime, int]] = defaultdict(dict)
    # one indexed range (interface, period, start) per run of consecutive days: an OR of ranges would scan
    runs: list[tuple[int, dt.datetime, dt.datetime]] = []
    for i, d in sorted(set(want)):
        if runs and runs[-1][0] == i and runs[-1][2] == d:
            runs[-1] = (i, runs[-1][1], d + DAY)
        else:
            runs.append((i, d, d + DAY))
    for at in range(0, len(runs), CHUNK):
        parts = [select(R.interface_id, R.start, R.measured_s).where(R.interface_id == i, R.period == "hour",
                                                                    col(R.start) >= a, col(R.start) < b)
                 for i, a, b in runs[at:at + CHUNK]]
        stmt = parts[0] if len(parts) == 1 else union_all(*parts)
        for iid, start, measured in session.execute(stmt).all():
            hours[iid][_aware(start)] = measured
    return {str(i): sla.coverage_from_rollups(full.get(i, []), hours.get(i, {})) for i in ids}


def _coverage_samples(session: Session, ids: list[int], lo: dt.datetime, hi: dt.datetime
                      ) -> tuple[dict[str, list[sla.Span2]], dict[tuple[int, dt.datetime], dt.datetime]]:
    S = InterfaceSample
    gap = max_gap_s()
    out: dict[str, list[sla.Span2]] = {}
    prev_of: dict[tuple[int, dt.datetime], dt.datetime] = {}
    for at in range(0, len(ids), 100):
        rows = session.exec(select(S.interface_id, S.sampled_at, S.in_delta, S.missed_after)
                            .where(col(S.interface_id).in_(ids[at:at + 100]), col(S.sampled_at) >= lo - HOUR,
                                   col(S.sampled_at) < hi).order_by(S.interface_id, S.sampled_at)).all()
        by: dict[int, list[tuple[dt.datetime, bool]]] = defaultdict(list)
        missed: dict[int, bool] = {}
        for iid, t, d, miss in rows:
            t = _aware(t)
            seq = by[iid]
            if seq:
                prev_of[(iid, t)] = seq[-1][0]
            seq.append((t, d is not None and not missed.get(iid, False)))  # an unanswered poll in between
            missed[iid] = bool(miss)
        for iid, seq in by.items():
            out[str(iid)] = sla.coverage_from_samples(seq, gap)
    return out, prev_of


def _maintenance(session: Session, lo: dt.datetime, hi: dt.datetime) -> list[sla.MaintenanceWindow]:
    """The planned windows that touch the year (the table's rows; a caller may pass its own instead)."""
    return [sla.MaintenanceWindow(_aware(w.starts_at), _aware(w.ends_at), circuit=cid, carrier=code, note=w.note)
            for w, cid, code in planned_windows(session, lo, hi)]


def _probes(session: Session, info: dict[str, sla.CircuitInfo], lo: dt.datetime, hi: dt.datetime):
    cids = {c.id: c.cid for c in session.exec(select(Circuit))}
    P = ProbeResult
    for p in session.exec(select(P).where(col(P.circuit_id).is_not(None), col(P.ok).is_not(None),
                                          col(P.measured_at) >= lo, col(P.measured_at) < hi)).all():
        cid = cids.get(p.circuit_id)
        if cid in info:
            yield p, cid


def _heard(session: Session, ends: dict[int, str], iface_dev: dict[int, int],
           hi: dt.datetime) -> dict[tuple[str, str], dt.datetime]:
    """(syslog, end) → the last message of the end's device: an open syslog down counts up to it."""
    last = dict(session.exec(select(SyslogMessage.device_id, func.max(SyslogMessage.occurred_at))
                             .where(col(SyslogMessage.device_id).is_not(None), col(SyslogMessage.occurred_at) < hi)
                             .group_by(SyslogMessage.device_id)).all())
    return {("syslog", str(i)): _aware(last[iface_dev[i]]) for i in ends if iface_dev.get(i) in last}


def _reboots(session: Session, ids: list[int], iface_dev: dict[int, int], hosts: dict[int, str],
             lo: dt.datetime, hi: dt.datetime) -> list[Reboot]:
    S = InterfaceSample
    seen: set[tuple[str, dt.datetime]] = set()
    wanted = set(ids)
    out = []
    for sid, iid, t in session.exec(select(S.id, S.interface_id, S.sampled_at).where(
            S.discontinuity == "reboot", col(S.sampled_at) >= lo, col(S.sampled_at) < hi)).all():
        host = hosts.get(iface_dev.get(iid, -1))
        if host and iid in wanted and (host, _aware(t)) not in seen:
            seen.add((host, _aware(t)))
            out.append(Reboot(host, _aware(t), f"sample:{sid}"))
    return out


def traffic(session: Session, iface_windows: dict[str, tuple[int, list[sla.Span2]]]) -> dict[str, list[TrafficSpan]]:
    """Circuit → its traffic spans inside the windows: samples' deltas where still held, else hourly rollups."""
    out: dict[str, list[TrafficSpan]] = defaultdict(list)
    S, R = InterfaceSample, InterfaceRollup
    for cid, (iid, windows) in iface_windows.items():
        for a, b in windows:
            a, b = a - HOUR, b + HOUR
            rows = session.exec(select(S.sampled_at, S.in_delta, S.out_delta).where(
                S.interface_id == iid, col(S.sampled_at) >= a, col(S.sampled_at) <= b)
                .order_by(S.sampled_at)).all()
            if len(rows) >= 2:
                for (t0, _, _), (t1, di, do) in itertools.pairwise(rows):
                    if di is not None:
                        out[cid].append(TrafficSpan(_aware(t0), _aware(t1), int(di) + int(do or 0)))
                continue
            for start, ib, ob in session.exec(select(R.start, R.in_bytes, R.out_bytes).where(
                    R.interface_id == iid, R.period == "hour", col(R.start) >= a - HOUR, col(R.start) < b)
                    .order_by(R.start)).all():
                out[cid].append(TrafficSpan(_aware(start), _aware(start) + HOUR, int(ib) + int(ob)))
    return dict(out)
