from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from inventory.db import session_scope
from topology.money.ledger import Ledger, build_ledger
from topology.money.rows import MoneyRows, load_rows


@pytest.fixture(scope="session")
def rows(sample_sqlite: Engine) -> MoneyRows:
    with session_scope(sample_sqlite) as s:
        return load_rows(s)


@pytest.fixture(scope="session")
def ledger(rows: MoneyRows) -> Ledger:
    return build_ledger(rows)
