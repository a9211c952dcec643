"""Collection over HTTP: runs (start one in the background, follow its progress, per-device results),
schedules, and acknowledging alerts. With EXTRANET_BROKER_URL set a run goes to the zone workers and
this server only follows it; otherwise it runs in a thread pool of this server. Progress is read from
the database either way, so it looks the same. Credentials never pass through the API (environment,
secrets file or the lab's file, as for `extranet collect`)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import select

from collectors.engine import Settings
from inventory.collection import cancel_run, plan_run, run_collection, run_progress, select_devices, targets_for
from inventory.db import home_dir
from inventory.models import Alert, CollectionRun, Device, DeviceResult, Schedule
from inventory.models.base import utcnow
from inventory.refusals import warnings_of
from workers.app import current
from workers.runs import start_run as dispatch_run
from workers.runs import wait_run
from workers.schedule import next_due
from workers.schedule_store import save

from ..deps import Body, Ctx, IdPath, ctx_for
from ..errors import ApiError

runs = APIRouter(prefix="/collection-runs", tags=["collection"])
schedules = APIRouter(prefix="/schedules", tags=["collection"])
alerts = APIRouter(prefix="/alerts", tags=["evidence"])
_LOCK = threading.Lock()
log = logging.getLogger("extranet.api")
ZONE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"


class RunIn(Body):
    only: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00]*$",
                             description="a room code, a unit code/name or a hostname (default: every device)")
    zone: str | None = Field(default=None, max_length=32, pattern=ZONE, description="only this management zone")
    lab: bool = Field(default=False, description="collect from the running SSH lab (its inventory file)")
    concurrency: int = Field(default=48, ge=1, le=256, description="sessions at once (in-process pool)")
    local: bool = Field(default=False, description="collect in this server even when a broker is configured")


class RunOut(BaseModel):
    id: int
    status: str
    trigger: str
    requested_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    total: int
    done: int
    ok: int = Field(description="devices collected and stored, partial ones included")
    partial: int = Field(default=0, description="of the ok devices, those with warnings (a command's output could "
                                                "not be parsed, or the config was refused)")
    failed: dict[str, int] = Field(description="error code -> devices")
    config_changed: int
    engine: str = Field(description="local (thread pool in one process) | celery (zone workers)")
    params: dict[str, Any]


class RunPage(BaseModel):
    items: list[RunOut]
    total: int


class WarningOut(BaseModel):
    """What was collected but not used; `label` is for people (Chinese, `label_en` English), `code` for programs."""

    command: str
    code: str = Field(description="parse | empty | truncated | masked | too_large | binary")
    label: str
    label_en: str
    message: str
    template: str = Field(default="", description="parse: the parser that got furthest")
    line: str = Field(default="", description="parse: the first input line it could not read")


def warnings_out(raw: list | None) -> list[WarningOut]:
    """A result's stored warnings ({command, code, template, line, message}) with their words."""
    return [WarningOut(command=w.command, code=w.code, label=w.label_zh, label_en=w.label_en, message=w.message,
                       template=w.template, line=w.line) for w in warnings_of(raw)]


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
    worker: str | None = Field(description="who collected it: host/pid/zone")
    warnings: list[WarningOut] = Field(default_factory=list, description="status partial: what could not be used")


def _progress(s: Any, rows: list[CollectionRun]) -> list[RunOut]:
    stats = run_progress(s, [r.id for r in rows])
    out = []
    for r in rows:
        p = stats[r.id]
        params = {k: v for k, v in (r.params or {}).items() if k not in ("devices", "settings", "lab_file")}
        out.append(RunOut(id=r.id, status=r.status, trigger=r.trigger, requested_by=r.requested_by,
                          started_at=r.started_at, finished_at=r.finished_at, total=r.total, done=p.done, ok=p.ok,
                          partial=p.partial, failed=p.failed, config_changed=p.config_changed,
                          engine=params.get("engine", "local"), params=params))
    return out


def _lab_path() -> str:
    path = home_dir() / "lab" / "inventory.json"
    if not path.exists():
        raise ApiError(409, "lab_not_running", f"no lab inventory at {path}: start the lab first (extranet lab start)")
    return str(path)


def _broker() -> Any:
    return current()


