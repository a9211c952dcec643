"""Collection: start a run (the API's /api/v1/collection-runs), watch its progress, read per-device
results and errors, see the schedules; alerts (config changes, devices that stopped answering) and
their acknowledgement."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from api import auth
from inventory.models import Alert, CollectionRun, Device, DeviceResult, Schedule
from inventory.refusals import label as reason_label
from workers.config import broker_config
from workers.schedule import next_due

from ..deps import lang_of, need, page_user, render

router = APIRouter(include_in_schema=False)


def _broker_host() -> str | None:
    """Where the broker is (host:port/db, no credentials), or None for the in-process pool."""
    try:
        cfg = broker_config()
    except Exception:  # a bad URL is reported by the CLI and the API; the page still renders
        return None
    return cfg.url.rsplit("@", 1)[-1].split("://", 1)[-1] if cfg else None


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
        results = list(s.exec(select(DeviceResult, Device.hostname, Device.zone)
                              .join(Device, Device.id == DeviceResult.device_id)
                              .where(DeviceResult.run_id == chosen)
                              .order_by(col(DeviceResult.status).desc(), Device.hostname))) if chosen else []
        zones = sorted(set(s.exec(select(Device.zone)).all()))
        schedules = [(sc, next_due(sc)) for sc in s.exec(select(Schedule).order_by(Schedule.name)).all()]
        open_alerts = s.exec(select(func.count()).select_from(Alert).where(
            Alert.acknowledged_at == None)).one()  # noqa: E711
    return render(request, "collection.html", principal, runs=runs, done=done, chosen=chosen, results=results,
                  api=api, can_run=principal.can("collect.run"), zones=zones, schedules=schedules,
                  broker=_broker_host(), open_alerts=open_alerts,
                  reason_label=lambda code: reason_label(code, lang_of(request)))


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, show: str = "open", kind: str | None = None,
                principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "inventory.read")
    with Session(request.app.state.engine) as s:
        stmt = select(Alert, Device.hostname).join(Device, Device.id == Alert.device_id, isouter=True)
        if show != "all":
            stmt = stmt.where(Alert.acknowledged_at == None)  # noqa: E711
        if kind:
            stmt = stmt.where(Alert.kind == kind)
        rows = list(s.exec(stmt.order_by(col(Alert.id).desc()).limit(500)))
        kinds = dict(s.exec(select(Alert.kind, func.count()).where(Alert.acknowledged_at == None)  # noqa: E711
                            .group_by(Alert.kind)).all())
    return render(request, "alerts.html", principal, rows=rows, show=show, kind=kind, kinds=kinds,
                  can_ack=principal.can("collect.run"))
