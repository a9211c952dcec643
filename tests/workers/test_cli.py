"""`extranet worker`, `beat`, `schedule` and `collect` name what is wrong with the broker setup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inventory.errors import ExtranetError

from .services import ROOT, free_port


def test_worker_without_broker_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "EXTRANET_BROKER_URL"}
    out = subprocess.run([sys.executable, "-c", "from cli import main; main()", "worker", "--zone", "zone-a"],
                         env={**env, "PYTHONPATH": str(ROOT), "EXTRANET_HOME": str(tmp_path)}, cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "EXTRANET_BROKER_URL" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(("env", "args", "expected"), [
    ({"EXTRANET_BROKER_URL": "http://x"}, ("worker", "--zone", "zone-a"), "expected a Redis URL"),
    ({"EXTRANET_BROKER_URL": "redis://127.0.0.1:{port}/0"}, ("worker", "--zone", "zone-a"), "does not answer"),
    ({"EXTRANET_BROKER_URL": "redis://127.0.0.1:{port}/0"}, ("beat",), "does not answer"),
    ({"EXTRANET_BROKER_URL": "redis://127.0.0.1:{port}/0"}, ("worker", "--zone", "bad zone"), "--zone 'bad zone'"),
    ({"EXTRANET_BROKER_URL": "redis://127.0.0.1:{port}/0", "EXTRANET_ZONE_CAPS": "zone-a=0"},
     ("collect", "--lab"), "EXTRANET_ZONE_CAPS item 'zone-a=0'"),
    ({"EXTRANET_BROKER_URL": "redis://127.0.0.1:{port}/0", "EXTRANET_LOCK_TTL": "soon"},
     ("collect",), "EXTRANET_LOCK_TTL='soon'"),
    ({}, ("schedule", "remove", "nope"), "no schedule 'nope'"),
    ({}, ("schedule", "add", "x", "--zone", "zone-q"), "no management zone 'zone-q'; known: zone-a, zone-b"),
])
def test_bad_setup_names_the_problem(sample_sqlite, monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                     args: tuple[str, ...], expected: str) -> None:
    from cli import app

    port = free_port()  # nothing listens there
    monkeypatch.setenv("DATABASE_URL", sample_sqlite.url.render_as_string(hide_password=False))
    for k, v in env.items():
        monkeypatch.setenv(k, v.format(port=port))
    result = CliRunner().invoke(app, list(args))
    assert isinstance(result.exception, ExtranetError), result.output
    assert expected in result.exception.message


@pytest.mark.broker
def test_worker_refuses_a_database_that_is_not_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import app
    from tests.conftest import need

    from .conftest import SHARED_REDIS, redis_available

    ok, why = redis_available(SHARED_REDIS)
    need("Redis", ok, why)
    monkeypatch.setenv("EXTRANET_BROKER_URL", SHARED_REDIS)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = CliRunner().invoke(app, ["worker", "--zone", "zone-a"])
    assert isinstance(result.exception, ExtranetError) and "extranet db upgrade" in result.exception.message
