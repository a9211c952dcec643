"""Many rows in or changed in one statement. PostgreSQL: COPY for inserts and one UPDATE ... FROM unnest(arrays)
for changes (its driver's executemany is one round trip per row); elsewhere the Core's executemany, which on
SQLite is already a loop inside the driver."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, bindparam, text, update


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    cols = list(rows[0])
    q = conn.dialect.identifier_preparer.quote  # "user" is a reserved word
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cur, cur.copy(f"COPY {q(table.name)} ({', '.join(map(q, cols))}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row(tuple(r[c] for c in cols))


def update_rows(conn: Connection, table: Table, rows: list[dict[str, Any]], key: str = "id") -> None:
    """Each row names its row by `key` and gives the new values of its other columns (the same columns in every row)."""
    if not rows:
        return
    cols = [c for c in rows[0] if c != key]
    if conn.dialect.name != "postgresql":
        conn.execute(update(table).where(table.c[key] == bindparam("b_key")).values(
            {c: bindparam(c) for c in cols}), [{"b_key": r[key], **{c: r[c] for c in cols}} for r in rows])
        return
    q = conn.dialect.identifier_preparer.quote
    names = [key, *cols]
    types = {n: table.c[n].type.compile(dialect=conn.dialect) for n in names}
    arrays = ", ".join(f"CAST(:a{i} AS {types[n]}[])" for i, n in enumerate(names))
    sets = ", ".join(f"{q(c)} = v.{q(c)}" for c in cols)
    conn.execute(text(f"UPDATE {q(table.name)} AS t SET {sets} FROM unnest({arrays}) AS v({', '.join(map(q, names))}) "
                      f"WHERE t.{q(key)} = v.{q(key)}"), {f"a{i}": [r[n] for r in rows] for i, n in enumerate(names)})
