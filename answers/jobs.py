"""Expensive answers as background jobs: an evidence pack takes most of a minute, so a request must not
compute it, and many requests must not compute it many times.

A job is keyed by (database, data fingerprint, kind, arguments): while one runs or its result is kept,
every request for the same key gets that job, so the work runs once per fingerprint and the result is
kept until the data changes (the next job of the same kind and arguments at a newer fingerprint drops
it). Jobs run on a small pool of threads in the serving process (EXTRANET_JOB_WORKERS, default 2), so
whatever is asked, at most that many cores are busy with them; each user may have at most
EXTRANET_JOBS_PER_USER (default 2) jobs queued or running, a further new one is refused.

In-process on purpose, with or without a Celery broker: the result is served by the process that keeps
it, and `extranet serve` is one process (the way it ticks schedules without a broker)."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from inventory.errors import ExtranetError

log = logging.getLogger("extranet.jobs")
KEEP_SECONDS = 3600.0  # a finished job stays pollable this long (its result stays while the data is unchanged)
MAX_JOBS = 64  # kept results included: a province's pack is tens of MB


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return max(1, int(raw)) if raw else default
    except ValueError:
        raise ExtranetError(f"{name}={raw!r}: expected a whole number", code="config") from None


class TooManyJobs(ExtranetError):
    def __init__(self, owner: str, limit: int, running: list[Job]) -> None:
        super().__init__(f"{owner} already has {len(running)} job(s) running (the limit is {limit} per user, "
                         "EXTRANET_JOBS_PER_USER); wait for one to finish", code="too_many_jobs",
                         details={"limit": limit, "running": [j.id for j in running]})


@dataclass
class Job:
    id: str
    kind: str
    owner: str
    key: tuple[Hashable, ...]
    permission: str
    state: str = "running"  # running | done | failed
    queued_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    result: Any = None
    error: ExtranetError | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return round((self.finished_at or time.time()) - self.started_at, 3)


class Runner:
    def __init__(self, workers: int | None = None, per_user: int | None = None) -> None:
        self.workers = workers or _env_int("EXTRANET_JOB_WORKERS", 2)
        self.per_user = per_user or _env_int("EXTRANET_JOBS_PER_USER", 2)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="extranet-job")
        self._lock = threading.Lock()
        self._by_key: dict[tuple[Hashable, ...], Job] = {}
        self._by_id: dict[str, Job] = {}

    def submit(self, url: str, fingerprint: tuple[Any, ...], kind: str, args: tuple[Hashable, ...], *,
               owner: str, permission: str, compute: Callable[[], Any]) -> Job:
        """The job for this key: the one running or kept, or a new one started for `owner`."""
        key = (url, fingerprint, kind, *args)
        with self._lock:
            self._expire()
            job = self._by_key.get(key)
            if job is not None:
                return job
            running = [j for j in self._by_id.values() if j.owner == owner and j.state == "running"]
            if len(running) >= self.per_user:
                raise TooManyJobs(owner, self.per_user, running)
            # the same export of older data is no longer what anyone is served
            for old in [k for k in self._by_key if k[0] == url and k[2:] == key[2:]]:
                del self._by_key[old]
            job = Job(uuid.uuid4().hex, kind, owner, key, permission)
            self._by_key[key] = job
            self._by_id[job.id] = job
        self._pool.submit(self._run, job, compute)
        return job

    def _run(self, job: Job, compute: Callable[[], Any]) -> None:
        job.started_at = time.time()
        try:
            job.result = compute()
            job.state = "done"
        except ExtranetError as exc:  # a refusal (no data, items to review) holds for this data: kept
            job.error, job.state = exc, "failed"
        except Exception as exc:
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.error = ExtranetError(f"the {job.kind} job failed ({type(exc).__name__}); the server log has "
                                      "the details", code="job_failed", details={"job": job.id})
            job.state = "failed"
            with self._lock:
                if self._by_key.get(job.key) is job:
                    del self._by_key[job.key]
        finally:
            job.finished_at = time.time()
            job.done.set()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._expire()
            return self._by_id.get(job_id)

    def _expire(self) -> None:
        now = time.time()
        gone = [j for j in self._by_id.values() if j.finished_at is not None
                and now - j.finished_at > KEEP_SECONDS and self._by_key.get(j.key) is not j]
        finished = sorted((j for j in self._by_id.values() if j.finished_at is not None), key=lambda j: j.queued_at)
        gone += finished[:max(0, len(self._by_id) - MAX_JOBS)]
        for j in gone:
            self._by_id.pop(j.id, None)
            if self._by_key.get(j.key) is j:
                del self._by_key[j.key]

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()
            self._by_id.clear()


_runner: Runner | None = None
_runner_lock = threading.Lock()


def runner() -> Runner:
    """The process's runner (made on first use, so the limits are read from the environment then)."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = Runner()
        return _runner


def reset(workers: int | None = None, per_user: int | None = None) -> Runner:
    """A fresh runner (tests; a job still running on the old one finishes there, unseen)."""
    global _runner
    with _runner_lock:
        _runner = Runner(workers, per_user)
        return _runner
