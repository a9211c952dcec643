"""Change-triggered collection: a device that says its config changed (syslog, inventory/record) is
collected again, so its new config, the diff and the alert exist within a minute of the change.

Debounced per device: an engineer's session sends a burst of change messages, and one collection after
the burst is what is wanted. A device is due once its newest pending change is `quiet_s` old, or its oldest
`max_wait_s` old (a session that never stops changing is still collected). Claiming is a conditional
update, so several tickers (the in-process one of `extranet serve`, Celery beat's in every zone) never
collect a change twice. With a broker the run goes to the device's zone queue; without one it runs here."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from collectors import clock
from collectors.engine import Settings
from inventory.collection import run_collection
from inventory.db import home_dir, session_scope
from inventory.errors import ExtranetError
from inventory.models import Alert, ConfigChangeEvent, ConfigSnapshot, Device, SyslogMessage
from inventory.models.base import as_aware

from .app import current
from .runs import start_run

log = logging.getLogger("extranet.triggers")
TRIGGER = "config_change"


@dataclass(frozen=True)
class TriggerSettings:
    quiet_s: float = 10.0
    max_wait_s: float = 30.0
    # A change older than this when first seen (a spool replayed after days) is recorded, never collected:
    # the next scheduled collection finds the config as it is now.
    stale_s: float = 86_400.0
    lab_inventory: dict[str, Any] | None = None


def settings_from_env() -> TriggerSettings:
    """EXTRANET_TRIGGER_QUIET_S / _MAX_WAIT_S; EXTRANET_TRIGGER_LAB=1: collect from the running lab (demos)."""
    lab = None
    if os.environ.get("EXTRANET_TRIGGER_LAB") == "1":
        path = home_dir() / "lab" / "inventory.json"
        lab = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    try:
        quiet = float(os.environ.get("EXTRANET_TRIGGER_QUIET_S", TriggerSettings.quiet_s))
        longest = float(os.environ.get("EXTRANET_TRIGGER_MAX_WAIT_S", TriggerSettings.max_wait_s))
    except ValueError:
        raise ExtranetError("EXTRANET_TRIGGER_QUIET_S and EXTRANET_TRIGGER_MAX_WAIT_S are seconds (e.g. 10)",
                            code="config") from None
    return TriggerSettings(quiet_s=quiet, max_wait_s=longest, lab_inventory=lab)


@dataclass
class TriggerReport:
    fired: dict[str, int | None] = field(default_factory=dict)  # hostname -> run id (None: did not start)
    waiting: int = 0
    stale: int = 0


def _pending(engine: Engine) -> dict[int, list[tuple[int, dt.datetime]]]:
    """device id -> [(event id, when the product learned of it)] for changes no collection answered yet."""
    seen = func.coalesce(SyslogMessage.received_at, ConfigChangeEvent.occurred_at)
    stmt = (select(ConfigChangeEvent.id, ConfigChangeEvent.device_id, seen)
            .join(SyslogMessage, col(SyslogMessage.id) == col(ConfigChangeEvent.message_id), isouter=True)
            .where(col(ConfigChangeEvent.queued_at).is_(None), ConfigChangeEvent.source == "syslog"))
    out: dict[int, list[tuple[int, dt.datetime]]] = {}
    with session_scope(engine) as s:
        for event_id, device_id, at in s.exec(stmt).all():
            out.setdefault(device_id, []).append((event_id, as_aware(at)))
    return out


def _claim(engine: Engine, ids: list[int], now: dt.datetime) -> bool:
    with session_scope(engine) as s:
        n = s.execute(update(ConfigChangeEvent).where(col(ConfigChangeEvent.id).in_(ids),
                                                      col(ConfigChangeEvent.queued_at).is_(None))
                      .values(queued_at=now)).rowcount
    return n == len(ids)


def _collect(engine: Engine, hostname: str, ids: list[int], settings: TriggerSettings) -> int | None:
    actor = f"{TRIGGER}:{hostname}"[:64]
    try:
        configured = current()
        if configured is not None:
            app, cfg = configured
            run_id = start_run(engine, app, cfg, only=hostname, lab_inventory=settings.lab_inventory,
                               trigger=TRIGGER, actor=actor).run_id
        else:
            run_id = run_collection(engine, only=hostname, lab_inventory=settings.lab_inventory,
                                    settings=Settings(), trigger=TRIGGER, actor=actor).run_id
    except ExtranetError as exc:
        log.error("collection after a config change of %s did not start: %s", hostname, exc.message)
        with session_scope(engine) as s:
            s.add(Alert(kind="trigger_failed", message=f"{hostname}: {exc.message}"[:500]))
        return None
    link_snapshots(engine, run_id, ids)
    return run_id


def link_snapshots(engine: Engine, run_id: int, ids: list[int]) -> None:
    """Point the change events at their run and, once it stored one, the config snapshot it produced (a run on
    the workers stores it later: the next tick's sweep calls this again)."""
    with session_scope(engine) as s:
        events = s.exec(select(ConfigChangeEvent).where(col(ConfigChangeEvent.id).in_(ids))).all()
        for ev in events:
            ev.run_id = run_id
            snap = s.exec(select(ConfigSnapshot.id).where(ConfigSnapshot.run_id == run_id,
                                                          ConfigSnapshot.device_id == ev.device_id)).first()
            ev.snapshot_id = snap
            s.add(ev)


def sweep_snapshots(engine: Engine) -> int:
    """Fill snapshot_id of triggered events whose run (on the workers) has stored its config since."""
    with session_scope(engine) as s:
        rows = s.exec(select(ConfigChangeEvent.run_id, ConfigChangeEvent.id)
                      .where(col(ConfigChangeEvent.run_id).is_not(None), col(ConfigChangeEvent.snapshot_id).is_(None),
                             col(ConfigChangeEvent.queued_at) >= clock.now() - dt.timedelta(days=1))).all()
    by_run: dict[int, list[int]] = {}
    for run_id, event_id in rows:
        by_run.setdefault(run_id, []).append(event_id)
    for run_id, ids in by_run.items():
        link_snapshots(engine, run_id, ids)
    return len(rows)


def tick_once(engine: Engine, settings: TriggerSettings | None = None, now: dt.datetime | None = None) -> TriggerReport:
    settings = settings or TriggerSettings()
    now = now or clock.now()
    report = TriggerReport()
    pending = _pending(engine)
    if not pending:
        return report
    with session_scope(engine) as s:
        names = dict(s.exec(select(Device.id, Device.hostname).where(col(Device.id).in_(list(pending)))).all())
    for device_id, events in pending.items():
        first = min(at for _, at in events)
        last = max(at for _, at in events)
        ids = [i for i, _ in events]
        if (now - last).total_seconds() > settings.stale_s:
            report.stale += _claim(engine, ids, now) and len(ids)
            continue
        if (now - last).total_seconds() < settings.quiet_s and (now - first).total_seconds() < settings.max_wait_s:
            report.waiting += 1
            continue
        if not _claim(engine, ids, now):
            continue  # another ticker took it
        hostname = names.get(device_id, str(device_id))
        report.fired[hostname] = _collect(engine, hostname, ids, settings)
    return report


def serve(engine: Engine, stop: threading.Event, settings: TriggerSettings | None = None, every: float = 2.0) -> None:
    """Tick until stopped (in `extranet serve` without a broker; with one, the beat tick calls tick_once)."""
    while not stop.is_set():
        try:
            rep = tick_once(engine, settings)
            if rep.fired:
                log.info("collected after config changes: %s", rep.fired)
        except Exception:  # one bad tick must not stop the trigger loop
            log.exception("config-change trigger tick failed")
        stop.wait(every)


__all__ = ["TriggerReport", "TriggerSettings", "serve", "settings_from_env", "sweep_snapshots", "tick_once"]
