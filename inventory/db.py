"""Database engine and sessions: SQLite file by default, PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from .changes import tag_session

DEFAULT_HOME = ".extranet"


def home_dir() -> Path:
    """Where the embedded database and generated files live (EXTRANET_HOME, default ./.extranet)."""
    path = Path(os.environ.get("EXTRANET_HOME", DEFAULT_HOME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(url: str | None = None) -> str:
    """Normalise a URL: bare postgresql:// gets the psycopg 3 driver; no URL means the SQLite file."""
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{home_dir() / 'extranet.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web server read while a collection run writes; FKs are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def get_engine(url: str | None = None) -> Engine:
    """The engine for URL, or for the current DATABASE_URL / EXTRANET_HOME. Cached per resolved URL,
    so changing the environment between calls (tests, a CLI run after `export`) is honoured."""
    return _engine_for(database_url(url))


@lru_cache(maxsize=16)
def _engine_for(resolved: str) -> Engine:
    if make_url(resolved).get_backend_name() == "sqlite":
        engine = create_engine(resolved, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(resolved, pool_pre_ping=True, pool_size=10, max_overflow=20)
    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def session_scope(
    engine: Engine | None = None,
    actor: str = "system",
    request_id: str | None = None,
    remote_addr: str | None = None,
) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error. `actor` signs the audit trail."""
    session = Session(engine or get_engine(), expire_on_commit=False)
    tag_session(session, actor=actor, request_id=request_id, remote_addr=remote_addr)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Callers that reset engines (tests switching databases) keep using get_engine.cache_clear().
get_engine.cache_clear = _engine_for.cache_clear  # type: ignore[attr-defined]
