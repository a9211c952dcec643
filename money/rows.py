"""Plain, detached copies of the inventory rows the money analyses read.

The analyses never touch a session: the answers layer reads them once (``answers/money_rows.py``),
and tests can build ``MoneyRows`` by hand for the cases the sample does not contain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from inventory.models import CHINA_TZ


@dataclass(frozen=True)
class CarrierRow:
    code: str
    name: str
    role: str  # primary | backup


@dataclass(frozen=True)
class ContractRow:
    code: str
    name: str
    carrier: str
    kind: str  # contract | arrangement
    start: dt.date | None
    end: dt.date | None
    total: Decimal | None
    annual_fee: Decimal | None
    states_quantities: bool
    states_unit_prices: bool
    carries_on_after_expiry: bool
    assessment_scheme: str = ""
    signed_on: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        """A signed deed covering ``day`` (an arrangement with no deed is never 'in force')."""
        if self.kind != "contract" or self.start is None:
            return False
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class BudgetRow:
    year: int
    line: str
    carrier: str | None
    is_total: bool
    before: Decimal
    after: Decimal
    actual: Decimal
    note: str = ""


@dataclass(frozen=True)
class PaymentRow:
    voucher: str
    carrier: str
    contract: str | None
    budget_year: int | None
    budget_line: str | None
    amount: Decimal
    paid_on: dt.date
    service_start: dt.date
    service_end: dt.date
    approval_state: str
    description: str = ""


@dataclass(frozen=True)
class IncidentRow:
    carrier: str
    circuit: str | None
    category: str
    severity: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    description: str = ""
    points_deducted: Decimal | None = None

    @property
    def hours(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() / 3600


@dataclass(frozen=True)
class CircuitRow:
    cid: str
    carrier: str | None
    role: str
    bandwidth_mbps: int
    a_room: str | None
    a_unit: str | None
    a_external: str | None
    z_room: str | None
    z_unit: str | None
    z_external: str | None
    cost: Decimal | None
    install_date: dt.date | None
    end_date: dt.date | None
    status: str = "active"

    @property
    def unit(self) -> str | None:
        """The unit this circuit gives access to (its unit end), if any."""
        return self.a_unit or self.z_unit

    @property
    def rooms(self) -> tuple[str, ...]:
        return tuple(r for r in (self.a_room, self.z_room) if r)

    def in_service(self, year: int) -> bool:
        if self.status == "decommissioned":
            return False
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return (self.install_date is None or self.install_date <= end) and (self.end_date is None
                                                                            or self.end_date >= start)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    terminals: int
    group: str = ""


@dataclass
class MoneyRows:
    carriers: dict[str, CarrierRow] = field(default_factory=dict)
    contracts: list[ContractRow] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    payments: list[PaymentRow] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    circuits: list[CircuitRow] = field(default_factory=list)
    units: dict[str, UnitRow] = field(default_factory=dict)
    core_rooms: list[str] = field(default_factory=list)

    def carrier_name(self, code: str | None) -> str:
        if code is None:
            return "自建"
        row = self.carriers.get(code)
        return row.name if row else code

    def years(self) -> list[int]:
        """Every year the ledger speaks of, paid or served."""
        ys = {b.year for b in self.budget} | {p.paid_on.year for p in self.payments}
        ys |= {p.service_start.year for p in self.payments}
        return sorted(ys)


def measured_availability(rows: MoneyRows, carrier: str, year: int) -> float | None:
    """Percent of the year the carrier's circuits were up, from recorded incidents on its circuits:
    1 − outage hours (clipped to the year, China time) / (circuits in service × hours in the year).
    None when the carrier had no circuit in service that year."""
    n = sum(1 for c in rows.circuits if c.carrier == carrier and c.in_service(year))
    if not n:
        return None
    lo, hi = dt.datetime(year, 1, 1, tzinfo=CHINA_TZ), dt.datetime(year + 1, 1, 1, tzinfo=CHINA_TZ)
    hours = 0.0
    for i in rows.incidents:
        if i.carrier == carrier and i.circuit:
            a, b = max(i.started_at, lo), min(i.ended_at or hi, hi)
            hours += max(0.0, (b - a).total_seconds() / 3600)
    return 100 * (1 - hours / (n * (hi - lo).total_seconds() / 3600))
