"""The money report as an answer: the bureau's figures for one year under one allocation rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from topology.money.backup_value import DEFAULT_AVAILABILITY
from topology.money.report import MoneyReport, money_report

if TYPE_CHECKING:
    from .snapshot import Answers


def report(a: Answers, year: int | None = None, *, rule: str = "circuits", basis: str = "paid",
           availability: Decimal = DEFAULT_AVAILABILITY) -> MoneyReport:
    # today's date is an input: the default year and what counts as overdue move with it
    return a._answer("money", (dt.date.today(), year, rule, basis, availability),
                     lambda: money_report(a.session, year, rule=rule, basis=basis, availability=availability,
                                          graph=a.graph()))
