"""Shared fixtures: databases on SQLite always and on PostgreSQL when reachable.

EXTRANET_REQUIRE_SERVICES=1 (set by .ci/run) turns a missing service into a failure instead of a
skip, so CI cannot go green while silently not testing PostgreSQL, Redis or the browser.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

PG_URL = os.environ.get("EXTRANET_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE = os.environ.get("EXTRANET_REQUIRE_SERVICES") == "1"


def need(service: str, available: bool, reason: str) -> None:
    """Skip when a service is missing, or fail when CI requires it."""
    if available:
        return
    if REQUIRE:
        pytest.fail(f"{service} is required (EXTRANET_REQUIRE_SERVICES=1) but unavailable: {reason}")
    pytest.skip(f"{service} unavailable: {reason}")


_pg_state: dict[str, object] = {}


def pg_available() -> tuple[bool, str]:
    if "ok" not in _pg_state:
        try:
            eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with eng.connect() as conn:
                conn.execute(text("select 1"))
            eng.dispose()
            _pg_state.update(ok=True, why="")
        except Exception as exc:
            _pg_state.update(ok=False, why=f"{type(exc).__name__}: {exc}".splitlines()[0])
    return bool(_pg_state["ok"]), str(_pg_state["why"])


def make_pg_database(tag: str) -> str:
    """A new, empty PostgreSQL database for one test module; dropped at the end of the session."""
    name = f"extranet_t_{tag}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _created_pg.append(name)
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


_created_pg: list[str] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _created_pg:
        return
    from inventory.db import get_engine

    get_engine.cache_clear()
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in _created_pg:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the developer's own ./.extranet or DATABASE_URL."""
    monkeypatch.setenv("EXTRANET_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("DATABASE_URL", raising=False)


def _url_for(backend: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'extranet.db'}"
    ok, why = pg_available()
    need("PostgreSQL", ok, why)
    return make_pg_database("db")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database at the newest migration, on each backend."""
    from inventory.db import get_engine
    from inventory.service import prepare

    eng = get_engine(_url_for(backend, tmp_path))
    prepare(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def sample_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The sample city loaded once per module and backend. Tests must not modify it."""
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    eng = get_engine(_url_for(request.param, tmp_path_factory.mktemp("sample")))
    prepare(eng)
    load_sample(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def sample_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The sample city on SQLite only, for tests that are about behaviour above the data layer."""
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    eng = get_engine(f"sqlite:///{tmp_path_factory.mktemp('sample-sqlite') / 'extranet.db'}")
    prepare(eng)
    load_sample(eng)
    return eng


def collect_from_lab(engine: Engine, tmp: Path, spec: object | None = None, *, concurrency: int = 32,
                     read_timeout: float = 30) -> object:
    """Serve SPEC (default: the inventory's own lab spec) from an in-process SSH lab, collect every
    device with real netmiko sessions, stop the lab, and fail unless every device came back ok."""
    import json

    from collectors.engine import Settings
    from inventory.collection import run_collection
    from inventory.db import session_scope
    from lab.server import LabThread
    from lab.spec import build_lab_spec

    if spec is None:
        with session_scope(engine) as s:
            spec = build_lab_spec(s)
    lab = LabThread(spec).start()
    try:
        inventory = json.loads(lab.lab.write_files(tmp / "lab").read_text(encoding="utf-8"))
        report = run_collection(engine, lab_inventory=inventory, trigger="test",
                                settings=Settings(concurrency=concurrency, read_timeout=read_timeout))
    finally:
        lab.stop()
    assert report.ok == report.total, report
    return report
