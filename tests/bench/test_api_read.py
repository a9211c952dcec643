"""api-read: requests/s and p99 latency of the unit-list and topology endpoints under 50 concurrent
clients on loopback, against a bare FastAPI endpoint served the same way (uvicorn subprocess, one
worker, same flags) in the same run. Acceptance: the read endpoints reach >= 30 % of the bare
endpoint's req/s with p99 <= 100 ms."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.bench._util import write_result

CONCURRENCY = 50
SECONDS = 6.0
WARMUP = 1.5
ROOT = Path(__file__).resolve().parents[2]

BARE_APP = '''
from fastapi import FastAPI
app = FastAPI()
ROWS = [{"id": i, "code": f"U{i:03d}", "name": "秦皇岛市某某局", "kind": "government", "group": "市直部门",
         "declared_terminals": 100 + i} for i in range(50)]

@app.get("/bare")
def bare() -> dict:
    return {"items": ROWS, "total": 97, "limit": 50, "offset": 0}
'''


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, env: dict[str, str], app_dir: Path, factory: bool) -> tuple[subprocess.Popen, str]:
    port = _port()
    cmd = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port), "--log-level",
           "warning", "--no-access-log", "--app-dir", str(app_dir)] + (["--factory"] if factory else [])
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/docs", timeout=1)
            return proc, base
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{target} did not start")


async def _load(url: str, headers: dict[str, str]) -> tuple[float, float, int]:
    """(req/s, p99 ms, errors) with CONCURRENCY keep-alive connections looping for SECONDS after a
    warm-up. A minimal HTTP/1.1 client on asyncio streams, so the client costs little CPU next to
    the server under test (httpx alone would be the bottleneck)."""
    parts = httpx.URL(url)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (f"GET {parts.raw_path.decode()} HTTP/1.1\r\nHost: {parts.host}:{parts.port}\r\n{head}"
               "Connection: keep-alive\r\n\r\n").encode()
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    measure_from = start + WARMUP
    stop = measure_from + SECONDS

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parts.host, parts.port)
        try:
            while True:
                t0 = time.perf_counter()
                if t0 >= stop:
                    return
                writer.write(request)
                status_headers = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in status_headers.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                t1 = time.perf_counter()
                if not status_headers.startswith(b"HTTP/1.1 200"):
                    errors += 1
                if t0 >= measure_from:
                    latencies.append(t1 - t0)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    latencies.sort()
    p99 = latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000 if latencies else float("inf")
    return len(latencies) / SECONDS, p99, errors


def test_api_read(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "EXTRANET_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    setup = (
        "from inventory.db import get_engine, session_scope\n"
        "from inventory.service import prepare, load_sample\n"
        "from api import auth\n"
        "e = get_engine(); prepare(e); load_sample(e)\n"
        "with session_scope(e, actor='bench') as s:\n"
        "    u = auth.create_user(s, 'bench', 'Load-test-passw0rd', 'viewer', 'bench')\n"
        "    print(auth.create_token(s, u, 'bench')[0])\n"
    )
    token = subprocess.run([sys.executable, "-c", setup], env=env, check=True, capture_output=True,
                           text=True, cwd=ROOT).stdout.strip().splitlines()[-1]
    (tmp_path / "bare_app.py").write_text(BARE_APP, encoding="utf-8")

    bare_proc, bare_base = _serve("bare_app:app", env, tmp_path, factory=False)
    try:
        bare_rps, bare_p99, bare_err = asyncio.run(_load(f"{bare_base}/bare", {}))
    finally:
        bare_proc.terminate()
        bare_proc.wait(10)

    api_proc, api_base = _serve("api.app:create_app", env, ROOT, factory=True)
    auth_h = {"Authorization": f"Bearer {token}"}
    try:
        for path in ("/api/v1/units", "/api/v1/topology/units"):  # first call builds graph + caches
            assert httpx.get(api_base + path, headers=auth_h, timeout=120).status_code == 200
        units_rps, units_p99, units_err = asyncio.run(_load(f"{api_base}/api/v1/units", auth_h))
        topo_rps, topo_p99, topo_err = asyncio.run(_load(f"{api_base}/api/v1/topology/units", auth_h))
    finally:
        api_proc.terminate()
        api_proc.wait(10)

    assert bare_err == units_err == topo_err == 0
    worst = min(units_rps, topo_rps)
    result = write_result(
        "api-read", worst, "req/s", bare_rps, True,
        units_rps=round(units_rps, 1), units_p99_ms=round(units_p99, 1),
        topology_rps=round(topo_rps, 1), topology_p99_ms=round(topo_p99, 1),
        bare_rps=round(bare_rps, 1), bare_p99_ms=round(bare_p99, 1), concurrency=CONCURRENCY,
        share_of_bare=round(worst / bare_rps, 3) if bare_rps else None,
        p99_ms=round(max(units_p99, topo_p99), 1),
        note="unit list (50 rows, token auth) and topology units level (105 nodes, 154 edges) vs bare FastAPI",
    )
    print(result)
    print(statistics.fmean([units_rps, topo_rps]))