@runs.post("", response_model=RunOut, status_code=202, summary="Start a collection run (background)",
           description="Returns at once with the run; poll GET /collection-runs/{id} for progress. With a broker "
                       "configured (EXTRANET_BROKER_URL) the devices are queued for the workers of their zones.")
def start_run(body: RunIn, request: Request, ctx: Ctx = Depends(ctx_for("collect.run"))) -> RunOut:
    with ctx.read() as s:
        devices = select_devices(s, body.only, body.zone)  # a bad name is a 404 listing the known ones
        if not devices:
            raise ApiError(422, "validation_error", "no enabled devices to collect", {"field": "body.only"})
        lab_file = _lab_path() if body.lab else None
        lab = json.loads(Path(lab_file).read_text(encoding="utf-8")) if lab_file else None
        targets_for(s, devices, lab)  # refused addresses, missing lab entries, unknown platforms: answer now
    if not _LOCK.acquire(blocking=False):
        raise ApiError(409, "collection_running", "a collection run is already in progress; wait for it to finish")
    settings = Settings(concurrency=body.concurrency)
    broker = None if body.local else _broker()
    actor = ctx.principal.username
    try:
        if broker is not None:
            plan = dispatch_run(ctx.engine, *broker, only=body.only, zone=body.zone, lab_inventory=lab,
                                lab_file=lab_file, settings=settings, trigger="api", actor=actor)
        else:
            plan = plan_run(ctx.engine, only=body.only, zone=body.zone, lab_inventory=lab, settings=settings,
                            trigger="api", actor=actor)
    except BaseException:
        _LOCK.release()
        raise

    def follow() -> None:
        try:
            if broker is not None:
                wait_run(ctx.engine, *broker, plan.run_id)
            else:
                run_collection(ctx.engine, lab_inventory=lab, settings=settings, actor=actor, plan=plan)
        except Exception:  # the run row records the failure; the server keeps serving
            log.exception("collection run %s failed", plan.run_id)
        finally:
            _LOCK.release()

    thread = threading.Thread(target=follow, name="collection-run", daemon=True)
    thread.start()
    request.app.state.collect_thread = thread
    with ctx.read() as s:
        return _progress(s, [s.get(CollectionRun, plan.run_id)])[0]


@runs.get("", response_model=RunPage, summary="Collection runs, newest first")
def list_runs(limit: Annotated[int, Query(ge=1, le=200)] = 20, offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
              ctx: Ctx = Depends(ctx_for("inventory.read"))) -> RunPage:
    with ctx.read() as s:
        total = s.exec(select(func.count()).select_from(CollectionRun)).one()
        rows = s.exec(select(CollectionRun).order_by(CollectionRun.id.desc()).offset(offset).limit(limit)).all()
        return RunPage(items=_progress(s, list(rows)), total=int(total))


@runs.get("/{run_id}", response_model=RunOut, summary="A run and its progress")
def get_run(run_id: IdPath, ctx: Ctx = Depends(ctx_for("inventory.read"))) -> RunOut:
    with ctx.read() as s:
        run = s.get(CollectionRun, run_id)
        if run is None:
            raise ApiError(404, "not_found", f"no collection run {run_id}", {"kind": "collection-runs", "key": run_id})
        return _progress(s, [run])[0]


@runs.post("/{run_id}/cancel", response_model=RunOut, summary="Cancel a running run",
           description="Queued devices are skipped by the workers; devices being collected are still saved. "
                       "409 when the run is not running.")
def cancel(run_id: IdPath, ctx: Ctx = Depends(ctx_for("collect.run"))) -> RunOut:
    cancel_run(ctx.engine, run_id, actor=ctx.principal.username)
    with ctx.read() as s:
        return _progress(s, [s.get(CollectionRun, run_id)])[0]


