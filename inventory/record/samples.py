"""Store one poll round: an InterfaceSample per reading with its delta against the interface's previous
sample, and the SNMP link-state intervals opened/closed by ifOperStatus changes. One transaction a round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from collectors.snmp.deltas import Reading, delta
from collectors.snmp.poller import DeviceResult

from ..models import InterfaceSample, LinkStateInterval

SOURCE = "snmp"


def aware(t: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back naive; everything stored is UTC."""
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def to_signed(counter: int) -> int:
    """A Counter64 in a signed BIGINT column (SQLite INTEGER and PostgreSQL bigint stop at 2^63 - 1): the
    upper half stored as its two's complement, read back by `to_counter`. The model's column is BigInteger."""
    return counter - 2**64 if counter >= 2**63 else counter


def to_counter(stored: int) -> int:
    return stored + 2**64 if stored < 0 else stored


@dataclass
class StoreReport:
    samples: int = 0
    deltas: int = 0
    discontinuities: dict[str, int] = field(default_factory=dict)
    opened: int = 0
    closed: int = 0


def _last_samples(session: Session, ids: list[int]) -> dict[int, InterfaceSample]:
    out: dict[int, InterfaceSample] = {}
    for at in range(0, len(ids), 500):
        chunk = ids[at:at + 500]
        last = (select(func.max(InterfaceSample.id)).where(col(InterfaceSample.interface_id).in_(chunk))
                .group_by(InterfaceSample.interface_id))
        for s in session.exec(select(InterfaceSample).where(col(InterfaceSample.id).in_(last))).all():
            out[s.interface_id] = s
    return out


def _open_intervals(session: Session, ids: list[int]) -> dict[int, LinkStateInterval]:
    out: dict[int, LinkStateInterval] = {}
    for at in range(0, len(ids), 500):
        stmt = select(LinkStateInterval).where(col(LinkStateInterval.interface_id).in_(ids[at:at + 500]),
                                               LinkStateInterval.source == SOURCE,
                                               col(LinkStateInterval.ended_at).is_(None))
        for iv in session.exec(stmt).all():
            out[iv.interface_id] = iv
    return out


def store_round(session: Session, results: list[DeviceResult], interface_ids: dict[tuple[str, str], int],
                circuit_of: dict[int, int]) -> StoreReport:
    """Add the samples of the devices that answered; a device that did not leaves its record untouched
    (the time is unmeasured, not up or down)."""
    rep = StoreReport()
    wanted = [(res, r, interface_ids[(res.hostname, r.name)]) for res in results if res.ok for r in res.readings
              if (res.hostname, r.name) in interface_ids]
    ids = sorted({iid for _, _, iid in wanted})
    last = _last_samples(session, ids)
    open_iv = _open_intervals(session, ids)
    new: list[InterfaceSample] = []
    for res, r, iid in wanted:
        s = InterfaceSample(interface_id=iid, sampled_at=res.at, in_octets=to_signed(r.in_octets or 0),
                            out_octets=to_signed(r.out_octets or 0), oper_up=r.oper_up, speed_mbps=r.speed_mbps,
                            uptime_cs=res.uptime_cs)
        prev = last.get(iid)
        if prev is not None and r.in_octets is not None and r.out_octets is not None:
            t0, t1 = aware(prev.sampled_at).timestamp(), res.at.timestamp()
            din = delta(Reading(to_counter(prev.in_octets), prev.uptime_cs, t0, prev.speed_mbps),
                        Reading(r.in_octets, res.uptime_cs, t1, r.speed_mbps))
            dout = delta(Reading(to_counter(prev.out_octets), prev.uptime_cs, t0, prev.speed_mbps),
                         Reading(r.out_octets, res.uptime_cs, t1, r.speed_mbps))
            # both directions or neither: one counter's discontinuity makes the other's delta doubtful too
            flag = din.flag if din.flag in ("reboot", "reset") else dout.flag if dout.flag in ("reboot", "reset") \
                else din.flag or dout.flag
            if flag in ("reboot", "reset"):
                s.discontinuity = flag
            else:
                s.in_delta, s.out_delta, s.discontinuity = din.value, dout.value, flag
                rep.deltas += 1
            if s.discontinuity:
                rep.discontinuities[s.discontinuity] = rep.discontinuities.get(s.discontinuity, 0) + 1
        new.append(s)
    session.add_all(new)
    session.flush()  # sample ids name the interval each one opens
    for s in new:
        if s.oper_up is None:
            continue
        state = "up" if s.oper_up else "down"
        iv = open_iv.get(s.interface_id)
        if iv is not None and iv.state == state:
            continue
        if iv is not None:
            iv.ended_at = s.sampled_at
            session.add(iv)
            rep.closed += 1
        before = last.get(s.interface_id)
        fresh = LinkStateInterval(interface_id=s.interface_id, circuit_id=circuit_of.get(s.interface_id),
                                  state=state, started_at=s.sampled_at, source=SOURCE, opened_by=f"sample:{s.id}",
                                  changed_after=before.sampled_at if iv is not None and before is not None else None)
        session.add(fresh)
        open_iv[s.interface_id] = fresh
        rep.opened += 1
    rep.samples = len(new)
    _mark_missed(session, results, interface_ids)
    return rep


def _mark_missed(session: Session, results: list[DeviceResult], interface_ids: dict[tuple[str, str], int]) -> None:
    """A device that did not answer: its interfaces' last samples say so, and the span from each to its next
    sample is unmeasured (a short silence between two answered polls is otherwise invisible)."""
    silent = {res.hostname for res in results if not res.ok}
    ids = sorted(iid for (host, _name), iid in interface_ids.items() if host in silent)
    for smp in _last_samples(session, ids).values():
        if not smp.missed_after:
            smp.missed_after = True
            session.add(smp)
