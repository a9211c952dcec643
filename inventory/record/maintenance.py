"""Planned maintenance windows as the bureau enters them (a carrier's notice, its own change window): checked
before anything is stored, so a window names a known circuit or carrier and ends after it starts."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from inventory.errors import ExtranetError
from inventory.models import Carrier, Circuit, PlannedMaintenance

LONGEST = dt.timedelta(days=31)  # a "window" longer than a month is an outage someone wants excused


def add_window(session: Session, *, starts_at: dt.datetime, ends_at: dt.datetime, circuit: str | None = None,
               carrier: str | None = None, note: str = "", actor: str | None = None) -> PlannedMaintenance:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ExtranetError("maintenance window: starts_at and ends_at need a time zone (e.g. +08:00)",
                            code="bad_window")
    if ends_at <= starts_at:
        raise ExtranetError(f"maintenance window: ends_at {ends_at.isoformat()} is not after starts_at "
                            f"{starts_at.isoformat()}", code="bad_window")
    if ends_at - starts_at > LONGEST:
        raise ExtranetError(f"maintenance window: {ends_at - starts_at} is longer than {LONGEST.days} days",
                            code="bad_window")
    if circuit and carrier:
        raise ExtranetError("maintenance window: give a circuit or a carrier, not both", code="bad_window")
    row = PlannedMaintenance(starts_at=starts_at, ends_at=ends_at, note=note[:200], created_by=actor)
    if circuit:
        c = session.exec(select(Circuit).where(Circuit.cid == circuit)).first()
        if c is None:
            raise ExtranetError(f"maintenance window: no circuit {circuit!r}", code="not_found")
        row.circuit_id = c.id
    if carrier:
        k = session.exec(select(Carrier).where(Carrier.code == carrier)).first()
        if k is None:
            known = ", ".join(session.exec(select(Carrier.code)).all())
            raise ExtranetError(f"maintenance window: no carrier {carrier!r}; known: {known}", code="not_found")
        row.carrier_id = k.id
    session.add(row)
    session.flush()
    return row


def windows(session: Session, lo: dt.datetime, hi: dt.datetime) -> list[tuple[PlannedMaintenance, str | None,
                                                                                 str | None]]:
    """The windows touching [lo, hi), with their circuit's cid and carrier's code."""
    P = PlannedMaintenance
    cids = dict(session.exec(select(Circuit.id, Circuit.cid)).all())
    codes = dict(session.exec(select(Carrier.id, Carrier.code)).all())
    rows = session.exec(select(P).where(col(P.starts_at) < hi, col(P.ends_at) > lo).order_by(P.starts_at)).all()
    return [(r, cids.get(r.circuit_id), codes.get(r.carrier_id)) for r in rows]
