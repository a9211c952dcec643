"""collect-workers: 400+ lab devices (two cities of the province) collected by 1, 2 and 4 `extranet
worker` processes through Redis into PostgreSQL, against the in-process thread pool on the same lab
and database in the same run. Each worker process serves every zone, so the count of processes is
the only thing that changes. The lab runs in its own process; this machine has few cores, shared
with the lab, PostgreSQL and Redis, so the numbers say what the processes buy here, not on a
deployment with a machine per zone."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

from collectors.engine import Settings
from inventory.collection import run_collection
from inventory.db import get_engine, session_scope
from inventory.models import Device
from inventory.service import prepare
from lab.spec import build_lab_spec
from tests.bench._util import write_result
from tests.conftest import make_pg_database, need, pg_available
from tests.workers import services as sv
from tests.workers.conftest import SHARED_REDIS, redis_available

COUNTS = (1, 2, 4)
THREADS = 16  # per worker process, as the in-process pool
POOL = 16  # the in-process pool's measured best on this machine (docs/collection.md)


def _load(engine: object) -> None:
    try:
        from inventory.province import load_province
    except ImportError:  # before the province lands: the sample city (224 devices)
        from inventory.service import load_sample

        load_sample(engine)
        return
    load_province(engine, cities=2)


def test_collect_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok, why = pg_available()
    need("PostgreSQL", ok, why)
    ok, why = redis_available(SHARED_REDIS)
    need("Redis", ok, why)
    from workers.app import current
    from workers.runs import start_run, wait_run

    url = make_pg_database("benchw")
    engine = get_engine(url)
    prepare(engine)
    _load(engine)
    with session_scope(engine) as s:
        spec = build_lab_spec(s)
        zones = sorted(set(s.exec(select(Device.zone)).all()))
    lab, inv_path = sv.start_lab(spec, tmp_path)
    inv = json.loads(inv_path.read_text(encoding="utf-8"))
    prefix = f"extranet-bench-{uuid.uuid4().hex[:8]}:"
    for k, v in {"EXTRANET_BROKER_URL": SHARED_REDIS, "EXTRANET_BROKER_PREFIX": prefix, "DATABASE_URL": url,
                 "EXTRANET_ZONE_CAP": "256", "EXTRANET_SWEEP_SECONDS": "2"}.items():
        monkeypatch.setenv(k, v)
    env = {**os.environ, "PYTHONPATH": str(sv.ROOT)}
    rates: dict[int, float] = {}
    try:
        # baseline first: it also makes every device's first snapshot, so all timed runs do the same work
        first = run_collection(engine, lab_inventory=inv, settings=Settings(concurrency=POOL))
        assert first.ok == first.total, first
        base = run_collection(engine, lab_inventory=inv, settings=Settings(concurrency=POOL))
        assert base.ok == base.total, base
        n = base.total
        app, cfg = current()
        for count in COUNTS:
            procs = []
            try:
                for i in range(count):
                    log = tmp_path / f"w{count}-{i}.log"
                    procs.append(sv.start_worker_zones(env, zones, log, THREADS))
                for i in range(count):
                    sv.wait_log(tmp_path / f"w{count}-{i}.log", " ready.", 60)
                t = time.perf_counter()
                plan = start_run(engine, app, cfg, lab_inventory=inv, lab_file=str(inv_path),
                                 settings=Settings(concurrency=THREADS))
                report = wait_run(engine, app, cfg, plan.run_id, poll=0.1, timeout=600)
                seconds = time.perf_counter() - t
            finally:
                for p in procs:
                    sv.stop(p)
            assert report.ok == report.total == n, report
            rates[count] = n / seconds
    finally:
        sv.stop(lab)
        import redis

        r = redis.Redis.from_url(SHARED_REDIS)
        keys = list(r.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            r.delete(*keys)
    best = max(rates, key=rates.get)
    res = write_result("collect-workers", rates[best], "devices/s", base.devices_per_second, higher_is_better=True,
                       devices=n, zones=len(zones), best_worker_processes=best, threads_per_worker=THREADS,
                       in_process_pool=POOL, cpu_count=os.cpu_count(),
                       **{f"workers_{c}_devices_per_s": round(v, 2) for c, v in rates.items()},
                       baseline_method="run_collection in-process thread pool, same lab and PostgreSQL, same run",
                       database="postgresql", broker="redis (machine's, private key prefix)")
    print(res)
