"""The money report as an answer: the bureau's figures for one year under one allocation rule.

The rows and the evidence are read once per data fingerprint (answers/money_rows.py) and shared by
every report computed from them; the graph and its protection classes are this snapshot's own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from money.backup_value import DEFAULT_AVAILABILITY
from money.evidence import Evidence
from money.report import MoneyReport, compute
from money.rows import MoneyRows

from .core import Snapshot
from .money_rows import load_evidence, load_rows


def rows(a: Snapshot) -> MoneyRows:
    """The ledger and the inventory rows it is allocated over, as plain rows."""
    return a._answer("money_rows", (), lambda: load_rows(a.session))


def evidence(a: Snapshot) -> Evidence:
    """Link events, counters and terminal counts tied to circuits."""
    return a._answer("money_evidence", (), lambda: load_evidence(a.session))


def report(a: Snapshot, year: int | None = None, *, rule: str = "circuits", basis: str = "paid",
           availability: Decimal = DEFAULT_AVAILABILITY, rules_path: Path | None = None) -> MoneyReport:
    """``rules_path``: an assessment rule table other than the shipped one (the CLI's --rules)."""
    # today's date is an input: the default year and what counts as overdue move with it; a rule file
    # is known by its name and its modification time, so an edited file is read again
    rules_key = None if rules_path is None else (str(rules_path), _mtime(rules_path))
    return a._answer("money", (dt.date.today(), year, rule, basis, availability, rules_key),
                     lambda: compute(rows(a), a.graph(), evidence(a), year, classes=a.protection(), rule=rule,
                                     basis=basis, rules_path=rules_path, availability=availability))


def _mtime(path: Path) -> int | None:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:  # load_rules says what is wrong with the path
        return None
