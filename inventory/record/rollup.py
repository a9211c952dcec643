"""Hourly and daily rollups of the interface samples, re-runnable: a run replaces the rollups of the periods it
covers, so running it twice, or again after late samples arrived, gives the same rows.

A sample's delta covers (previous sample, this sample]; its bytes and its measured seconds are shared among
the hours that span overlaps, in proportion. Only deltas count as measured: a first sample, a reboot or a
reset leaves its span unmeasured, and so does a span longer than the max gap (2.5 poll intervals: the
poller did not hear the device, its bytes are still shared but its state is unknown; the SLA ledger reads
measured_s as SNMP's coverage). Up/down seconds come from the SNMP link-state intervals. Days are the
bureau's (China time, UTC+8, no daylight saving), stored by their UTC start."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from collectors import clock

from ..db import session_scope
from ..models import InterfaceRollup, InterfaceSample, LinkStateInterval
from .samples import SOURCE, aware

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
CHINA = dt.timezone(dt.timedelta(hours=8))
LOOKBACK = dt.timedelta(hours=6)  # the longest gap between two samples whose delta is shared back
DEFAULT_MAX_GAP_S = 750.0  # 2.5 × the default 300 s interval; EXTRANET_SNMP_MAX_GAP for another interval


def max_gap_s() -> float:
    """One setting for every run (the poller's and retention's re-runs must agree on what was measured)."""
    try:
        value = float(os.environ.get("EXTRANET_SNMP_MAX_GAP", DEFAULT_MAX_GAP_S))
    except ValueError:
        return DEFAULT_MAX_GAP_S
    return value if value > 0 else DEFAULT_MAX_GAP_S


def floor_hour(t: dt.datetime) -> dt.datetime:
    return aware(t).replace(minute=0, second=0, microsecond=0)


def floor_day(t: dt.datetime) -> dt.datetime:
    """The start (UTC) of the China-time day holding `t`."""
    local = aware(t).astimezone(CHINA)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


@dataclass
class _Acc:
    in_b: float = 0.0
    out_b: float = 0.0
    peak_in: int = 0
    peak_out: int = 0
    samples: int = 0
    measured: float = 0.0
    up: float = 0.0
    down: float = 0.0


def _hours(t0: dt.datetime, t1: dt.datetime) -> list[tuple[dt.datetime, float]]:
    """(hour start, seconds of (t0, t1] inside it)."""
    out = []
    h = floor_hour(t0)
    while h < t1:
        lo, hi = max(h, t0), min(h + HOUR, t1)
        if hi > lo:
            out.append((h, (hi - lo).total_seconds()))
        h += HOUR
    return out


def rollup_hours(engine: Engine, since: dt.datetime, until: dt.datetime, max_gap: float | None = None) -> int:
    """Replace the hourly rollups of every hour in [since, until); returns how many rows were written."""
    since, until = floor_hour(since), floor_hour(until)
    gap = max_gap if max_gap is not None else max_gap_s()
    if until <= since:
        return 0
    acc: dict[tuple[int, dt.datetime], _Acc] = defaultdict(_Acc)
    with session_scope(engine) as s:
        # a span up to the max gap long still measures its hours: read that far past the edges
        back = max(LOOKBACK, dt.timedelta(seconds=gap))
        rows = s.exec(select(InterfaceSample).where(col(InterfaceSample.sampled_at) >= since - back,
                                                    col(InterfaceSample.sampled_at) < until + back)
                      .order_by(InterfaceSample.interface_id, InterfaceSample.sampled_at)).all()
        prev: InterfaceSample | None = None
        for smp in rows:
            t1 = aware(smp.sampled_at)
            if since <= t1 < until:
                acc[(smp.interface_id, floor_hour(t1))].samples += 1
            if prev is not None and prev.interface_id == smp.interface_id and smp.in_delta is not None:
                t0 = aware(prev.sampled_at)
                span = (t1 - t0).total_seconds()
                if span > 0:
                    bps_in, bps_out = int(smp.in_delta * 8 / span), int((smp.out_delta or 0) * 8 / span)
                    for h, secs in _hours(t0, t1):
                        if since <= h < until:
                            a = acc[(smp.interface_id, h)]
                            a.in_b += smp.in_delta * secs / span
                            a.out_b += (smp.out_delta or 0) * secs / span
                            if span <= gap and not prev.missed_after:
                                a.measured += secs
                            a.peak_in, a.peak_out = max(a.peak_in, bps_in), max(a.peak_out, bps_out)
            prev = smp
        _states(s, acc, since, until)
        written = _replace(s, "hour", acc, since, until)
    return written


def _states(s: Session, acc: dict[tuple[int, dt.datetime], _Acc], since: dt.datetime, until: dt.datetime) -> None:
    # An interval still open is known only up to its interface's latest sample: after it, unmeasured.
    now = clock.now()
    seen = dict(s.exec(select(InterfaceSample.interface_id, func.max(InterfaceSample.sampled_at))
                       .group_by(InterfaceSample.interface_id)).all())
    stmt = select(LinkStateInterval).where(LinkStateInterval.source == SOURCE,
                                           col(LinkStateInterval.started_at) < until,
                                           (col(LinkStateInterval.ended_at).is_(None))
                                           | (col(LinkStateInterval.ended_at) > since))
    for iv in s.exec(stmt).all():
        last = seen.get(iv.interface_id)
        start = aware(iv.started_at)
        end = aware(iv.ended_at) if iv.ended_at else min(now, until, aware(last) if last else start)
        for h, secs in _hours(max(start, since), min(end, until)):
            a = acc[(iv.interface_id, h)]
            if iv.state == "up":
                a.up += secs
            else:
                a.down += secs


def _replace(s: Session, period: str, acc: dict[tuple[int, dt.datetime], _Acc], since: dt.datetime,
             until: dt.datetime) -> int:
    s.exec(delete(InterfaceRollup).where(InterfaceRollup.period == period,  # type: ignore[call-overload]
                                         col(InterfaceRollup.start) >= since, col(InterfaceRollup.start) < until))
    rows = [InterfaceRollup(interface_id=iid, period=period, start=start, in_bytes=round(a.in_b),
                            out_bytes=round(a.out_b), peak_in_bps=a.peak_in, peak_out_bps=a.peak_out,
                            samples=a.samples, measured_s=round(a.measured), up_s=round(a.up), down_s=round(a.down))
            for (iid, start), a in sorted(acc.items())]
    s.add_all(rows)
    return len(rows)


def rollup_days(engine: Engine, since: dt.datetime, until: dt.datetime) -> int:
    """Replace the daily rollups of every China-time day starting in [since, until) from the hourly ones."""
    since, until = floor_day(since), floor_day(until)
    if until <= since:
        return 0
    acc: dict[tuple[int, dt.datetime], _Acc] = defaultdict(_Acc)
    with session_scope(engine) as s:
        for r in s.exec(select(InterfaceRollup).where(InterfaceRollup.period == "hour",
                                                      col(InterfaceRollup.start) >= since,
                                                      col(InterfaceRollup.start) < until)).all():
            a = acc[(r.interface_id, floor_day(r.start))]
            a.in_b += r.in_bytes
            a.out_b += r.out_bytes
            a.peak_in, a.peak_out = max(a.peak_in, r.peak_in_bps), max(a.peak_out, r.peak_out_bps)
            a.samples += r.samples
            a.measured += r.measured_s
            a.up += r.up_s
            a.down += r.down_s
        return _replace(s, "day", acc, since, until)


def rollup(engine: Engine, since: dt.datetime, until: dt.datetime) -> tuple[int, int]:
    """Hours then the days holding them."""
    return rollup_hours(engine, since, until), rollup_days(engine, floor_day(since), floor_day(until) + DAY)
