"""Config history: one new snapshot per real change (with a diff showing it), none on an unchanged re-run."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from collectors.engine import Settings
from inventory.collection import run_collection
from inventory.db import session_scope
from inventory.errors import NotFound
from inventory.history import diff, history
from inventory.models import ConfigSnapshot, Device, DeviceResult

pytestmark = pytest.mark.xdist_group("city")


def _count(engine) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(ConfigSnapshot)).one()


def test_unchanged_rerun_makes_no_snapshot(city) -> None:
    before = _count(city.engine)
    report = run_collection(city.engine, only="CITIZEN", lab_inventory=city.inventory, settings=Settings())
    assert report.ok == report.total > 0
    assert report.changed == 0
    assert _count(city.engine) == before


def test_config_change_makes_exactly_one_snapshot_and_a_diff(city) -> None:
    host = "QHD-HEBEI-AGG1"
    line = " ntp-service unicast-server 10.255.0.209"
    before = _count(city.engine)
    city.lab.call(city.lab.lab.add_config_line, host, line)
    try:
        r1 = run_collection(city.engine, only="HEBEI", lab_inventory=city.inventory, settings=Settings())
        assert (r1.ok, r1.changed) == (r1.total, 1)
        assert _count(city.engine) == before + 1
        r2 = run_collection(city.engine, only="HEBEI", lab_inventory=city.inventory, settings=Settings())
        assert r2.changed == 0 and _count(city.engine) == before + 1
        with session_scope(city.engine) as s:
            snaps = history(s, host)
            assert snaps[-1].previous_id == snaps[-2].id
            dev = s.exec(select(Device).where(Device.hostname == host)).one()
            changed = s.exec(select(DeviceResult).where(DeviceResult.run_id == r1.run_id,
                                                        DeviceResult.device_id == dev.id)).one()
            assert changed.config_changed and changed.snapshot_id == snaps[-1].id
            text = diff(s, host)
            added = [ln for ln in text.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
            removed = [ln for ln in text.splitlines() if ln.startswith("-") and not ln.startswith("---")]
            assert added == ["+" + line] and removed == []
    finally:
        city.lab.call(city.lab.lab.spec.device(host).extra_config.remove, line)


def test_diff_errors_name_what_is_known(city) -> None:
    with session_scope(city.engine) as s, pytest.raises(NotFound, match="QHD-CORE-SW1"):
        diff(s, "NO-SUCH-HOST")


def test_interrupted_run_keeps_what_was_collected(city) -> None:
    """Ctrl-C mid-run: every device saved before the interrupt stays, the run is marked interrupted."""
    from inventory.models import CollectionRun

    seen: list[str] = []

    def stop_after_one(host: str, _result) -> None:
        seen.append(host)
        if len(seen) == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_collection(city.engine, only="CLOUD", lab_inventory=city.inventory, settings=Settings(concurrency=1),
                       on_result=stop_after_one)
    with session_scope(city.engine) as s:
        run = s.exec(select(CollectionRun).order_by(CollectionRun.id.desc())).first()
        assert run.status == "interrupted" and run.finished_at is not None
        saved = s.exec(select(DeviceResult).where(DeviceResult.run_id == run.id)).all()
        assert sorted(s.get(Device, r.device_id).hostname for r in saved) == sorted(seen)
