"""The money workbook and the inventory document are jobs like the evidence pack: made once per state of
the data, kept until it changes, 202 while they run, limited per user, the same file from the API and the
page."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
import yaml
from fastapi.testclient import TestClient

from tests.api.conftest import TEST_PASSWORD, Api

MONEY = "/api/v1/exports/money.xlsx"
DOC = "/api/v1/exports/inventory.yaml"


class Counting:
    """Wraps a real writer: counts its calls and, when `hold` is set, waits (at most 20 s) for `release`."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0
        self.hold, self.release = False, threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.hold:
            self.release.wait(20)
        return self.real(*args, **kwargs)


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Counting]]:
    import answers.exports
    from answers import jobs

    w = {"money": Counting(answers.exports.write_workbook), "doc": Counting(answers.exports.dump_yaml)}
    monkeypatch.setattr(answers.exports, "write_workbook", w["money"])
    monkeypatch.setattr(answers.exports, "dump_yaml", w["doc"])
    jobs.reset(workers=2, per_user=2)
    yield w
    for c in w.values():
        c.release.set()
    jobs.reset()


def _change(api: Api) -> None:
    rooms = api.get("/api/v1/rooms", "engineer").json()
    room = rooms["items"][0] if isinstance(rooms, dict) else rooms[0]
    r = api.client.patch(f"/api/v1/rooms/{room['id']}", json={"address": f"海港区测试路 {room['id'] + 20} 号"},
                         headers=api.as_("engineer"))
    assert r.status_code == 200, r.text


def test_money_workbook_is_made_once_per_state_of_the_data(api_sqlite: Api, writers) -> None:
    api = api_sqlite
    first = api.get(MONEY, "finance", params={"wait": 30})
    assert first.status_code == 200, first.text[:300]
    assert first.headers["content-disposition"].startswith('attachment; filename="money-')
    book = openpyxl.load_workbook(io.BytesIO(first.content))
    assert len(book.sheetnames) >= 3
    again = api.get(MONEY, "planner", params={"wait": 30})
    assert again.status_code == 200 and again.content == first.content
    assert writers["money"].calls == 1
    _change(api)
    assert api.get(MONEY, "finance", params={"wait": 30}).status_code == 200
    assert writers["money"].calls == 2
    # another year is another file
    assert api.get(MONEY, "finance", params={"year": 2021, "wait": 30}).status_code == 200
    assert writers["money"].calls == 3


def test_inventory_document_job_202_then_kept(api_sqlite: Api, writers) -> None:
    api = api_sqlite
    _change(api)
    writers["doc"].hold = True
    pending = api.get(DOC, "engineer", params={"wait": 0})
    assert pending.status_code == 202, pending.text[:300]
    job = pending.json()
    assert job["kind"] == "inventory-document" and pending.headers["location"] == job["poll_url"]
    writers["doc"].release.set()
    done = api.get(job["result_url"], "engineer")
    for _ in range(50):
        if done.status_code == 200:
            break
        done = api.get(job["poll_url"], "engineer", params={"wait": 1})
        done = api.get(job["result_url"], "engineer")
    assert done.status_code == 200 and done.headers["content-type"].startswith("application/yaml")
    assert "rooms" in yaml.safe_load(done.content.decode("utf-8"))
    kept = api.get(DOC, "finance")
    assert kept.status_code == 200 and kept.content == done.content and writers["doc"].calls == 1


def test_export_jobs_count_against_the_users_limit(api_sqlite: Api, writers) -> None:
    from answers import jobs

    api = api_sqlite
    _change(api)
    jobs.reset(workers=2, per_user=1)
    writers["doc"].hold = writers["money"].hold = True
    assert api.get(DOC, "finance", params={"wait": 0}).status_code == 202
    busy = api.get(MONEY, "finance", params={"wait": 0})
    assert busy.status_code == 429 and busy.json()["code"] == "too_many_jobs", busy.text[:300]
    assert int(busy.headers["retry-after"]) > 0


def test_the_page_download_is_the_same_kept_workbook(api_sqlite: Api, writers) -> None:
    from web.app import create_app

    _change(api_sqlite)
    with TestClient(create_app(api_sqlite.engine)) as web:
        login = web.post("/api/v1/auth/login", json={"username": "t-finance", "password": TEST_PASSWORD})
        assert login.status_code == 200, login.text
        a = web.get("/exports/money.xlsx")
        assert a.status_code == 200 and a.content[:2] == b"PK", a.text[:200]
    b = api_sqlite.get(MONEY, "finance")
    assert b.status_code == 200 and b.content == a.content
    assert writers["money"].calls == 1
