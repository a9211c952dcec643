"""What every distributed run must satisfy: each device of the run saved exactly once, ok, by a worker
of its own zone, and (on a fresh database) exactly one config snapshot per device."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from inventory.collection import select_devices
from inventory.db import session_scope
from inventory.models import CollectionRun, ConfigSnapshot, DeviceResult


def assert_collected_once(engine: Engine, run_id: int, *, zone: str | None = None) -> dict[str, int]:
    """Returns devices per worker."""
    with session_scope(engine) as s:
        run = s.get(CollectionRun, run_id)
        devices = {d.id: d for d in select_devices(s, None, zone)}
        rows = s.exec(select(DeviceResult.device_id, DeviceResult.worker, DeviceResult.status,
                             DeviceResult.error_code).where(DeviceResult.run_id == run_id)).all()
        snaps = Counter(s.exec(select(ConfigSnapshot.device_id).where(
            ConfigSnapshot.device_id.in_(list(devices)))).all())
        runs_with_results = s.exec(select(func.count(func.distinct(DeviceResult.run_id)))).one()
    assert run.status == "done", run
    assert run.total == len(devices) == len(rows), (run.total, len(devices), len(rows))
    per_device = Counter(r[0] for r in rows)
    assert set(per_device) == set(devices) and max(per_device.values()) == 1
    failed = [(devices[d].hostname, code) for d, _w, st, code in rows if st != "ok"]
    assert not failed, failed
    wrong_zone = [(devices[d].hostname, devices[d].zone, w) for d, w, _s, _c in rows
                  if (w or "").rsplit("/", 1)[-1] != devices[d].zone]
    assert not wrong_zone, wrong_zone[:5]
    if runs_with_results == 1:  # a fresh database: this run made every device's first snapshot
        assert snaps == Counter(dict.fromkeys(devices, 1)), [d for d, n in snaps.items() if n != 1][:5]
    return dict(Counter(w for _d, w, _s, _c in rows))
