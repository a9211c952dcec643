"""Config snapshots, history and diffs. Secrets are masked on every read (inventory.redact: the
collector profiles' patterns plus routing/NTP/AAA keys and vendor cipher tokens), each value as its
fingerprint on the device, so a diff shows that a secret changed; raw only when the caller asks for it
and holds config.raw (the security administrator); raw reads are recorded."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from inventory.history import unified
from inventory.models import CommandOutput, ConfigSnapshot, Device
from inventory.redact import redact
from inventory.refusals import device_collection, label

from ..deps import Ctx, IdPath, ctx_for
from ..errors import ApiError
from ..trail import record_event
from .collect import WarningOut, warnings_out

router = APIRouter(tags=["configs"])


class SnapshotMeta(BaseModel):
    id: int
    device_id: int
    hostname: str
    collected_at: dt.datetime
    sha256: str
    previous_id: int | None
    run_id: int | None
    source: str
    lines: int


class SnapshotText(SnapshotMeta):
    redacted: bool
    text: str


class SnapshotDiff(BaseModel):
    hostname: str
    from_id: int | None
    to_id: int
    redacted: bool
    diff: str
    added: int
    removed: int


class OutputOut(BaseModel):
    id: int
    run_id: int | None
    command: str
    collected_at: dt.datetime
    redacted: bool
    output: str


def _device(s: Session, device_id: int) -> Device:
    dev = s.get(Device, device_id)
    if dev is None:
        raise ApiError(404, "not_found", f"no device with id {device_id}", {"kind": "devices", "key": device_id})
    return dev


def _snapshot(s: Session, snapshot_id: int) -> tuple[ConfigSnapshot, Device]:
    snap = s.get(ConfigSnapshot, snapshot_id)
    if snap is None:
        raise ApiError(404, "not_found", f"no config snapshot {snapshot_id}", {"kind": "configs", "key": snapshot_id})
    return snap, _device(s, snap.device_id)


def _meta(snap: ConfigSnapshot, dev: Device) -> dict:
    return {"id": snap.id, "device_id": dev.id, "hostname": dev.hostname, "collected_at": snap.collected_at,
            "sha256": snap.sha256, "previous_id": snap.previous_id, "run_id": snap.run_id, "source": snap.source,
            "lines": snap.text.count("\n") + 1}


def _raw_allowed(ctx: Ctx, raw: bool, what: str) -> bool:
    if not raw:
        return False
    if not ctx.principal.can("config.raw"):
        raise ApiError(403, "forbidden", f"raw (unredacted) {what} need the config.raw permission (security "
                       "administrator); omit raw=true for the redacted text",
                       {"role": ctx.principal.role, "needs": "config.raw"})
    return True


def _record_raw(ctx: Ctx, what: str, obj_id: int | None) -> None:
    with ctx.write() as s:  # reading secrets is a security event
        record_event(s, "read_raw", what, obj_id, what, None, None)


Raw = Annotated[bool, Query(description="unredacted text (security administrator only; recorded)")]


@router.get("/devices/{device_id}/configs", response_model=list[SnapshotMeta], summary="Config history of a device")
def history(device_id: IdPath, ctx: Ctx = Depends(ctx_for("config.read"))) -> list[SnapshotMeta]:
    with ctx.read() as s:
        dev = _device(s, device_id)
        snaps = s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id).order_by(ConfigSnapshot.id))
        return [SnapshotMeta(**_meta(snap, dev)) for snap in snaps]


@router.get("/configs/{snapshot_id}", response_model=SnapshotText, summary="One config snapshot (redacted)")
def snapshot(snapshot_id: IdPath, raw: Raw = False, ctx: Ctx = Depends(ctx_for("config.read"))) -> SnapshotText:
    show_raw = _raw_allowed(ctx, raw, "configs")
    with ctx.read() as s:
        snap, dev = _snapshot(s, snapshot_id)
        text = snap.text if show_raw else redact(snap.text, dev.platform, device=dev.hostname)
        out = SnapshotText(**_meta(snap, dev), redacted=not show_raw, text=text)
    if show_raw:
        _record_raw(ctx, "config_snapshot", snapshot_id)
    return out


@router.get("/configs/{snapshot_id}/diff", response_model=SnapshotDiff,
            summary="Unified diff against another snapshot (default: the previous one)")
def snapshot_diff(snapshot_id: IdPath, against: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
                  raw: Raw = False, ctx: Ctx = Depends(ctx_for("config.read"))) -> SnapshotDiff:
    show_raw = _raw_allowed(ctx, raw, "configs")
    with ctx.read() as s:
        new, dev = _snapshot(s, snapshot_id)
        old_id = against if against is not None else new.previous_id
        old = None
        if old_id is not None:
            old, old_dev = _snapshot(s, old_id)
            if old_dev.id != dev.id:
                raise ApiError(422, "validation_error", f"snapshot {old_id} is of {old_dev.hostname}, not "
                               f"{dev.hostname}", {"field": "query.against"})
        lines = unified(old.text if old else "", new.text, dev, old.id if old else None, new.id,
                        raw=show_raw).splitlines(keepends=True)
        added = sum(1 for ln in lines if ln.startswith("+") and not ln.startswith("+++"))
        removed = sum(1 for ln in lines if ln.startswith("-") and not ln.startswith("---"))
        out = SnapshotDiff(hostname=dev.hostname, from_id=old.id if old else None, to_id=new.id,
                           redacted=not show_raw, diff="".join(lines), added=added, removed=removed)
    if show_raw:
        _record_raw(ctx, "config_snapshot", snapshot_id)
    return out


@router.get("/devices/{device_id}/outputs", response_model=list[OutputOut],
            summary="Raw command outputs of a device's latest (or given) run, redacted")
def outputs(device_id: IdPath, run_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
            raw: Raw = False, ctx: Ctx = Depends(ctx_for("config.read"))) -> list[OutputOut]:
    show_raw = _raw_allowed(ctx, raw, "outputs")
    with ctx.read() as s:
        dev = _device(s, device_id)
        stmt = select(CommandOutput).where(CommandOutput.device_id == dev.id)
        if run_id is None:
            last = s.exec(stmt.order_by(CommandOutput.id.desc()).limit(1)).first()
            run_id = last.run_id if last else None
        rows = s.exec(stmt.where(CommandOutput.run_id == run_id).order_by(CommandOutput.id)).all()
        out = [OutputOut(id=r.id, run_id=r.run_id, command=r.command, collected_at=r.collected_at,
                         redacted=not show_raw, output=r.output if show_raw
                         else redact(r.output, dev.platform, device=dev.hostname))
               for r in rows]
    if show_raw:
        _record_raw(ctx, "command_output", device_id)
    return out


class RejectedOut(BaseModel):
    id: int
    run_id: int | None
    command: str
    reason: str = Field(description="empty | truncated | masked | too_large | binary")
    label: str
    label_en: str
    detail: str
    size: int = Field(description="bytes received")
    sha256: str
    source: str = Field(description="ssh | import")
    rejected_at: dt.datetime
    command_output_id: int | None = Field(description="the raw text: GET /devices/{id}/outputs?run_id=…")


class CollectionStateOut(BaseModel):
    device_id: int
    hostname: str
    status: str | None = Field(description="the newest result: ok | partial | failed | skipped (null: never)")
    run_id: int | None
    collected_at: dt.datetime | None
    warnings: list[WarningOut]
    rejected: list[RejectedOut] = Field(description="configs refused as the current one, newest first")


@router.get("/devices/{device_id}/collection", response_model=CollectionStateOut,
            summary="A device's newest collection result: warnings and rejected captures",
            description="What was collected but not used: commands no parser could read, and configs refused as "
                        "the current one (empty, truncated, masked, too large). The previous config stays current.")
def collection_state(device_id: IdPath, ctx: Ctx = Depends(ctx_for("inventory.read"))) -> CollectionStateOut:
    with ctx.read() as s:
        dev = _device(s, device_id)
        state = device_collection(s, dev.id)
        return CollectionStateOut(
            device_id=dev.id, hostname=dev.hostname, status=state.status, run_id=state.run_id,
            collected_at=state.collected_at, warnings=warnings_out(state.raw_warnings),
            rejected=[RejectedOut(id=r.id, run_id=r.run_id, command=r.command, reason=r.reason,
                                  label=label(r.reason, "zh"), label_en=label(r.reason, "en"), detail=r.detail,
                                  size=r.size, sha256=r.sha256, source=r.source, rejected_at=r.rejected_at,
                                  command_output_id=r.command_output_id) for r in state.rejected])

