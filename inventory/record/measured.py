"""What the record says about a stretch of time, per interface: seconds down by one source of evidence and
bytes carried by the SNMP deltas. Reads only; the SLA ledger (the next layer up) decides between sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..models import InterfaceSample, LinkStateInterval
from .samples import aware


def down_seconds(session: Session, interface_ids: list[int], start: dt.datetime, end: dt.datetime,
                 source: str = "syslog") -> dict[int, float]:
    """Interface → seconds of [start, end) inside a down interval of `source` (an open one runs to `end`)."""
    out = dict.fromkeys(interface_ids, 0.0)
    if not interface_ids:
        return out
    rows = session.exec(select(LinkStateInterval).where(
        col(LinkStateInterval.interface_id).in_(interface_ids), LinkStateInterval.source == source,
        LinkStateInterval.state == "down", col(LinkStateInterval.started_at) < end)).all()
    for r in rows:
        a = max(aware(r.started_at), start)
        b = min(aware(r.ended_at) if r.ended_at else end, end)
        if b > a:
            out[r.interface_id] += (b - a).total_seconds()
    return out


@dataclass
class Carried:
    in_octets: int = 0
    out_octets: int = 0
    samples: int = 0
    discontinuities: int = 0  # samples with no delta (reboot, reset; the first sample of an interface too)
    wraps: int = 0  # 64-bit counters passing 2^64: a delta all the same
    largest_delta: int = 0  # the biggest single step: a wrap or reboot read as traffic would show here


def last_sample_id(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(InterfaceSample.id), 0))).one()


def carried(session: Session, interface_ids: list[int], start: dt.datetime | None = None,
            end: dt.datetime | None = None, after_id: int | None = None) -> dict[int, Carried]:
    """Interface → bytes its samples' deltas add up to in (start, end] (all samples when unbounded); with
    `after_id`, only samples stored after that one (one replay of a year among others of the same dates)."""
    out = {i: Carried() for i in interface_ids}
    if not interface_ids:
        return out
    s = InterfaceSample
    stmt = (select(s.interface_id, func.coalesce(func.sum(s.in_delta), 0), func.coalesce(func.sum(s.out_delta), 0),
                   func.count(), func.count() - func.count(s.in_delta),
                   func.sum(case((s.discontinuity == "wrap", 1), else_=0)),
                   func.coalesce(func.max(s.in_delta), 0), func.coalesce(func.max(s.out_delta), 0))
            .where(col(s.interface_id).in_(interface_ids)).group_by(s.interface_id))
    if start is not None:
        stmt = stmt.where(s.sampled_at > start)
    if end is not None:
        stmt = stmt.where(s.sampled_at <= end)
    if after_id is not None:
        stmt = stmt.where(col(s.id) > after_id)
    for iid, i_sum, o_sum, n, disc, wraps, i_max, o_max in session.exec(stmt).all():
        out[iid] = Carried(int(i_sum), int(o_sum), int(n), int(disc), int(wraps or 0), max(int(i_max), int(o_max)))
    return out
