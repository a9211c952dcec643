"""Create, change and delete schedules (shared by the CLI and the API), with clear errors."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine
from sqlmodel import select

from inventory.collection import select_devices
from inventory.db import session_scope
from inventory.errors import ExtranetError, NotFound
from inventory.models import Schedule

NAME_RE = re.compile(r"^[^\x00-\x1f]{1,100}$")


def save(engine: Engine, *, name: str, every: int, zone: str | None, only: str | None, lab: bool, actor: str,
         enabled: bool = True) -> Schedule:
    """Create or replace the schedule NAME; the zone and the room/unit/host must exist now."""
    if not NAME_RE.match(name or ""):
        raise ExtranetError(f"schedule name {name!r}: expected 1-100 printable characters", code="validation_error")
    if every < 1:
        raise ExtranetError(f"schedule {name}: every {every} min; expected at least 1 minute", code="validation_error")
    with session_scope(engine, actor=actor) as s:
        if not select_devices(s, only, zone):  # unknown zone/room/unit/host raise NotFound naming the known ones
            raise ExtranetError(f"schedule {name}: no enabled device matches zone {zone!r} and {only!r}",
                                code="validation_error")
        row = s.exec(select(Schedule).where(Schedule.name == name)).first() or Schedule(name=name, created_by=actor)
        row.zone, row.only, row.interval_minutes, row.lab, row.enabled = zone, only, every, lab, enabled
        s.add(row)
        s.flush()
        s.refresh(row)
        return row


def _get(s: object, name: str) -> Schedule:
    row = s.exec(select(Schedule).where(Schedule.name == name)).first()  # type: ignore[attr-defined]
    if row is None:
        raise NotFound.of("schedule", name, [r.name for r in s.exec(select(Schedule)).all()])  # type: ignore[attr-defined]
    return row


def delete(engine: Engine, name: str, actor: str = "cli") -> None:
    with session_scope(engine, actor=actor) as s:
        s.delete(_get(s, name))


def set_enabled(engine: Engine, name: str, enabled: bool, actor: str = "cli") -> Schedule:
    with session_scope(engine, actor=actor) as s:
        row = _get(s, name)
        row.enabled = enabled
        s.add(row)
        s.flush()
        s.refresh(row)
        return row
