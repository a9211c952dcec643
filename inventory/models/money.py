"""Contracts, budget lines, payments and incidents: the money trail the evaluation examined."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from . import rules
from .base import Money


class Contract(SQLModel, table=True):
    __tablename__ = "contract"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    carrier_id: int = Field(foreign_key="carrier.id", index=True)
    kind: str = Field(default="contract", max_length=16, description="contract | arrangement (no signed deed)")
    signed_on: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    total: Decimal | None = Field(default=None, sa_column=Column(Money()))
    annual_fee: Decimal | None = Field(default=None, sa_column=Column(Money()))
    procurement: str = Field(default="", max_length=200, description="how it was procured")
    tender_engaged_on: dt.date | None = None
    bids_opened_on: dt.date | None = None
    payment_terms: str = Field(default="", max_length=200)
    assessment_scheme: str = Field(default="", max_length=64, description="e.g. 100-point")
    states_quantities: bool = Field(default=False)
    states_unit_prices: bool = Field(default=False)
    carries_on_after_expiry: bool = Field(default=False, description="terms continue until a new deed")
    notes: str = Field(default="", max_length=1000)

    _codes = rules.codes("code")
    _names = rules.identifiers("name")


class BudgetLine(SQLModel, table=True):
    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("year", "line"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    line: str = Field(max_length=120, description="e.g. 1.1 联通电子政务外网网络接入服务项目")
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id")
    is_total: bool = Field(default=False)
    before_adjustment: Decimal = Field(sa_column=Column(Money(), nullable=False))
    after_adjustment: Decimal = Field(sa_column=Column(Money(), nullable=False))
    actual: Decimal = Field(sa_column=Column(Money(), nullable=False))
    note: str = Field(default="", max_length=500)

    _names = rules.identifiers("line")


class Payment(SQLModel, table=True):
    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    voucher: str = Field(unique=True, max_length=64)
    carrier_id: int = Field(foreign_key="carrier.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id")
    budget_line_id: int | None = Field(default=None, foreign_key="budget_line.id")
    amount: Decimal = Field(sa_column=Column(Money(), nullable=False))
    paid_on: dt.date
    service_start: dt.date
    service_end: dt.date
    approval_state: str = Field(default="complete", max_length=16)
    description: str = Field(default="", max_length=500)

    _codes = rules.codes("voucher")


class Incident(SQLModel, table=True):
    """A carrier incident, the input to the contract's 100-point assessment."""

    __tablename__ = "incident"

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id", index=True)
    circuit_id: int | None = Field(default=None, foreign_key="circuit.id")
    category: str = Field(max_length=32, description="access_quality | security | operations")
    severity: str = Field(default="minor", max_length=16, description="minor | major | critical")
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    description: str = Field(default="", max_length=500)
    points_deducted: Decimal | None = Field(
        default=None, sa_column=Column(Money()), description="override of the rule table, if set"
    )
