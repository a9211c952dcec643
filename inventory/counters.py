"""Interface counter samples: stored as read (64-bit, exact), each checked against the interface's
previous sample. A counter lower than before was cleared (``reset counters``) or wrapped; the sample
is flagged ``reset`` so that nobody differences across it: the difference would be negative, or,
read as a wrap, a jump of 2**32 or 2**64 bytes that never crossed the link. Rates and volumes
restart from a reset sample (topology.scenario.peak_demand, money.backup_value.usage)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import CounterSample, Interface

COUNTERS = ("in_octets", "out_octets", "in_errors", "out_errors")
# The columns are signed 64-bit (BIGINT; SQLite's INTEGER is the same). A device counter is unsigned 64-bit,
# but 2**63 bytes is 23 years of a 100 Gb/s link at line rate: a reading at or above it (or below zero) is
# a misread screen, and writing it would fail the device's whole transaction. Such a sample is left out
# (the raw output keeps what the device printed), every exact value below it is stored as read.
MAX_STORED = 2**63 - 1
log = logging.getLogger("extranet.collect")


class _Read(Protocol):
    name: str
    in_octets: int
    out_octets: int
    in_errors: int
    out_errors: int


def went_down(before: Any, after: Any) -> bool:
    """True when any counter of ``after`` is lower than the same counter of ``before``."""
    return any(getattr(after, c) < getattr(before, c) for c in COUNTERS)


def previous(session: Session, interface_ids: list[int]) -> dict[int, CounterSample]:
    """The newest stored sample of each interface (one query)."""
    if not interface_ids:
        return {}
    newest = (select(CounterSample.interface_id, func.max(CounterSample.id).label("id"))
              .where(col(CounterSample.interface_id).in_(interface_ids))
              .group_by(CounterSample.interface_id).subquery())
    rows = session.exec(select(CounterSample).join(newest, col(CounterSample.id) == newest.c.id)).all()
    return {r.interface_id: r for r in rows}


def record(session: Session, run_id: int | None, interfaces: dict[str, Interface], read: Iterable[_Read],
           at: dt.datetime) -> list[CounterSample]:
    """One sample per read interface the inventory knows (by name), flagged ``reset`` when a counter went
    down since that interface's previous sample."""
    known = [(interfaces[f.name], f) for f in read if f.name in interfaces and interfaces[f.name].id is not None]
    with session.no_autoflush:
        before = previous(session, [i.id for i, _ in known])
    out = []
    for iface, f in known:
        if not all(0 <= getattr(f, c) <= MAX_STORED for c in COUNTERS):
            log.warning("interface %s (id %s): counter reading out of range, sample not stored: %s", f.name,
                        iface.id, {c: getattr(f, c) for c in COUNTERS})
            continue
        sample = CounterSample(interface_id=iface.id, sampled_at=at, in_octets=f.in_octets, out_octets=f.out_octets,
                               in_errors=f.in_errors, out_errors=f.out_errors, run_id=run_id)
        last = before.get(iface.id)
        sample.reset = last is not None and went_down(last, sample)
        session.add(sample)
        out.append(sample)
    return out
