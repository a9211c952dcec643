"""Runs on the workers: plan in the database, dispatch one task per device to its zone's queue,
sweep (re-dispatch what has no result and nobody working on it), follow progress until done."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from celery import Celery
from kombu.exceptions import OperationalError as KombuOperationalError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from collectors.engine import DeviceOutcome, Settings, Target
from inventory.collection import (
    PlannedRun,
    Progress,
    RunReport,
    finalise_run,
    plan_run,
    report_of,
    run_progress,
    save_outcome,
    targets_for,
)
from inventory.db import session_scope
from inventory.errors import ExtranetError
from inventory.models import CollectionRun, Device, DeviceResult
from inventory.models.base import as_aware

from .app import redis_client
from .config import BrokerConfig, queue_for
from .leases import Leases, leases_for

log = logging.getLogger("extranet.workers")
TASK = "extranet.collect_device"
MAX_DISPATCHES = 5  # a device whose task keeps dying is recorded as failed, so the run can end
RECORD_TTL = 7 * 24 * 3600
BROKER_DOWN = (redis.RedisError, KombuOperationalError, ConnectionError, OSError)


def start_run(engine: Engine, app: Celery, cfg: BrokerConfig, *, only: str | None = None, zone: str | None = None,
              lab_inventory: dict[str, Any] | None = None, lab_file: str | None = None,
              settings: Settings | None = None, trigger: str = "cli", actor: str = "system") -> PlannedRun:
    """Write the run and queue every device on its zone's queue; returns at once."""
    settings = settings or Settings()
    if lab_inventory is None and lab_file:
        lab_inventory = _read_lab(lab_file)
    plan = plan_run(engine, only=only, zone=zone, lab_inventory=lab_inventory, settings=settings, trigger=trigger,
                    actor=actor, engine_name="celery",
                    extra={"lab_file": lab_file, "settings": dataclasses.asdict(settings)})
    if not plan.targets:
        finalise_run(engine, plan.run_id, "done", actor=actor)
        return plan
    try:
        dispatch(app, cfg, plan.run_id, [(plan.device_ids[t.hostname], plan.zones[t.hostname], t)
                                         for t in plan.targets], settings, lab_inventory)
    except BROKER_DOWN as exc:  # the sweeper dispatches whatever did not go out
        log.warning("broker unavailable while dispatching run %s: %s", plan.run_id, exc)
    return plan


def zones_without_workers(app: Celery, zones: list[str], timeout: float = 1.5) -> list[str]:
    """Zones whose queue no running worker consumes (asked over Celery's remote control); [] if unsure."""
    try:
        replies = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception:  # best effort: a broker hiccup must not stop a run from starting
        return []
    served = {q.get("name") for queues in replies.values() for q in (queues or [])}
    return [z for z in zones if queue_for(z) not in served]


def dispatch(app: Celery, cfg: BrokerConfig, run_id: int, items: list[tuple[int, str, Target]],
             settings: Settings, lab_inventory: dict[str, Any] | None) -> None:
    creds_file = (lab_inventory or {}).get("credentials_file")
    r = redis_client(cfg)
    with app.producer_or_acquire() as producer:
        for device_id, zone, target in items:
            app.send_task(TASK, args=[run_id, device_id, zone, dataclasses.asdict(target),
                                      dataclasses.asdict(settings), creds_file],
                          queue=queue_for(zone), producer=producer)
            pipe = r.pipeline()
            pipe.hset(cfg.key("run", run_id, "dispatched"), str(device_id), f"{time.time():.3f}")
            pipe.hincrby(cfg.key("run", run_id, "dispatches"), str(device_id), 1)
            pipe.expire(cfg.key("run", run_id, "dispatched"), RECORD_TTL)
            pipe.expire(cfg.key("run", run_id, "dispatches"), RECORD_TTL)
            pipe.execute()


def _read_lab(path: str) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExtranetError(f"cannot read the lab inventory {path}: {exc}", code="lab") from exc


@dataclasses.dataclass
class Sweep:
    total: int
    done: int
    redispatched: int = 0
    finished: bool = False


