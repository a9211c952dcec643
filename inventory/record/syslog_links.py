"""Link up/down messages into the syslog LinkStateIntervals of an interface.

The intervals of one interface and source are a timeline of state changes. A message places a change point
on it at the time it happened, wherever that falls: messages arrive late, out of order (UDP, a spooled batch
replayed after newer ones) and repeated (a device says "down" twice). So a change is inserted, not appended:
- inside an interval of the same state: nothing new (a repeat);
- inside an interval of the other state: that interval ends there, and the new state lasts until the next
  change point (the next interval starts earlier if it already has that state);
- before every interval: a new first interval, or the first one starts earlier if it has that state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from ..models import LinkStateInterval

SOURCE = "syslog"


@dataclass(frozen=True, slots=True)
class Change:
    interface_id: int
    circuit_id: int | None
    state: str  # up | down
    at: dt.datetime
    message_id: int


def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _load(session: Session, interface_ids: list[int], since: dt.datetime) -> dict[int, list[LinkStateInterval]]:
    """Every interval a change at or after `since` can touch: open ones and ones ending after it."""
    out: dict[int, list[LinkStateInterval]] = {i: [] for i in interface_ids}
    for at in range(0, len(interface_ids), 500):
        stmt = select(LinkStateInterval).where(
            LinkStateInterval.source == SOURCE, col(LinkStateInterval.interface_id).in_(interface_ids[at:at + 500]),
            or_(col(LinkStateInterval.ended_at).is_(None), col(LinkStateInterval.ended_at) > since))
        for iv in session.exec(stmt).all():
            iv.started_at = _utc(iv.started_at)
            iv.ended_at = _utc(iv.ended_at) if iv.ended_at is not None else None
            out[iv.interface_id].append(iv)
    for ivs in out.values():
        ivs.sort(key=lambda iv: iv.started_at)
    return out


def _place(ivs: list[LinkStateInterval], ch: Change) -> tuple[list[LinkStateInterval], int, int]:
    """Insert one change point into one interface's sorted timeline; (touched intervals, opened, closed)."""
    t = ch.at
    opened = closed = 0
    touched: list[LinkStateInterval] = []
    k = next((n for n, iv in enumerate(ivs) if iv.started_at <= t and (iv.ended_at is None or t < iv.ended_at)),
             None)
    if k is not None and ivs[k].state == ch.state:
        return touched, 0, 0  # already in that state: a repeat, not a new interval
    if k is not None:
        cur = ivs[k]
        end, cur.ended_at = cur.ended_at, t
        touched.append(cur)
        closed += 1
        nxt = ivs[k + 1] if k + 1 < len(ivs) and ivs[k + 1].started_at == end else None
    else:
        nxt = next((iv for iv in ivs if iv.started_at > t), None)
        end = nxt.started_at if nxt is not None else None
    if nxt is not None and nxt.state == ch.state:
        nxt.started_at = t  # the next change point said this state already: it began earlier
        nxt.opened_by = f"syslog:{ch.message_id}"
        touched.append(nxt)
        return touched, opened, closed
    fresh = LinkStateInterval(interface_id=ch.interface_id, circuit_id=ch.circuit_id, state=ch.state, started_at=t,
                              ended_at=end, source=SOURCE, opened_by=f"syslog:{ch.message_id}")
    ivs.append(fresh)
    ivs.sort(key=lambda iv: iv.started_at)
    touched.append(fresh)
    return touched, opened + 1, closed


def apply_changes(session: Session, changes: list[Change]) -> tuple[int, int]:
    """(intervals opened, intervals closed). Changes are applied in time order, ties in message order."""
    if not changes:
        return 0, 0
    changes = sorted(changes, key=lambda c: (c.at, c.message_id))
    timelines = _load(session, sorted({c.interface_id for c in changes}), changes[0].at)
    opened = closed = 0
    dirty: dict[int, LinkStateInterval] = {}
    for ch in changes:
        touched, o, c = _place(timelines[ch.interface_id], ch)
        opened, closed = opened + o, closed + c
        for iv in touched:
            dirty[id(iv)] = iv
    session.add_all(dirty.values())
    session.flush()
    return opened, closed
