"""No N+1: a list endpoint issues the same number of queries for a page of 5 as for a page of 500."""

from __future__ import annotations

import pytest
from sqlalchemy import event

import answers
from api import auth

from .conftest import Api

LISTS = ["units", "devices", "interfaces", "circuits", "rooms", "carriers", "contracts", "payments", "budget-lines",
         "incidents"]


def _count(api: Api, path: str) -> int:
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    api.get(path, "auditor")  # warm: the token lookup is cached for a few seconds
    answers.invalidate()  # and the page itself would be served from memory within a second
    event.listen(api.engine, "before_cursor_execute", listener)
    try:
        r = api.get(path, "auditor")
        assert r.status_code == 200, r.text
    finally:
        event.remove(api.engine, "before_cursor_execute", listener)
    return len(seen)


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_is_constant(api_sqlite: Api, name: str) -> None:
    perm = "money.read" if name in ("contracts", "payments", "budget-lines", "incidents") else "inventory.read"
    assert "auditor" in auth.PERMISSIONS[perm]
    small = _count(api_sqlite, f"/api/v1/{name}?limit=5")
    large = _count(api_sqlite, f"/api/v1/{name}?limit=500")
    # the table version (trail head, row count) and the page with its window total
    assert small == large <= 3, (small, large)
