"""Login, cookie flags, CSRF, lock-out, idle timeout, tokens shown once, secrets never echoed."""

from __future__ import annotations

import datetime as dt
import logging

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import auth
from api.app import create_app
from inventory.models import ApiToken, User, WebSession

from .conftest import TEST_PASSWORD, Api

LOGIN = "/api/v1/auth/login"


def _login(client: TestClient, user: str, password: str = TEST_PASSWORD):
    return client.post(LOGIN, json={"username": user, "password": password})


def test_login_sets_a_hardened_cookie_and_returns_csrf(api: Api) -> None:
    client = TestClient(create_app(api.engine, cookie_secure=True))
    r = _login(client, "t-engineer")
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    body = r.json()
    assert body["user"]["username"] == "t-engineer" and body["via"] == "session"
    assert "inventory.write" in body["permissions"] and len(body["csrf_token"]) == 64
    assert "password" not in r.text.lower().replace("password_", "").replace("must_change_password", "")


def test_cookie_not_secure_over_plain_http_by_default(api: Api) -> None:
    r = _login(TestClient(create_app(api.engine)), "t-viewer")
    assert r.status_code == 200 and "Secure" not in r.headers["set-cookie"]


def test_wrong_and_unknown_users_get_the_same_answer(api: Api) -> None:
    client = api.client
    a = _login(client, "t-planner", "Wrong-passw0rd-x")
    b = _login(client, "nobody-here", "Wrong-passw0rd-x")
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json() == {"code": "invalid_credentials", "message": "wrong username or password",
                                    "details": None}


def test_cookie_mutations_need_the_csrf_token(api: Api) -> None:
    client = TestClient(create_app(api.engine))
    csrf = _login(client, "t-engineer").json()["csrf_token"]
    body = {"code": "CSRF1", "name": "CSRF 测试机房"}
    refused = client.post("/api/v1/rooms", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    wrong = client.post("/api/v1/rooms", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    ok = client.post("/api/v1/rooms", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201, ok.text
    # reads need no token; logout is itself a change and needs it
    assert client.get("/api/v1/auth/me").json()["csrf_token"] == csrf
    assert client.post("/api/v1/auth/logout").status_code == 403
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_lockout_after_failed_logins_and_unlock_by_sysadmin(api: Api) -> None:
    client = TestClient(create_app(api.engine))
    threshold = auth.DEFAULT_SETTINGS["security"]["lockout_threshold"]
    with Session(api.engine) as s:
        target = auth.create_user(s, "lock-me", TEST_PASSWORD, "viewer", "test")
        s.commit()
        uid = target.id
    for _ in range(threshold):
        assert _login(client, "lock-me", "Wrong-passw0rd-x").status_code == 401
    locked = _login(client, "lock-me")  # the right password no longer helps, and the answer does not say why
    assert locked.status_code == 401 and locked.json()["code"] == "invalid_credentials"
    r = client.patch(f"/api/v1/users/{uid}", json={"unlock": True}, headers=api.as_("sysadmin"))
    assert r.status_code == 200 and r.json()["locked"] is False
    assert _login(client, "lock-me").status_code == 200


def test_idle_session_expires(api: Api) -> None:
    client = TestClient(create_app(api.engine))
    assert _login(client, "t-auditor").status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200
    auth._principal_cache.clear()
    idle = auth.DEFAULT_SETTINGS["system"]["idle_timeout_minutes"]
    with Session(api.engine) as s:
        user = s.exec(select(User).where(User.username == "t-auditor")).one()
        for ws in s.exec(select(WebSession).where(WebSession.user_id == user.id)).all():
            ws.last_seen_at = ws.last_seen_at - dt.timedelta(minutes=idle + 1)
            s.add(ws)
        s.commit()
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"


def test_token_is_shown_once_and_stored_as_digest(api: Api, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    headers = api.as_("planner")
    created = api.client.post("/api/v1/auth/tokens", json={"name": "script"}, headers=headers)
    assert created.status_code == 201
    plain = created.json()["token"]
    listed = api.client.get("/api/v1/auth/tokens", headers=headers)
    assert plain not in listed.text and all("token" not in t for t in listed.json())
    with Session(api.engine) as s:
        row = s.get(ApiToken, created.json()["id"])
        assert row.token_hash == auth.digest(plain) and plain not in row.token_hash
    use = api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {plain}"})
    assert use.status_code == 200 and use.json()["via"] == "token"
    assert api.client.delete(f"/api/v1/auth/tokens/{created.json()['id']}", headers=headers).status_code == 204
    assert api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert plain not in caplog.text and TEST_PASSWORD not in caplog.text


def test_passwords_never_returned(api: Api) -> None:
    for path in ("/api/v1/users", "/api/v1/auth/me", "/api/v1/settings"):
        r = api.client.get(path, headers=api.as_("sysadmin"))
        assert r.status_code == 200
        assert "password_hash" not in r.text and "$argon2" not in r.text and TEST_PASSWORD not in r.text
    trail = api.client.get("/api/v1/audit-trail?limit=1000", headers=api.as_("auditadmin"))
    assert trail.status_code == 200 and trail.json()["total"] > 0
    assert "$argon2" not in trail.text and TEST_PASSWORD not in trail.text
    assert not any(token in trail.text for token in api.tokens.values())


def test_weak_password_refused_with_the_field(api: Api) -> None:
    r = api.client.post("/api/v1/users", json={"username": "weak1", "password": "abcdefghij", "role": "viewer"},
                        headers=api.as_("sysadmin"))
    assert r.status_code == 422 and r.json()["code"] == "weak_password" and r.json()["details"]["field"] == "password"


def test_disabled_user_loses_tokens(api: Api) -> None:
    with Session(api.engine) as s:
        user = auth.create_user(s, "leaver", TEST_PASSWORD, "viewer", "test")
        plain, _ = auth.create_token(s, user, "x")
        s.commit()
        uid = user.id
    headers = {"Authorization": f"Bearer {plain}"}
    assert api.client.get("/api/v1/units", headers=headers).status_code == 200
    r = api.client.patch(f"/api/v1/users/{uid}", json={"active": False}, headers=api.as_("sysadmin"))
    assert r.status_code == 200
    assert api.client.get("/api/v1/units", headers=headers).status_code == 401
    assert _login(api.client, "leaver").status_code == 401


def test_missing_or_malformed_credentials(api: Api) -> None:
    assert api.client.get("/api/v1/units").json()["code"] == "unauthorized"
    r = api.client.get("/api/v1/units", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    r = api.client.get("/api/v1/units", headers={"Authorization": "Bearer ext_nope"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
