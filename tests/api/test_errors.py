"""Every error is {code, message, details}; never a trace; never a 500 for bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import ApiError

from .conftest import Api


def _shape(body: dict) -> None:
    assert set(body) == {"code", "message", "details"} and body["code"] and body["message"]


def test_unknown_endpoint_and_method(api_sqlite: Api) -> None:
    r = api_sqlite.client.get("/api/v1/does-not-exist")
    assert r.status_code == 404
    _shape(r.json())
    r = api_sqlite.client.put("/api/v1/units", headers=api_sqlite.as_("engineer"))
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


def test_malformed_bodies(api_sqlite: Api) -> None:
    h = {**api_sqlite.as_("engineer"), "content-type": "application/json"}
    for raw in (b"{not json", b"[]", b"\xff\xfe", b'{"code": 5}', b'{"code": "A\\u0000", "name": "x"}'):
        r = api_sqlite.client.post("/api/v1/rooms", content=raw, headers=h)
        assert r.status_code == 422, (raw, r.text)
        _shape(r.json())
        assert r.json()["code"] == "validation_error" and r.json()["details"]


def test_huge_and_odd_values(api_sqlite: Api) -> None:
    h = api_sqlite.as_("engineer")
    for path in ("/api/v1/units/99999999999999999999", "/api/v1/units/-1", "/api/v1/units/0"):
        r = api_sqlite.client.get(path, headers=h)
        assert r.status_code == 422
        _shape(r.json())
    r = api_sqlite.client.post("/api/v1/units", json={"code": "U" * 40, "name": "x", "kind": "court"}, headers=h)
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "body.code"


def test_internal_error_has_no_trace(api_sqlite: Api) -> None:
    app = create_app(api_sqlite.engine)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/api/v1/teapot")
    def teapot() -> None:
        raise ApiError(418, "teapot", "I am a teapot", {"x": 1})

    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/api/v1/boom", headers={"X-Request-ID": "trace-me"})
    assert r.status_code == 500
    assert r.json() == {"code": "internal_error", "message": "internal error; the server log has the details",
                        "details": {"request_id": "trace-me"}}
    assert "Traceback" not in r.text and "passwd" not in r.text
    assert client.get("/api/v1/teapot").json() == {"code": "teapot", "message": "I am a teapot", "details": {"x": 1}}


def test_not_found_is_stable(api_sqlite: Api) -> None:
    r = api_sqlite.get("/api/v1/devices/999999", "viewer")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert r.json()["details"] == {"kind": "devices", "key": 999999}
