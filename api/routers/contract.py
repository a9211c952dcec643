"""The contract over HTTP: the 100-point scheme scored from the record (measured outages and the availability
ledger) or from typed incidents alone, and the simulator that re-scores the same record under alternative
clauses side by side. Reading money: `money.read`, as the money router."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from answers import ask
from money.contract import ContractDeduction, ContractScore
from money.simulator import ClauseError, SetOutcome, parse_clause_sets

from ..deps import Ctx, ctx_for
from ..errors import ApiError

router = APIRouter(prefix="/contract", tags=["contract"])
log = logging.getLogger("extranet.api")

Year = Annotated[int | None, Query(ge=2000, le=2100, description="service year, China time (default: the "
                                                               "latest year every carrier was paid for)")]
Source = Annotated[Literal["measured", "typed"],
                   Query(description="measured: access quality from the record's outages and availability "
                                     "ledger (typed incidents where no measured outage matches); typed: the "
                                     "typed incident rows alone")]


def _n(v: Decimal | float | None) -> float | None:
    return None if v is None else float(v)


class CategoryOut(BaseModel):
    code: str
    name: str
    incidents: int
    raw: float = Field(description="points before the category's cap")
    deducted: float
    cap: float


class DeductionOut(BaseModel):
    category: str
    severity: str = Field(description="minor | major | critical | availability")
    source: str = Field(description="measured | typed | measured+typed (a typed incident matching the outage)")
    circuit: str | None
    started_at: str = Field(description="China time")
    hours: float | None
    points: float
    why: str
    outage: str | None = Field(description="the measured outage's id (GET /sla/outages)")
    evidence: list[str]
    units: int = Field(description="units the outage cut off")
    terminals: int
    incident_ids: list[int]


class CarrierScoreOut(BaseModel):
    carrier: str
    name: str
    score: float
    payable_percent: float
    fee: float | None = Field(description="万元: the contract's annual fee, else what was paid for the year")
    fee_basis: str
    payable: float | None
    paid: float
    availability: float | None = Field(description="percent, the rule table's basis (measured: up/(up+down))")
    categories: list[CategoryOut]
    deductions: list[DeductionOut]


class UncountedOut(BaseModel):
    outage: str
    why: str


class ScoreOut(BaseModel):
    year: int
    source: str
    carriers: list[CarrierScoreOut]
    uncounted: list[UncountedOut] = Field(description="measured outages that are no incident, and why")


def _deduction(d: Any) -> DeductionOut:
    c = d if isinstance(d, ContractDeduction) else None
    return DeductionOut(category=d.category, severity=d.severity, source=c.source if c else "typed",
                        circuit=d.circuit, started_at=d.started_at, hours=d.hours, points=float(d.points), why=d.why,
                        outage=c.outage if c else None, evidence=list(c.evidence) if c else [],
                        units=c.units if c else 0, terminals=c.terminals if c else 0,
                        incident_ids=list(c.incident_ids) if c else [])


def score_out(s: ContractScore) -> ScoreOut:
    return ScoreOut(year=s.year, source=s.source, uncounted=[UncountedOut(outage=o, why=w) for o, w in s.uncounted],
                    carriers=[CarrierScoreOut(
                        carrier=c.carrier, name=c.carrier_name, score=float(c.score),
                        payable_percent=float(c.payable_percent), fee=_n(c.fee), fee_basis=c.fee_basis,
                        payable=_n(c.payable), paid=float(c.paid), availability=c.availability,
                        categories=[CategoryOut(code=k.code, name=k.name, incidents=k.incidents, raw=float(k.raw),
                                                deducted=float(k.deducted), cap=float(k.cap)) for k in c.categories],
                        deductions=[_deduction(d) for d in c.deductions]) for c in s.carriers])


def _refused(exc: Exception) -> ApiError:
    # The request is fine; stored rows (e.g. service dates centuries from the payment) are not.
    log.warning("contract scoring refused the stored ledger: %s", exc)
    return ApiError(409, "ledger_unusable", f"the stored ledger holds values the contract scoring cannot use "
                    f"({exc}); correct the payments/contracts and retry")


def _score(ctx: Ctx, year: int | None, source: str) -> ContractScore:
    with ctx.read() as s:
        try:
            return ask(s).contract_score(year, source)
        except (ValueError, ArithmeticError, OverflowError) as exc:
            raise _refused(exc) from None


@router.get("/score", response_model=ScoreOut, summary="The 100-point assessment scored from the record")
def score(year: Year = None, source: Source = "measured", ctx: Ctx = Depends(ctx_for("money.read"))) -> ScoreOut:
    """Per carrier: deductions per rule (each with its outage and evidence rows), score, payable % and
    amount. Access-quality incidents are the measured outages (severity from hours and units cut off);
    security and O&M incidents stay typed rows; a typed incident matching a measured outage is one incident."""
    return score_out(_score(ctx, year, source))


# -- the simulator ---------------------------------------------------------------------------------------
class TierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    below: float = Field(ge=0, le=100, allow_inf_nan=False, description="monthly availability % under which")
    credit: float = Field(ge=0, le=100, allow_inf_nan=False, description="% of the month's fee withheld")


class TerminationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    below: float = Field(ge=0, le=100, allow_inf_nan=False)
    months: int = Field(ge=1, le=12, description="consecutive months below")


class ClauseSetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    name: str = Field("", max_length=120)
    points: bool = Field(True, description="apply the 100-point scheme's payable %")
    credits: list[TierIn] = Field(default_factory=list, max_length=8)
    cap_percent: float | None = Field(None, ge=0, le=100, allow_inf_nan=False,
                                      description="points' reduction + credits withhold at most this % of the fee")
    termination: TerminationIn | None = None


class SimulateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(None, ge=2000, le=2100)
    source: Literal["measured", "typed"] = "measured"
    clause_sets: list[ClauseSetIn] | None = Field(None, min_length=1, max_length=8,
                                                  description="default: the shipped sets (contract_clauses.yaml)")


class MonthCreditOut(BaseModel):
    month: int
    availability: float
    credit_percent: float
    amount: float | None


class OutcomeOut(BaseModel):
    carrier: str
    name: str
    score: float | None = Field(description="null: the set does not apply the 100 points")
    payable_percent: float | None
    payable: float | None
    fee: float | None
    points_reduction: float | None
    credits: float | None
    credit_months: list[MonthCreditOut]
    capped: bool
    terminated: bool
    termination_months: list[int]
    triggered: list[str] = Field(description="points | credits | cap | termination")


class ClauseOut(BaseModel):
    key: str
    name: str
    points: bool
    credits: list[TierIn]
    cap_percent: float | None
    termination: TerminationIn | None


class SetOut(BaseModel):
    clause: ClauseOut
    carriers: list[OutcomeOut]


class SimulateOut(BaseModel):
    year: int
    source: str
    sets: list[SetOut]


def simulate_out(year: int, source: str, outcomes: list[SetOutcome]) -> SimulateOut:
    sets = []
    for o in outcomes:
        c = o.clause
        clause = ClauseOut(key=c.key, name=c.name, points=c.points, cap_percent=_n(c.cap_percent),
                           credits=[TierIn(below=float(t.below), credit=float(t.credit)) for t in c.credits],
                           termination=None if c.termination is None else TerminationIn(
                               below=float(c.termination.below), months=c.termination.months))
        sets.append(SetOut(clause=clause, carriers=[OutcomeOut(
            carrier=x.carrier, name=x.carrier_name, score=_n(x.score), payable_percent=_n(x.payable_percent),
            payable=_n(x.payable), fee=_n(x.fee), points_reduction=_n(x.points_reduction), credits=_n(x.credits),
            credit_months=[MonthCreditOut(month=m.month, availability=round(m.availability, 6),
                                          credit_percent=float(m.credit_percent), amount=_n(m.amount))
                           for m in x.credit_months],
            capped=x.capped, terminated=x.terminated, termination_months=x.termination_months,
            triggered=x.triggered) for x in o.carriers]))
    return SimulateOut(year=year, source=source, sets=sets)


@router.get("/clauses", response_model=list[ClauseOut], summary="The shipped clause sets of the simulator")
def clauses(ctx: Ctx = Depends(ctx_for("money.read"))) -> list[ClauseOut]:
    with ctx.read() as s:
        sets = ask(s).contract_clauses()
    return [x.clause for x in simulate_out(0, "", [SetOutcome(c) for c in sets]).sets]


@router.post("/simulate", response_model=SimulateOut, summary="Re-score the record under alternative clauses")
def simulate(body: SimulateIn, ctx: Ctx = Depends(ctx_for("money.read"))) -> SimulateOut:
    """Each clause set side by side, per carrier: score (when it applies the 100 points), payable % and amount,
    the month credits of its availability tiers, whether its cap bound and its termination threshold was
    reached. Nothing is saved."""
    sets = None
    if body.clause_sets is not None:
        raw = [c.model_dump(exclude_none=True) for c in body.clause_sets]
        try:
            sets = tuple(parse_clause_sets(raw, "body"))
        except ClauseError as exc:
            raise ApiError(422, "validation_error", exc.message,
                           [{"field": f"body.{exc.field}", "message": exc.message,
                             "type": "value_error"}]) from None
    with ctx.read() as s:
        try:
            scored, outcomes = ask(s).contract_simulate(body.year, body.source, sets)
        except (ValueError, ArithmeticError, OverflowError) as exc:
            raise _refused(exc) from None
    return simulate_out(scored.year, scored.source, outcomes)
