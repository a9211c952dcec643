"""A process-wide count of committed writes. Readers that keep answers derived from the database
(answers/) compare it to decide whether they must look at the database again: a write made by this
process is seen at once, without a query; writes by other processes are seen by reading the data
fingerprint itself."""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlalchemy.orm import Session as OrmSession

_lock = threading.Lock()
_generation = 0
_WROTE = "_extranet_wrote"


def generation() -> int:
    return _generation


def bump() -> int:
    """Count one write (also used when something outside a session changed the data)."""
    global _generation
    with _lock:
        _generation += 1
        return _generation


@event.listens_for(OrmSession, "after_flush")
def _flushed(session: OrmSession, _ctx: UOWTransaction) -> None:
    session.info[_WROTE] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(OrmSession, "after_commit")
def _committed(session: OrmSession) -> None:
    # Counted after the commit, so a reader that looks again sees the new rows, never the old ones
    # under a new count.
    if session.info.pop(_WROTE, False):
        bump()


@event.listens_for(OrmSession, "after_rollback")
def _rolled_back(session: OrmSession) -> None:
    session.info.pop(_WROTE, None)
