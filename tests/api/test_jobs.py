"""Finding 4 of issue 15: the evidence pack is a job made once per data fingerprint, kept until the data
changes, answered 202 while it runs, limited per user. The real pack takes most of a minute on the
sample city, so the pack writer is replaced by one that writes a small zip when the test lets it."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import TEST_PASSWORD, Api

PACK = "/api/v1/compliance/evidence-pack.zip"


class SlowWriter:
    """Stands in for audit.export.pack.write_pack: each call waits for `release` (at most 20 s, so a
    server that computes in the request fails the test instead of hanging it), then writes a zip."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[bool] = []

    def __call__(self, report: Any, path: Path, *, strict: bool = False) -> Path:
        self.calls.append(strict)
        self.release.wait(20)
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("MANIFEST.sha256", f"{len(report.audits)} devices, strict={strict}\n")
        return path


@pytest.fixture
def writer(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowWriter]:
    import audit.export.pack

    w = SlowWriter()
    monkeypatch.setattr(audit.export.pack, "write_pack", w)
    _reset_jobs(per_user=2)
    yield w
    w.release.set()
    _reset_jobs()


def _reset_jobs(per_user: int | None = None) -> None:
    """A runner with nothing kept (imported here so that, before jobs existed, the tests fail, not error)."""
    try:
        from answers import jobs
    except ImportError:
        return
    jobs.reset(workers=2, per_user=per_user)


def _wait_done(api: Api, url: str, role: str) -> dict[str, Any]:
    for _ in range(100):
        r = api.get(url, role, params={"wait": 1})
        assert r.status_code == 200, r.text
        if r.json()["state"] != "running":
            return r.json()
    raise AssertionError(f"{url} still running")


def test_uncached_pack_answers_202_with_a_job_then_the_kept_pack_at_once(api_sqlite: Api, writer: SlowWriter) -> None:
    api = api_sqlite
    t = time.monotonic()
    first = api.get(PACK, "auditor", params={"wait": 0})
    assert time.monotonic() - t < 5  # not the minute of the pack
    assert first.status_code == 202, first.text[:200]
    job = first.json()
    assert first.headers["location"] == job["poll_url"] == f"/api/v1/jobs/{job['id']}"
    assert int(first.headers["retry-after"]) > 0 and job["state"] == "running" and job["kind"] == "evidence-pack"
    # asking again, as the same or another user, joins the job running for this data
    again = api.get(PACK, "engineer", params={"wait": 0})
    assert again.status_code == 202 and again.json()["id"] == job["id"]
    early = api.get(job["result_url"], "auditor")
    assert early.status_code == 202 and early.json()["id"] == job["id"]
    writer.release.set()
    done = _wait_done(api, job["poll_url"], "auditor")
    assert done["state"] == "done" and done["error"] is None and done["seconds"] is not None
    result = api.get(job["result_url"], "auditor")
    assert result.status_code == 200 and result.headers["content-type"] == "application/zip"
    assert "evidence-pack-" in result.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(result.content)) as z:
        assert "devices" in z.read("MANIFEST.sha256").decode()
    t = time.monotonic()
    kept = api.get(PACK, "secadmin")  # unchanged data: the kept pack, whoever asks, without waiting
    assert time.monotonic() - t < 1.0
    assert kept.status_code == 200 and kept.content == result.content
    assert writer.calls == [False]


def test_a_change_of_the_data_makes_a_new_pack(api_sqlite: Api, writer: SlowWriter) -> None:
    api = api_sqlite
    writer.release.set()
    assert api.get(PACK, "auditor", params={"wait": 30}).status_code == 200
    assert api.get(PACK, "auditor", params={"wait": 30}).status_code == 200
    calls = len(writer.calls)
    rooms = api.get("/api/v1/rooms", "engineer").json()
    room = rooms["items"][0] if isinstance(rooms, dict) else rooms[0]
    r = api.client.patch(f"/api/v1/rooms/{room['id']}", json={"address": "海港区测试路 15 号"},
                         headers=api.as_("engineer"))
    assert r.status_code == 200, r.text
    assert api.get(PACK, "auditor", params={"wait": 30}).status_code == 200
    assert len(writer.calls) == calls + 1


def test_a_refused_pack_is_the_409_of_its_job_and_is_kept_for_this_data(api_sqlite: Api, writer: SlowWriter,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import audit.export.pack
    from inventory.errors import ExtranetError

    refused: list[bool] = []

    def refuse(report: Any, path: Path, *, strict: bool = False) -> Path:
        refused.append(strict)
        raise ExtranetError("3 check result(s) still need manual review", code="audit.unresolved")

    monkeypatch.setattr(audit.export.pack, "write_pack", refuse)
    for _ in range(2):
        r = api_sqlite.get(PACK, "auditor", params={"strict": True, "wait": 30})
        assert r.status_code == 409 and r.json()["code"] == "audit.unresolved", r.text
    assert refused == [True]


def test_each_user_may_run_only_a_few_jobs(api_sqlite: Api, writer: SlowWriter) -> None:
    api = api_sqlite
    _reset_jobs(per_user=1)
    first = api.get(PACK, "auditor", params={"wait": 0})
    assert first.status_code == 202
    busy = api.get(PACK, "auditor", params={"strict": True, "wait": 0})
    assert busy.status_code == 429, busy.text[:200]
    assert busy.json()["code"] == "too_many_jobs" and busy.json()["details"]["limit"] == 1
    assert int(busy.headers["retry-after"]) > 0
    other = api.get(PACK, "engineer", params={"strict": True, "wait": 0})  # another user's own job
    assert other.status_code == 202 and other.json()["id"] != first.json()["id"]
    writer.release.set()
    _wait_done(api, first.json()["poll_url"], "auditor")
    assert api.get(PACK, "auditor", params={"strict": True, "wait": 30}).status_code in (200, 409)


def test_a_job_is_seen_by_its_owner_only(api_sqlite: Api, writer: SlowWriter) -> None:
    api = api_sqlite
    job = api.get(PACK, "auditor", params={"wait": 0}).json()
    assert api.get(job["poll_url"], "auditor").status_code == 200
    for role in ("engineer", "viewer", "auditadmin"):
        r = api.get(job["poll_url"], role)
        assert r.status_code == 404 and r.json()["code"] == "not_found", (role, r.text)
        assert api.get(job["result_url"], role).status_code == 404
    assert api.get("/api/v1/jobs/" + "0" * 32, "auditor").status_code == 404
    assert api.client.get(job["poll_url"]).status_code == 401


def test_the_web_download_is_the_same_kept_pack(api_sqlite: Api, writer: SlowWriter) -> None:
    from web.app import create_app

    writer.release.set()
    with TestClient(create_app(api_sqlite.engine)) as web:
        login = web.post("/api/v1/auth/login", json={"username": "t-engineer", "password": TEST_PASSWORD})
        assert login.status_code == 200, login.text
        a = web.get("/exports/audit-pack.zip")
        assert a.status_code == 200 and a.content[:2] == b"PK", a.text[:200]
        assert "audit-pack-" in a.headers["content-disposition"]
        calls = len(writer.calls)
        b = api_sqlite.get(PACK, "auditor")
        assert b.status_code == 200 and b.content == a.content
        assert len(writer.calls) == calls  # one pack for both doors
