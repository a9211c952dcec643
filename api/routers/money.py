"""Money over HTTP: the ledger (cash and accrual views with anomalies), cost per unit under each
allocation rule, what the backup carrier's fee buys, the 100-point assessment and the performance
indicators. Every answer is a list of sheets, the same tables the CLI prints and the workbook holds."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from answers import ask
from money import tables as T
from money.allocation import RULES
from money.report import MoneyReport

from ..deps import Ctx, ctx_for
from ..errors import ApiError

router = APIRouter(prefix="/money", tags=["money"])
log = logging.getLogger("extranet.api")

Year = Annotated[int | None, Query(ge=2000, le=2100, description="service year (default: the latest paid)")]
Rule = Annotated[Literal[tuple(RULES)], Query(description="allocation rule")]  # type: ignore[valid-type]
Basis = Annotated[Literal["paid", "contract"], Query(description="fees to allocate")]


class ColumnOut(BaseModel):
    header: str
    kind: str


class SheetOut(BaseModel):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[list[Any]]
    note: str


class MoneyOut(BaseModel):
    year: int
    sheets: list[SheetOut]
    extra: dict[str, Any] = Field(default_factory=dict)


def _cell(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v) if v != v.to_integral() else int(v)
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    return v


def _sheet(sheet: T.Sheet) -> SheetOut:
    return SheetOut(key=sheet.key, title=sheet.title, columns=[ColumnOut(header=c.header, kind=c.kind)
                                                               for c in sheet.columns],
                    rows=[[_cell(v) for v in row] for row in sheet.rows], note=sheet.note)


def report(ctx: Ctx, year: int | None, *, rule: str = "circuits", basis: str = "paid",
           availability: Decimal = Decimal("99.9")) -> MoneyReport:
    with ctx.read() as s:
        a = ask(s)
        a.graph()  # a graph that cannot be built is not the ledger's fault: let it surface as itself
        try:
            r = a.money(year, rule=rule, basis=basis, availability=availability)
        except (ValueError, ArithmeticError, OverflowError) as exc:
            # The request is fine; stored rows (e.g. service dates centuries from the payment) are not.
            log.warning("money analysis refused the stored ledger: %s", exc)
            raise ApiError(409, "ledger_unusable", f"the stored ledger holds values the money analysis cannot use "
                           f"({exc}); correct the payments/contracts and retry") from None
    if not r.rows.payments and not r.rows.budget:
        raise ApiError(409, "no_data", "the ledger is empty: import contracts, budget lines and payments first")
    return r


def _out(r: MoneyReport, sheets: list[T.Sheet], **extra: Any) -> MoneyOut:
    return MoneyOut(year=r.year, sheets=[_sheet(s) for s in sheets], extra=extra)


@router.get("/ledger", response_model=MoneyOut, summary="Ledger: cash and accrual views, anomalies flagged")
def ledger(year: Year = None, ctx: Ctx = Depends(ctx_for("money.read"))) -> MoneyOut:
    r = report(ctx, None)
    return _out(r, [T.ledger_cash(r, year), T.ledger_accrual(r), T.anomalies(r, year)])


@router.get("/units", response_model=MoneyOut, summary="Cost per unit and per terminal")
def unit_costs(year: Year = None, rule: Rule = "circuits", basis: Basis = "paid",
               ctx: Ctx = Depends(ctx_for("money.read"))) -> MoneyOut:
    r = report(ctx, year, rule=rule, basis=basis)
    return _out(r, [T.cost_summary(r), T.cost_roles(r), T.unit_costs(r), T.rule_comparison(r)])


@router.get("/backup", response_model=MoneyOut, summary="What the backup carrier's fee buys (value, verdict)")
def backup(year: Year = None,
           availability: Annotated[float, Query(gt=0, le=100, allow_inf_nan=False,
                                                description="assumed availability % when nothing is measured")]
           = 99.9,
           ctx: Ctx = Depends(ctx_for("money.read"))) -> MoneyOut:
    r = report(ctx, year, availability=Decimal(repr(availability)))
    p = r.backup.protection
    verdicts = [{"year": y.year, "verdict_code": y.verdict_code, "verdict": y.verdict} for y in r.backup.years]
    return _out(r, [T.backup_years(r), T.protected_units(r), T.failover_events(r), T.backup_usage(r)],
                verdicts=verdicts, protected_units=len(p.units), protected_terminals=p.terminals,
                cut_units=len(p.cut), cut_terminals=p.cut_terminals, dead_end_backups=list(p.dead_end))


@router.get("/assessment", response_model=MoneyOut, summary="The contract's 100-point assessment per carrier")
def assessment(year: Year = None, ctx: Ctx = Depends(ctx_for("money.read"))) -> MoneyOut:
    r = report(ctx, year)
    return _out(r, [T.assessment(r), T.deductions(r), T.assessment_fees(r)])


@router.get("/indicators", response_model=MoneyOut, summary="Quantity, quality, timeliness and cost indicators")
def indicators(year: Year = None, rule: Rule = "circuits", basis: Basis = "paid",
               ctx: Ctx = Depends(ctx_for("money.read"))) -> MoneyOut:
    r = report(ctx, year, rule=rule, basis=basis)
    return _out(r, [T.indicators(r)])
