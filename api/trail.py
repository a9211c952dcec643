"""The audit trail as the API sees it: security events written next to the inventory changes the
session hook records (inventory.changes), and the audit admin's read and export.

The application only ever inserts into change_log: no route updates or deletes a row, and nothing
prunes it, so retention is at least the 180 days level 3 and the Cybersecurity Law (art. 21) ask.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from inventory.models import ChangeLog, utcnow

RETENTION_DAYS = 180
TRAIL_FIELDS = ("id", "at", "actor", "action", "object_type", "object_id", "object_repr", "before", "after",
                "request_id", "remote_addr")


def record_event(session: Session, action: str, object_type: str, object_id: int | None, repr_: str | None,
                 before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Append one row for something the inventory hook does not see (logins, users, tokens,
    settings, refused requests). Never pass a secret in before/after."""
    info = session.info
    session.add(ChangeLog(at=utcnow(), actor=str(info.get("actor") or "system")[:64], action=action[:16],
                          object_type=object_type[:32], object_id=object_id, object_repr=(repr_ or "")[:200],
                          before=before, after=after, request_id=info.get("request_id"),
                          remote_addr=info.get("remote_addr")))


def _filtered(stmt: Any, actor: str | None, action: str | None, object_type: str | None,
              since: dt.datetime | None, until: dt.datetime | None, request_id: str | None) -> Any:
    if actor:
        stmt = stmt.where(ChangeLog.actor == actor)
    if action:
        stmt = stmt.where(ChangeLog.action == action)
    if object_type:
        stmt = stmt.where(ChangeLog.object_type == object_type)
    if since:
        stmt = stmt.where(ChangeLog.at >= since)
    if until:
        stmt = stmt.where(ChangeLog.at < until)
    if request_id:
        stmt = stmt.where(ChangeLog.request_id == request_id)
    return stmt


def row_dict(row: ChangeLog) -> dict[str, Any]:
    out = {name: getattr(row, name) for name in TRAIL_FIELDS}
    out["at"] = row.at.isoformat() if row.at else None
    return out


def list_trail(session: Session, *, limit: int, offset: int, **filters: Any) -> tuple[int, list[dict[str, Any]]]:
    total = session.exec(_filtered(select(func.count()).select_from(ChangeLog), **filters)).one()
    rows = session.exec(_filtered(select(ChangeLog), **filters).order_by(ChangeLog.id.desc())
                        .offset(offset).limit(limit)).all()
    return int(total), [row_dict(r) for r in rows]


def iter_export(session: Session, fmt: str, **filters: Any) -> Iterator[str]:
    """The whole (filtered) trail, oldest first, in batches so a large trail streams."""
    stmt = _filtered(select(ChangeLog), **filters).order_by(ChangeLog.id)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(TRAIL_FIELDS)
        for row in session.exec(stmt.execution_options(yield_per=500)):
            d = row_dict(row)
            writer.writerow([json.dumps(d[f], ensure_ascii=False) if f in ("before", "after") and d[f] is not None
                             else ("" if d[f] is None else d[f]) for f in TRAIL_FIELDS])
            if buf.tell() > 65536:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()
    else:
        yield "["
        first = True
        for row in session.exec(stmt.execution_options(yield_per=500)):
            yield ("" if first else ",\n") + json.dumps(row_dict(row), ensure_ascii=False, default=str)
            first = False
        yield "]\n"


def retention(session: Session) -> dict[str, Any]:
    oldest = session.exec(select(func.min(ChangeLog.at))).one()
    count = session.exec(select(func.count()).select_from(ChangeLog)).one()
    return {"retention_days_min": RETENTION_DAYS, "pruning": "none: the application never deletes trail rows",
            "rows": int(count), "oldest": oldest.isoformat() if oldest else None}
