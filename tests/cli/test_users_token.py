"""`extranet users token` prints the token whole on one line, however narrow the terminal: a token
folded at the console width pastes with a newline in it (issue 15, finding 6)."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlmodel import select

from api.auth import TOKEN_PREFIX, digest
from inventory.db import get_engine, session_scope
from inventory.models import ApiToken
from inventory.service import prepare


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "40", "TERM": "xterm-256color", "FORCE_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", "from cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300, env=env)


def test_token_is_printed_whole_on_one_line() -> None:
    prepare()
    made = cli("users", "create", "qhd-ops", "--role", "viewer", "--generate")
    assert made.returncode == 0, made.stderr
    out = cli("users", "token", "qhd-ops")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith(TOKEN_PREFIX)]
    assert len(lines) == 1, out.stdout
    get_engine.cache_clear()
    with session_scope() as s:
        hashes = set(s.exec(select(ApiToken.token_hash)).all())
    assert digest(lines[0]) in hashes
