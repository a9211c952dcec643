"""Config history of a device and the diff between two of its snapshots.

A redacted diff replaces each secret by its fingerprint on that device (inventory.redact), so a
changed community or key shows as a changed line, and an unchanged one as no change, without the
value ever being shown. The raw diff is the admin-only view; callers check the role."""

from __future__ import annotations

import difflib

from sqlmodel import Session, select

from .errors import ExtranetError, NotFound
from .models import ConfigSnapshot, Device
from .redact import redact


def history(session: Session, hostname: str) -> list[ConfigSnapshot]:
    dev = _device(session, hostname)
    return list(session.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)
                             .order_by(ConfigSnapshot.id)).all())


def diff(session: Session, hostname: str, old_id: int | None = None, new_id: int | None = None, *,
         raw: bool = False) -> str:
    """Unified diff between two snapshots of a device (default: the last two). Redacted (secrets as
    per-device fingerprints) unless raw."""
    dev = _device(session, hostname)
    snaps = history(session, hostname)
    if not snaps:
        raise ExtranetError(f"{hostname} has no config snapshots yet; run extranet collect first", code="no_snapshot")
    by_id = {s.id: s for s in snaps}
    for sid in (old_id, new_id):
        if sid is not None and sid not in by_id:
            raise NotFound.of(f"snapshot of {hostname}", str(sid), [str(i) for i in by_id])
    new = by_id[new_id] if new_id else snaps[-1]
    old = by_id[old_id] if old_id else (by_id.get(new.previous_id) if new.previous_id else None)
    return unified(old.text if old else "", new.text, dev, old.id if old else None, new.id, raw=raw)


def unified(old: str, new: str, dev: Device, old_id: int | None, new_id: int, *, raw: bool) -> str:
    """The unified diff of two texts of `dev`; redacted with its fingerprints unless raw."""
    if not raw:
        old, new = redact(old, dev.platform, device=dev.hostname), redact(new, dev.platform, device=dev.hostname)
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"{dev.hostname}@{old_id if old_id else 'empty'}",
                                        tofile=f"{dev.hostname}@{new_id}"))


def _device(session: Session, hostname: str) -> Device:
    dev = session.exec(select(Device).where(Device.hostname == hostname)).first()
    if dev is None:
        raise NotFound.of("device", hostname, [d.hostname for d in session.exec(select(Device)).all()])
    return dev
