"""The contract simulator page: the scored record (the 100-point scheme from measured outages, or from typed
incidents) under the signed scheme and the shipped alternative clause sets, side by side per carrier, plus
one set whose clauses the form edits (tiers, cap, termination). A GET form: nothing is saved."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from answers import ask
from api import auth
from inventory.errors import ExtranetError
from money.simulator import ClauseSet, parse_clause_set

from ..deps import need, page_user, render

router = APIRouter(include_in_schema=False)

# The form's starting clauses: the shipped line-tier set (money/contract_clauses.yaml, line_tiers_capped)
DEFAULTS = {"t1": "99.9", "c1": "10", "t2": "99.5", "c2": "25", "t3": "99.0", "c3": "50", "cap": "30",
            "term_below": "99.0", "term_months": "3", "points": "1"}
TRIGGER = {"points": "trig_points", "credits": "trig_credits", "cap": "trig_cap", "termination": "trig_termination"}


def _num(value: str, field: str) -> Decimal:
    try:
        d = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        raise ExtranetError(f"{field}: expected a number", code="bad_rules") from None
    if not d.is_finite():
        raise ExtranetError(f"{field}: expected a number", code="bad_rules")
    return d


def custom_set(form: dict[str, str]) -> ClauseSet:
    """The form's clauses as a clause set; a blank tier or cap is left out. Errors name the field."""
    tiers = []
    for n in (1, 2, 3):
        t, c = form.get(f"t{n}", "").strip(), form.get(f"c{n}", "").strip()
        if t or c:
            tiers.append({"below": str(_num(t, f"t{n}")), "credit": str(_num(c, f"c{n}"))})
    raw: dict = {"key": "custom", "name": "自定义条款", "points": form.get("points") == "1", "credits": tiers}
    if form.get("cap", "").strip():
        raw["cap_percent"] = str(_num(form["cap"], "cap"))
    if form.get("term_below", "").strip() or form.get("term_months", "").strip():
        months = _num(form.get("term_months", ""), "term_months")
        if months != months.to_integral():
            raise ExtranetError("term_months: expected a whole number", code="bad_rules")
        raw["termination"] = {"below": str(_num(form.get("term_below", ""), "term_below")), "months": int(months)}
    return parse_clause_set(raw, "form")


@router.get("/contract", response_class=HTMLResponse)
def contract_page(request: Request, year: int | None = Query(None, ge=2000, le=2100),
                  source: str = Query("measured", pattern="^(measured|typed)$"),
                  t1: str = "", c1: str = "", t2: str = "", c2: str = "", t3: str = "", c3: str = "",
                  cap: str = "", term_below: str = "", term_months: str = "", points: str = "",
                  principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "money.read")
    sent = "t1" in request.query_params
    form = {"t1": t1, "c1": c1, "t2": t2, "c2": c2, "t3": t3, "c3": c3, "cap": cap, "term_below": term_below,
            "term_months": term_months, "points": points} if sent else dict(DEFAULTS)
    error = None
    with Session(request.app.state.engine) as s:
        a = ask(s)
        sets = list(a.contract_clauses())
        try:
            sets.append(custom_set(form))
        except ExtranetError as exc:
            error = exc.message
        scored, outcomes = a.contract_simulate(year, source, tuple(sets))
        years = sorted({y for y in a.money(None).rows.years()} | {scored.year})
    carriers = [(c.carrier, c.carrier_name) for c in scored.carriers]
    cells = {(o.clause.key, x.carrier): x for o in outcomes for x in o.carriers}
    return render(request, "contract.html", principal, scored=scored, outcomes=outcomes, carriers=carriers,
                  cells=cells, form=form, error=error, source=source, years=years, trigger=TRIGGER)
