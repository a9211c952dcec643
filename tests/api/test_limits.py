"""Finding 6 of issue 15, the costly requests: a request body over the limit is refused before it is
read (413 in the API's error format, the limit configurable; imports have their own larger one), and
one map save may not hold the writer with far more positions than the map has nodes."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import TEST_PASSWORD, Api

MB = 1024 * 1024


def _too_large(r) -> dict:
    assert r.status_code == 413, (r.status_code, r.text[:300])
    body = r.json()
    assert body["code"] == "too_large" and body["details"]["limit_bytes"] > 0, body
    return body


@pytest.fixture(scope="module")
def small(api_sqlite: Api) -> TestClient:
    """The same database behind an app with small limits (1 MB, imports 3 MB), set as an operator would."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXTRANET_MAX_BODY_MB", "1")
        mp.setenv("EXTRANET_MAX_IMPORT_MB", "3")
        return TestClient(create_app(api_sqlite.engine))


def test_a_body_over_the_limit_is_413_before_the_route_reads_it(api_sqlite: Api, small: TestClient) -> None:
    h = api_sqlite.as_("engineer")
    # 2 MB of JSON to an ordinary route: refused however valid or invalid it is
    big = json.dumps({"code": "R", "name": "x" * (2 * MB)})
    body = _too_large(small.post("/api/v1/rooms", content=big, headers={**h, "Content-Type": "application/json"}))
    assert "1 MB" in body["message"] and body["details"]["setting"] == "EXTRANET_MAX_BODY_MB"
    # a body sent without Content-Length (chunked) is counted as it streams
    def chunks():
        for _ in range(40):
            yield b" " * 65536
    _too_large(small.post("/api/v1/rooms", content=chunks(), headers={**h, "Content-Type": "application/json"}))
    # the refusal carries the request id like every answer
    r = small.post("/api/v1/rooms", content=big, headers={**h, "X-Request-ID": "big-1",
                                                         "Content-Type": "application/json"})
    assert r.headers["x-request-id"] == "big-1"
    # under the limit the route answers as always
    ok = small.post("/api/v1/rooms", json={"code": "LIM1", "name": "限额机房"}, headers=h)
    assert ok.status_code == 201, ok.text


def test_the_default_limit_is_a_few_mb_and_set_by_environment(api_sqlite: Api, monkeypatch) -> None:
    h = {**api_sqlite.as_("engineer"), "Content-Type": "application/json"}
    big = json.dumps({"code": "R", "name": "x" * (6 * MB)})
    _too_large(api_sqlite.client.post("/api/v1/rooms", content=big, headers=h))
    roomy = TestClient(create_app(api_sqlite.engine, max_body_bytes=8 * MB))
    r = roomy.post("/api/v1/rooms", content=big, headers=h)
    assert r.status_code == 422  # read and refused by the model (name too long), not by the limit
    monkeypatch.setenv("EXTRANET_MAX_BODY_MB", "lots")
    with pytest.raises(ValueError, match="EXTRANET_MAX_BODY_MB"):
        create_app(api_sqlite.engine)


def test_imports_have_their_own_larger_limit(api_sqlite: Api, small: TestClient) -> None:
    h = {**api_sqlite.as_("engineer"), "Content-Type": "application/json"}
    text = "version: 1\nrooms:\n- code: LIMIMP\n  name: 导入限额机房\n" + "# padding\n" * (200 * 1024)  # 2 MB
    doc = json.dumps({"documents": [{"name": "rooms.yaml", "text": text}], "dry_run": True})
    assert 1 * MB < len(doc) < 3 * MB
    r = small.post("/api/v1/import", content=doc, headers=h)
    assert r.status_code == 200, r.text[:300]
    huge = json.dumps({"documents": [{"name": "rooms.yaml", "text": text * 2}], "dry_run": True})
    body = _too_large(small.post("/api/v1/import", content=huge, headers=h))
    assert body["details"]["setting"] == "EXTRANET_MAX_IMPORT_MB" and "rooms.yaml" not in body["message"]


def test_the_413_is_documented(api_sqlite: Api) -> None:
    spec = api_sqlite.client.get("/api/v1/openapi.json").json()
    assert "413" in spec["paths"]["/api/v1/rooms"]["post"]["responses"]


def _web_login(api: Api, role: str) -> TestClient:
    from web.app import create_app as web_app

    c = TestClient(web_app(api.engine))
    r = c.post("/api/v1/auth/login", json={"username": f"t-{role}", "password": TEST_PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def test_a_map_save_is_capped_near_the_number_of_nodes(api_sqlite: Api) -> None:
    web = _web_login(api_sqlite, "planner")
    nodes = web.get("/ui/api/map/units").json()["nodes"]
    mine = {n["id"]: [float(i), 2.0 * i] for i, n in enumerate(nodes)}
    r = web.post("/ui/api/map/positions", json={"level": "units", "positions": mine})
    assert r.status_code == 200 and r.json()["saved"] == len(nodes), r.text
    flood = {f"unit:FAKE{i:05d}": [1.0, 2.0] for i in range(20_000)}
    t = time.monotonic()
    r = web.post("/ui/api/map/positions", json={"level": "units", "positions": flood})
    assert time.monotonic() - t < 3, "20,000 positions held the writer"
    assert r.status_code in (413, 422), r.text[:300]
    body = r.json()
    limit = body["details"]["limit"]
    assert len(nodes) <= limit < 20_000 and str(limit) in body["message"], body
    assert body["details"]["field"] == "body.positions" and body["details"]["got"] == 20_000
