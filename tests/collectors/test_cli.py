"""The CLI end to end in subprocesses: `extranet lab start` prints READY, `lab ctl` reaches it, `collect --lab`
collects a room and prints the run table, `configs history` lists the snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args] if (ROOT / "cli/__main__.py").exists()
                          else [sys.executable, "-c", "from cli import main; main()", *args],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_lab_start_ctl_collect(tmp_path: Path) -> None:
    env = {**os.environ, "EXTRANET_HOME": str(tmp_path), "COLUMNS": "120"}
    env.pop("DATABASE_URL", None)
    assert _cli(env, "init", "--sample").returncode == 0
    lab = subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "lab", "start"], env=env,
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = lab.stdout.readline()
        assert ready.startswith("READY ") and "devices=224" in ready, ready + lab.stderr.read(2000)
        assert (tmp_path / "lab" / "credentials.json").stat().st_mode & 0o077 == 0
        ctl = _cli(env, "lab", "ctl", "config_line", "QHD-CORE-FW1", " ntp-service unicast-server 10.255.0.9")
        assert ctl.returncode == 0, ctl.stderr
        bad = _cli(env, "lab", "ctl", "config_line", "NO-SUCH", "x")
        assert bad.returncode == 2 and "NO-SUCH" in bad.stderr
        run = _cli(env, "collect", "--lab", "--only", "CORE")
        assert run.returncode == 0, run.stderr
        assert "collection run" in run.stdout and "total" in run.stdout
        hist = _cli(env, "configs", "history", "QHD-CORE-FW1")
        assert hist.returncode == 0 and "ssh" in hist.stdout
        missing = _cli(env, "collect", "--lab", "--only", "NOWHERE")
        assert missing.returncode == 2 and "NOWHERE" in missing.stderr
    finally:
        lab.terminate()
        lab.wait(10)
