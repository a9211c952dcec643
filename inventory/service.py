"""Inventory operations that the CLI, API and demo share: set up a database, load the sample."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from . import migrate
from .db import get_engine, session_scope
from .io import ImportReport, load_mapping
from .sample import SEED, build_sample


def prepare(engine: Engine | None = None) -> Engine:
    """Bring the schema to the newest migration."""
    engine = engine or get_engine()
    migrate.upgrade(engine)
    return engine


def reset(engine: Engine | None = None) -> Engine:
    """Drop every table (ours and Alembic's) and migrate again: an empty, current database."""
    engine = engine or get_engine()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            SQLModel.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            for table in inspect(conn).get_table_names():
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
    return prepare(engine)


def load_sample(engine: Engine | None = None, seed: int = SEED, actor: str = "sample") -> ImportReport:
    with session_scope(engine, actor=actor) as session:
        return load_mapping(session, build_sample(seed), name=f"sample city (seed {seed})")
