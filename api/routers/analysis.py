"""Analyses: protection classes, single points of failure, N-1 sweeps (and N-2 pairs), failure
scenarios (run, save, list, compare with the saved result) and drift between declared and seen."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

import answers
from inventory import scenarios as stored
from inventory.models import Scenario
from topology.failures import SingleFailure
from topology.net import get_net
from topology.scenario import FailureSpec, ScenarioResult

from ..deps import Body, Ctx, ctx_for
from ..errors import ApiError

router = APIRouter(prefix="/analysis", tags=["analysis"])

_Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f/]+$")]
_Item = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]+$")]


class AccessOut(BaseModel):
    circuit: str
    carrier: str | None
    role: str
    bandwidth_mbps: int
    unit_device: str
    far_device: str
    far_room: str | None


class ProtectionOut(BaseModel):
    unit: str
    name: str
    cls: str
    terminals: int
    primary_room: str | None
    access: list[AccessOut]
    carriers: list[str]
    rooms: list[str]
    paths: list[list[str]]
    path_circuits: list[list[str]]
    path_carriers: list[list[str]]
    devices: list[str]
    shared_risks: list[str]


class ProtectionReport(BaseModel):
    counts: dict[str, dict[str, int]] = Field(description="class -> {units, terminals}")
    units: list[ProtectionOut]
    total: int = Field(description="units matching the filter (the page is `units`)")


class FailureOut(BaseModel):
    kind: str
    element: str
    terminals_lost: int
    units_cut: list[str]
    units_degraded: list[str]
    units_failover: list[str]
    terminals_failover: int


class SweepOut(BaseModel):
    kinds: list[str]
    failures: list[FailureOut]
    total: int = Field(description="failures of the chosen kinds (the page is `failures`, worst first)")
    pairs: list[dict[str, Any]] | None = None


_KINDS = ("links", "devices", "rooms", "srlgs", "carriers")


class FailIn(Body):
    """At least one element to fail."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": [k], "properties": {k: {"minItems": 1}}}
                                                           for k in _KINDS]})

    links: list[_Item] = Field(default_factory=list, max_length=500, examples=[["LT-U001-1"]])
    devices: list[_Item] = Field(default_factory=list, max_length=500)
    rooms: list[_Item] = Field(default_factory=list, max_length=50, examples=[["CITIZEN"]])
    srlgs: list[_Item] = Field(default_factory=list, max_length=100)
    carriers: list[_Item] = Field(default_factory=list, max_length=5, examples=[["unicom"]])


    @model_validator(mode="after")
    def _not_empty(self) -> FailIn:
        if not any(getattr(self, k) for k in _KINDS):
            raise ValueError("name at least one link, device, room, srlg or carrier to fail")
        return self


class ImpactOut(BaseModel):
    unit: str
    name: str
    terminals: int
    via: list[str]


class OverloadOut(BaseModel):
    circuit: str
    carrier: str | None
    bandwidth_mbps: int
    demand_mbps: float
    units: list[str]


class ScenarioOut(BaseModel):
    fail: dict[str, list[str]]
    failed_links: list[str]
    failed_devices: list[str]
    units_cut: list[ImpactOut]
    units_degraded: list[ImpactOut]
    terminals_lost: int
    units_failover: list[ImpactOut]
    terminals_failover: int
    overloaded: list[OverloadOut]
    backup_load: dict[str, float]
    already_down: list[str]
    demand_source: dict[str, int]
    seconds: float


class SaveIn(Body):
    name: _Name
    description: str = Field(default="", max_length=500, pattern=r"^[^\x00]*$")
    fail: FailIn
    replace: bool = False


class SavedOut(BaseModel):
    id: int
    name: str
    description: str
    fail: dict[str, list[str]]
    saved_result: dict[str, Any]
    created_by: str
    created_at: dt.datetime


class CompareOut(BaseModel):
    name: str
    now: ScenarioOut
    saved: dict[str, Any]
    newly_cut: list[str]
    no_longer_cut: list[str]
    terminals_lost_delta: int
    newly_overloaded: list[str]


class DriftItemOut(BaseModel):
    kind: str
    a: str
    z: str
    circuit: str | None
    detail: str


class DriftOut(BaseModel):
    declared: int
    seen: int
    lldp_scope: list[str]
    unverifiable: list[str]
    items: list[DriftItemOut]


def _failure(units: list[str], f: SingleFailure) -> FailureOut:
    return FailureOut(kind=f.kind, element=f.element, terminals_lost=f.terminals_lost,
                      units_cut=[units[i] for i in f.units_cut], units_degraded=[units[i] for i in f.units_degraded],
                      units_failover=[units[i] for i in f.units_failover], terminals_failover=f.terminals_failover)


def _scenario(r: ScenarioResult) -> ScenarioOut:
    data = asdict(r)
    data["fail"] = r.spec.to_dict()
    data.pop("spec")
    return ScenarioOut(**data)


def _saved(row: Scenario) -> SavedOut:
    spec = row.spec or {}
    return SavedOut(id=row.id, name=row.name, description=row.description, fail=spec.get("fail", {}),
                    saved_result=spec.get("saved_result", {}), created_by=row.created_by, created_at=row.created_at)


