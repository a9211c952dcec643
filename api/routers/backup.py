"""The backup circuits judged over HTTP: a verdict per circuit with its evidence, and the bureau's one-page
report 电信备份线路服务评估 as PDF or XLSX."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from answers import ask
from inventory.errors import ExtranetError
from money.bureau_report import ARMED_LABELS, HOLD_LABELS, MECHANISM_LABELS, MISSING_LABELS, VERDICT_LABELS
from money.verdicts import BackupVerdict, VerdictsYear

from ..deps import Ctx, ctx_for
from ..errors import ApiError

router = APIRouter(prefix="/backup", tags=["backup"])

Year = Annotated[int, Query(ge=2000, le=2100, description="service year, China time")]
MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class FailoverOut(BaseModel):
    outage_id: str
    start: dt.datetime
    end: dt.datetime | None
    seconds: float
    takeover_s: float | None = Field(description="primary down → traffic seen on the backup; None: not measured")
    carried_octets: int


class ArmedOut(BaseModel):
    state: str
    state_zh: str
    device: str | None
    config_id: int | None
    collected_at: dt.datetime | None
    mechanisms: list[str] = Field(description="codes: " + ", ".join(MECHANISM_LABELS))
    mechanisms_zh: list[str]
    lines: list[str] = Field(description="the config lines behind the finding, masked, with their router")
    missing: list[str] = Field(description="codes: " + ", ".join(MISSING_LABELS))
    missing_zh: list[str]


class VerdictOut(BaseModel):
    cid: str
    carrier: str
    unit: str | None
    unit_name: str | None
    primary: list[str]
    bandwidth_mbps: int
    armed: ArmedOut
    failovers: list[FailoverOut]
    failover_seconds: float
    carried_octets: int = Field(description="on the backup while its primary was down")
    year_octets: int
    demand_mbps: float | None = Field(description="the primary's busiest hour: what an outage sends here")
    would_hold: str
    would_hold_zh: str
    headroom: float | None
    fee_wan: Decimal | None
    protected_units: int
    protected_terminals: int
    per_unit_wan: Decimal | None
    per_terminal_yuan: Decimal | None
    verdict: str
    verdict_zh: str
    verdict_en: str
    evidence: list[str]


class VerdictsOut(BaseModel):
    year: int
    carrier: str
    carrier_name: str
    circuits: int
    by_verdict: dict[str, int]
    fee_wan: Decimal | None
    protected_units: int
    protected_terminals: int
    failovers: int
    failover_seconds: float
    carried_octets: int
    per_unit_wan: Decimal | None
    per_terminal_yuan: Decimal | None
    verdicts: list[VerdictOut]
    labels: dict[str, str] = Field(description="verdict code → 中文 / English")


def _verdicts(ctx: Ctx, year: int) -> VerdictsYear:
    with ctx.read() as s:
        try:
            return ask(s).backup_verdicts(year)
        except ExtranetError as exc:
            raise ApiError(409, exc.code, str(exc)) from exc


def _one(v: BackupVerdict) -> VerdictOut:
    a = v.armed
    return VerdictOut(
        cid=v.cid, carrier=v.carrier, unit=v.unit, unit_name=v.unit_name, primary=list(v.primary),
        bandwidth_mbps=v.bandwidth_mbps,
        armed=ArmedOut(state=a.state, state_zh=ARMED_LABELS[a.state][0], device=a.device, config_id=a.config_id,
                       collected_at=a.collected_at, mechanisms=list(a.mechanisms),
                       mechanisms_zh=[MECHANISM_LABELS[m][0] for m in a.mechanisms], lines=list(a.lines),
                       missing=list(a.missing), missing_zh=[MISSING_LABELS[m][0] for m in a.missing]),
        failovers=[FailoverOut(outage_id=f.outage_id, start=f.start, end=f.end, seconds=f.seconds,
                               takeover_s=f.takeover_s, carried_octets=f.carried_octets) for f in v.failovers],
        failover_seconds=v.failover_seconds, carried_octets=v.carried_octets, year_octets=v.year_octets,
        demand_mbps=v.demand_mbps, would_hold=v.would_hold, would_hold_zh=HOLD_LABELS[v.would_hold][0],
        headroom=v.headroom, fee_wan=v.fee_wan, protected_units=v.protected_units,
        protected_terminals=v.protected_terminals, per_unit_wan=v.per_unit_wan, per_terminal_yuan=v.per_terminal_yuan,
        verdict=v.verdict, verdict_zh=VERDICT_LABELS[v.verdict][0], verdict_en=VERDICT_LABELS[v.verdict][1],
        evidence=list(v.evidence))


@router.get("/verdicts", response_model=VerdictsOut, summary="A verdict per backup circuit, with its evidence")
def verdicts(year: Year, ctx: Ctx = Depends(ctx_for("money.read"))) -> VerdictsOut:
    """Per backup-carrier circuit in service that year: armed (its router's config), exercised (failovers
    the record saw), carried (bytes while the primary was down), would hold (bandwidth against the
    primary's busiest hour), its share of the fee per protected unit and terminal, and the verdict."""
    vy = _verdicts(ctx, year)
    t = vy.totals
    return VerdictsOut(year=vy.year, carrier=vy.carrier, carrier_name=vy.carrier_name, circuits=t.circuits,
                       by_verdict=t.by_verdict, fee_wan=t.fee_wan, protected_units=t.protected_units,
                       protected_terminals=t.protected_terminals, failovers=t.failovers,
                       failover_seconds=t.failover_seconds, carried_octets=t.carried_octets,
                       per_unit_wan=t.per_unit_wan, per_terminal_yuan=t.per_terminal_yuan,
                       verdicts=[_one(v) for v in vy.verdicts],
                       labels={k: f"{zh} / {en}" for k, (zh, en) in VERDICT_LABELS.items()})


@router.get("/report", response_class=Response, summary="电信备份线路服务评估: the bureau's one-page report",
            responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def report(year: Year, format: Literal["pdf", "xlsx"] = "pdf",
           ctx: Ctx = Depends(ctx_for("money.read"))) -> Response:
    with ctx.read() as s:
        try:
            data = ask(s).bureau_report(year, format)
        except ExtranetError as exc:
            raise ApiError(409, exc.code, str(exc)) from exc
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="backup-assessment-{year}.{format}"'})
