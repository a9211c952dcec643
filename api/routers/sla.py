"""The SLA ledger over HTTP: availability per circuit, carrier, unit and room (China-time months), the
intervals behind a circuit's figures with the source that decided each, and the year's outages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from answers import ask
from answers.sla import SlaAnswer
from inventory.errors import ExtranetError
from inventory.models import PlannedMaintenance
from inventory.record import maintenance as planned
from money.outages import Outage
from money.sla import SOURCE_ZH, STATE_ZH, Seconds, year_bounds

from ..deps import Ctx, ctx_for
from ..errors import ApiError

router = APIRouter(prefix="/sla", tags=["sla"])

Year = Annotated[int, Query(ge=2000, le=2100, description="service year, China time (1 Jan 00:00 +08:00 onwards)")]
By = Annotated[Literal["circuit", "carrier", "unit", "room"],
               Query(description="ledger lines: per circuit, carrier (circuit-seconds summed), unit (end to end: "
                                 "up while its primary or its backup is up) or room (circuits ending there)")]
Month = Annotated[int | None, Query(ge=1, le=12, description="one China-time month (default: the whole year)")]
KIND_ZH = {"circuit": "线路", "carrier": "运营商", "unit": "接入单位", "room": "节点机房"}
LABELS = {"up_s": "正常(秒) up", "down_s": "中断(秒) down", "maintenance_s": "维护(秒) maintenance",
          "unmeasured_s": "未测量(秒) unmeasured — never counted as up",
          "availability": "可用率% = 正常 / (时段 − 维护)",
          "measured_availability": "实测可用率% = 正常 / (正常 + 中断)",
          **{f"state.{k}": v for k, v in STATE_ZH.items()}, **{f"source.{k}": v for k, v in SOURCE_ZH.items()}}


class FiguresOut(BaseModel):
    up_s: float
    down_s: float
    maintenance_s: float
    unmeasured_s: float
    disputed_s: float = Field(description="seconds where a lower-precedence source said the other state")
    availability: float | None = Field(description="percent; unmeasured time counts against, maintenance is out")
    measured_availability: float | None
    by_source: dict[str, float] = Field(description="seconds decided by each source (probe > snmp > syslog > "
                                                    "log_buffer)")


class LineOut(BaseModel):
    key: str
    name: str
    members: list[str] = Field(description="the circuits behind the line")
    assumed: list[str] = Field(default_factory=list, description="a unit: the backbone circuits on its way to "
                               "the core that no source measured this year, taken as present")
    figures: FiguresOut
    months: list[FiguresOut] | None = Field(None, description="January … December, when no month was asked")


class LedgerOut(BaseModel):
    year: int
    by: str
    by_zh: str
    month: int | None
    lines: list[LineOut]
    labels: dict[str, str]


class IntervalOut(BaseModel):
    start: dt.datetime
    end: dt.datetime
    state: str
    state_zh: str
    source: str | None = Field(description="who decided the stretch; null when unmeasured")
    refs: list[str] = Field(description="evidence rows: lsi:ID link_state_interval, probe:ID probe_result")
    disputed: bool


class IntervalsOut(BaseModel):
    year: int
    circuit: str
    intervals: list[IntervalOut]


class UnitImpactOut(BaseModel):
    unit: str
    name: str
    terminals: int
    cut_s: float
    backup: str | None
    backup_ready: bool | None
    backup_up_s: float
    carried_octets: int
    takeover_s: float | None
    takeover_resolution_s: float | None


class OutageOut(BaseModel):
    id: str
    start: dt.datetime
    end: dt.datetime | None
    duration_s: float | None
    failed_kind: str = Field(description="circuit | device | carrier (a typed incident naming no circuit)")
    failed: str
    cause: str
    circuits: list[str]
    carriers: list[str]
    units: list[UnitImpactOut]
    terminals: int = Field(description="declared terminals of the units it cut off")
    evidence: list[str]
    sources: list[str]
    typed: bool = Field(description="an Incident row records it")
    measured: bool = Field(description="the record shows it")
    incident_ids: list[int]


class OutagesOut(BaseModel):
    year: int
    outages: list[OutageOut]


def _figures(s: Seconds) -> FiguresOut:
    return FiguresOut(up_s=s.up, down_s=s.down, maintenance_s=s.maintenance, unmeasured_s=s.unmeasured,
                      disputed_s=s.disputed, availability=_pct(s.availability),
                      measured_availability=_pct(s.measured_availability),
                      by_source={k: round(v, 3) for k, v in sorted(s.by_source.items())})


def _pct(v: float | None) -> float | None:
    return None if v is None else round(v, 6)


def _answer(ctx: Ctx, year: int) -> SlaAnswer:
    with ctx.read() as s:
        ans = ask(s).sla_ledger(year)
    if not ans.ledger.circuits:
        raise ApiError(409, "no_data", f"no circuit was in service in {year}")
    return ans


@router.get("/ledger", response_model=LedgerOut, summary="Availability ledger: up, down, maintenance, unmeasured")
def ledger(year: Year, by: By = "circuit", month: Month = None,
           ctx: Ctx = Depends(ctx_for("money.read"))) -> LedgerOut:
    """Seconds up, down, in maintenance and unmeasured per line and China-time month. Unmeasured (no source
    measured) is never counted as up; each stretch is decided by the strongest source that measured it."""
    ans = _answer(ctx, year)
    names = ans.rows.names.get(by, {})
    lines = []
    for key, row in ans.ledger.by(by).items():
        figures = row.months[month] if month else row.year
        lines.append(LineOut(key=key, name=names.get(key, key), members=list(row.members),
                             assumed=list(row.assumed), figures=_figures(figures),
                             months=None if month else [_figures(row.months[m]) for m in range(1, 13)]))
    return LedgerOut(year=year, by=by, by_zh=KIND_ZH[by], month=month, lines=lines, labels=LABELS)


@router.get("/circuits/{cid}/intervals", response_model=IntervalsOut,
            summary="A circuit's ledger intervals, each with the source that decided it")
def intervals(cid: Annotated[str, Path(max_length=64)], year: Year,
              ctx: Ctx = Depends(ctx_for("money.read"))) -> IntervalsOut:
    ans = _answer(ctx, year)
    row = ans.ledger.circuits.get(cid)
    if row is None:
        raise ApiError(404, "not_found", f"circuit {cid!r} was not in service in {year}")
    return IntervalsOut(year=year, circuit=cid, intervals=[
        IntervalOut(start=iv.start, end=iv.end, state=iv.state, state_zh=STATE_ZH[iv.state], source=iv.source,
                    refs=list(iv.refs), disputed=iv.disputed) for iv in row.intervals])


@router.get("/outages", response_model=OutagesOut, summary="The year's outages as objects, measured and typed")
def outages(year: Year, ctx: Ctx = Depends(ctx_for("money.read"))) -> OutagesOut:
    """Each outage: what failed (a circuit, or a device that rebooted or lost all its circuits together),
    the units and terminals it affected, whether the backup took over and how fast, and its evidence rows.
    Typed incidents stay, marked `typed`; one the record does not show is `measured: false`."""
    with ctx.read() as s:
        a = ask(s)
        out = a.sla_outages(year)
        names = a.sla_ledger(year).rows.names.get("unit", {})
    return OutagesOut(year=year, outages=[_outage(o, names) for o in out])


def _outage(o: Outage, names: dict[str, str]) -> OutageOut:
    return OutageOut(
        id=o.id, start=o.start, end=o.end, duration_s=o.duration_s, failed_kind=o.failed_kind, failed=o.failed,
        cause=o.cause, circuits=list(o.circuits), carriers=list(o.carriers), terminals=o.terminals,
        units=[UnitImpactOut(unit=u.unit, name=names.get(u.unit, u.unit), terminals=u.terminals, cut_s=u.cut_s,
                             backup=u.backup, backup_ready=u.backup_ready, backup_up_s=u.backup_up_s,
                             carried_octets=u.carried_octets, takeover_s=u.takeover_s,
                             takeover_resolution_s=u.takeover_resolution_s) for u in o.units],
        evidence=list(o.evidence), sources=list(o.sources), typed=o.typed, measured=o.measured,
        incident_ids=list(o.incident_ids))


# -- planned maintenance windows: down time inside one is maintenance in the ledger -----------------------
class MaintenanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: dt.datetime = Field(description="with its offset, e.g. 2022-03-05T01:00:00+08:00")
    ends_at: dt.datetime
    circuit: str | None = Field(None, max_length=64, description="one circuit's cid; or a carrier; neither: all")
    carrier: str | None = Field(None, max_length=32, description="every circuit of this carrier's code")
    note: str = Field("", max_length=200, description="the notice: 运营商维护通知 …")


class MaintenanceOut(BaseModel):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    circuit: str | None
    carrier: str | None
    note: str
    created_by: str | None


def _window(w, cid: str | None, code: str | None) -> MaintenanceOut:
    return MaintenanceOut(id=w.id, starts_at=w.starts_at, ends_at=w.ends_at, circuit=cid, carrier=code,
                          note=w.note, created_by=w.created_by)


@router.get("/maintenance", response_model=list[MaintenanceOut], summary="The year's planned maintenance windows")
def maintenance_list(year: Year, ctx: Ctx = Depends(ctx_for("money.read"))) -> list[MaintenanceOut]:
    lo, hi = year_bounds(year)
    with ctx.read() as s:
        return [_window(*row) for row in planned.windows(s, lo, hi)]


@router.post("/maintenance", response_model=MaintenanceOut, status_code=201,
             summary="Enter a planned maintenance window (a carrier's notice)")
def maintenance_add(body: MaintenanceIn, ctx: Ctx = Depends(ctx_for("inventory.import"))) -> MaintenanceOut:
    with ctx.write() as s:
        try:
            w = planned.add_window(s, starts_at=body.starts_at, ends_at=body.ends_at, circuit=body.circuit,
                                   carrier=body.carrier, note=body.note, actor=ctx.principal.username)
        except ExtranetError as exc:
            raise ApiError(404 if exc.code == "not_found" else 422, exc.code, str(exc)) from exc
        return _window(w, body.circuit, body.carrier)


@router.delete("/maintenance/{wid}", status_code=204, response_class=Response, summary="Withdraw a window")
def maintenance_delete(wid: Annotated[int, Path(ge=1, le=2**31 - 1)],
                       ctx: Ctx = Depends(ctx_for("inventory.import"))) -> Response:
    with ctx.write() as s:
        row = s.get(PlannedMaintenance, wid)
        if row is None:
            raise ApiError(404, "not_found", f"no maintenance window {wid}", {"kind": "maintenance", "key": wid})
        s.delete(row)
    return Response(status_code=204)
