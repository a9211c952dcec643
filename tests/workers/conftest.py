"""One SSH lab process per module (the sample city), a fresh PostgreSQL database per test, Redis
(the machine's on 6379 under a private key prefix, or a private instance), real worker processes."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import make_pg_database, need, pg_available

from . import services as sv

SHARED_REDIS = os.environ.get("EXTRANET_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Short leases so a killed worker's devices come back in seconds, not a minute.
# EXTRANET_QUEUED_LEASE: a message a killed worker had received but not started is dispatched again by
# the sweeper after this, instead of waiting for the visibility timeout (which kombu applies lazily).
FAST = {"EXTRANET_LOCK_TTL": "4", "EXTRANET_SWEEP_SECONDS": "1", "EXTRANET_VISIBILITY_TIMEOUT": "120",
        "EXTRANET_DB_RETRY_SECONDS": "120", "EXTRANET_QUEUED_LEASE": "30"}


def redis_available(url: str) -> tuple[bool, str]:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True, ""
    except redis.RedisError as exc:
        return False, f"{url}: {exc}"


@dataclass
class Lab:
    home: Path
    inventory: Path
    proc: subprocess.Popen


@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
        sample_sqlite: Engine) -> Iterator[Lab]:
    """The city's lab; a module that breaks things mid-run sets LAB_PACE (seconds between 4 KB pieces of
    output) so a run lasts long enough for that, whatever the speed of the collector."""
    from inventory.db import session_scope
    from lab.spec import build_lab_spec

    home = tmp_path_factory.mktemp("home")
    with session_scope(sample_sqlite) as s:
        spec = build_lab_spec(s)
    proc, inv = sv.start_lab(spec, home, pace=float(getattr(request.module, "LAB_PACE", 0.0)))
    yield Lab(home, inv, proc)
    sv.stop(proc)


def fresh_city(url: str) -> Engine:
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    eng = get_engine(url)
    prepare(eng)
    load_sample(eng)
    return eng


@dataclass
class Cluster:
    """Workers started for one test, stopped by PID at the end."""

    env: dict[str, str]
    logs: Path
    workers: list[subprocess.Popen] = field(default_factory=list)

    def start(self, zone: str, concurrency: int = 8) -> subprocess.Popen:
        proc = sv.start_worker(self.env, zone, self.logs / f"worker-{zone}-{len(self.workers)}.log", concurrency)
        self.workers.append(proc)
        return proc

    def stop_all(self) -> None:
        for w in self.workers:
            sv.stop(w)

    def log_text(self, tail: int | None = 3000) -> str:
        texts = [p.read_text(errors="replace") for p in sorted(self.logs.glob("worker-*.log"))]
        return "\n".join(t[-tail:] if tail else t for t in texts)


def pg_city() -> tuple[str, Engine]:
    ok, why = pg_available()
    need("PostgreSQL", ok, why)
    url = make_pg_database("workers")
    return url, fresh_city(url)


@pytest.fixture
def cluster_env(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[dict[str, str], str]]:
    """Env for workers and the coordinator (this process) on the shared Redis, private key prefix."""
    ok, why = redis_available(SHARED_REDIS)
    need("Redis", ok, why)
    prefix = f"extranet-test-{uuid.uuid4().hex[:8]}:"
    for k, v in {**FAST, "EXTRANET_BROKER_URL": SHARED_REDIS, "EXTRANET_BROKER_PREFIX": prefix,
                 "EXTRANET_HOME": str(lab.home)}.items():
        monkeypatch.setenv(k, v)
    yield dict(os.environ), prefix
    import redis

    r = redis.Redis.from_url(SHARED_REDIS)
    keys = list(r.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        r.delete(*keys)