@runs.get("/{run_id}/results", response_model=list[ResultOut], summary="Per-device results of a run")
def run_results(run_id: IdPath, status: Annotated[str | None, Query(pattern="^(ok|partial|failed|skipped)$")] = None,
                ctx: Ctx = Depends(ctx_for("inventory.read"))) -> list[ResultOut]:
    with ctx.read() as s:
        if s.get(CollectionRun, run_id) is None:
            raise ApiError(404, "not_found", f"no collection run {run_id}", {"kind": "collection-runs", "key": run_id})
        stmt = (select(DeviceResult, Device.hostname).join(Device, Device.id == DeviceResult.device_id)
                .where(DeviceResult.run_id == run_id).order_by(Device.hostname))
        if status:
            stmt = stmt.where(DeviceResult.status == status)
        return [ResultOut(hostname=host, warnings=warnings_out(r.warnings),
                          **{k: getattr(r, k) for k in ResultOut.model_fields if k not in ("hostname", "warnings")})
                for r, host in s.exec(stmt).all()]


# ------------------------------------------------------------------------------------- schedules
class ScheduleIn(Body):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$", examples=["zone-a hourly"])
    interval_minutes: int = Field(default=60, ge=1, le=525600)
    zone: str | None = Field(default=None, max_length=32, pattern=ZONE)
    only: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00-\x1f]*$")
    lab: bool = False
    enabled: bool = True


class ScheduleOut(BaseModel):
    id: int
    name: str
    interval_minutes: int
    zone: str | None
    only: str | None
    lab: bool
    enabled: bool
    created_by: str
    last_fired_at: dt.datetime | None
    last_run_id: int | None
    next_due: dt.datetime | None


def _sched_out(r: Schedule) -> ScheduleOut:
    return ScheduleOut(next_due=next_due(r), **{k: getattr(r, k) for k in ScheduleOut.model_fields if k != "next_due"})


@schedules.get("", response_model=list[ScheduleOut], summary="Collection schedules")
def list_schedules(ctx: Ctx = Depends(ctx_for("inventory.read"))) -> list[ScheduleOut]:
    with ctx.read() as s:
        return [_sched_out(r) for r in s.exec(select(Schedule).order_by(Schedule.name)).all()]


@schedules.put("", response_model=ScheduleOut, summary="Create or replace a schedule (by name)",
               description="Runs every `interval_minutes` for a zone and/or a room, unit or host; fired by "
                           "Celery beat (`extranet beat`) or the in-process scheduler (`extranet schedule serve`).")
def put_schedule(body: ScheduleIn, ctx: Ctx = Depends(ctx_for("collect.run"))) -> ScheduleOut:
    row = save(ctx.engine, name=body.name, every=body.interval_minutes, zone=body.zone, only=body.only,
               lab=body.lab, enabled=body.enabled, actor=ctx.principal.username)
    return _sched_out(row)


@schedules.delete("/{schedule_id}", status_code=204, summary="Delete a schedule")
def delete_schedule(schedule_id: IdPath, ctx: Ctx = Depends(ctx_for("collect.run"))) -> None:
    with ctx.write() as s:
        row = s.get(Schedule, schedule_id)
        if row is None:
            raise ApiError(404, "not_found", f"no schedule {schedule_id}", {"kind": "schedules", "key": schedule_id})
        s.delete(row)


# ---------------------------------------------------------------------------------------- alerts
class AckIn(Body):
    # bounded like every id the API takes: an unbounded integer reaches the database driver and overflows
    ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(min_length=1, max_length=1000,
                                                                    description="alert ids to acknowledge")


class AckOut(BaseModel):
    acknowledged: int


@alerts.post("/acknowledge", response_model=AckOut, summary="Acknowledge alerts",
             description="Marks the alerts seen by the caller. An acknowledged failure alert re-arms: the next run "
                         "in which the device still fails raises a new one.")
def acknowledge(body: AckIn, ctx: Ctx = Depends(ctx_for("collect.run"))) -> AckOut:
    with ctx.write() as s:
        rows = s.exec(select(Alert).where(Alert.id.in_(body.ids))).all()
        missing = sorted(set(body.ids) - {r.id for r in rows})
        if missing:
            raise ApiError(404, "not_found", f"no alert {missing[0]}", {"kind": "alerts", "key": missing[0]})
        n = 0
        for r in rows:
            if r.acknowledged_at is None:
                r.acknowledged_at, r.acknowledged_by = utcnow(), ctx.principal.username
                s.add(r)
                n += 1
        return AckOut(acknowledged=n)


router = APIRouter()
router.include_router(runs)
router.include_router(schedules)
router.include_router(alerts)
