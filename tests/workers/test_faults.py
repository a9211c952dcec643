"""Failure behaviour with real processes stopped mid-run: Redis restarted (losing every queued
message: it keeps nothing on disk) and PostgreSQL briefly down. Either way the run completes, every
device is saved once, and no config snapshot is doubled."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from inventory.db import session_scope
from inventory.models import DeviceResult
from tests.conftest import need

from . import services as sv
from .checks import assert_collected_once
from .conftest import FAST, SHARED_REDIS, Cluster, Lab, fresh_city, pg_city, redis_available

# ~0.3 s a device: a zone-a run lasts ~8 s at 4 sessions, so "mid-run" stays mid-run on a fast machine
LAB_PACE = 0.03

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("workers")]


def _saved(engine: Engine, run_id: int) -> int:
    from inventory.collection import with_db_retry

    def count() -> int:
        with session_scope(engine) as s:
            return s.exec(select(func.count()).select_from(DeviceResult).where(DeviceResult.run_id == run_id)).one()
    return with_db_retry(count, "counting")


def _wait_saved(engine: Engine, run_id: int, n: int, cluster: Cluster, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _saved(engine, run_id) < n:
        assert time.monotonic() < deadline, cluster.log_text()
        time.sleep(0.05)


def _zone_a_run_under_way(engine: Engine, lab: Lab, cluster: Cluster) -> Any:
    """A zone-a worker, a run of zone-a from the lab, and 10 devices already saved: the moment to break something."""
    from workers.app import current
    from workers.runs import start_run

    app, cfg = current()
    cluster.start("zone-a", concurrency=4)
    time.sleep(1.0)
    plan = start_run(engine, app, cfg, zone="zone-a", lab_file=str(lab.inventory),
                     lab_inventory=json.loads(lab.inventory.read_text(encoding="utf-8")))
    _wait_saved(engine, plan.run_id, 10, cluster)
    return plan


def _forget(redis_url: str, prefix: str) -> None:
    import redis

    r = redis.Redis.from_url(redis_url)
    keys = list(r.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        r.delete(*keys)


def _env(monkeypatch: pytest.MonkeyPatch, lab: Lab, redis_url: str, db_url: str) -> dict[str, str]:
    prefix = f"extranet-test-{uuid.uuid4().hex[:8]}:"
    for k, v in {**FAST, "EXTRANET_BROKER_URL": redis_url, "EXTRANET_BROKER_PREFIX": prefix,
                 "EXTRANET_HOME": str(lab.home), "DATABASE_URL": db_url}.items():
        monkeypatch.setenv(k, v)
    return {**os.environ, "PYTHONPATH": str(sv.ROOT)}


def test_redis_restart_mid_run_completes_after_reconnect(lab: Lab, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from workers.app import current
    from workers.runs import wait_run

    redis = sv.Redis(tmp_path).start()
    url, engine = pg_city()
    cluster = Cluster(_env(monkeypatch, lab, redis.url, url), tmp_path)
    app, cfg = current()
    try:
        plan = _zone_a_run_under_way(engine, lab, cluster)
        redis.stop()  # every queued message, lock and dispatch record is gone
        before = _saved(engine, plan.run_id)
        time.sleep(1.5)
        redis.start()  # same port, empty
        report = wait_run(engine, app, cfg, plan.run_id, timeout=180)
    finally:
        cluster.stop_all()
        redis.stop()
    assert before < report.total  # the restart really happened mid-run
    assert_collected_once(engine, plan.run_id, zone="zone-a")
    assert report.ok == report.total


def test_postgres_outage_mid_run_results_retried_not_dropped(lab: Lab, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from workers.app import current
    from workers.runs import wait_run

    ok, why = sv.Postgres.available()
    need("PostgreSQL binaries (a private cluster for the outage)", ok, why)
    ok, why = redis_available(SHARED_REDIS)
    need("Redis", ok, why)
    pg = sv.Postgres().init()
    try:
        engine = fresh_city(pg.url)
        cluster = Cluster(_env(monkeypatch, lab, SHARED_REDIS, pg.url), tmp_path)
        app, cfg = current()
        try:
            plan = _zone_a_run_under_way(engine, lab, cluster)
            pg.stop()  # immediate: connections cut, workers keep collecting and must hold their results
            time.sleep(3)
            pg.start()
            report = wait_run(engine, app, cfg, plan.run_id, timeout=180)
        finally:
            cluster.stop_all()
            _forget(SHARED_REDIS, os.environ["EXTRANET_BROKER_PREFIX"])
        assert_collected_once(engine, plan.run_id, zone="zone-a")
        assert report.ok == report.total
        assert "database unavailable while" in cluster.log_text(tail=None)  # results really waited for the database
        engine.dispose()
    finally:
        pg.remove()
