"""Store a batch of parsed syslog messages: every raw line kept (parsed, unattributed or bad), each message
attributed to a device, repeats folded into one row with a count, and what the messages say turned into the
record: link-state intervals, config-change events, probe results. One transaction per batch: a batch that
fails leaves nothing behind (the receiver spools it and tries again).

Speed: the receiver hands batches of thousands of lines; rows go in through the driver itself (one
executemany on SQLite, one COPY on PostgreSQL) as plain tuples with the timestamps already formatted. The
ORM is used only for the few rows that need its care (intervals, events)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from collectors.syslog.event import ParsedMessage

from ..models import ConfigChangeEvent, ProbeResult
from .bulk import insert_rows
from .syslog_devices import Attributor
from .syslog_links import Change, apply_changes

DEDUP_WINDOW_S = 60.0
RECENT_MAX = 50_000  # senders × distinct messages remembered for folding repeats across batches
# Kinds whose every message is evidence of a change: never folded (an interval or an event depends on each).
STATEFUL = frozenset({"link", "config_change", "probe", "bfd", "track"})
COLUMNS = ("id", "received_at", "occurred_at", "source_addr", "transport", "device_id", "hostname", "facility",
           "severity", "tag", "kind", "interface_name", "state", "repeats", "error", "platform", "sequence", "raw")
# The model's column widths: a string longer than its column fails the whole batch on PostgreSQL.
WIDTH = {"source_addr": 64, "transport": 8, "hostname": 128, "tag": 96, "kind": 24, "interface_name": 64,
         "state": 8, "error": 200, "platform": 32}
_REPEATS = COLUMNS.index("repeats") - 1  # rows are built without their id
_INT64 = 2**63 - 1
CONFIG_TABLE = ConfigChangeEvent.__table__  # type: ignore[attr-defined]
# What follows the tag and is not the message: Huawei's "(l)" log type and "[123]" counter, a colon.
_TAG_TAIL = re.compile(r"^(?:\([a-z]\))?(?:\[\d+\])?:?\s*")


@dataclass
class StoreReport:
    messages: int = 0  # rows inserted
    repeats: int = 0  # messages folded into an earlier row
    attributed: int = 0
    unattributed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    opened: int = 0
    closed: int = 0
    config_changes: int = 0
    probes: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class _Seen:
    first: float  # received, unix seconds
    row_id: int | None  # stored row; None while pending in this batch
    pending: int | None  # index in this batch's rows


def body_of(m: ParsedMessage) -> str:
    """The message without its header (time, host, sequence), so two repeats compare equal."""
    raw = m.raw
    if m.tag:
        at = raw.find(m.tag)
        if at >= 0:
            return _TAG_TAIL.sub("", raw[at + len(m.tag):], count=1)
    return raw


def _clean(value: str | None, width: int | None = None) -> str | None:
    if value is None:
        return None
    if "\x00" in value:
        value = value.replace("\x00", "\\x00")  # PostgreSQL text cannot hold NUL
    return value[:width] if width is not None and len(value) > width else value


def _row(m: ParsedMessage, device_id: int | None, received: object, occurred: object) -> list[Any]:
    """The row in COLUMNS order, without the id. Widths checked inline: this runs for every message."""
    raw, host, tag, iface, err = m.raw, m.hostname, m.tag, m.interface_name, m.error
    if "\x00" in raw:  # every other text field is cut from the raw line: only then can they hold one
        return [received, occurred, _clean(m.source_addr, 64) or "", _clean(m.transport, 8) or "udp", device_id,
                _clean(host, 128), m.facility, m.severity, _clean(tag, 96), _clean(m.kind, 24) or "other",
                _clean(iface, 64), _clean(m.state, 8), 1, _clean(err, 200), _clean(m.platform, 32),
                _sequence(m.sequence), _clean(raw)]
    addr = m.source_addr or ""
    return [received, occurred, addr if len(addr) <= 64 else addr[:64], (m.transport or "udp")[:8], device_id,
            host if host is None or len(host) <= 128 else host[:128], m.facility, m.severity,
            tag if tag is None or len(tag) <= 96 else tag[:96], (m.kind or "other")[:24],
            iface if iface is None or len(iface) <= 64 else iface[:64], m.state and m.state[:8], 1,
            err if err is None or len(err) <= 200 else err[:200], m.platform and m.platform[:32],
            _sequence(m.sequence), raw]


def _sqlite_time(t: dt.datetime) -> str:
    return t.replace(tzinfo=None).isoformat(" ", "microseconds")


def _sequence(n: int | None) -> int | None:
    return n if n is None or -_INT64 <= n <= _INT64 else None  # a BIGINT column: a wild number is dropped


def _utc(t: dt.datetime) -> dt.datetime:
    if t.tzinfo is None:
        return t.replace(tzinfo=dt.UTC)
    return t if t.tzinfo is dt.UTC else t.astimezone(dt.UTC)


class SyslogStore:
    """Holds what must outlive one batch: the device maps and the recent messages repeats fold into."""

    def __init__(self, dedup_window_s: float = DEDUP_WINDOW_S, refresh_s: float | None = None) -> None:
        self.window = dedup_window_s
        self.attributor = Attributor() if refresh_s is None else Attributor(refresh_s)
        self.recent: dict[tuple[str, str | None, str], _Seen] = {}

    def __call__(self, engine: Engine, batch: list[ParsedMessage]) -> StoreReport:
        return self.store(engine, batch)

    def store(self, engine_or_session: Engine | Session, batch: list[ParsedMessage]) -> StoreReport:
        """With an engine: one transaction, committed. With a session: written in it, flushed; the caller
        commits (and the folded-repeat memory is kept as if it did)."""
        started = time.perf_counter()
        if isinstance(engine_or_session, Session):
            rep, staged = self._write(engine_or_session, batch)
        else:
            # The transaction is the connection's, begun before the session joins it: closing the session
            # neither commits nor rolls back; leaving the block does one or the other.
            with engine_or_session.begin() as conn, Session(bind=conn) as session:
                rep, staged = self._write(session, batch)
        self._remember(staged)
        rep.seconds = time.perf_counter() - started
        return rep

    # -- one batch -----------------------------------------------------------------------------------------

    def _write(self, session: Session, batch: list[ParsedMessage]) -> tuple[StoreReport, dict]:
        rep = StoreReport()
        conn = session.connection()
        att = self.attributor
        att.ensure(conn, {(m.source_addr, (m.hostname or "").lower()) for m in batch})
        sqlite = conn.dialect.name == "sqlite"
        rows: list[list[Any]] = []
        kept: list[tuple[ParsedMessage, int | None]] = []  # messages that got a row, with their device
        staged: dict[tuple[str, str | None, str], _Seen] = {}
        bumps: dict[int, int] = {}  # row id stored earlier → repeats to add
        devices: dict[tuple[str, str | None], int | None] = {}
        recent, window = self.recent, self.window
        texts: dict[dt.datetime, str] = {}  # a receiver stamps a whole read at once: many messages share a time
        for m in batch:
            received = _utc(m.received_at)
            who = (m.source_addr, m.hostname)
            device_id = devices[who] if who in devices else devices.setdefault(who, att.device(*who))
            if m.kind not in STATEFUL:
                key = (m.source_addr or (m.hostname or ""), m.tag, body_of(m))
                ts = received.timestamp()
                seen = staged.get(key) or recent.get(key)
                if seen is not None and ts - seen.first < window:
                    rep.repeats += 1
                    if seen.pending is not None:
                        rows[seen.pending][_REPEATS] += 1
                    else:
                        bumps[seen.row_id] = bumps.get(seen.row_id, 0) + 1  # type: ignore[index]
                        staged[key] = seen
                    continue
                staged[key] = _Seen(ts, None, len(rows))
            occurred = _utc(m.occurred_at) if m.occurred_at is not None else received
            if sqlite:  # SQLite keeps the text SQLAlchemy would write for the column; no per-row type work
                r_text = texts.get(received) or texts.setdefault(received, _sqlite_time(received))
                o_text = texts.get(occurred) or texts.setdefault(occurred, _sqlite_time(occurred))
                rows.append(_row(m, device_id, r_text, o_text))
            else:
                rows.append(_row(m, device_id, received, occurred))
            kept.append((m, device_id))
        for m, _ in kept:
            rep.by_kind[m.kind] = rep.by_kind.get(m.kind, 0) + 1
        rep.attributed = sum(1 for _, d in kept if d is not None)
        rep.unattributed = len(kept) - rep.attributed
        ids = _insert(conn, rows)
        rep.messages = len(rows)
        for seen in staged.values():
            if seen.pending is not None:
                seen.row_id, seen.pending = ids[seen.pending], None
        if bumps:
            conn.exec_driver_sql("UPDATE syslog_message SET repeats = repeats + %s WHERE id = %s"
                                 if not sqlite else "UPDATE syslog_message SET repeats = repeats + ? WHERE id = ?",
                                 [(n, rid) for rid, n in bumps.items()])
        self._events(session, kept, ids, rep)
        return rep, staged

    def _events(self, session: Session, kept: list[tuple[ParsedMessage, int | None]], ids: list[int],
                rep: StoreReport) -> None:
        att = self.attributor
        conn = session.connection()
        changes: list[Change] = []
        configs: list[dict[str, Any]] = []
        probes: list[ProbeResult] = []
        for (m, device_id), row_id in zip(kept, ids, strict=True):
            if device_id is None:
                continue
            kind = m.kind
            if kind == "link":
                if m.state in ("up", "down"):
                    iid = att.interface(device_id, m.interface_name)
                    if iid is not None:
                        changes.append(Change(iid, att.circuit(iid), m.state, _utc(m.occurred_at or m.received_at),
                                              row_id))
            elif kind == "config_change":
                configs.append({"device_id": device_id, "occurred_at": _utc(m.occurred_at or m.received_at),
                                "source": "syslog", "user": _clean(m.user, 64), "message_id": row_id})
            elif kind == "probe" and m.test:
                probes.append(ProbeResult(device_id=device_id, test=_clean(m.test, 96) or "",
                                          measured_at=_utc(m.occurred_at or m.received_at),
                                          ok=None if m.state is None else m.state == "up", source="syslog"))
        insert_rows(conn, CONFIG_TABLE, configs)
        rep.config_changes = len(configs)
        rep.probes = len(_add_probes(session, probes))
        session.flush()
        rep.opened, rep.closed = apply_changes(conn, changes)

    def _remember(self, staged: dict[tuple[str, str | None, str], _Seen]) -> None:
        self.recent.update(staged)
        if len(self.recent) > RECENT_MAX:
            newest = max(s.first for s in self.recent.values())
            self.recent = {k: s for k, s in self.recent.items() if newest - s.first < self.window}
            if len(self.recent) > RECENT_MAX:  # a flood of distinct lines: forget the oldest half
                keep = sorted(self.recent.items(), key=lambda kv: kv[1].first)[len(self.recent) // 2:]
                self.recent = dict(keep)


def _add_probes(session: Session, probes: list[ProbeResult]) -> list[ProbeResult]:
    """One result per (device, test, time), whether stored before or repeated in this batch."""
    if not probes:
        return []
    lo, hi = min(p.measured_at for p in probes), max(p.measured_at for p in probes)
    stmt = select(ProbeResult.device_id, ProbeResult.test, ProbeResult.measured_at).where(
        col(ProbeResult.device_id).in_({p.device_id for p in probes}), col(ProbeResult.measured_at) >= lo,
        col(ProbeResult.measured_at) <= hi)
    have = {(d, t, _utc(at)) for d, t, at in session.exec(stmt).all()}
    fresh = []
    for p in probes:
        key = (p.device_id, p.test, p.measured_at)
        if key not in have:
            have.add(key)
            fresh.append(p)
    # A probe message names its test, not its circuit: the circuit is the one the collected results of the
    # same test on the same device measure (inventory/probes.py links those by the target address).
    known: dict[tuple[int, str], int] = {}
    for device_id, test, circuit_id in session.exec(
            select(ProbeResult.device_id, ProbeResult.test, ProbeResult.circuit_id)
            .where(col(ProbeResult.device_id).in_({p.device_id for p in fresh}),
                   col(ProbeResult.circuit_id).is_not(None))
            .order_by(col(ProbeResult.measured_at))).all():
        known[(device_id, test)] = circuit_id  # type: ignore[assignment]
    for p in fresh:
        p.circuit_id = known.get((p.device_id, p.test))
    session.add_all(fresh)
    return fresh


def _insert(conn: Connection, rows: list[list[Any]]) -> list[int]:
    """Insert the rows and return their ids, in order."""
    if not rows:
        return []
    dbapi = conn.connection.driver_connection
    names = ", ".join(COLUMNS[1:])
    if conn.dialect.name == "sqlite":
        cur = dbapi.cursor()
        cur.executemany(f"INSERT INTO syslog_message ({names}) VALUES ({', '.join('?' * (len(COLUMNS) - 1))})",
                        rows)
        last = cur.execute("SELECT last_insert_rowid()").fetchone()[0]
        cur.close()
        # This transaction holds SQLite's write lock from the first insert: the rows took consecutive rowids.
        return list(range(last - len(rows) + 1, last + 1))
    # PostgreSQL: ids drawn from the column's sequence first, so one COPY writes everything and every row's id
    # is known (the events and intervals name the message they came from).
    ids = [r[0] for r in conn.execute(
        text("SELECT nextval(pg_get_serial_sequence('syslog_message', 'id')) FROM generate_series(1, :n)"),
        {"n": len(rows)})]
    with dbapi.cursor() as cur, cur.copy(f"COPY syslog_message ({', '.join(COLUMNS)}) FROM STDIN") as cp:
        for rid, r in zip(ids, rows, strict=True):
            cp.write_row((rid, *r))
    return ids


_stores: dict[str, SyslogStore] = {}


def store(engine_or_session: Engine | Session, batch: Iterable[ParsedMessage]) -> StoreReport:
    """Store one batch with the store kept for this database (its caches and repeat memory)."""
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    key = str(getattr(bind, "url", id(bind)))
    st = _stores.get(key)
    if st is None:
        st = _stores[key] = SyslogStore()
    return st.store(engine_or_session, list(batch))
