"""Collection runs over HTTP: start one in the background, follow its progress, read per-device
results. One run at a time per server; credentials never pass through the API (environment,
secrets file or the lab's file, as for `extranet collect`)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import case, func
from sqlmodel import select

from inventory.collection import run_collection, select_devices, targets_for
from inventory.db import home_dir
from inventory.models import CollectionRun, Device, DeviceResult

from ..deps import Ctx, IdPath, ctx_for
from ..errors import ApiError

router = APIRouter(prefix="/collection-runs", tags=["collection"])
_LOCK = threading.Lock()


class RunIn(BaseModel):
    only: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00]*$",
                             description="a room code, a unit code/name or a hostname (default: every device)")
    lab: bool = Field(default=False, description="collect from the running SSH lab (its inventory file)")
    concurrency: int = Field(default=48, ge=1, le=256)


class RunOut(BaseModel):
    id: int
    status: str
    trigger: str
    requested_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    total: int
    done: int
    ok: int
    failed: dict[str, int] = Field(description="error code -> devices")
    config_changed: int
    params: dict[str, Any]


class RunPage(BaseModel):
    items: list[RunOut]
    total: int


class ResultOut(BaseModel):
    device_id: int
    hostname: str
    status: str
    error_code: str | None
    error_message: str | None
    started_at: dt.datetime
    duration_ms: int
    attempts: int
    config_changed: bool
    snapshot_id: int | None


def _progress(s: Any, runs: list[CollectionRun]) -> list[RunOut]:
    ids = [r.id for r in runs]
    stats: dict[int, dict[str, Any]] = {i: {"done": 0, "ok": 0, "failed": {}, "config_changed": 0} for i in ids}
    if ids:
        rows = s.exec(select(DeviceResult.run_id, DeviceResult.status, DeviceResult.error_code,
                             func.count(), func.sum(case((DeviceResult.config_changed, 1), else_=0)))
                      .where(DeviceResult.run_id.in_(ids))
                      .group_by(DeviceResult.run_id, DeviceResult.status, DeviceResult.error_code)).all()
        for run_id, status, code, n, changed in rows:
            st = stats[run_id]
            st["done"] += n
            st["config_changed"] += int(changed or 0)
            if status == "ok":
                st["ok"] += n
            elif status == "failed":
                st["failed"][code or "error"] = st["failed"].get(code or "error", 0) + n
    return [RunOut(id=r.id, status=r.status, trigger=r.trigger, requested_by=r.requested_by, started_at=r.started_at,
                   finished_at=r.finished_at, total=r.total, params=r.params or {}, **stats[r.id]) for r in runs]


def _lab_inventory() -> dict[str, Any]:
    path = home_dir() / "lab" / "inventory.json"
    if not path.exists():
        raise ApiError(409, "lab_not_running", f"no lab inventory at {path}: start the lab first (extranet lab start)")
    return json.loads(path.read_text(encoding="utf-8"))


@router.post("", response_model=RunOut, status_code=202, summary="Start a collection run (background)",
             description="Returns at once with the run; poll GET /collection-runs/{id} for progress.")
def start_run(body: RunIn, request: Request, ctx: Ctx = Depends(ctx_for("collect.run"))) -> RunOut:
    with ctx.read() as s:
        devices = select_devices(s, body.only)  # a bad name is a 404 listing the known ones, before starting
        if not devices:
            raise ApiError(422, "validation_error", "no enabled devices to collect", {"field": "body.only"})
        before = s.exec(select(func.max(CollectionRun.id))).one() or 0
        lab = _lab_inventory() if body.lab else None
        targets_for(s, devices, lab)  # refused addresses, missing lab entries, unknown platforms: answer now
    if not _LOCK.acquire(blocking=False):
        raise ApiError(409, "collection_running", "a collection run is already in progress; wait for it to finish")
    from collectors.engine import Settings

    def job() -> None:
        try:
            run_collection(ctx.engine, only=body.only, lab_inventory=lab,
                           settings=Settings(concurrency=body.concurrency), trigger="api", actor=ctx.principal.username)
        except Exception:  # the run row records the failure; the server keeps serving
            import logging

            logging.getLogger("extranet.api").exception("collection run failed")
        finally:
            _LOCK.release()

    thread = threading.Thread(target=job, name="collection-run", daemon=True)
    thread.start()
    request.app.state.collect_thread = thread
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with ctx.read() as s:
            run = s.exec(select(CollectionRun).where(CollectionRun.id > before, CollectionRun.trigger == "api")
                         .order_by(CollectionRun.id.desc())).first()
            if run is not None:
                return _progress(s, [run])[0]
        if not thread.is_alive():
            break
        time.sleep(0.05)
    raise ApiError(500, "collection_not_started", "the collection run did not start; see the server log")


@router.get("", response_model=RunPage, summary="Collection runs, newest first")
def list_runs(limit: Annotated[int, Query(ge=1, le=200)] = 20, offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
              ctx: Ctx = Depends(ctx_for("inventory.read"))) -> RunPage:
    with ctx.read() as s:
        total = s.exec(select(func.count()).select_from(CollectionRun)).one()
        runs = s.exec(select(CollectionRun).order_by(CollectionRun.id.desc()).offset(offset).limit(limit)).all()
        return RunPage(items=_progress(s, list(runs)), total=int(total))


@router.get("/{run_id}", response_model=RunOut, summary="A run and its progress")
def get_run(run_id: IdPath, ctx: Ctx = Depends(ctx_for("inventory.read"))) -> RunOut:
    with ctx.read() as s:
        run = s.get(CollectionRun, run_id)
        if run is None:
            raise ApiError(404, "not_found", f"no collection run {run_id}", {"kind": "collection-runs", "key": run_id})
        return _progress(s, [run])[0]


@router.get("/{run_id}/results", response_model=list[ResultOut], summary="Per-device results of a run")
def run_results(run_id: IdPath, status: Annotated[str | None, Query(pattern="^(ok|failed|skipped)$")] = None,
                ctx: Ctx = Depends(ctx_for("inventory.read"))) -> list[ResultOut]:
    with ctx.read() as s:
        if s.get(CollectionRun, run_id) is None:
            raise ApiError(404, "not_found", f"no collection run {run_id}", {"kind": "collection-runs", "key": run_id})
        stmt = (select(DeviceResult, Device.hostname).join(Device, Device.id == DeviceResult.device_id)
                .where(DeviceResult.run_id == run_id).order_by(Device.hostname))
        if status:
            stmt = stmt.where(DeviceResult.status == status)
        return [ResultOut(hostname=host, **{k: getattr(r, k) for k in ResultOut.model_fields if k != "hostname"})
                for r, host in s.exec(stmt).all()]
