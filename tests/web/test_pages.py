"""Pages and their JSON endpoints without a browser: auth redirects, permissions, CSRF, errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, form_login


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(request, tmp_path_factory):
    from api import auth
    from inventory.db import get_engine, session_scope
    from inventory.service import load_sample, prepare
    from tests.conftest import _url_for
    from web.app import create_app

    engine = get_engine(_url_for(request.param, tmp_path_factory.mktemp("pages")))
    prepare(engine)
    load_sample(engine)
    with session_scope(engine, actor="test") as s:
        for name, role in (("p-eng", "engineer"), ("p-view", "viewer")):
            auth.create_user(s, name, PASSWORD, role, "test")
    yield TestClient(create_app(engine), base_url="http://127.0.0.1")
    engine.dispose()


def _login(client: TestClient, user: str) -> TestClient:
    client.cookies.clear()
    r = form_login(client, {"username": user, "password": PASSWORD, "next": "/units"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/units"
    return client


def test_pages_need_a_login_and_refuse_open_redirects(client) -> None:
    client.cookies.clear()
    r = client.get("/units/U001", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/units/U001"
    r = form_login(client, {"username": "p-eng", "password": PASSWORD, "next": "//evil.example/"},
                    follow_redirects=False)
    assert r.headers["location"] == "/map"
    r = form_login(client, {"username": "p-eng", "password": "nope"})
    assert r.status_code == 401 and "登录失败" in r.text


def test_every_page_renders_for_an_engineer(client) -> None:
    _login(client, "p-eng")
    for path in ("/overview", "/map", "/map?level=rooms", "/map?level=devices", "/rooms", "/units", "/units/U001",
                 "/devices", "/devices/QHD-CORE-SW1", "/simulate", "/collection", "/compliance", "/exports"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "电子政务外网管理平台" in r.text
        assert "http://" not in r.text.split("<body>")[0].replace("http://127.0.0.1", "")  # no CDN in <head>


def test_unknown_unit_is_a_page_naming_known_units(client) -> None:
    _login(client, "p-eng")
    r = client.get("/units/NOPE")
    assert r.status_code == 404 and "市委" in r.text and "Traceback" not in r.text


def test_role_without_permission_gets_a_403_page(client) -> None:
    _login(client, "p-view")
    r = client.get("/money")
    assert r.status_code == 403 and "无权访问" in r.text
    assert client.post("/ui/api/map/positions", json={"level": "units", "positions": {}}).status_code == 403


def test_json_changes_need_the_csrf_token(client) -> None:
    _login(client, "p-eng")
    body = {"level": "units", "positions": {"unit:U002": [1.0, 2.0]}}
    r = client.post("/ui/api/map/positions", json=body)
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    page = client.get("/map").text
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    r = client.post("/ui/api/map/positions", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json() == {"saved": 1}
    node = next(n for n in client.get("/ui/api/map/units").json()["nodes"] if n["id"] == "unit:U002")
    assert (node["x"], node["y"], node["saved"]) == (1.0, 2.0, True)
    assert client.delete("/ui/api/map/positions?level=units", headers={"X-CSRF-Token": token}).status_code == 200
    r = client.post("/ui/api/simulate", json={"rooms": ["NOPE"]}, headers={"X-CSRF-Token": token})
    assert r.status_code in (400, 404) and "CORE" in r.json()["message"] + str(r.json()["details"])


def test_every_page_renders_on_an_empty_database(tmp_path) -> None:
    """A fresh install (schema, no inventory, no money) shows empty pages, not errors."""
    from api import auth
    from inventory.db import get_engine, session_scope
    from inventory.service import prepare
    from web.app import create_app

    engine = get_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    prepare(engine)
    with session_scope(engine, actor="test") as s:
        auth.create_user(s, "e-eng", PASSWORD, "engineer", "test")
        auth.create_user(s, "e-fin", PASSWORD, "finance", "test")
    client = TestClient(create_app(engine), base_url="http://127.0.0.1")
    pages = {"e-eng": ["/overview", "/map", "/map?level=rooms", "/map?level=devices", "/rooms", "/units", "/devices",
                       "/simulate", "/collection", "/compliance", "/exports"],
             "e-fin": ["/overview", "/money", "/money?view=accrual", "/exports/money.xlsx", "/contract",
                       "/contract?source=typed&cap=x&t1=99"]}
    for user, paths in pages.items():
        client.cookies.clear()
        form_login(client, {"username": user, "password": PASSWORD})
        for path in paths:
            assert client.get(path).status_code == 200, (user, path)
    engine.dispose()


def test_compliance_device_list_is_paged_and_pages_cover_every_device(client, monkeypatch) -> None:
    import re

    from web.pages import inventory_pages

    monkeypatch.setattr(inventory_pages, "PAGE_SIZE", 100)
    _login(client, "p-eng")
    seen: list[str] = []
    for page in (1, 2, 3):
        r = client.get(f"/compliance?page={page}")
        assert r.status_code == 200
        table = r.text.split('id="compliance-devices"')[1].split("</table>")[0]
        hosts = re.findall(r'<a href="/compliance/([^"]+)">', table)
        assert len(hosts) == (100 if page < 3 else 24), page
        seen += hosts
        assert ("rel=\"next\"" in r.text) == (page < 3)
    assert len(set(seen)) == len(seen) == 224
    # with nothing collected every device has checks to review by hand: the filter keeps all, and the
    # pager's links keep the filter
    r = client.get("/compliance", params={"result": "需人工核查"})
    assert r.status_code == 200
    nxt = re.search(r'<a href="([^"]+)" rel="next">', r.text)
    assert nxt and "result=" in nxt.group(1) and "page=2" in nxt.group(1)
