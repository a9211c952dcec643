"""The map page (three levels, positions from the server), its side panel data and saved layouts."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlmodel import Session, delete, select

from answers import ask
from api import auth
from api.deps import Ctx, ctx_for
from api.errors import ApiError
from inventory.models import MapPosition, utcnow
from topology.layout import LEVELS

from ..deps import lang_of, need, page_user, render
from ..mapview import CARRIER_COLOURS, CLASS_COLOURS, vis_data

router = APIRouter(include_in_schema=False)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, level: str = Query("units"), physics: int = Query(0, ge=0, le=1),
             principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "topology.read")
    if level not in LEVELS:
        level = "units"
    with Session(request.app.state.engine) as s:
        data = vis_data(ask(s).map_level(level), lang_of(request))
    # Embedded in the page (no second round trip before the first draw); "</" cannot end the script.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return render(request, "map.html", principal, level=level, levels=LEVELS, payload=payload, physics=physics,
                  class_colours=CLASS_COLOURS, carrier_colours=CARRIER_COLOURS, can_save=principal.can("map.write"),
                  counts={"nodes": len(data["nodes"]), "edges": len(data["edges"])})


@router.get("/ui/api/map/{level}")
def map_json(level: str, request: Request, ctx: Ctx = Depends(ctx_for("topology.read"))) -> dict[str, Any]:
    if level not in LEVELS:
        raise ApiError(422, "validation_error", f"unknown level {level!r}; expected one of {', '.join(LEVELS)}",
                       {"field": "level"})
    with ctx.read() as s:
        return vis_data(ask(s).map_level(level), lang_of(request))


@router.get("/ui/api/node")
def node_info(id: str, ctx: Ctx = Depends(ctx_for("topology.read"))) -> dict[str, Any]:
    """What the side panel shows for a clicked node."""
    with ctx.read() as s:
        a = ask(s)
        g, protection, spofs = a.graph(), a.protection(), a.spofs()
    kind, _, name = id.partition(":")
    if kind == "unit" and name in g.graph["units"]:
        p = protection[name]
        return {"kind": "unit", "code": name, "name": p.name, "cls": p.cls, "terminals": p.terminals,
                "primary_room": p.primary_room, "carriers": p.carriers, "rooms": p.rooms,
                "access": [acc.__dict__ for acc in p.access], "shared_risks": p.shared_risks, "href": f"/units/{name}"}
    if kind == "room" and name in g.graph["rooms"]:
        r = g.graph["rooms"][name]
        homed = [c for c, p in protection.items() if p.primary_room == name]
        hit = next((f for f in spofs if f.kind == "room" and f.element == name), None)
        return {"kind": "room", "code": name, "name": r["name"], "is_core": r["is_core"],
                "devices": [n.split(":", 1)[1] for n in r["devices"]], "units": len(homed),
                "terminals": sum(protection[c].terminals for c in homed),
                "spof_terminals": hit.terminals_lost if hit else 0, "href": f"/rooms#{name}"}
    if id in g:
        data = g.nodes[id]
        hit = next((f for f in spofs if f.kind in ("device", "unit-device") and f.element == name), None)
        edges = [{"circuit": k, "carrier": e.get("carrier"), "role": e.get("role"), "to": (v if u == id else u)}
                 for u, v, k, e in g.edges(id, keys=True, data=True)]
        return {"kind": data.get("kind"), "code": name, "name": data.get("hostname") or data.get("name") or name,
                "role": data.get("role"), "platform": data.get("platform"), "room": data.get("room"),
                "unit": data.get("unit"), "terminals": data.get("terminals"), "edges": edges,
                "spof_terminals": hit.terminals_lost if hit else 0,
                "href": f"/devices/{name}" if data.get("kind") == "device" else None}
    raise ApiError(404, "not_found", f"no map node {id!r}")


class PositionsIn(BaseModel):
    level: str = Field(pattern="^(rooms|units|devices)$")
    positions: dict[str, tuple[float, float]] = Field(max_length=20000)


def position_limit(session: Session, level: str) -> int:
    """How many positions one save of `level` may hold: its nodes, plus a margin for nodes removed since
    the page was drawn (the page sends every node it shows)."""
    nodes = len(ask(session).map_level(level).nodes)
    return nodes + max(50, nodes // 10)


@router.post("/ui/api/map/positions")
def save_positions(body: PositionsIn, ctx: Ctx = Depends(ctx_for("map.write"))) -> dict[str, int]:
    """Store the dragged positions of one level (they override the computed layout for everyone)."""
    with ctx.read() as s:
        limit = position_limit(s, body.level)  # checked before the write: a flood never holds the writer
    if len(body.positions) > limit:
        raise ApiError(413, "too_many_positions", f"{len(body.positions)} positions in one save; the {body.level} "
                       f"map has room for at most {limit}", {"field": "body.positions", "limit": limit,
                                                                  "got": len(body.positions)})
    for key, (x, y) in body.positions.items():
        if len(key) > 100 or not all(abs(v) < 1e7 for v in (x, y)):
            raise ApiError(422, "validation_error", f"bad position for {key[:100]!r}", {"field": "positions"})
    with ctx.write() as s:
        existing = {r.node_key: r for r in s.exec(select(MapPosition).where(MapPosition.level == body.level))}
        for key, (x, y) in body.positions.items():
            row = existing.get(key) or MapPosition(level=body.level, node_key=key, x=x, y=y)
            row.x, row.y, row.saved_by, row.saved_at = round(x, 1), round(y, 1), ctx.principal.username, utcnow()
            s.add(row)
    return {"saved": len(body.positions)}


@router.delete("/ui/api/map/positions")
def reset_positions(level: str = Query(pattern="^(rooms|units|devices)$"),
                    ctx: Ctx = Depends(ctx_for("map.write"))) -> dict[str, str]:
    with ctx.write() as s:
        s.exec(delete(MapPosition).where(MapPosition.level == level))  # type: ignore[call-overload]
    return {"reset": level}
