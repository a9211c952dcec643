"""Login as an attacker sees it: a locked account answers like an unknown one, spraying one password
over many usernames from one client trips a throttle that backs off, a locked or disabled account's
API token stops working (the web login form's CSRF token: tests/web/test_login_csrf.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import auth
from api.app import create_app
from inventory.models import Alert, ChangeLog, User

from .conftest import TEST_PASSWORD, Api

LOGIN = "/api/v1/auth/login"
WRONG = "Wrong-passw0rd-x"  # test fixture


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _user(api: Api, name: str, role: str = "viewer") -> tuple[int, str]:
    with Session(api.engine) as s:
        user = auth.create_user(s, name, TEST_PASSWORD, role, "test")
        plain, _ = auth.create_token(s, user, "script")
        s.commit()
        return user.id, plain


def _lock(client: TestClient, name: str) -> None:
    for _ in range(auth.DEFAULT_SETTINGS["security"]["lockout_threshold"]):
        assert client.post(LOGIN, json={"username": name, "password": WRONG}).status_code == 401


def test_a_locked_account_answers_like_an_unknown_one(api: Api) -> None:
    client = TestClient(create_app(api.engine))
    _user(api, "lock-quiet")
    _lock(client, "lock-quiet")
    locked = client.post(LOGIN, json={"username": "lock-quiet", "password": TEST_PASSWORD})
    unknown = client.post(LOGIN, json={"username": "nobody-at-all", "password": TEST_PASSWORD})
    assert locked.status_code == unknown.status_code == 401
    assert locked.json() == unknown.json()
    assert locked.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")
    # inside, the lock is recorded and raised as an alert for the administrators
    with Session(api.engine) as s:
        reasons = [r.after["reason"] for r in s.exec(select(ChangeLog).where(
            ChangeLog.action == "login_failed", ChangeLog.object_repr == "lock-quiet")).all()]
        assert "locked out" in reasons and "locked" in reasons
        alert = s.exec(select(Alert).where(Alert.kind == "account_locked")).all()
        assert any("lock-quiet" in a.message for a in alert)


def test_a_locked_or_disabled_accounts_token_is_refused(api: Api) -> None:
    client = TestClient(create_app(api.engine))
    _uid, token = _user(api, "token-lock")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    _lock(client, "token-lock")
    r = client.get("/api/v1/auth/me", headers=bearer)
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"

    uid2, token2 = _user(api, "token-off")
    bearer2 = {"Authorization": f"Bearer {token2}"}
    assert client.get("/api/v1/auth/me", headers=bearer2).status_code == 200
    with Session(api.engine) as s:  # disabled behind the API's back: no revocation ran
        user = s.get(User, uid2)
        user.active = False
        s.add(user)
        s.commit()
    auth._principal_cache.clear()
    assert client.get("/api/v1/auth/me", headers=bearer2).status_code == 401


def test_password_spraying_from_one_client_trips_a_throttle_with_backoff(api_sqlite: Api) -> None:
    app = create_app(api_sqlite.engine)
    clock = FakeClock()
    app.state.login_throttle = auth.LoginThrottle(clock=clock)
    sprayer = TestClient(app, client=("10.20.30.40", 40000))
    other = TestClient(app, client=("10.20.30.41", 40000))
    limit = auth.LoginThrottle.MAX_FAILURES
    # one password, a different username each time: no account reaches its own lock-out
    for i in range(limit):
        assert sprayer.post(LOGIN, json={"username": f"spray-{i}", "password": WRONG}).status_code == 401
    tripped = sprayer.post(LOGIN, json={"username": "t-viewer", "password": TEST_PASSWORD})
    assert tripped.status_code == 429, tripped.text
    assert tripped.json()["code"] == "too_many_attempts"
    first = int(tripped.headers["retry-after"])
    assert first >= 1
    # another client is not held up, and the right password from it still works
    assert other.post(LOGIN, json={"username": "t-viewer", "password": TEST_PASSWORD}).status_code == 200
    # after the wait one more failure trips it again, for longer
    clock.now += first + 1
    assert sprayer.post(LOGIN, json={"username": "spray-x", "password": WRONG}).status_code == 401
    again = sprayer.post(LOGIN, json={"username": "spray-y", "password": WRONG})
    assert again.status_code == 429 and int(again.headers["retry-after"]) > first
    with Session(api_sqlite.engine) as s:
        assert s.exec(select(Alert).where(Alert.kind == "login_throttled")).first() is not None

