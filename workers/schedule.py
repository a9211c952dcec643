"""Scheduled collection. A tick starts every due schedule once (a conditional update claims it, so
several ticking processes never double-fire) and, with a broker, sweeps the running runs. Celery
beat calls the tick every few seconds; without a broker `extranet schedule serve` ticks in-process
and collects with the thread pool."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from collectors.engine import Settings
from inventory.collection import run_collection
from inventory.db import home_dir, session_scope
from inventory.errors import ExtranetError
from inventory.models import Alert, Schedule
from inventory.models.base import as_aware, utcnow

from .app import current
from .runs import start_run, sweep_running

log = logging.getLogger("extranet.schedule")


def due(engine: Engine, now: dt.datetime | None = None) -> list[Schedule]:
    now = now or utcnow()
    with session_scope(engine) as s:
        rows = s.exec(select(Schedule).where(Schedule.enabled == True).order_by(Schedule.id)).all()  # noqa: E712
    return [r for r in rows if r.last_fired_at is None
            or as_aware(r.last_fired_at) + dt.timedelta(minutes=r.interval_minutes) <= now]


def claim(engine: Engine, sched: Schedule, now: dt.datetime) -> bool:
    """Mark the schedule fired at `now` unless another scheduler did since we read it."""
    with session_scope(engine) as s:
        cond = Schedule.last_fired_at == None if sched.last_fired_at is None else (  # noqa: E711
            Schedule.last_fired_at == sched.last_fired_at)
        return bool(s.execute(update(Schedule).where(Schedule.id == sched.id, cond)
                              .values(last_fired_at=now)).rowcount)


def fire(engine: Engine, sched: Schedule) -> int | None:
    """Start the schedule's run: on the workers when a broker is configured (returns at once), else in
    this thread. A schedule that cannot start (no lab, unknown zone) leaves an alert, not a crash."""
    actor = f"schedule:{sched.name}"[:64]
    try:
        lab_file = str(home_dir() / "lab" / "inventory.json") if sched.lab else None
        lab = _lab(lab_file) if lab_file else None
        configured = current()
        if configured is not None:
            app, cfg = configured
            run_id = start_run(engine, app, cfg, only=sched.only, zone=sched.zone, lab_inventory=lab,
                               lab_file=lab_file, trigger="schedule", actor=actor).run_id
        else:
            run_id = run_collection(engine, only=sched.only, zone=sched.zone, lab_inventory=lab,
                                    settings=Settings(), trigger="schedule", actor=actor).run_id
    except ExtranetError as exc:
        log.error("schedule %s did not start: %s", sched.name, exc.message)
        with session_scope(engine) as s:
            s.add(Alert(kind="schedule_failed", message=f"schedule {sched.name}: {exc.message}"[:500]))
        return None
    with session_scope(engine) as s:
        s.execute(update(Schedule).where(Schedule.id == sched.id).values(last_run_id=run_id))
    return run_id


def _lab(path: str) -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        raise ExtranetError(f"no lab inventory at {p}: start the lab (extranet lab start) or set lab off", code="lab")
    return json.loads(p.read_text(encoding="utf-8"))


def tick_once(engine: Engine, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    fired = 0
    for sched in due(engine, now):
        if claim(engine, sched, now):
            fired += fire(engine, sched) is not None
    running = 0
    configured = current()
    if configured is not None:
        running = sweep_running(engine, *configured)
    return {"fired": fired, "running": running}


def serve(engine: Engine, stop: threading.Event, every: float = 15.0) -> None:
    """Tick until stopped (the in-process scheduler; also a stand-in for Celery beat)."""
    while not stop.is_set():
        try:
            tick_once(engine)
        except Exception:  # one bad tick must not stop the scheduler
            log.exception("schedule tick failed")
        stop.wait(every)


def next_due(sched: Schedule) -> dt.datetime | None:
    if not sched.enabled:
        return None
    if sched.last_fired_at is None:
        return utcnow()
    return as_aware(sched.last_fired_at) + dt.timedelta(minutes=sched.interval_minutes)


__all__ = ["claim", "due", "fire", "next_due", "serve", "tick_once"]
