"""The audit trail: every create, update and delete of an inventory object is recorded in the same
transaction as the change, by a session hook, so no caller can forget it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, SQLModel

from .models import (
    BudgetLine,
    Carrier,
    ChangeLog,
    Circuit,
    Contract,
    Device,
    Incident,
    Interface,
    Link,
    MapPosition,
    Payment,
    Room,
    Scenario,
    Schedule,
    Unit,
    utcnow,
)

# Evidence tables (snapshots, outputs, counters, events) are append-only facts tied to a collection
# run, which is itself recorded; auditing each row would double the write volume of every run.
AUDITED: tuple[type[SQLModel], ...] = (
    Carrier,
    Room,
    Unit,
    Device,
    Interface,
    Circuit,
    Link,
    Contract,
    BudgetLine,
    Payment,
    Incident,
    Scenario,
    MapPosition,
    Schedule,  # what is collected when is configuration; its firing (a Core update) is not a change
)
_REPR_FIELDS = ("hostname", "cid", "name", "code", "voucher", "line")


def tag_session(session: Session, actor: str, request_id: str | None = None, remote_addr: str | None = None) -> None:
    session.info.update(actor=actor, request_id=request_id, remote_addr=remote_addr)


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def snapshot(obj: SQLModel) -> dict[str, Any]:
    """Column values of an object as JSON-safe data."""
    mapper = inspect(obj).mapper
    return {attr.key: jsonable(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _before_values(obj: SQLModel) -> dict[str, Any]:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.deleted:
            values[attr.key] = jsonable(hist.deleted[0])
        elif hist.unchanged:
            values[attr.key] = jsonable(hist.unchanged[0])
        else:
            values[attr.key] = None
    return values


def _repr(obj: SQLModel) -> str:
    for name in _REPR_FIELDS:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return str(value)[:200]
    return f"{type(obj).__name__}#{getattr(obj, 'id', '?')}"


@event.listens_for(OrmSession, "before_flush")
def _capture(session: OrmSession, _ctx: UOWTransaction, _instances: Any) -> None:
    # Before-images must be read before the flush clears attribute history.
    pending = session.info.setdefault("_audit_pending", [])
    for obj in session.dirty:
        if isinstance(obj, AUDITED) and session.is_modified(obj, include_collections=False):
            pending.append(("update", obj, _before_values(obj)))
    for obj in session.deleted:
        if isinstance(obj, AUDITED):
            pending.append(("delete", obj, _before_values(obj)))
    for obj in session.new:
        if isinstance(obj, AUDITED):
            pending.append(("create", obj, None))


@event.listens_for(OrmSession, "after_flush")
def _record(session: OrmSession, _ctx: UOWTransaction) -> None:
    pending = session.info.pop("_audit_pending", [])
    if not pending:
        return
    now = utcnow()
    rows = []
    for action, obj, before in pending:
        after = None if action == "delete" else snapshot(obj)
        if action == "update" and before == after:
            continue
        rows.append(
            {
                "at": now,
                "actor": session.info.get("actor") or "system",
                "action": action,
                "object_type": type(obj).__tablename__,
                "object_id": getattr(obj, "id", None),
                "object_repr": _repr(obj),
                "before": before,
                "after": after,
                "request_id": session.info.get("request_id"),
                "remote_addr": session.info.get("remote_addr"),
            }
        )
    if rows:
        session.connection().execute(insert(ChangeLog.__table__), rows)
