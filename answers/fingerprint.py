"""The data fingerprint: what an answer was computed from, read in one statement.

Every inventory, money, map and schedule write leaves an audit-trail row (a session hook, so no path
skips it); collected evidence rows are not audited but have increasing ids; row counts catch deletes
that bypass the ORM. Two reads that give the same fingerprint saw the same data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from inventory.models import (
    Carrier,
    ChangeLog,
    Circuit,
    CommandOutput,
    ConfigSnapshot,
    CounterSample,
    Device,
    Interface,
    Link,
    LinkEvent,
    MapPosition,
    Room,
    TerminalCount,
    Unit,
)

NEWEST: tuple[type[SQLModel], ...] = (ChangeLog, Link, LinkEvent, CounterSample, TerminalCount, ConfigSnapshot,
                                      CommandOutput)
COUNTED: tuple[type[SQLModel], ...] = (Device, Interface, Circuit, Link, Unit, Room, Carrier, MapPosition)


def _statement() -> Any:
    parts = [select(func.max(t.id)).scalar_subquery() for t in NEWEST]  # type: ignore[attr-defined]
    parts += [select(func.count()).select_from(t).scalar_subquery() for t in COUNTED]
    return select(*parts)


_STATEMENT = _statement()


def read(session: Session) -> tuple[Any, ...]:
    """One query, whatever the number of tables: list endpoints pay for it on every cache miss."""
    return tuple(session.connection().execute(_STATEMENT).one())
