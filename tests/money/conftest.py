from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import pytest
from sqlalchemy.engine import Engine

from answers.money_rows import load_evidence, load_rows
from inventory.db import get_engine, session_scope
from inventory.service import load_sample, prepare
from money.evidence import Evidence
from money.ledger import Ledger, build_ledger
from money.report import MoneyReport, compute
from money.rows import MoneyRows
from topology.graph import build_graph
from topology.protection import UnitProtection, classify

from .evidence_util import write_evidence


@dataclass(frozen=True)
class Loaded:
    """What the pure money analyses take, read once by the answers layer's loaders."""
    rows: MoneyRows
    graph: nx.MultiGraph
    evidence: Evidence
    classes: dict[str, UnitProtection]

    def report(self, year: int | None = None, **kw: Any) -> MoneyReport:
        return compute(self.rows, self.graph, self.evidence, year, classes=self.classes, **kw)


def load(engine: Engine) -> Loaded:
    with session_scope(engine) as s:
        rows, g, ev = load_rows(s), build_graph(s), load_evidence(s)
    return Loaded(rows, g, ev, classify(g))


def fresh_report(engine: Engine, year: int | None = None, **kw: Any) -> MoneyReport:
    """A report computed from a fresh read, past every cache."""
    return load(engine).report(year, **kw)


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
    eng = get_engine(f"sqlite:///{tmp_path_factory.mktemp('money-evidence') / 'extranet.db'}")
    prepare(eng)
    load_sample(eng)
    with session_scope(eng, actor="test") as s:
        expected = write_evidence(s)
    return eng, expected


@pytest.fixture(scope="module")
def evidence_loaded(evidence_city: tuple[Engine, dict[str, int]]) -> Loaded:
    """The evidence city's rows, graph, evidence and protection classes, read once per module."""
    return load(evidence_city[0])
