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
    """Where the embedded database and generated files live (EXTRANET_HOME, default ./.extranet).
    Made 700: it holds the database, the redaction key and lab credentials."""
    path = Path(os.environ.get("EXTRANET_HOME", DEFAULT_HOME))
    private_dir(path)
    return path


def private_dir(path: Path) -> Path:
    """A folder only its owner can enter; an existing folder keeps the mode its owner gave it."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.chmod(0o700)  # mkdir's mode loses to a umask that masks owner bits; chmod does not
    return path


def private_file(path: Path) -> int:
    """Open PATH for writing, created 600 whatever the umask (a descriptor for os.fdopen)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    return fd


def write_private(path: Path, data: bytes) -> Path:
    with os.fdopen(private_file(path), "wb") as fh:
        fh.write(data)
    return path


def _sqlite_file(resolved: str) -> None:
    """Create the SQLite file 600 before SQLite does (it would use 644); its -wal and -shm files
    copy the database file's mode."""
    database = make_url(resolved).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        private_dir(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


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
        _sqlite_file(resolved)
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
