"""Questions answered against one state of the database (pybatfish's "a question answered against an
explicit snapshot"): `ask(session)` reads the data fingerprint once, and every answer it gives is
computed at most once per (database, fingerprint, question, arguments) in the one cache.

Front doors (api, cli, web, the demo, the audit pack) ask here; none builds the graph or runs a sweep
itself. Answers are shared between callers: read them, never modify them."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sqlmodel import Session

from . import cache, compliance, contract, drift, exports, money, scenarios, sla, verdicts
from .core import SWEEP_KINDS, Snapshot

__all__ = ["SWEEP_KINDS", "Answers", "ask", "peek"]


class Answers(Snapshot):
    """The core questions (answers/core.py) and every domain's, each in its own module."""

    money = money.report
    compliance = compliance.report
    evidence_pack = exports.evidence_pack
    money_workbook = exports.money_workbook
    inventory_document = exports.inventory_document
    drift = drift.report
    measured_demand = scenarios.measured_demand
    simulate = scenarios.simulate
    save_scenario = scenarios.save
    saved_scenarios = scenarios.saved
    load_scenario = scenarios.load
    rerun = scenarios.rerun
    full_sweep = scenarios.full_sweep
    overloads = scenarios.overloads
    link_pairs = scenarios.link_pairs
    sla_ledger = sla.ledger
    sla_outages = sla.outages
    contract_score = contract.score
    contract_clauses = contract.clause_sets
    contract_simulate = contract.simulate
    backup_verdicts = verdicts.backup_verdicts
    bureau_report = verdicts.bureau_report


def ask(session: Session) -> Answers:
    return Answers(session)


def peek(url: str, key: tuple[Hashable, ...]) -> Any | None:
    """A front door's memo (see Answers.memo) if it is still fresh, without a query."""
    return cache.peek(url, ("memo", *key))
