"""A password reset by an administrator is one-time on the web too: every page sends its owner to choose
their own, the change goes through the policy and the trail, and they continue where they were going."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api import auth
from inventory.models import ChangeLog, User
from tests.web.conftest import PASSWORD, form_login

NEW = "Chosen-By-Me-42!"
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@pytest.fixture
def app_engine(tmp_path):
    from inventory.db import get_engine, session_scope
    from inventory.service import prepare
    from tests.conftest import _url_for

    engine = get_engine(_url_for("sqlite", tmp_path))
    prepare(engine)
    with session_scope(engine, actor="test") as s:
        auth.create_user(s, "p-sec", PASSWORD, "secadmin", "test")
        auth.create_user(s, "p-sys", PASSWORD, "sysadmin", "test")
        sec = s.exec(select(User).where(User.username == "p-sec")).one()
        sys_ = s.exec(select(User).where(User.username == "p-sys")).one()
        reset_by = auth.Principal(sec.id, sec.username, sec.role, "token")
        auth.set_password(s, sys_, PASSWORD, reset_by=reset_by)  # one-time: p-sys must choose their own
    yield engine
    engine.dispose()


@pytest.fixture
def client(app_engine):
    from web.app import create_app

    return TestClient(create_app(app_engine), base_url="http://127.0.0.1", follow_redirects=False)


def _form(page: str) -> str:
    return _CSRF.search(page).group(1)


def test_every_page_sends_a_reset_user_to_choose_a_password(client, app_engine) -> None:
    r = form_login(client, {"username": "p-sys", "password": PASSWORD, "next": "/devices"})
    assert r.status_code == 303
    for path in ("/devices", "/map", "/overview", "/exports", "/alerts"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/account/password?next="), path
    page = client.get("/account/password?next=/devices")
    assert page.status_code == 200 and 'id="password-forced"' in page.text and "管理员重置" in page.text
    # the API says the same to the same session
    assert client.get("/api/v1/devices").json()["code"] == "password_change_required"
    token = _form(page.text)
    wrong = client.post("/account/password", data={"csrf": token, "next": "/devices", "current_password": "nope",
                                                   "new_password": NEW, "confirm_password": NEW})
    assert wrong.status_code == 403 and "当前口令错误" in wrong.text and "Traceback" not in wrong.text
    weak = client.post("/account/password", data={"csrf": token, "next": "/devices",
                                                  "current_password": PASSWORD, "new_password": "short1",
                                                  "confirm_password": "short1"})
    assert weak.status_code == 422 and "新口令强度不足" in weak.text and "at least" in weak.text
    differ = client.post("/account/password", data={"csrf": token, "next": "/devices",
                                                    "current_password": PASSWORD, "new_password": NEW,
                                                    "confirm_password": NEW + "x"})
    assert differ.status_code == 422 and "两次输入的新口令不一致" in differ.text
    forged = client.post("/account/password", data={"csrf": "0" * 64, "next": "/devices",
                                                    "current_password": PASSWORD, "new_password": NEW,
                                                    "confirm_password": NEW})
    assert forged.status_code == 403
    ok = client.post("/account/password", data={"csrf": token, "next": "/devices", "current_password": PASSWORD,
                                                "new_password": NEW, "confirm_password": NEW})
    assert ok.status_code == 303 and ok.headers["location"] == "/devices"
    assert client.get("/devices").status_code == 200
    from inventory.db import session_scope

    with session_scope(app_engine) as s:
        user = s.exec(select(User).where(User.username == "p-sys")).one()
        assert user.must_change_password is False
        assert auth.verify_password(user.password_hash, NEW)
        assert s.exec(select(ChangeLog).where(ChangeLog.action == "password",
                                              ChangeLog.object_id == user.id)).first() is not None


def test_next_is_local_only_and_anyone_may_change_their_own(client) -> None:
    form_login(client, {"username": "p-sec", "password": PASSWORD})
    assert client.get("/devices").status_code in (200, 403)  # not forced: no redirect to the password page
    page = client.get("/account/password?next=//evil.example/")
    assert page.status_code == 200 and 'id="password-forced"' not in page.text
    ok = client.post("/account/password", data={"csrf": _form(page.text), "next": "//evil.example/",
                                                "current_password": PASSWORD, "new_password": NEW,
                                                "confirm_password": NEW})
    assert ok.status_code == 303 and ok.headers["location"] == "/map"


def test_logged_out_goes_to_login(client) -> None:
    client.cookies.clear()
    r = client.get("/account/password")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
