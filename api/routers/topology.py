"""The network graph as JSON at three levels (rooms; rooms + units; every device), with map
coordinates precomputed by topology.layout (saved positions override them)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

import answers

from ..deps import Ctx, ctx_for

router = APIRouter(prefix="/topology", tags=["topology"])
Level = Literal["rooms", "units", "devices"]


class MapNodeOut(BaseModel):
    id: str
    kind: str
    label: str
    x: float
    y: float
    room: str | None
    unit: str | None
    terminals: int
    units: int
    cls: str | None
    spof: bool
    is_core: bool
    role: str | None
    platform: str | None
    saved: bool


class MapEdgeOut(BaseModel):
    id: str
    source: str
    target: str
    carrier: str | None
    role: str
    bandwidth_mbps: int
    srlg: str | None
    source_kind: str
    spof: bool
    parallel: int
    evidence: dict[str, Any] | None = Field(
        default=None, description="what made a discovered link: {kind, subnet, vrf, family, members} for a "
                                  "shared subnet, {protocol, seen_by: {HOST: {local_port, remote, remote_port, "
                                  "matched_by, chassis_id, mgmt_address}}} for LLDP/CDP")


class MapLevelOut(BaseModel):
    level: str
    nodes: list[MapNodeOut]
    edges: list[MapEdgeOut]
    counts: dict[str, int]


def level_json(ctx: Ctx, level: str) -> bytes:
    with ctx.read() as s:
        a = answers.ask(s)

        def render() -> bytes:
            m = a.map_level(level)
            data = {"level": m.level, "nodes": [asdict(n) for n in m.nodes], "edges": [asdict(e) for e in m.edges],
                    "counts": {"nodes": len(m.nodes), "edges": len(m.edges)}}
            return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

        return a.memo(("topology", level), render)


@router.get("/{level}", response_model=MapLevelOut, summary="The graph at one level, with map coordinates",
            description="rooms: node rooms and the provincial uplink; units: rooms + units (devices folded "
                        "into them); devices: every device. Edges are circuits/links with carrier, role, "
                        "bandwidth, SRLG, and whether they are single points of failure.",
            responses={200: {"model": MapLevelOut}})
async def topology_level(level: Level, ctx: Ctx = Depends(ctx_for("topology.read"))) -> Response:
    body = answers.peek(str(ctx.engine.url), ("topology", level))
    if body is None:  # version check, or a full rebuild after a change: never on the event loop
        body = await run_in_threadpool(level_json, ctx, level)
    return Response(body, media_type="application/json")
