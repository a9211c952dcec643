"""The audit trail: logins, failures, refusals and changes; export; append-only through the app."""

from __future__ import annotations

import csv
import io
import json

from api.app import create_app

from .conftest import TEST_PASSWORD, Api


def test_trail_records_logins_and_failures(api_sqlite: Api) -> None:
    c = api_sqlite.client
    c.post("/api/v1/auth/login", json={"username": "t-viewer", "password": "Wrong-passw0rd-x"})
    c.post("/api/v1/auth/login", json={"username": "t-viewer", "password": TEST_PASSWORD})
    c.cookies.clear()
    rows = api_sqlite.get("/api/v1/audit-trail?actor=t-viewer&object_type=app_user", "auditadmin").json()["items"]
    actions = [r["action"] for r in rows]
    assert "login" in actions and "login_failed" in actions
    failed = next(r for r in rows if r["action"] == "login_failed")
    assert failed["after"] == {"reason": "wrong password"} and failed["remote_addr"] == "testclient"


def test_export_csv_and_json(api_sqlite: Api) -> None:
    h = api_sqlite.as_("auditadmin")
    r = api_sqlite.client.get("/api/v1/audit-trail/export?format=csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {"actor", "action", "before", "after", "request_id", "remote_addr"} <= set(rows[0])
    assert any(row["object_type"] == "unit" for row in rows)  # the sample load is on the trail
    j = api_sqlite.client.get("/api/v1/audit-trail/export?format=json&object_type=room", headers=h)
    data = json.loads(j.text)
    assert data and all(row["object_type"] == "room" for row in data)


def test_trail_is_append_only_through_the_app(api_sqlite: Api) -> None:
    spec = create_app(api_sqlite.engine).openapi()
    trail_paths = {p: set(ops) for p, ops in spec["paths"].items() if p.startswith("/api/v1/audit-trail")}
    assert trail_paths == {"/api/v1/audit-trail": {"get"}, "/api/v1/audit-trail/export": {"get"}}
    h = api_sqlite.as_("auditadmin")
    for method in ("DELETE", "PUT", "PATCH", "POST"):
        assert api_sqlite.client.request(method, "/api/v1/audit-trail", headers=h).status_code == 405
    page = api_sqlite.get("/api/v1/audit-trail?limit=1", "auditadmin").json()
    assert page["retention"]["retention_days_min"] >= 180 and page["retention"]["rows"] == page["total"]