@router.get("/protection", response_model=ProtectionReport, summary="Protection class of every unit")
def protection(cls: Annotated[Literal["isolated", "single-path", "same-carrier-redundant", "dual-carrier",
                                      "dual-carrier-room-diverse"] | None, Query()] = None,
               limit: Annotated[int | None, Query(ge=1, le=5000, description="page size (default: all)")] = None,
               offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
               ctx: Ctx = Depends(ctx_for("topology.read"))) -> ProtectionReport:
    with ctx.read() as s:
        prot = answers.ask(s).protection()
    counts: dict[str, dict[str, int]] = {}
    for p in prot.values():
        c = counts.setdefault(p.cls, {"units": 0, "terminals": 0})
        c["units"] += 1
        c["terminals"] += p.terminals
    # A province has 1,000+ units: serialise only the page asked for.
    chosen = [p for p in prot.values() if cls is None or p.cls == cls]
    page = chosen[offset:None if limit is None else offset + limit]
    return ProtectionReport(counts=counts, units=[ProtectionOut(**asdict(p)) for p in page], total=len(chosen))


@router.get("/spof", response_model=list[FailureOut], summary="Single points of failure, worst first")
def spofs(limit: Annotated[int, Query(ge=1, le=10000)] = 50,
          ctx: Ctx = Depends(ctx_for("topology.read"))) -> list[FailureOut]:
    with ctx.read() as s:
        a = answers.ask(s)
        g, hits = a.graph(), a.spofs()
    units = get_net(g).units
    return [_failure(units, f) for f in hits[:limit]]


@router.get("/sweep", response_model=SweepOut, summary="N-1 sweep (optionally N-2 link pairs)",
            description="Every single failure of the chosen kinds; with n2=true also the link pairs whose "
                        "impact exceeds their two single failures.")
def sweep(kind: Annotated[list[Literal["link", "device", "unit-device", "srlg", "room", "carrier"]] | None,
                          Query()] = None,
          n2: bool = False,
          limit: Annotated[int | None, Query(ge=1, le=10000, description="page size (default: all)")] = None,
          offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
          ctx: Ctx = Depends(ctx_for("analysis.run"))) -> SweepOut:
    kinds = kind or ["link", "device", "unit-device", "srlg", "room", "carrier"]
    with ctx.read() as s:
        a = answers.ask(s)
        g, singles = a.graph(), a.failures()
        hidden = a.n2() if n2 else None
    units = get_net(g).units
    chosen = sorted((f for f in singles if f.kind in kinds), key=lambda f: (-f.terminals_lost, f.kind, f.element))
    failures = [_failure(units, f) for f in chosen[offset:None if limit is None else offset + limit]]
    pairs = None if hidden is None else [asdict(p) for p in hidden]
    return SweepOut(kinds=list(kinds), failures=failures, pairs=pairs, total=len(chosen))


@router.post("/scenarios/run", response_model=ScenarioOut, summary="Run a failure scenario (nothing is saved)")
def run_scenario(body: FailIn, ctx: Ctx = Depends(ctx_for("analysis.run"))) -> ScenarioOut:
    spec = FailureSpec(**body.model_dump())  # empty = the baseline (units already without the core)
    with ctx.read() as s:
        return _scenario(answers.ask(s).simulate(spec))


@router.get("/scenarios", response_model=list[SavedOut], summary="Saved scenarios")
def list_saved(ctx: Ctx = Depends(ctx_for("topology.read"))) -> list[SavedOut]:
    with ctx.read() as s:
        return [_saved(r) for r in answers.ask(s).saved_scenarios()]


@router.post("/scenarios", response_model=SavedOut, status_code=201, summary="Save a named scenario")
def save(body: SaveIn, ctx: Ctx = Depends(ctx_for("scenario.write"))) -> SavedOut:
    spec = FailureSpec(**body.fail.model_dump())
    with ctx.write() as s:
        row = answers.ask(s).save_scenario(body.name, spec, description=body.description,
                                           actor=ctx.principal.username, replace=body.replace)
        return _saved(row)


def _find(s: Any, name: str) -> Scenario:
    row = stored.find(s, name)
    if row is None:
        known = [r.name for r in stored.list_all(s)]
        raise ApiError(404, "not_found", f"no saved scenario {name!r}; known: {', '.join(known[:15]) or '(none)'}",
                       {"kind": "scenario", "key": name})
    return row


@router.get("/scenarios/{name}", response_model=SavedOut, summary="One saved scenario")
def get_saved(name: str, ctx: Ctx = Depends(ctx_for("topology.read"))) -> SavedOut:
    with ctx.read() as s:
        return _saved(_find(s, name))


@router.get("/scenarios/{name}/compare", response_model=CompareOut,
            summary="Re-run a saved scenario on today's inventory and compare with its saved result")
def compare(name: str, ctx: Ctx = Depends(ctx_for("analysis.run"))) -> CompareOut:
    with ctx.read() as s:
        _find(s, name)
        c = answers.ask(s).rerun(name)
    return CompareOut(name=c.name, now=_scenario(c.now), saved=c.saved, newly_cut=c.newly_cut,
                      no_longer_cut=c.no_longer_cut, terminals_lost_delta=c.terminals_lost_delta,
                      newly_overloaded=c.newly_overloaded)


@router.delete("/scenarios/{name}", status_code=204, response_class=Response, summary="Delete a saved scenario")
def delete_saved(name: str, ctx: Ctx = Depends(ctx_for("scenario.write"))) -> Response:
    with ctx.write() as s:
        s.delete(_find(s, name))
    return Response(status_code=204)


@router.get("/drift", response_model=DriftOut, summary="Declared circuits vs links seen (LLDP, subnets)")
def drift_report(ctx: Ctx = Depends(ctx_for("topology.read"))) -> DriftOut:
    with ctx.read() as s:
        r = answers.ask(s).drift()
    return DriftOut(declared=r.declared, seen=r.seen, lldp_scope=r.lldp_scope, unverifiable=r.unverifiable,
                    items=[DriftItemOut(**asdict(i)) for i in r.items])
