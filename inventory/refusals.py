"""Configs that arrived but must not become a device's current one, and what a person reads about a
device's last collection (its warnings and rejected captures) on the device page and over the API.

`screen_config` is the config step of `collection.ingest`, for SSH and offline import alike: the checks
are `collectors.validate.check_config` (empty, too large, binary, masked by an evidence export,
truncated before the profile's terminator). A refused config is kept twice over: its raw text stays
in `command_output` (the admin raw view), and a `RejectedCapture` row says why; the device's previous
snapshot stays current and its result is `partial` with a warning."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from collectors.platforms import load_profile
from collectors.validate import LABELS, check_config

from .models import CommandOutput, Device, DeviceResult, RejectedCapture
from .redact import redact


def screen_config(session: Session, run_id: int, device: Device, text: str | None, row: CommandOutput | None, *,
                  source: str, at: dt.datetime) -> dict[str, str] | None:
    """None when the config may be stored (or there is none); else the refusal is recorded and its warning
    ({command, code, template, line, message}, as a parse issue's) returned for the device result."""
    if text is None:
        return None
    profile = load_profile(device.platform)
    refusal = check_config(profile, text)
    if refusal is None:
        return None
    command = row.command if row is not None else profile.command("config").command
    # the detail quotes the config's last line, and a config cut off mid-way may end on a secret
    detail = redact(refusal.detail, device.platform)
    if row is not None:
        session.flush()  # the raw output's id, for the rejected capture to point at
    session.add(RejectedCapture(device_id=device.id, run_id=run_id, command_output_id=row.id if row else None,
                                command=command[:128], reason=refusal.reason, detail=detail[:500],
                                size=len(text.encode("utf-8", "surrogateescape")),
                                sha256=hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest(),
                                source=source, rejected_at=at))
    return {"command": command, "code": refusal.reason, "template": "", "line": "",
            "message": f"{LABELS[refusal.reason][1]}: {detail}; the previous config stays current"[:500]}


# ------------------------------------------------------------------------------------ what people read
def label(code: str | None, lang: str = "zh") -> str:
    """The words for a warning code (Chinese first); a code without words shows as itself."""
    zh, en = LABELS.get(code or "", (code or "", code or ""))
    return zh if lang == "zh" else en


@dataclass
class ResultWarning:
    command: str
    code: str
    label_zh: str
    label_en: str
    message: str
    template: str = ""
    line: str = ""


@dataclass
class DeviceCollection:
    """A device's newest collection result with its warnings, and its newest rejected captures."""

    device_id: int
    run_id: int | None = None
    status: str | None = None  # ok | partial | failed | skipped (None: never collected)
    collected_at: dt.datetime | None = None
    source: str | None = None  # the result's worker: host/pid/zone, or import
    raw_warnings: list[dict[str, Any]] = field(default_factory=list)  # as stored: {command, code, ...}
    rejected: list[RejectedCapture] = field(default_factory=list)

    @property
    def warnings(self) -> list[ResultWarning]:
        return warnings_of(self.raw_warnings)


def warnings_of(raw: list[dict[str, Any]] | None) -> list[ResultWarning]:
    out = []
    for w in raw or []:
        code = str(w.get("code") or "")
        zh, en = LABELS.get(code, (code, code))
        out.append(ResultWarning(command=str(w.get("command") or ""), code=code, label_zh=zh, label_en=en,
                            message=str(w.get("message") or ""), template=str(w.get("template") or ""),
                            line=str(w.get("line") or "")))
    return out


def device_collection(session: Session, device_id: int, *, limit: int = 20) -> DeviceCollection:
    result = session.exec(select(DeviceResult).where(DeviceResult.device_id == device_id)
                          .order_by(col(DeviceResult.id).desc())).first()
    rejected = list(session.exec(select(RejectedCapture).where(RejectedCapture.device_id == device_id)
                                 .order_by(col(RejectedCapture.id).desc()).limit(limit)))
    if result is None:
        return DeviceCollection(device_id=device_id, rejected=rejected)
    return DeviceCollection(device_id=device_id, run_id=result.run_id, status=result.status,
                            collected_at=result.started_at, source=result.worker,
                            raw_warnings=list(result.warnings or []), rejected=rejected)
