"""Celery tasks: collect one device (idempotent, locked, throttled per zone) and the periodic tick
(fire due schedules, sweep running runs)."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import time
from typing import Any

import redis
from celery import Task
from celery.exceptions import Retry
from sqlalchemy import func
from sqlmodel import select

from collectors.engine import Settings, Target, collect_device
from inventory.collection import (
    check_task_target,
    finalise_run,
    load_credentials,
    save_outcome,
    with_db_retry,
    worker_name,
)
from inventory.db import get_engine, session_scope
from inventory.errors import ExtranetError
from inventory.models import CollectionRun, DeviceResult

from . import triggers
from .app import app, current, redis_client
from .config import BrokerConfig
from .leases import Leases, leases_for
from .schedule import tick_once

log = logging.getLogger("extranet.workers")


def my_zones() -> str:
    """The zones this worker process serves (set by `extranet worker --zone`)."""
    return os.environ.get("EXTRANET_WORKER_ZONES", "any")


def _backoff(retries: int) -> float:
    return min(2.0 ** retries * 0.5, 30.0) * random.uniform(0.8, 1.2)


def _check_target(device_id: int, target: dict[str, Any], lab: bool) -> None:
    with session_scope(get_engine()) as s:
        check_task_target(s, device_id, target, lab=lab)


def _state(run_id: int, device_id: int) -> tuple[bool, bool]:
    """(the run is still running, the device already has a result in it)."""
    def read() -> tuple[bool, bool]:
        with session_scope(get_engine()) as s:
            run = s.get(CollectionRun, run_id)
            done = s.exec(select(DeviceResult.id).where(DeviceResult.run_id == run_id,
                                                        DeviceResult.device_id == device_id)).first()
            return (run is not None and run.status == "running"), done is not None
    return with_db_retry(read, f"reading run {run_id}")


@app.task(bind=True, name="extranet.collect_device", max_retries=None, acks_late=True)
def collect_device_task(self: Task, run_id: int, device_id: int, zone: str, target: dict[str, Any],
                        settings: dict[str, Any], credentials_file: str | None = None) -> str:
    configured = current()
    if configured is None:
        raise RuntimeError("EXTRANET_BROKER_URL is not set in the worker's environment")
    _app, cfg = configured
    leases = leases_for(redis_client(cfg), cfg)
    me = worker_name(my_zones())
    # First thing: this worker has the device. If the process dies from here on, the sweeper sees a
    # record naming a worker that stopped renewing its liveness key, and dispatches the device again.
    _mark(cfg, run_id, device_id, me, "taken")
    leases.announce(me)
    try:
        return _collect(self, cfg, leases, me, run_id, device_id, zone, target, settings, credentials_file)
    except Retry:
        raise
    except Exception:
        _mark(cfg, run_id, device_id, me, "failed")  # the sweeper dispatches it again (a bounded number of times)
        raise


def _mark(cfg: BrokerConfig, run_id: int, device_id: int, me: str, state: str) -> None:
    with contextlib.suppress(redis.RedisError):  # advisory: Redis may be restarting
        r = redis_client(cfg)
        r.hset(cfg.key("run", run_id, "started"), str(device_id), f"{time.time():.3f}|{me}|{state}")
        r.expire(cfg.key("run", run_id, "started"), 7 * 24 * 3600)


def _collect(task: Task, cfg: BrokerConfig, leases: Leases, me: str, run_id: int, device_id: int, zone: str,
             target: dict[str, Any], settings: dict[str, Any], credentials_file: str | None) -> str:
    token = leases.lock_device(device_id)
    if token is None:  # another worker is logged in to this box: come back later (then it is a no-op)
        raise task.retry(countdown=_backoff(task.request.retries))
    try:
        # Checked under the lock: nobody else can be saving this device between here and our commit.
        running, done = _state(run_id, device_id)
        if done or not running:
            return "duplicate" if done else "run closed"
        try:
            with_db_retry(lambda: _check_target(device_id, target, credentials_file is not None),
                          f"checking the task for device {device_id}")
        except ExtranetError as err:
            log.error("refused a collection task: %s", err)
            return "refused"
        slot = leases.take_slot(zone, wait_s=min(cfg.lock_ttl, 30.0))
        if slot is None:
            raise task.retry(countdown=_backoff(task.request.retries))
        try:
            tgt = Target(**target)
            creds = load_credentials({"credentials_file": credentials_file} if credentials_file else None)
            outcome = collect_device(tgt, creds(tgt), Settings(**settings))
            result = save_outcome(get_engine(), run_id, device_id, outcome, worker=me, actor=f"worker:{zone}")
        finally:
            leases.give_slot(zone, slot)
    finally:
        leases.unlock_device(device_id, token)
    _finish_if_complete(run_id)
    return "duplicate" if result is None else result.status


def _finish_if_complete(run_id: int) -> None:
    """The worker that saves a run's last device closes it (finalise_run is safe to race)."""
    engine = get_engine()

    def check() -> bool:
        with session_scope(engine) as s:
            run = s.get(CollectionRun, run_id)
            n = s.exec(select(func.count()).select_from(DeviceResult).where(DeviceResult.run_id == run_id)).one()
            return run is not None and run.status == "running" and n >= run.total

    if with_db_retry(check, f"checking run {run_id}"):
        finalise_run(engine, run_id, actor="worker")


@app.task(name="extranet.tick", ignore_result=True, acks_late=False)
def tick() -> dict[str, int]:
    """Every few seconds from Celery beat: start due scheduled runs, sweep running ones, collect devices whose
    config changed (workers/triggers.py)."""
    engine = get_engine()
    out = tick_once(engine)
    changed = triggers.tick_once(engine, triggers.settings_from_env())
    triggers.sweep_snapshots(engine)
    out["triggered"] = len(changed.fired)
    return out
