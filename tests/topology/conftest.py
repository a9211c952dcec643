from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from inventory.db import get_engine, session_scope
from tests.conftest import PG_URL, _created_pg, make_pg_database, need, pg_available
from topology.graph import build_graph


@pytest.fixture(scope="session")
def sample_graph(sample_sqlite: Engine) -> nx.MultiGraph:
    with session_scope(sample_sqlite) as s:
        return build_graph(s)


def _loaded(url: str) -> None:
    from inventory.service import load_sample, prepare

    eng = get_engine(url)
    prepare(eng)
    load_sample(eng)
    if eng.dialect.name == "sqlite":
        with eng.connect() as conn:  # everything into the main file, so a file copy is complete
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample-template") / "extranet.db"
    _loaded(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _pg_template() -> str:
    ok, why = pg_available()
    need("PostgreSQL", ok, why)
    url = make_pg_database("tmpl")
    _loaded(url)
    return make_url(url).database


def copy_sample(backend: str, tmp: Path, sqlite_template: Path | None, pg_template: str | None) -> str:
    """A fresh database holding the sample city, copied from a template loaded once per session
    (loading the sample takes seconds; copying it, milliseconds)."""
    if backend == "sqlite":
        target = tmp / "extranet.db"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    name = f"extranet_t_copy_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    admin.dispose()
    _created_pg.append(name)
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"])
def sample_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The sample city in a database of its own that the test may change, on each backend."""
    if request.param == "sqlite":
        url = copy_sample("sqlite", tmp_path, request.getfixturevalue("_sqlite_template"), None)
    else:
        url = copy_sample("postgres", tmp_path, None, request.getfixturevalue("_pg_template"))
    eng = get_engine(url)
    yield eng
    eng.dispose()
