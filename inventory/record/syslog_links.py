"""Link up/down messages into the syslog LinkStateIntervals of an interface.

The intervals of one interface and source are a timeline of state changes. A message places a change point
on it at the time it happened, wherever that falls: messages arrive late, out of order (UDP, a spooled batch
replayed after newer ones) and repeated (a device says "down" twice). So a change is inserted, not appended:
- inside an interval of the same state: nothing new (a repeat);
- inside an interval of the other state: that interval ends there, and the new state lasts until the next
  change point (the next interval starts earlier if it already has that state);
- before every interval: a new first interval, or the first one starts earlier if it has that state."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, or_, select

from ..models import LinkStateInterval
from .bulk import insert_rows, update_rows

SOURCE = "syslog"
# Core, not ORM objects: a burst of flaps is thousands of intervals a batch, and ORM instances cost ~80 µs each.
TABLE = LinkStateInterval.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Change:
    interface_id: int
    circuit_id: int | None
    state: str  # up | down
    at: dt.datetime
    message_id: int


@dataclass(slots=True)
class _Iv:
    id: int | None
    interface_id: int
    circuit_id: int | None
    state: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    opened_by: str | None
    dirty: bool = False


def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _load(conn: Connection, interface_ids: list[int], since: dt.datetime) -> dict[int, list[_Iv]]:
    """Every interval a change at or after `since` can touch: open ones and ones ending after it."""
    out: dict[int, list[_Iv]] = {i: [] for i in interface_ids}
    c = TABLE.c
    for at in range(0, len(interface_ids), 500):
        stmt = select(c.id, c.interface_id, c.circuit_id, c.state, c.started_at, c.ended_at, c.opened_by).where(
            c.source == SOURCE, c.interface_id.in_(interface_ids[at:at + 500]),
            or_(c.ended_at.is_(None), c.ended_at > since))
        for row in conn.execute(stmt):
            out[row.interface_id].append(_Iv(row.id, row.interface_id, row.circuit_id, row.state,
                                             _utc(row.started_at), _utc(row.ended_at) if row.ended_at else None,
                                             row.opened_by))
    for ivs in out.values():
        ivs.sort(key=lambda iv: iv.started_at)
    return out


def _place(ivs: list[_Iv], ch: Change) -> tuple[int, int]:
    """Insert one change point into one interface's sorted timeline; (opened, closed)."""
    t = ch.at
    starts = [iv.started_at for iv in ivs]
    k = bisect.bisect_right(starts, t) - 1  # the last interval starting at or before t
    if k >= 0 and not (ivs[k].ended_at is None or t < ivs[k].ended_at):
        k = -1  # it ended before t: t falls in a gap
    if k >= 0 and ivs[k].state == ch.state:
        return 0, 0  # already in that state: a repeat, not a new interval
    closed = 0
    if k >= 0:
        cur = ivs[k]
        end, cur.ended_at, cur.dirty = cur.ended_at, t, True
        closed = 1
        nxt = ivs[k + 1] if k + 1 < len(ivs) and ivs[k + 1].started_at == end else None
    else:
        n = bisect.bisect_right(starts, t)
        nxt = ivs[n] if n < len(ivs) else None
        end = nxt.started_at if nxt is not None else None
    if nxt is not None and nxt.state == ch.state:
        # the next change point said this state already: it began earlier
        nxt.started_at, nxt.opened_by, nxt.dirty = t, f"syslog:{ch.message_id}", True
        return 0, closed
    fresh = _Iv(None, ch.interface_id, ch.circuit_id, ch.state, t, end, f"syslog:{ch.message_id}", True)
    bisect.insort(ivs, fresh, key=lambda iv: iv.started_at)
    return 1, closed


def apply_changes(conn: Connection, changes: list[Change]) -> tuple[int, int]:
    """(intervals opened, intervals closed). Changes are applied in time order, ties in message order."""
    if not changes:
        return 0, 0
    changes = sorted(changes, key=lambda c: (c.at, c.message_id))
    timelines = _load(conn, sorted({c.interface_id for c in changes}), changes[0].at)
    opened = closed = 0
    for ch in changes:
        o, c = _place(timelines[ch.interface_id], ch)
        opened, closed = opened + o, closed + c
    fresh, changed = [], []
    for ivs in timelines.values():
        for iv in ivs:
            if not iv.dirty:
                continue
            if iv.id is None:
                fresh.append({"interface_id": iv.interface_id, "circuit_id": iv.circuit_id, "state": iv.state,
                              "started_at": iv.started_at, "ended_at": iv.ended_at, "source": SOURCE,
                              "opened_by": iv.opened_by})
            else:
                changed.append({"id": iv.id, "state": iv.state, "started_at": iv.started_at,
                                "ended_at": iv.ended_at, "opened_by": iv.opened_by})
    update_rows(conn, TABLE, changed)
    insert_rows(conn, TABLE, fresh)
    return opened, closed
