"""`extranet init --province` and `extranet lab start --only/--limit` in subprocesses (SQLite, 2 cities)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
CLI = [sys.executable, "-c", "from cli import main; main()"]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_init_province_and_serve_a_slice(tmp_path: Path) -> None:
    env = {**os.environ, "EXTRANET_HOME": str(tmp_path), "COLUMNS": "160"}
    env.pop("DATABASE_URL", None)
    both = _cli(env, "init", "--sample", "--province")
    assert both.returncode == 2 and "--sample or --province" in both.stderr
    init = _cli(env, "init", "--province", "--cities", "2")
    assert init.returncode == 0, init.stderr
    assert "province loaded (2 cities)" in init.stdout and "'units': 194" in init.stdout
    summary = _cli(env, "inventory", "summary")
    assert summary.returncode == 0 and "省级数据中心一, 省级数据中心二" in summary.stdout

    lab = subprocess.Popen([*CLI, "lab", "start", "--only", "city-02", "--only", "PROV-DC1", "--limit", "5"], env=env,
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = lab.stdout.readline()
        assert ready.startswith("READY ") and "devices=5" in ready, ready + lab.stderr.read(2000)
    finally:
        lab.terminate()
        lab.wait(20)
    unknown = _cli(env, "lab", "start", "--only", "NOWHERE")
    assert unknown.returncode == 2
    assert "no zone, room, city, unit or device 'NOWHERE'; known: city-01, city-02, province" in unknown.stderr
