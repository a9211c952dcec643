"""Change-triggered collection without a broker: a burst of config-change events is one collection, after
the device goes quiet (or after the longest wait), claimed once, and it leaves the new config, its diff
against the previous one and the config-changed alert; a change first seen days late is recorded only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlmodel import col, select

from inventory.db import session_scope
from inventory.models import Alert, CollectionRun, ConfigChangeEvent, ConfigSnapshot, Device
from lab.server import LabThread
from lab.spec import build_lab_spec
from tests.api.conftest import Api, clone
from workers.triggers import TriggerSettings, tick_once

HOST = "QHD-CORE-SW1"
T0 = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, LabThread, dict]]:
    api = clone("sqlite", tmp_path_factory)
    with session_scope(api.engine) as s:
        spec = build_lab_spec(s, only=HOST)
    lab = LabThread(spec).start()
    inv = json.loads(lab.lab.write_files(tmp_path_factory.mktemp("trig-lab")).read_text(encoding="utf-8"))
    yield api, lab, inv
    lab.stop()
    api.client.close()
    api.engine.dispose()


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRANET_BROKER_URL", raising=False)


def _changes(api: Api, *ages_s: float, now: dt.datetime = T0) -> tuple[int, list[int]]:
    with session_scope(api.engine) as s:
        dev = s.exec(select(Device).where(Device.hostname == HOST)).one()
        evs = [ConfigChangeEvent(device_id=dev.id, occurred_at=now - dt.timedelta(seconds=a), source="syslog",
                                 user="netops") for a in ages_s]
        s.add_all(evs)
        s.flush()
        return dev.id, [e.id for e in evs]


def _snapshots(api: Api, device_id: int) -> list[ConfigSnapshot]:
    with session_scope(api.engine) as s:
        return list(s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == device_id)
                           .order_by(col(ConfigSnapshot.id))).all())


def test_burst_is_one_collection_after_the_quiet_time(city) -> None:
    api, lab, inv = city
    settings = TriggerSettings(quiet_s=10, max_wait_s=30, lab_inventory=inv)
    first = tick_once(api.engine, settings, now=T0)  # nothing pending yet
    assert not first.fired and not first.waiting
    device_id, ids = _changes(api, 6, 3, 1)
    before = _snapshots(api, device_id)
    lab.call(lab.lab.change_config, HOST, "netops")
    waiting = tick_once(api.engine, settings, now=T0)
    assert waiting.waiting == 1 and not waiting.fired
    fired = tick_once(api.engine, settings, now=T0 + dt.timedelta(seconds=10))
    assert list(fired.fired) == [HOST] and fired.fired[HOST] is not None
    run_id = fired.fired[HOST]
    after = _snapshots(api, device_id)
    assert len(after) == len(before) + 1, "one new config"
    new = after[-1]
    assert new.run_id == run_id and "changed-" in new.text
    if before:
        assert new.previous_id == before[-1].id  # the diff's other side
    with session_scope(api.engine) as s:
        run = s.get(CollectionRun, run_id)
        assert run is not None and run.trigger == "config_change"
        evs = s.exec(select(ConfigChangeEvent).where(col(ConfigChangeEvent.id).in_(ids))).all()
        assert {(e.run_id, e.snapshot_id) for e in evs} == {(run_id, new.id)}
        if before:
            assert s.exec(select(Alert).where(Alert.kind == "config_changed", Alert.run_id == run_id)).first()
    again = tick_once(api.engine, settings, now=T0 + dt.timedelta(seconds=20))
    assert not again.fired, "a claimed change is never collected twice"


def test_a_session_that_never_stops_is_collected_after_the_longest_wait(city) -> None:
    api, _lab, inv = city
    settings = TriggerSettings(quiet_s=10, max_wait_s=30, lab_inventory=inv)
    _changes(api, 31, 2, now=T0 + dt.timedelta(minutes=5))
    rep = tick_once(api.engine, settings, now=T0 + dt.timedelta(minutes=5))
    assert list(rep.fired) == [HOST]


def test_a_change_first_seen_days_late_is_recorded_not_collected(city) -> None:
    api, _lab, inv = city
    settings = TriggerSettings(lab_inventory=inv)
    now = T0 + dt.timedelta(days=3)
    _, ids = _changes(api, 2 * 86_400, now=now)
    rep = tick_once(api.engine, settings, now=now)
    assert not rep.fired and rep.stale == 1
    with session_scope(api.engine) as s:
        ev = s.get(ConfigChangeEvent, ids[0])
        assert ev is not None and ev.queued_at is not None and ev.run_id is None
