"""The contract scored from the record, and the simulator over it, as answers.

The rows and the money ledger come from the money report of the year (answers/money.py); the record — the
availability ledger, its outages, the typed incidents they were matched against — from answers/sla.py.
Cached under the one rule: the data fingerprint, today's date, the year and source, the record's mark
(measured only) and the rule files' modification times (an edited table is read again)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from money.assessment import RULES_PATH
from money.contract import ContractScore, Record, load_contract_rules
from money.contract import score as score_contract
from money.simulator import CLAUSES_PATH, ClauseSet, SetOutcome, load_clause_sets
from money.simulator import simulate as run

from . import money, sla
from .core import Snapshot

SOURCES = ("measured", "typed")


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _key(a: Snapshot, year: int, source: str) -> tuple:  # type: ignore[type-arg]
    mark = sla.record_mark(a) if source == "measured" else None
    return (dt.date.today(), year, source, mark, _mtime(RULES_PATH))


def score(a: Snapshot, year: int | None = None, source: str = "measured") -> ContractScore:
    """Every carrier's 100-point score for the service year (default: the money report's year)."""
    r = money.report(a, year)
    y = r.year

    def compute() -> ContractScore:
        record = None
        if source == "measured":
            ans = sla.ledger(a, y)
            record = Record(ans.ledger, sla.outages(a, y), ans.rows.incidents)
        return score_contract(r.rows, r.ledger, y, load_contract_rules(), record)

    return a._answer("contract_score", _key(a, y, source), compute)


def clause_sets(a: Snapshot) -> list[ClauseSet]:
    """The shipped clause sets (money/contract_clauses.yaml)."""
    return a._answer("contract_clauses", (_mtime(CLAUSES_PATH),), load_clause_sets)


def simulate(a: Snapshot, year: int | None = None, source: str = "measured",
             sets: tuple[ClauseSet, ...] | None = None) -> tuple[ContractScore, list[SetOutcome]]:
    """The scored record re-read under each clause set (default: the shipped ones)."""
    s = score(a, year, source)
    chosen = tuple(sets) if sets is not None else tuple(clause_sets(a))
    return s, a._answer("contract_simulate", (*_key(a, s.year, source), chosen), lambda: run(s, list(chosen)))
