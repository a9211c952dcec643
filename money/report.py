"""Everything the money view needs for one year, computed from plain rows, the graph and the protection
classes: the ledger, the cost allocation, what the backup buys, the assessment and the indicators. The
answers layer loads the rows and keeps the report (``answers.ask(session).money(...)``); the CLI, the
workbook, the pages and the API all read that one report, so they show the same numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import networkx as nx

from topology.protection import UnitProtection

from .allocation import RULES, Allocation, allocate, fees_for
from .assessment import Assessment, assess, load_rules
from .backup_value import DEFAULT_AVAILABILITY, BackupValue, backup_value
from .evidence import Evidence
from .indicators import Indicator, indicators
from .ledger import Ledger, build_ledger
from .rows import MoneyRows


@dataclass
class MoneyReport:
    year: int
    rows: MoneyRows
    ledger: Ledger
    allocation: Allocation
    allocations: dict[str, Allocation]  # every rule, for comparison
    backup: BackupValue
    assessment: Assessment
    indicators: list[Indicator]
    evidence: Evidence


def default_year(rows: MoneyRows) -> int:
    """The latest service year every paid carrier was paid for (a year half paid makes poor unit
    costs), else the latest service year anything was paid for."""
    paid: dict[int, set[str]] = {}
    for p in rows.payments:
        paid.setdefault(p.service_start.year, set()).add(p.carrier)
    carriers = {p.carrier for p in rows.payments}
    complete = [y for y, cs in paid.items() if cs == carriers]
    if complete:
        return max(complete)
    return max(paid) if paid else dt.date.today().year - 1


def compute(rows: MoneyRows, g: nx.MultiGraph, evidence: Evidence, year: int | None = None, *,
            classes: dict[str, UnitProtection], rule: str = "circuits", basis: str = "paid",
            rules_path: str | Path | None = None, availability: Decimal = DEFAULT_AVAILABILITY) -> MoneyReport:
    """``classes``: the protection classes of ``g`` (topology.protection.classify), which the caller
    usually has already."""
    year = year or default_year(rows)
    ledger = build_ledger(rows)
    fees = fees_for(rows, ledger, year, basis)
    allocations = {r: allocate(rows, year, fees, r) for r in RULES}
    if rule not in allocations:
        allocations[rule] = allocate(rows, year, fees, rule)  # raises the clear error
    rules = load_rules(rules_path)
    bv = backup_value(rows, ledger, g, evidence, classes=classes, assumed_availability=availability,
                      include_year=year)
    grace = rules.categories.get("access_quality")
    target = float(grace.grace_hours) if grace and grace.grace_hours is not None else 4.0
    assessed = assess(rows, ledger, year, rules)
    inds = indicators(rows, year, allocations[rule], bv, rooms=len(g.graph.get("rooms", {})),
                      measured_terminals=evidence.measured_terminals(year), restore_target_hours=target,
                      assessment=assessed)
    return MoneyReport(year, rows, ledger, allocations[rule], allocations, bv, assessed, inds, evidence)