def sweep(engine: Engine, app: Celery, cfg: BrokerConfig, run_id: int) -> Sweep:
    """Close the run if every device has a result; otherwise dispatch again every device without a
    result whose lock is free and whose last dispatch is lost: it started and its worker died, or
    Redis lost the record, or nobody picked it up within queued_lease."""
    with session_scope(engine) as s:
        run = s.get(CollectionRun, run_id)
        if run is None or run.status != "running" or (run.params or {}).get("engine") != "celery":
            return Sweep(run.total if run else 0, run.total if run else 0, finished=True)
        params = run.params or {}
        done_ids = set(s.exec(select(DeviceResult.device_id).where(DeviceResult.run_id == run_id)).all())
    wanted = [int(d) for d in params.get("devices", [])]
    missing = [d for d in wanted if d not in done_ids]
    out = Sweep(total=len(wanted), done=len(wanted) - len(missing))
    if not missing:
        out.finished = finalise_run(engine, run_id) or True
        return out
    r = redis_client(cfg)
    leases = leases_for(r, cfg)
    dispatched = {int(k): float(v) for k, v in r.hgetall(cfg.key("run", run_id, "dispatched")).items()}
    started = {int(k): v.decode().split("|") for k, v in r.hgetall(cfg.key("run", run_id, "started")).items()}
    counts = {int(k): int(v) for k, v in r.hgetall(cfg.key("run", run_id, "dispatches")).items()}
    now = time.time()
    if not dispatched:
        # Redis lost the run's records (restarted without persistence). Devices in flight re-take their
        # locks within lock_ttl/3: wait that long before dispatching again, so nobody logs in twice.
        lost = cfg.key("run", run_id, "lost")
        r.set(lost, f"{now:.3f}", nx=True, ex=RECORD_TTL)
        if now - float(r.get(lost) or now) < cfg.lock_ttl / 2:
            return out
    again, give_up = [], []
    alive: dict[str, bool] = {}
    for dev in missing:
        if leases.device_locked(dev):
            continue
        if _lost(dispatched.get(dev), started.get(dev), now, cfg, leases, alive):
            (give_up if counts.get(dev, 0) >= MAX_DISPATCHES else again).append(dev)
    if again or give_up:
        # A worker saves its result before it frees the lock: a device seen unlocked above and still
        # without a result now really has nobody on it (not one that finished in between).
        with session_scope(engine) as s:
            finished = set(s.exec(select(DeviceResult.device_id).where(
                DeviceResult.run_id == run_id, DeviceResult.device_id.in_(again + give_up))).all())
        again = [d for d in again if d not in finished]
        give_up = [d for d in give_up if d not in finished]
    for dev in give_up:
        _record_given_up(engine, run_id, dev, counts.get(dev, 0))
    if again:
        lab = _read_lab(params["lab_file"]) if params.get("lab_file") else None
        settings = Settings(**params.get("settings", {}))
        with session_scope(engine) as s:
            devices = list(s.exec(select(Device).where(Device.id.in_(again))).all())
            targets = targets_for(s, devices, lab)
        log.warning("run %s: dispatching %d device(s) again (no result, nobody working on them)", run_id, len(again))
        dispatch(app, cfg, run_id, [(d.id, d.zone, t) for d, t in zip(devices, targets, strict=True)], settings, lab)
        out.redispatched = len(again)
    return out


def _lost(dispatched: float | None, taken: list[str] | None, now: float, cfg: BrokerConfig, leases: Leases,
          alive: dict[str, bool]) -> bool:
    """Whether an unlocked device without a result has nobody on it any more."""
    if dispatched is None:  # Redis lost the dispatch record (and with it, likely, the message)
        return True
    if taken is not None and float(taken[0]) >= dispatched:  # a worker took the latest dispatch
        ts, worker, state = float(taken[0]), taken[1], taken[2] if len(taken) > 2 else "taken"
        if state == "failed":
            return True
        if worker not in alive:
            alive[worker] = leases.alive(worker)
        # a worker that stopped renewing its liveness key died with the device; give a live one time
        return not alive[worker] and now - ts > cfg.lock_ttl / 3
    return now - dispatched > cfg.queued_lease


def _record_given_up(engine: Engine, run_id: int, device_id: int, n: int) -> None:
    with session_scope(engine) as s:
        host = s.get(Device, device_id).hostname
    outcome = DeviceOutcome(hostname=host, platform="", ok=False, error_code="internal",
                            error_message=f"no worker finished this device after {n} dispatches; see the worker logs")
    save_outcome(engine, run_id, device_id, outcome, worker="coordinator")


def wait_run(engine: Engine, app: Celery, cfg: BrokerConfig, run_id: int, *,
             on_progress: Callable[[Progress, int], None] | None = None, poll: float = 0.5,
             timeout: float | None = None) -> RunReport:
    """Follow a run until every device has a result, sweeping as it goes. Survives the broker and
    the database going away for a while (it keeps polling); returns the run's report."""
    started = time.monotonic()
    last_sweep = 0.0
    while True:
        now = time.monotonic()
        if timeout is not None and now - started > timeout:
            raise ExtranetError(f"collection run {run_id} did not finish within {timeout:.0f} s; it continues on "
                                "the workers (extranet worker --zone ZONE must be running for each zone)",
                                code="run_timeout")
        try:
            if now - last_sweep >= cfg.sweep_every:
                last_sweep = now
                if sweep(engine, app, cfg, run_id).finished:
                    break
            if on_progress:
                with session_scope(engine) as s:
                    run = s.get(CollectionRun, run_id)
                    on_progress(run_progress(s, [run_id])[run_id], run.total)
        except BROKER_DOWN as exc:
            log.warning("run %s: broker unavailable (%s); still waiting", run_id, exc)
        except DBAPIError as exc:
            log.warning("run %s: database unavailable (%s); still waiting", run_id, str(exc).splitlines()[0][:120])
        time.sleep(poll)
    with session_scope(engine) as s:  # the run's own clock: it may have started before we followed it
        run = s.get(CollectionRun, run_id)
        took = (as_aware(run.finished_at) - as_aware(run.started_at)).total_seconds() if run.finished_at else None
    report = report_of(engine, run_id, seconds=took if took is not None else time.monotonic() - started)
    if on_progress:
        with session_scope(engine) as s:
            on_progress(run_progress(s, [run_id])[run_id], report.total)
    return report


def sweep_running(engine: Engine, app: Celery, cfg: BrokerConfig) -> int:
    """Sweep every running distributed run (Celery beat's tick); the number still running."""
    with session_scope(engine) as s:
        ids = [r.id for r in s.exec(select(CollectionRun).where(CollectionRun.status == "running")).all()
               if (r.params or {}).get("engine") == "celery"]
    left = 0
    for run_id in ids:
        try:
            left += not sweep(engine, app, cfg, run_id).finished
        except BROKER_DOWN as exc:
            log.warning("run %s: broker unavailable (%s)", run_id, exc)
    return left
