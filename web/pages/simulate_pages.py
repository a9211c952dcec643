"""The failure simulator: pick elements (lists or the map), run, see the impact; save and compare
scenarios; the N-1 ranking."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

import answers
from api import auth
from api.deps import Ctx, ctx_for
from topology.scenario import FailureSpec

from ..deps import lang_of, need, page_user, render
from ..mapview import vis_data

router = APIRouter(include_in_schema=False)

_NAMES = Field(default_factory=list, max_length=5000)


class SpecIn(BaseModel):
    links: list[str] = _NAMES
    devices: list[str] = _NAMES
    rooms: list[str] = _NAMES
    srlgs: list[str] = _NAMES
    carriers: list[str] = _NAMES

    def spec(self) -> FailureSpec:
        return FailureSpec(**self.model_dump())


class SaveIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=500)
    fail: SpecIn
    replace: bool = False


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request, principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "analysis.run")
    with Session(request.app.state.engine) as s:
        a = answers.ask(s)
        g, spofs = a.graph(), a.spofs()
        data = vis_data(a.map_level("units"), lang_of(request))
        scenarios = a.saved_scenarios()
    units = g.graph["units"]
    names = {i: code for i, code in enumerate(units)}
    ranking = [{"kind": f.kind, "element": f.element, "terminals": f.terminals_lost,
                "units": [names.get(u, u) for u in f.units_cut], "degraded": len(f.units_degraded)}
               for f in spofs[:40]]
    choices = {
        "rooms": [(c, r["name"]) for c, r in g.graph["rooms"].items()],
        "carriers": [(c, v["name"]) for c, v in g.graph.get("carriers", {}).items()],
        "srlgs": [(s_, s_) for s_ in sorted(g.graph.get("srlgs", {}))],
        "devices": sorted((n.split(":", 1)[1], n.split(":", 1)[1]) for n, k in g.nodes(data="kind")
                          if k == "device" and not g.nodes[n].get("unit")),
        "links": sorted((str(k), str(k)) for _, _, k in g.edges(keys=True)),
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return render(request, "simulate.html", principal, payload=payload, choices=choices, ranking=ranking,
                  scenarios=scenarios, can_save=principal.can("scenario.write"))


def _result(r: Any) -> dict[str, Any]:
    out = dataclasses.asdict(r)
    out["seconds"] = round(r.seconds, 4)
    return out


@router.post("/ui/api/simulate")
def run(body: SpecIn, ctx: Ctx = Depends(ctx_for("analysis.run"))) -> dict[str, Any]:
    with ctx.read() as s:
        return _result(answers.ask(s).simulate(body.spec()))


@router.post("/ui/api/scenarios")
def save(body: SaveIn, ctx: Ctx = Depends(ctx_for("scenario.write"))) -> dict[str, Any]:
    with ctx.write() as s:
        row = answers.ask(s).save_scenario(body.name.strip(), body.fail.spec(), description=body.description,
                                           actor=ctx.principal.username, replace=body.replace)
        return {"name": row.name, "spec": row.spec}


@router.get("/ui/api/scenarios/{name}/compare")
def compare(name: str, ctx: Ctx = Depends(ctx_for("analysis.run"))) -> dict[str, Any]:
    with ctx.read() as s:
        c = answers.ask(s).rerun(name)
        return {"name": c.name, "now": _result(c.now), "saved": c.saved, "newly_cut": c.newly_cut,
                "no_longer_cut": c.no_longer_cut, "terminals_lost_delta": c.terminals_lost_delta,
                "newly_overloaded": c.newly_overloaded}
