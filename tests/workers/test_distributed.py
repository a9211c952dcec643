"""Distributed collection end to end: real `extranet worker` processes per management zone, the
machine's Redis (private key prefix), PostgreSQL, the SSH lab in its own process."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from inventory.db import session_scope
from inventory.models import CollectionRun, Device, DeviceResult

from . import services as sv
from .checks import assert_collected_once
from .conftest import Cluster, Lab, pg_city

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("workers")]


def test_two_zones_collect_the_city_once_each_by_its_zone(lab: Lab, cluster_env: tuple, tmp_path: Path) -> None:
    env, _prefix = cluster_env
    url, engine = pg_city()
    env = {**env, "DATABASE_URL": url, "PYTHONPATH": str(sv.ROOT)}
    cluster = Cluster(env, tmp_path)
    try:
        cluster.start("zone-a", concurrency=12)
        cluster.start("zone-b", concurrency=12)
        out = subprocess.run([sys.executable, "-c", "from cli import main; main()", "collect", "--lab"],
                             env=env, cwd=sv.ROOT, capture_output=True, text=True, timeout=240)
    finally:
        cluster.stop_all()
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:] + cluster.log_text()
    assert "dispatched to the workers of zone-a, zone-b" in out.stdout
    with session_scope(engine) as s:
        run_id = s.exec(select(func.max(CollectionRun.id))).one()
        zones = dict(s.exec(select(Device.zone, func.count()).group_by(Device.zone)).all())
    by_worker = assert_collected_once(engine, run_id)
    # two workers, one per zone, each collected exactly its zone's devices
    assert sorted(by_worker.values()) == sorted(zones.values()), (by_worker, zones)
    assert "224 devices in" in out.stdout


def test_killed_worker_devices_are_finished_by_another_worker_of_the_zone(lab: Lab, cluster_env: tuple,
                                                                          tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    from workers.app import current
    from workers.runs import start_run, wait_run

    env, _prefix = cluster_env
    url, engine = pg_city()
    os.environ["DATABASE_URL"] = url
    env = {**env, "DATABASE_URL": url, "PYTHONPATH": str(sv.ROOT)}
    cluster = Cluster(env, tmp_path)
    app, cfg = current()
    try:
        # The survivor starts only after the kill: with the victim alone on the queue, it is sure to hold
        # devices when it dies (two workers racing through a fast lab could leave it idle at that moment).
        victim = cluster.start("zone-a", concurrency=6)
        time.sleep(1.5)  # consuming before the run starts
        inv = json.loads(lab.inventory.read_text(encoding="utf-8"))
        plan = start_run(engine, app, cfg, zone="zone-a", lab_inventory=inv, lab_file=str(lab.inventory))
        victim_name = f"/{victim.pid}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with session_scope(engine) as s:
                mine = s.exec(select(func.count()).select_from(DeviceResult).where(
                    DeviceResult.run_id == plan.run_id, DeviceResult.worker.contains(victim_name))).one()
            if mine >= 3:
                break
            time.sleep(0.05)
        assert mine >= 3, cluster.log_text()
        os.kill(victim.pid, signal.SIGKILL)  # mid-run: it holds devices it will never save
        victim.wait(10)
        survivor = cluster.start("zone-a", concurrency=6)
        with caplog.at_level(logging.WARNING, logger="extranet.workers"):
            report = wait_run(engine, app, cfg, plan.run_id, timeout=180)
    finally:
        cluster.stop_all()
        os.environ.pop("DATABASE_URL", None)
    # the devices the victim held were dispatched again (not left to the 120 s visibility timeout)
    assert "dispatching" in caplog.text and "again" in caplog.text, caplog.text
    by_worker = assert_collected_once(engine, plan.run_id, zone="zone-a")
    assert report.ok == report.total == len(plan.targets)
    survivor_name = f"/{survivor.pid}/"
    assert sum(n for w, n in by_worker.items() if survivor_name in w) > 0, by_worker
    assert set(by_worker) <= {w for w in by_worker if victim_name in w or survivor_name in w}


def test_api_run_goes_to_the_workers_and_reads_like_a_local_run(lab: Lab, cluster_env: tuple,
                                                                 tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.conftest import add_role_users

    env, _prefix = cluster_env
    url, engine = pg_city()
    tokens, _ids = add_role_users(engine)
    cluster = Cluster({**env, "DATABASE_URL": url, "PYTHONPATH": str(sv.ROOT)}, tmp_path)
    with session_scope(engine) as s:
        zone = s.exec(select(Device.zone).where(Device.hostname == "QHD-CORE-SW1")).one()
    headers = {"Authorization": f"Bearer {tokens['engineer']}"}
    try:
        cluster.start(zone, concurrency=4)
        sv.wait_log(cluster.logs / f"worker-{zone}-0.log", " ready.", 30)
        from workers.app import current
        from workers.runs import zones_without_workers

        assert zones_without_workers(current()[0], ["zone-a", "zone-b"]) == ["zone-b"]  # CORE is in zone-a
        with TestClient(create_app(engine)) as client:
            r = client.post("/api/v1/collection-runs", headers=headers, json={"only": "CORE", "lab": True})
            assert r.status_code == 202, r.text
            run = r.json()
            assert run["engine"] == "celery" and run["total"] == 3 and "devices" not in run["params"]
            deadline = time.monotonic() + 60
            while run["status"] == "running" and time.monotonic() < deadline:
                time.sleep(0.2)
                run = client.get(f"/api/v1/collection-runs/{run['id']}", headers=headers).json()
            results = client.get(f"/api/v1/collection-runs/{run['id']}/results", headers=headers).json()
    finally:
        cluster.stop_all()
    assert (run["status"], run["done"], run["ok"]) == ("done", 3, 3), cluster.log_text()
    assert all(f"/{cluster.workers[0].pid}/{zone}" in r["worker"] for r in results), results


def test_celery_beat_fires_a_zone_schedule_on_the_workers(lab: Lab, cluster_env: tuple, tmp_path: Path) -> None:
    from inventory.models import Schedule
    from workers.schedule_store import save

    env, _prefix = cluster_env
    url, engine = pg_city()
    env = {**env, "DATABASE_URL": url, "PYTHONPATH": str(sv.ROOT)}
    save(engine, name="core, zone-a", every=60, zone="zone-a", only="CORE", lab=True, actor="test")
    cluster = Cluster(env, tmp_path)
    beat = None
    try:
        worker = cluster.start("zone-a", concurrency=4)
        beat = subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "beat", "--every", "1"],
                                env=env, cwd=sv.ROOT, stdout=(tmp_path / "beat.log").open("wb"),
                                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        run = None
        while time.monotonic() < deadline:
            with session_scope(engine) as s:
                run = s.exec(select(CollectionRun).where(CollectionRun.trigger == "schedule")).first()
                if run is not None and run.status == "done":
                    break
            time.sleep(0.2)
    finally:
        sv.stop(beat)
        cluster.stop_all()
    assert run is not None and run.status == "done", (tmp_path / "beat.log").read_text() + cluster.log_text()
    assert (run.requested_by, run.total, run.params["engine"]) == ("schedule:core, zone-a", 3, "celery")
    with session_scope(engine) as s:
        assert s.exec(select(Schedule)).one().last_run_id == run.id
        workers = set(s.exec(select(DeviceResult.worker).where(DeviceResult.run_id == run.id)).all())
    assert workers == {w for w in workers if f"/{worker.pid}/zone-a" in w} and workers


def test_a_run_waiting_for_a_zone_without_workers_can_be_cancelled(lab: Lab, cluster_env: tuple) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.conftest import add_role_users
    from workers.app import current
    from workers.runs import start_run, sweep

    _url, engine = pg_city()
    tokens, _ids = add_role_users(engine)
    app, cfg = current()
    plan = start_run(engine, app, cfg, zone="zone-b", lab_file=str(lab.inventory),
                     lab_inventory=json.loads(lab.inventory.read_text(encoding="utf-8")))
    assert not sweep(engine, app, cfg, plan.run_id).finished  # nobody serves zone-b: it waits
    headers = {"Authorization": f"Bearer {tokens['engineer']}"}
    with TestClient(create_app(engine)) as client:
        assert client.post(f"/api/v1/collection-runs/{plan.run_id}/cancel",
                           headers={"Authorization": f"Bearer {tokens['viewer']}"}).status_code == 403
        r = client.post(f"/api/v1/collection-runs/{plan.run_id}/cancel", headers=headers)
        assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["done"] == 0
        again = client.post(f"/api/v1/collection-runs/{plan.run_id}/cancel", headers=headers)
        assert again.status_code == 409 and "not running" in again.json()["message"]
        assert client.post("/api/v1/collection-runs/999999/cancel", headers=headers).status_code == 404
    assert sweep(engine, app, cfg, plan.run_id).finished


def test_zone_receiver_and_beat_collect_a_changed_device_on_its_zone_workers(lab: Lab, cluster_env: tuple,
                                                                              tmp_path: Path) -> None:
    """Issue 16's zones: `extranet syslog` beside a zone's workers writes to the shared PostgreSQL, and the beat
    tick collects the device that reported a config change on its zone's queue."""
    import socket

    from inventory.models import ConfigChangeEvent, ConfigSnapshot

    env, _prefix = cluster_env
    url, engine = pg_city()
    port = sv.free_port()
    env = {**env, "DATABASE_URL": url, "PYTHONPATH": str(sv.ROOT), "EXTRANET_TRIGGER_LAB": "1",
           "EXTRANET_TRIGGER_QUIET_S": "1"}
    with session_scope(engine) as s:
        dev = s.exec(select(Device).where(Device.zone == "zone-a", Device.platform == "huawei_vrp")
                     .order_by(Device.id)).first()
    assert dev is not None
    inv = json.loads(lab.inventory.read_text(encoding="utf-8"))
    cluster = Cluster(env, tmp_path)
    receiver = beat = None
    try:
        cluster.start("zone-a", concurrency=4)
        receiver = subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "syslog", "--port",
                                     str(port), "--spool", str(tmp_path / "spool"), "--every", "1"],
                                    env=env, cwd=sv.ROOT, stdout=(tmp_path / "syslog.log").open("wb"),
                                    stderr=subprocess.STDOUT)
        sv.wait_log(tmp_path / "syslog.log", "receiving", 60)
        beat = subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "beat", "--every", "1"],
                                env=env, cwd=sv.ROOT, stdout=(tmp_path / "beat.log").open("wb"),
                                stderr=subprocess.STDOUT)
        with socket.create_connection(tuple(inv["control"]), timeout=5) as ctl:  # someone changes the config
            ctl.sendall((json.dumps({"op": "config_change", "device": dev.hostname, "user": "netops"}) + "\n").encode())
            assert json.loads(ctl.makefile().readline())["ok"]
        line = (f"<190>Dec  3 2026 10:00:00+08:00 {dev.hostname} %%01CONFIGURATION/6/CFG_FILE_CHANGE(l)[7]:"
                "Configuration file was changed. (LogIndex=7, SrcCmd=1, SrcData=3, DestData=2, TerUser=\"netops\", "
                "SrcAddr=10.255.0.10, ConfigChangeId=7, LogTime=700, CfgBaselineTime=\"2026-12-03 10:00:00\")")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(line.encode(), ("127.0.0.1", port))
        deadline = time.monotonic() + 90
        event = run = None
        while time.monotonic() < deadline:
            with session_scope(engine) as s:
                event = s.exec(select(ConfigChangeEvent).where(ConfigChangeEvent.device_id == dev.id)).first()
                run = s.get(CollectionRun, event.run_id) if event is not None and event.run_id else None
                if run is not None and run.status == "done" and event.snapshot_id is not None:
                    snap = s.get(ConfigSnapshot, event.snapshot_id)
                    break
            time.sleep(0.3)
    finally:
        sv.stop(beat)
        sv.stop(receiver)
        cluster.stop_all()
    logs = (tmp_path / "beat.log").read_text() + (tmp_path / "syslog.log").read_text() + cluster.log_text()
    assert run is not None and run.status == "done" and event is not None and event.snapshot_id, logs
    assert (run.trigger, run.params["engine"], run.total) == ("config_change", "celery", 1)
    assert event.user == "netops" and snap is not None and "changed-" in snap.text
    with session_scope(engine) as s:
        workers = set(s.exec(select(DeviceResult.worker).where(DeviceResult.run_id == run.id)).all())
    assert workers and all(w.endswith("/zone-a") for w in workers), workers
