"""Monthly partitions of the record's biggest table on PostgreSQL.

`interface_sample` grows by one row per interface per poll (the city: about 70 million rows a year at
300 s). On PostgreSQL it is partitioned by month of `sampled_at`, so retention drops a month in one
statement instead of deleting millions of rows, and a query over a month reads one partition. A DEFAULT
partition takes whatever arrives before its month exists, so an insert never fails for want of one.
SQLite has no partitions: the same calls are no-ops there and retention deletes rows."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

PARTITIONED = {"interface_sample": "sampled_at"}
_CHILD = re.compile(r"^(?P<parent>[a-z_]+)_(?:p\d{6}|default)$")


def is_partition(name: str) -> bool:
    """A table the migrations did not create by name (a month or the default of a partitioned table)."""
    m = _CHILD.match(name)
    return bool(m and m["parent"] in PARTITIONED)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's filter: partitions and their indexes are not in the models and are not drift."""
    if type_ == "table" and name and is_partition(name):
        return False
    table = getattr(obj, "table", None)
    return not (type_ == "index" and table is not None and is_partition(table.name))


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, m = [], dt.date(start.year, start.month, 1)
    while m <= end:
        out.append(m)
        m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def _next(m: dt.date) -> dt.date:
    return dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def ensure_months(bind: Engine | Connection, start: dt.datetime, end: dt.datetime,
                  table: str = "interface_sample") -> list[str]:
    """Create the monthly partitions covering [start, end] (UTC months) that do not exist yet. Rows already
    in the default partition for such a month are moved into it (PostgreSQL refuses a new partition whose
    range the default holds rows of)."""
    if bind.dialect.name != "postgresql":
        return []
    made = []
    with bind.begin() if isinstance(bind, Engine) else _nested(bind) as conn:
        have = set(conn.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                     "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t"),
                                {"t": table}).scalars())
        column = PARTITIONED[table]
        for m in _months(start.astimezone(dt.UTC).date(), end.astimezone(dt.UTC).date()):
            name = f"{table}_p{m:%Y%m}"
            if name in have:
                continue
            lo, hi = f"{m.isoformat()} 00:00:00+00", f"{_next(m).isoformat()} 00:00:00+00"
            conn.execute(text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS)"))
            conn.execute(text(f"INSERT INTO {name} SELECT * FROM {table}_default "
                              f"WHERE {column} >= '{lo}' AND {column} < '{hi}'"))
            conn.execute(text(f"DELETE FROM {table}_default WHERE {column} >= '{lo}' AND {column} < '{hi}'"))
            conn.execute(text(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ('{lo}') TO ('{hi}')"))
            made.append(name)
    return made


def drop_months_before(bind: Engine | Connection, cutoff: dt.datetime, table: str = "interface_sample") -> list[str]:
    """Drop whole monthly partitions that end on or before `cutoff`; returns their names (PostgreSQL)."""
    if bind.dialect.name != "postgresql":
        return []
    dropped = []
    with bind.begin() if isinstance(bind, Engine) else _nested(bind) as conn:
        names = conn.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                  "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t"),
                             {"t": table}).scalars().all()
        limit = cutoff.astimezone(dt.UTC).date()
        for name in sorted(names):
            m = re.match(rf"^{table}_p(\d{{4}})(\d{{2}})$", name)
            if m and _next(dt.date(int(m[1]), int(m[2]), 1)) <= limit:
                conn.execute(text(f"DROP TABLE {name}"))
                dropped.append(name)
    return dropped


class _nested:
    """A connection already in a transaction: run inside it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None


# The DDL the migration runs on PostgreSQL instead of a plain CREATE TABLE: the same columns, the primary
# key widened by the partition column (PostgreSQL requires it), and the default partition.
POSTGRES_INTERFACE_SAMPLE = """
CREATE TABLE interface_sample (
    id BIGSERIAL NOT NULL,
    interface_id INTEGER NOT NULL REFERENCES interface (id),
    sampled_at TIMESTAMP WITH TIME ZONE NOT NULL,
    in_octets BIGINT NOT NULL,
    out_octets BIGINT NOT NULL,
    oper_up BOOLEAN,
    speed_mbps INTEGER,
    uptime_cs BIGINT,
    in_delta BIGINT,
    out_delta BIGINT,
    discontinuity VARCHAR(16),
    PRIMARY KEY (id, sampled_at)
) PARTITION BY RANGE (sampled_at);
CREATE TABLE interface_sample_default PARTITION OF interface_sample DEFAULT;
CREATE INDEX ix_interface_sample_if_time ON interface_sample (interface_id, sampled_at);
CREATE INDEX ix_interface_sample_sampled_at ON interface_sample (sampled_at);
"""
