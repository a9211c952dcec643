"""Saved failure scenarios: storage only. A scenario row keeps what to fail (``fail``: kind → names,
FailureSpec.to_dict's shape) and the result it had when saved (``saved_result``); running one is the
answers layer's (answers/scenarios.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from .errors import ExtranetError, NotFound
from .models import Scenario


def check_name(name: str) -> None:
    if not name.strip():
        raise ExtranetError("a scenario needs a name", code="bad_scenario")


def save(session: Session, name: str, fail: dict[str, list[str]], saved_result: dict[str, Any], *,
         description: str = "", actor: str = "system", replace: bool = False) -> Scenario:
    """Store a named scenario; an existing name is replaced only when asked."""
    check_name(name)
    existing = session.exec(select(Scenario).where(Scenario.name == name)).first()
    if existing and not replace:
        raise ExtranetError(f"scenario {name!r} exists; choose another name or replace it", code="conflict")
    row = existing or Scenario(name=name)
    row.description = description
    row.spec = {"fail": fail, "saved_result": saved_result}
    row.created_by = actor
    session.add(row)
    session.flush()
    return row


def list_all(session: Session) -> list[Scenario]:
    return list(session.exec(select(Scenario).order_by(Scenario.name)))


def find(session: Session, name: str) -> Scenario | None:
    return session.exec(select(Scenario).where(Scenario.name == name)).first()


def get(session: Session, name: str) -> Scenario:
    row = find(session, name)
    if row is None:
        raise NotFound.of("scenario", name, [s.name for s in list_all(session)])
    return row
