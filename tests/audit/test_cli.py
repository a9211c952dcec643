"""`extranet audit run`, `extranet export audit` and the demo step, on the rendered sample city."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.export.pack import verify_pack
from cli import app
from inventory.errors import ExtranetError
from lab.spec import WEAK_DEVICES

from .conftest import AuditCity

pytestmark = pytest.mark.xdist_group("audit-city")
runner = CliRunner()


@pytest.fixture
def home(rendered_city: AuditCity, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    from cli.console import console
    from inventory.db import get_engine

    monkeypatch.setattr(console, "width", 300)
    monkeypatch.setenv("DATABASE_URL", rendered_city.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("EXTRANET_HOME", str(tmp_path))
    get_engine.cache_clear()
    yield tmp_path
    get_engine.cache_clear()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "300"})


def test_audit_run_prints_checks_and_weak_devices(home: Path) -> None:
    r = run("audit", "run")
    assert r.exit_code == 0, r.output
    assert f"Weak devices found: {len(WEAK_DEVICES)}" in r.output
    for host in WEAK_DEVICES:
        assert host in r.output
    for check in ("CE-06", "CE-08", "CE-18", "SMC-07"):
        assert check in r.output
    assert "224 devices × 26 checks" in r.output


def test_audit_run_one_device(home: Path) -> None:
    host = next(h for h, c in sorted(WEAK_DEVICES.items()) if "no_idle_timeout" in c)
    r = run("audit", "run", "--device", host)
    assert r.exit_code == 0, r.output
    assert "永不超时" in r.output and "不符合" in r.output


def test_thresholds_file_and_errors(home: Path) -> None:
    f = home / "t.yaml"
    f.write_text("thresholds:\n  idle_timeout_max_minutes: 5\n", encoding="utf-8")
    r = run("audit", "run", "--thresholds", str(f))
    assert r.exit_code == 0, r.output
    f.write_text("thresholds:\n  idle: 5\n", encoding="utf-8")
    r = run("audit", "run", "--thresholds", str(f))
    assert isinstance(r.exception, ExtranetError) and "unknown threshold" in r.exception.message
    r = run("audit", "run", "--thresholds", str(home / "missing.yaml"))
    assert isinstance(r.exception, ExtranetError) and "not found" in r.exception.message


@pytest.mark.slow
def test_export_audit_and_demo_step(home: Path, rendered_city: AuditCity) -> None:
    out = home / "pack.zip"
    r = run("export", "audit", str(out))
    assert r.exit_code == 0, r.output
    assert out.exists() and verify_pack(out) == [] and "manifest verified" in r.output
    r = run("export", "audit", str(home / "p.zip"), "--strict")
    assert isinstance(r.exception, ExtranetError) and "manual review" in r.exception.message

    from cli.audit import _demo
    from cli.console import console
    from cli.demo import DemoContext

    with console.capture() as cap:
        _demo(DemoContext(engine=rendered_city.engine))
    text = cap.get()
    assert f"Weak devices found: {len(WEAK_DEVICES)}" in text and "evidence pack" in text
    assert verify_pack(home / "audit" / "evidence-pack.zip") == []
