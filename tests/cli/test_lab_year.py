"""`extranet lab-year`: a short year through the lab into this install's record, with the figures set beside
the ground truth; bad options and a bad timeline file are one clear line each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from inventory.db import get_engine, session_scope
from inventory.models import InterfaceSample, SyslogMessage
from inventory.service import load_sample, prepare


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", "from cli import main; main()", *args],
                          capture_output=True, text=True, timeout=600, env=env)


def test_a_short_year_lands_in_the_record_and_matches_its_truth() -> None:
    prepare()
    load_sample(get_engine())
    out = cli("lab-year", "--seconds", "6", "--failovers", "1")
    assert out.returncode == 0, out.stderr
    assert "largest down-time error 0.00 min" in out.stdout, out.stdout
    assert "回绕 wrap" in out.stdout and "重启 reboot" in out.stdout
    with session_scope(get_engine()) as s:
        assert s.exec(select(func.count()).select_from(SyslogMessage)).one() > 0
        assert s.exec(select(func.count()).select_from(InterfaceSample)).one() > 0


def test_bad_options_and_files_are_one_line(tmp_path: Path) -> None:
    prepare()
    out = cli("lab-year", "--transport", "sctp")
    assert out.returncode == 2 and "expected udp or tcp" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "year.yaml"
    bad.write_text("start: 2022-01-01T00:00:00+08:00\nend: 2021-01-01T00:00:00+08:00\ncircuits: {}\nevents: []\n",
                   encoding="utf-8")
    out = cli("lab-year", "--timeline", str(bad))
    assert out.returncode == 2 and str(bad) in out.stderr and "is not after start" in out.stderr
