"""Everything the money view needs for one year, computed once from a session: the ledger, the cost
allocation, what the backup buys, the assessment and the indicators. The CLI, the workbook and the
API all read this, so they show the same numbers."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
from sqlalchemy import func
from sqlmodel import Session, select

from inventory.models import ChangeLog, CounterSample, Link, LinkEvent, TerminalCount
from topology.graph import build_graph

from .allocation import Allocation, allocate, fees_for
from .assessment import Assessment, assess, load_rules
from .backup_value import DEFAULT_AVAILABILITY, BackupValue, backup_value
from .evidence import Evidence, load_evidence
from .indicators import Indicator, indicators
from .ledger import Ledger, build_ledger
from .rows import MoneyRows, load_rows


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


def money_report(session: Session, year: int | None = None, *, rule: str = "circuits", basis: str = "paid",
                 rules_path: str | Path | None = None, availability: Decimal = DEFAULT_AVAILABILITY,
                 graph: nx.MultiGraph | None = None) -> MoneyReport:
    rows = load_rows(session)
    g = graph if graph is not None else build_graph(session)
    evidence = load_evidence(session)
    return compute(rows, g, evidence, year, rule=rule, basis=basis, rules_path=rules_path,
                   availability=availability)


# The report reads the whole ledger, the graph and the evidence (a second on a province): keep recent ones
# per database until anything they read changes. Every inventory and money write leaves an audit-trail
# row; collected evidence rows are not audited but have their own increasing ids.
_CACHE: dict[tuple[Any, ...], MoneyReport] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def data_version(session: Session) -> tuple[Any, ...]:
    return tuple(session.exec(select(func.max(t.id))).one()  # type: ignore[attr-defined]
                 for t in (ChangeLog, Link, LinkEvent, CounterSample, TerminalCount))


def cached_money_report(session: Session, year: int | None = None, *, rule: str = "circuits",
                        basis: str = "paid", availability: Decimal = DEFAULT_AVAILABILITY,
                        graph: nx.MultiGraph | None = None) -> MoneyReport:
    """money_report() with the packaged assessment rules, reused while the data is unchanged. The returned
    report is shared between callers: read it, never modify it."""
    url = str(session.get_bind().url)
    key = (url, data_version(session), dt.date.today(), year, rule, basis, availability)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    report = money_report(session, year, rule=rule, basis=basis, availability=availability, graph=graph)
    with _CACHE_LOCK:
        for old in [k for k in _CACHE if k[0] == url and k[1:3] != key[1:3]]:
            del _CACHE[old]  # an older version of this database's data
        while len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[key] = report
    return report


def compute(rows: MoneyRows, g: nx.MultiGraph, evidence: Evidence, year: int | None = None, *,
            rule: str = "circuits", basis: str = "paid", rules_path: str | Path | None = None,
            availability: Decimal = DEFAULT_AVAILABILITY) -> MoneyReport:
    from .allocation import RULES

    year = year or default_year(rows)
    ledger = build_ledger(rows)
    fees = fees_for(rows, ledger, year, basis)
    allocations = {r: allocate(rows, year, fees, r) for r in RULES}
    if rule not in allocations:
        allocations[rule] = allocate(rows, year, fees, rule)  # raises the clear error
    rules = load_rules(rules_path)
    bv = backup_value(rows, ledger, g, evidence, assumed_availability=availability, include_year=year)
    grace = rules.categories.get("access_quality")
    target = float(grace.grace_hours) if grace and grace.grace_hours is not None else 4.0
    inds = indicators(rows, year, allocations[rule], bv, rooms=len(g.graph.get("rooms", {})),
                      measured_terminals=evidence.measured_terminals(year), restore_target_hours=target)
    return MoneyReport(year, rows, ledger, allocations[rule], allocations, bv, assess(rows, ledger, year, rules),
                       inds, evidence)
