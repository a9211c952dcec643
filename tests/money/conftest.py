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


@pytest.fixture(scope="module")
def evidence_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, dict[str, int]]:
    """The sample city plus link events for every incident and counters on the Telecom circuits,
    written the way a collection writes them (see evidence_util.py)."""
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    from .evidence_util import write_evidence

    eng = get_engine(f"sqlite:///{tmp_path_factory.mktemp('money-evidence') / 'extranet.db'}")
    prepare(eng)
    load_sample(eng)
    with session_scope(eng, actor="test") as s:
        expected = write_evidence(s)
    return eng, expected
