"""The audit trail: read and export, for the audit administrator only. No route changes it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlmodel import Session

from .. import trail
from ..deps import Ctx, ctx_for

router = APIRouter(prefix="/audit-trail", tags=["audit trail"])

_Text = Annotated[str | None, Query(max_length=64, pattern=r"^[^\x00-\x1f]*$")]


class TrailRow(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: int | None
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    remote_addr: str | None


class TrailPage(BaseModel):
    items: list[TrailRow]
    total: int
    limit: int
    offset: int
    retention: dict[str, Any]


def _filters(actor: _Text = None, action: _Text = None, object_type: _Text = None,
             since: dt.datetime | None = None, until: dt.datetime | None = None,
             request_id: _Text = None) -> dict[str, Any]:
    return {"actor": actor, "action": action, "object_type": object_type, "since": since, "until": until,
            "request_id": request_id}


@router.get("", response_model=TrailPage, summary="Read the audit trail (audit admin only)",
            description="Every change of inventory, money, users, tokens and settings, every login, failed "
                        "login and refused change: who, when, from where, what, before/after, request id. "
                        "Newest first.")
def read_trail(limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
               filters: dict[str, Any] = Depends(_filters), ctx: Ctx = Depends(ctx_for("audit.read"))) -> TrailPage:
    with ctx.read() as s:
        total, rows = trail.list_trail(s, limit=limit, offset=offset, **filters)
        return TrailPage(items=[TrailRow(**r) for r in rows], total=total, limit=limit, offset=offset,
                         retention=trail.retention(s))


@router.get("/export", summary="Export the audit trail as CSV or JSON (audit admin only)",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}, "application/json": {}},
                             "description": "the trail, oldest first"}})
def export_trail(format: Literal["csv", "json"] = "csv", filters: dict[str, Any] = Depends(_filters),
                 ctx: Ctx = Depends(ctx_for("audit.read"))) -> StreamingResponse:
    def stream():
        with Session(ctx.engine) as s:
            yield from trail.iter_export(s, format, **filters)

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
    return StreamingResponse(stream(), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="audit-trail-{stamp}.{format}"'})
