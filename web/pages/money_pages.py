"""The money dashboard: the ledger (cash / accrual) with anomalies, per-unit cost, what the Telecom
fee buys, the carrier assessment and the indicators — the same tables as the CLI and the workbook
(money.tables), with charts where a chart reads better."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from answers import ask
from api import auth
from money import tables
from money.allocation import RULES
from money.report import MoneyReport

from ..deps import need, page_user, render

router = APIRouter(include_in_schema=False)


def load_report(session: Session, year: int | None, rule: str) -> MoneyReport:
    return ask(session).money(year, rule=rule)


@router.get("/money", response_class=HTMLResponse)
def money_page(request: Request, view: str = Query("cash", pattern="^(cash|accrual)$"), year: int | None = None,
               rule: str = Query("circuits", pattern="^[a-z]{1,20}$"),
               principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "money.read")
    with Session(request.app.state.engine) as s:
        r = load_report(s, year, rule)
    carriers = sorted(r.rows.carriers, key=lambda c: (r.rows.carriers[c].role != "primary", c))
    names = {c: r.rows.carrier_name(c) for c in carriers}
    ledger = tables.ledger_cash(r) if view == "cash" else tables.ledger_accrual(r)
    marks = [_row_anomalies(r, view, row, names) for row in ledger.rows]
    unit_sheet = tables.unit_costs(r)
    sheets = {"summary": tables.cost_summary(r), "units": unit_sheet, "backup": tables.backup_years(r),
              "protected": tables.protected_units(r), "events": tables.failover_events(r),
              "assessment": tables.assessment(r), "fees": tables.assessment_fees(r),
              "deductions": tables.deductions(r), "indicators": tables.indicators(r)}
    years = sorted({a.service_year for a in r.ledger.accrual} | {c.year for c in r.ledger.cash})
    cash = r.ledger.cash_by_year_carrier()
    accrual = r.ledger.accrual_by_carrier_year()
    charts = {
        "years": years,
        "carriers": [names[c] for c in carriers],
        "cash": [[_f(cash.get((y, c))) for y in years] for c in carriers],
        "accrual": [[_f(accrual.get((c, y))) for y in years] for c in carriers],
        "units": {"labels": [u.name for u in sorted(r.allocation.units, key=lambda u: -u.total)[:20]],
                  "values": [_f(u.total) for u in sorted(r.allocation.units, key=lambda u: -u.total)[:20]]},
        "backup": {"labels": [y.year for y in r.backup.years], "fee": [_f(y.fee) for y in r.backup.years],
                   "protected": [y.protected_units for y in r.backup.years],
                   "failovers": [y.failovers for y in r.backup.years]},
    }
    return render(request, "money.html", principal, r=r, view=view, ledger=ledger, marks=marks, sheets=sheets,
                  text=tables.text, anomalies=tables.anomalies(r), rules=RULES, rule=rule, years=years,
                  charts=json.dumps(charts, ensure_ascii=False).replace("</", "<\\/"))


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _row_anomalies(r: Any, view: str, row: list[Any], names: dict[str, str]) -> str:
    """The titles of the ledger anomalies that concern one ledger row ("" = none)."""
    hits = []
    for a in r.ledger.anomalies:
        name = names.get(a.carrier, "") if a.carrier else "合计"
        if view == "cash":
            ok = a.year == row[0] and name == row[2]
        else:  # accrual rows: service year, carrier, amount, paid in, vouchers, contract fee
            ok = name == row[1] and ((a.subject and a.subject in str(row[4])) or
                                     (a.year == row[0] and a.code in ("unpaid_service_year", "no_contract_in_force")))
        if ok and a.title not in hits:
            hits.append(a.title)
    return "、".join(hits)
