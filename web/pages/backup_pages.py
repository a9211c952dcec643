"""The backup verdicts page: per backup circuit whether its config arms it, the failovers the record saw,
what it carried, whether it would hold, its share of the fee, and the verdict; the bureau report's files."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from answers import ask
from api import auth
from money.bureau_report import (
    ARMED_LABELS,
    GIB,
    HOLD_LABELS,
    MECHANISM_LABELS,
    MISSING_LABELS,
    VERDICT_COLORS,
    VERDICT_LABELS,
)

from ..deps import need, page_user, render

router = APIRouter(include_in_schema=False)


@router.get("/backup", response_class=HTMLResponse)
def backup_page(request: Request, year: int | None = Query(None, ge=2000, le=2100),
                principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "money.read")
    with Session(request.app.state.engine) as s:
        a = ask(s)
        rows = a.money(None).rows
        years = sorted(rows.years()) or [year or 2022]
        vy = a.backup_verdicts(year or years[-1])
    return render(request, "backup.html", principal, vy=vy, years=years, gib=GIB, verdict_labels=VERDICT_LABELS,
                  armed_labels=ARMED_LABELS, hold_labels=HOLD_LABELS, colors=VERDICT_COLORS,
                  mechanism_labels=MECHANISM_LABELS, missing_labels=MISSING_LABELS)
