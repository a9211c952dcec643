"""Files under EXTRANET_HOME are the owner's alone: the folder 700, the database and generated files
600 whatever the umask (issue 15, finding 6)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from inventory.db import get_engine, home_dir, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual default, which makes 644 files and 755 folders
    yield
    os.umask(old)


def test_home_and_sqlite_database_are_private(tmp_path: Path, monkeypatch, open_umask) -> None:
    home = tmp_path / "fresh" / "home"
    monkeypatch.setenv("EXTRANET_HOME", str(home))
    get_engine.cache_clear()
    try:
        engine = get_engine()
        with engine.begin() as conn:
            conn.execute(text("create table t (x integer)"))
            conn.execute(text("insert into t values (1)"))
        assert mode(home_dir()) == 0o700
        db = home / "extranet.db"
        assert mode(db) == 0o600
        for extra in (home / "extranet.db-wal", home / "extranet.db-shm"):
            if extra.exists():
                assert mode(extra) == 0o600, extra
        engine.dispose()
    finally:
        get_engine.cache_clear()


def test_generated_files_are_600_even_when_they_existed(tmp_path: Path, open_umask) -> None:
    target = tmp_path / "evidence-pack.zip"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_private(target, b"new")
    assert mode(target) == 0o600 and target.read_bytes() == b"new"


def test_lab_files_are_600(tmp_path: Path, open_umask) -> None:
    from lab.model import LabSpec
    from lab.server import Lab

    inv = Lab(LabSpec(devices=[])).write_files(tmp_path / "lab")
    assert mode(tmp_path / "lab") == 0o700
    assert mode(inv) == 0o600 and mode(tmp_path / "lab" / "credentials.json") == 0o600


def test_celery_beat_schedule_is_private(tmp_path: Path, monkeypatch, open_umask) -> None:
    """`extranet beat` keeps its shelve schedule under EXTRANET_HOME, 600: the shelve is opened here the way
    Celery beat opens it, under the umask the command set."""
    import shelve

    from typer.testing import CliRunner

    import cli.worker
    from cli import app

    home = tmp_path / "beat-home"
    monkeypatch.setenv("EXTRANET_HOME", str(home))
    seen: dict[str, object] = {}

    class FakeCelery:
        class conf:
            beat_schedule: dict = {}

        @staticmethod
        def start(argv: list[str]) -> None:
            path = argv[argv.index("-s") + 1]
            seen["path"] = path
            with shelve.open(path) as db:  # what celery.beat.PersistentScheduler does
                db["entries"] = {"extranet-tick": 1}

    monkeypatch.setattr(cli.worker, "require_broker", lambda: (FakeCelery, None))
    result = CliRunner().invoke(app, ["beat", "--every", "5"])
    assert result.exit_code == 0, result.output
    assert Path(str(seen["path"])).parent == home
    files = [p for p in home.iterdir() if p.name.startswith("celerybeat-schedule")]
    assert files and all(mode(p) == 0o600 for p in files), [(p.name, oct(mode(p))) for p in files]
    assert mode(home) == 0o700
