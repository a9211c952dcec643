"""Scheduled collection without a broker (the in-process scheduler) and the alerts it raises: a
config change, a device that stops answering (once, not once per run), acknowledgement over the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import select

from cli.lab import start_lab_thread
from inventory.db import session_scope
from inventory.models import Alert, CollectionRun, Schedule
from tests.api.conftest import Api, clone

HOST = "QHD-CORE-SW1"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, object, str]]:
    home = str(tmp_path_factory.mktemp("sched-home"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXTRANET_HOME", home)
        api = clone("sqlite", tmp_path_factory)
        lab, _inv = start_lab_thread(api.engine)  # writes EXTRANET_HOME/lab/inventory.json, as `extranet lab start`
    yield api, lab, home
    lab.stop()
    api.client.close()
    api.engine.dispose()


@pytest.fixture(autouse=True)
def _home(city: tuple[Api, object, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRANET_HOME", city[2])
    monkeypatch.delenv("EXTRANET_BROKER_URL", raising=False)  # the in-process scheduler


def _open_alerts(api: Api, kind: str) -> list[Alert]:
    with session_scope(api.engine) as s:
        return list(s.exec(select(Alert).where(Alert.kind == kind, Alert.acknowledged_at == None)).all())  # noqa: E711


def test_schedule_fires_when_due_once_and_raises_alerts(city: tuple[Api, object, str]) -> None:
    from workers.schedule import claim, due, tick_once

    api, lab, _home = city
    r = api.client.put("/api/v1/schedules", headers=api.as_("engineer"),
                       json={"name": "core every 5 min", "interval_minutes": 5, "only": "CORE", "lab": True})
    assert r.status_code == 200, r.text
    assert r.json()["next_due"] is not None
    assert api.client.put("/api/v1/schedules", headers=api.as_("viewer"), json={"name": "x"}).status_code == 403
    bad = api.client.put("/api/v1/schedules", headers=api.as_("engineer"), json={"name": "y", "zone": "zone-z"})
    assert bad.status_code == 404 and "zone-a" in bad.json()["message"]

    t0 = dt.datetime.now(dt.UTC)
    assert tick_once(api.engine, t0)["fired"] == 1
    assert tick_once(api.engine, t0 + dt.timedelta(minutes=1))["fired"] == 0  # not due yet
    with session_scope(api.engine) as s:
        sched = s.exec(select(Schedule)).one()
        run = s.get(CollectionRun, sched.last_run_id)
        assert (run.trigger, run.status, run.total) == ("schedule", "done", 3)
    # two schedulers that read the same due schedule: only one claims it
    later = t0 + dt.timedelta(minutes=6)
    (stale,) = due(api.engine, later)
    assert claim(api.engine, stale, later) and not claim(api.engine, stale, later)

    lab.call(lab.lab.add_config_line, HOST, " ntp-service unicast-server 10.255.0.202")
    lab.call(lab.lab.set_fault, "QHD-CORE-SW2", "auth_fail")  # fast; silent faults wait out timeouts
    assert tick_once(api.engine, t0 + dt.timedelta(minutes=12))["fired"] == 1
    changed = _open_alerts(api, "config_changed")
    down = _open_alerts(api, "auth")
    assert [a.message for a in changed] == [f"{HOST}: running config changed"]
    assert len(down) == 1 and "QHD-CORE-SW2 failed: auth" in down[0].message

    assert tick_once(api.engine, t0 + dt.timedelta(minutes=18))["fired"] == 1  # still down: no second alert
    assert len(_open_alerts(api, "auth")) == 1

    listed = api.get("/api/v1/alerts", "viewer", params={"device": "QHD-CORE-SW2"}).json()
    assert any(a["kind"] == "auth" for a in listed["items"])
    ack = api.client.post("/api/v1/alerts/acknowledge", headers=api.as_("engineer"), json={"ids": [down[0].id]})
    assert ack.status_code == 200 and ack.json() == {"acknowledged": 1}
    assert api.client.post("/api/v1/alerts/acknowledge", headers=api.as_("viewer"),
                           json={"ids": [down[0].id]}).status_code == 403
    assert not _open_alerts(api, "auth")
    assert tick_once(api.engine, t0 + dt.timedelta(minutes=24))["fired"] == 1  # re-armed by the acknowledgement
    assert len(_open_alerts(api, "auth")) == 1
    lab.call(lab.lab.set_fault, "QHD-CORE-SW2", None)


def test_schedule_errors_name_the_problem(city: tuple[Api, object, str]) -> None:
    api, _lab, _home = city
    r = api.client.put("/api/v1/schedules", headers=api.as_("engineer"),
                       json={"name": "nothing", "only": "NO-SUCH-ROOM"})
    assert r.status_code == 404 and "NO-SUCH-ROOM" in r.json()["message"]
    r = api.client.put("/api/v1/schedules", headers=api.as_("engineer"), json={"name": "z", "interval_minutes": 0})
    assert r.status_code == 422 and "interval_minutes" in r.json()["message"]
    assert api.client.delete("/api/v1/schedules/999999", headers=api.as_("engineer")).status_code == 404


def test_serve_ticks_schedules_itself_without_a_broker(city: tuple[Api, object, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from cli.serve import _start_scheduler

    api, _lab, _home = city
    monkeypatch.setenv("EXTRANET_BROKER_URL", "redis://127.0.0.1:6379/15")
    assert _start_scheduler() is None  # with a broker, `extranet beat` owns the schedules
    monkeypatch.delenv("EXTRANET_BROKER_URL")

    r = api.client.put("/api/v1/schedules", headers=api.as_("engineer"),
                       json={"name": "serve ticks", "interval_minutes": 60, "only": HOST, "lab": True})
    assert r.status_code == 200, r.text
    monkeypatch.setenv("DATABASE_URL", api.engine.url.render_as_string(hide_password=False))
    stop = _start_scheduler()
    assert stop is not None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with session_scope(api.engine) as s:
                sched = s.exec(select(Schedule).where(Schedule.name == "serve ticks")).one()
                if sched.last_fired_at is not None:
                    break
            time.sleep(0.2)
        assert sched.last_fired_at is not None, "the server's scheduler thread never fired the due schedule"
        while time.monotonic() < deadline:  # let the run it started finish before the lab goes away
            with session_scope(api.engine) as s:
                if not s.exec(select(CollectionRun).where(CollectionRun.status == "running")).first():
                    break
            time.sleep(0.2)
    finally:
        stop.set()


def test_schedule_changes_are_in_the_audit_trail_but_firing_is_not(city: tuple[Api, object, str]) -> None:
    import datetime as dt

    from inventory.models import ChangeLog
    from workers.schedule import tick_once

    api, _lab, _home = city
    r = api.client.put("/api/v1/schedules", headers=api.as_("engineer"),
                       json={"name": "trail check", "interval_minutes": 30, "only": HOST, "lab": True,
                             "enabled": False})
    assert r.status_code == 200, r.text
    with session_scope(api.engine) as s:
        rows = s.exec(select(ChangeLog).where(ChangeLog.object_type == "schedule")).all()
        assert any(c.action == "create" and "trail check" in (c.object_repr or "") for c in rows), rows
        before = len(rows)
    tick_once(api.engine, dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    with session_scope(api.engine) as s:
        assert len(s.exec(select(ChangeLog).where(ChangeLog.object_type == "schedule")).all()) == before
