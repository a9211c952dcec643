"""Real processes for the distributed-collection tests, each started here and stopped by its PID:
a private Redis, a private PostgreSQL cluster (for the outage test), the SSH lab, `extranet worker`s."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Stop one process we started, by its PID; SIGKILL if it does not go."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(5)


class Redis:
    """redis-server on a free loopback port, nothing on disk (the harder case: a restart loses the queues)."""

    def __init__(self, tmp: Path) -> None:
        self.dir = tmp
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        return self

    def stop(self) -> None:
        stop(self.proc)
        self.proc = None


class Postgres:
    """A throwaway PostgreSQL 15 cluster in a temp dir owned by postgres (initdb refuses root)."""

    def __init__(self) -> None:
        # Not under pytest's tmp dir: that is private to root and the server runs as postgres.
        self.base = Path(tempfile.mkdtemp(prefix="extranet-pg-"))
        self.dir = self.base / "data"
        self.port = free_port()
        self.sock = self.base / "sock"

    @staticmethod
    def available() -> tuple[bool, str]:
        if not (PG_BIN / "initdb").exists():
            return False, f"no {PG_BIN}/initdb"
        if os.geteuid() != 0 and os.environ.get("USER") != "postgres":
            return False, "initdb needs to run as the postgres user (runuser needs root)"
        if shutil.which("runuser") is None and os.geteuid() == 0:
            return False, "no runuser"
        return True, ""

    def _as_postgres(self, *args: str, timeout: float = 60) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
        subprocess.run(cmd, check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> Postgres:
        for d in (self.base, self.dir, self.sock):
            d.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(d, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres",
                          "--no-sync", "-E", "UTF8")
        return self.start()

    def start(self) -> Postgres:
        opts = f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-o", opts, "-w", "-t", "30", "-l",
                          str(self.dir / "log"), "start")
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def start_lab(spec: Any, tmp: Path, pace: float = 0.0) -> tuple[subprocess.Popen, Path]:
    """The SSH lab in its own process (as a network is outside the collectors); returns it and its inventory.
    `pace` > 0 sends outputs in paced pieces, so a run lasts long enough to break something in the middle."""
    (tmp / "spec.json").write_text(json.dumps(spec.to_dict(), ensure_ascii=False), encoding="utf-8")
    paced = ["--pace", str(pace)] if pace else []
    proc = subprocess.Popen([sys.executable, "-m", "lab.server", str(tmp / "spec.json"), str(tmp / "lab"),
                             *paced],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("READY"):
        stop(proc)
        raise RuntimeError(f"lab did not start: {line!r}")
    return proc, tmp / "lab" / "inventory.json"


def broker_env(redis_url: str, prefix: str, db_url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "EXTRANET_BROKER_URL": redis_url, "EXTRANET_BROKER_PREFIX": prefix,
           "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **extra}
    return env


def start_worker(env: dict[str, str], zone: str, log: Path, concurrency: int = 8) -> subprocess.Popen:
    """A real `extranet worker --zone ZONE` process; its output goes to LOG."""
    out = log.open("ab")
    return subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "worker", "--zone", zone,
                             "--concurrency", str(concurrency), "--loglevel", "INFO"],
                            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def start_worker_zones(env: dict[str, str], zones: list[str], log: Path, concurrency: int) -> subprocess.Popen:
    """A worker serving several zones (the benchmark: only the number of processes changes)."""
    out = log.open("ab")
    args = [a for z in zones for a in ("--zone", z)]
    return subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "worker", *args,
                             "--concurrency", str(concurrency), "--loglevel", "INFO"],
                            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_log(log: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{log}: no {text!r} after {timeout} s:\n{log.read_text(errors='replace')[-2000:]}")
