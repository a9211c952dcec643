"""Collection over HTTP against the SSH lab (real SSH sessions on loopback), then config history,
redacted reads and diffs; raw secrets only for the security administrator."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from inventory.models import ConfigSnapshot, Device
from inventory.redact import REDACTED

from .conftest import Api


@pytest.fixture(scope="module")
def collected(api_sqlite: Api) -> Iterator[tuple[Api, dict]]:
    from cli.lab import start_lab_thread

    lab, _inv = start_lab_thread(api_sqlite.engine)
    try:
        r = api_sqlite.client.post("/api/v1/collection-runs", json={"only": "U001", "lab": True, "concurrency": 4},
                                   headers=api_sqlite.as_("engineer"))
        assert r.status_code == 202, r.text
        run = r.json()
        deadline = time.monotonic() + 120
        while run["status"] == "running" and time.monotonic() < deadline:
            time.sleep(0.3)
            run = api_sqlite.get(f"/api/v1/collection-runs/{run['id']}", "viewer").json()
        # every test here needs the finished run: say why it did not finish rather than fail later on
        results = api_sqlite.get(f"/api/v1/collection-runs/{run['id']}/results", "viewer").json()
        assert run["status"] == "done" and all(r["status"] == "ok" for r in results), (run, results)
        yield api_sqlite, run
    finally:
        lab.stop()


def test_run_finishes_with_per_device_results(collected: tuple[Api, dict]) -> None:
    api, run = collected
    assert run["status"] == "done" and run["trigger"] == "api" and run["requested_by"] == "t-engineer"
    assert run["total"] >= 2 and run["done"] == run["total"] and run["ok"] == run["total"], run
    results = api.get(f"/api/v1/collection-runs/{run['id']}/results", "viewer").json()
    assert {r["hostname"] for r in results} >= {"U001-AR1"} and all(r["status"] == "ok" for r in results)
    assert all(r["snapshot_id"] for r in results)
    listed = api.get("/api/v1/collection-runs", "viewer").json()
    assert listed["items"][0]["id"] == run["id"]
    samples = api.get("/api/v1/counter-samples?limit=5&sort=-id", "viewer").json()
    assert samples["total"] > 0 and all(s["run_id"] == run["id"] for s in samples["items"])
    assert api.client.post("/api/v1/counter-samples", json={}, headers=api.as_("engineer")).status_code == 405


def test_second_start_with_bad_target_names_it(collected: tuple[Api, dict]) -> None:
    api, _ = collected
    r = api.client.post("/api/v1/collection-runs", json={"only": "NO-SUCH-ROOM"}, headers=api.as_("engineer"))
    assert r.status_code == 404 and "NO-SUCH-ROOM" in r.json()["message"]


def test_configs_redacted_unless_security_admin(collected: tuple[Api, dict]) -> None:
    api, _ = collected
    with Session(api.engine) as s:
        dev = s.exec(select(Device).where(Device.hostname == "U001-AR1")).one()
        snap = s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)).first()
    history = api.get(f"/api/v1/devices/{dev.id}/configs", "engineer").json()
    assert history and history[-1]["id"] == snap.id and "text" not in history[-1]
    red = api.get(f"/api/v1/configs/{snap.id}", "auditor").json()
    assert red["redacted"] is True and REDACTED.search(red["text"])
    assert api.get(f"/api/v1/configs/{snap.id}?raw=true", "engineer").status_code == 403
    assert api.get(f"/api/v1/configs/{snap.id}", "viewer").status_code == 403
    raw = api.get(f"/api/v1/configs/{snap.id}?raw=true", "secadmin").json()
    assert raw["redacted"] is False and raw["text"] == snap.text and not REDACTED.search(raw["text"])
    # every secret the raw text holds is hidden in the redacted one
    hidden = [ln for ln, rl in zip(red["text"].splitlines(), raw["text"].splitlines(), strict=True) if ln != rl]
    assert hidden and all(REDACTED.search(ln) for ln in hidden)
    diff = api.get(f"/api/v1/configs/{snap.id}/diff", "engineer").json()
    assert diff["to_id"] == snap.id and diff["redacted"] and diff["added"] > 0
    assert all(REDACTED.search(ln) or not any(s in ln for s in ("cipher", "community"))
               for ln in diff["diff"].splitlines() if ln.startswith("+") and ("cipher" in ln or "community" in ln))
    outs = api.get(f"/api/v1/devices/{dev.id}/outputs", "engineer").json()
    assert outs and all(o["redacted"] for o in outs)
    trail = api.get("/api/v1/audit-trail?action=read_raw", "auditadmin").json()
    assert trail["total"] >= 1 and trail["items"][0]["actor"] == "t-secadmin"
