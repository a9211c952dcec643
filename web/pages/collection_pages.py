"""Collection: start a run (the API's /api/v1/collection-runs), watch its progress, read per-device
results and errors."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from api import auth
from inventory.models import CollectionRun, Device, DeviceResult

from ..deps import need, page_user, render

router = APIRouter(include_in_schema=False)


@router.get("/collection", response_class=HTMLResponse)
def collection_page(request: Request, run: int | None = None,
                    principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "inventory.read")
    api = "collect" in set(getattr(request.app.state, "routers", []))
    with Session(request.app.state.engine) as s:
        runs = list(s.exec(select(CollectionRun).order_by(col(CollectionRun.id).desc()).limit(20)))
        done = dict(s.exec(select(DeviceResult.run_id, func.count()).where(
            col(DeviceResult.run_id).in_([r.id for r in runs])).group_by(DeviceResult.run_id)).all()) if runs else {}
        chosen = run or (runs[0].id if runs else None)
        results = list(s.exec(select(DeviceResult, Device.hostname).join(Device, Device.id == DeviceResult.device_id)
                              .where(DeviceResult.run_id == chosen)
                              .order_by(col(DeviceResult.status).desc(), Device.hostname))) if chosen else []
    return render(request, "collection.html", principal, runs=runs, done=done, chosen=chosen, results=results,
                  api=api, can_run=principal.can("collect.run"))
