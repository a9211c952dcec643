"""The web login form carries a CSRF token bound to a pre-login cookie (login CSRF: a forged form
must not log a victim in as somebody else)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api import auth
from tests.web.conftest import PASSWORD


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from inventory.db import get_engine, session_scope
    from inventory.service import prepare
    from tests.conftest import _url_for
    from web.app import create_app

    engine = get_engine(_url_for("sqlite", tmp_path_factory.mktemp("login-csrf")))
    prepare(engine)
    with session_scope(engine, actor="test") as s:
        auth.create_user(s, "c-view", PASSWORD, "viewer", "test")
    yield TestClient(create_app(engine), base_url="http://127.0.0.1")
    engine.dispose()


def test_the_web_login_form_needs_its_csrf_token(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/login")
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert match, "the login form has no CSRF field"
    without = client.post("/login", data={"username": "c-view", "password": PASSWORD})
    assert without.status_code == 403 and auth.SESSION_COOKIE not in without.cookies
    forged = client.post("/login", data={"username": "c-view", "password": PASSWORD, "csrf": "0" * 64})
    assert forged.status_code == 403
    # every answered form carries a fresh token for the fresh pre-login cookie it sets
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', forged.text).group(1)
    assert token != match.group(1)
    stale = client.post("/login", data={"username": "c-view", "password": PASSWORD, "csrf": match.group(1)})
    assert stale.status_code == 403
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', stale.text).group(1)
    ok = client.post("/login", data={"username": "c-view", "password": PASSWORD, "csrf": token},
                     follow_redirects=False)
    assert ok.status_code == 303 and auth.SESSION_COOKIE in ok.cookies
