"""The 11-city province in PostgreSQL (one database for the module): loaded through the importer, the
graph built from it answers N-1 exactly as topology.synth.province_graph does on the same city
documents, the API pages its large lists, the map stays at room/unit level unless asked, a lab slice
is served and collected over real SSH, and a real chromium draws the province map."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from inventory.models import ChangeLog, Device, Unit
from inventory.province import load_province, province_document
from tests.conftest import make_pg_database, need, pg_available
from tests.web.conftest import form_login

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("province"), pytest.mark.timeout(600)]

CITIES, SEED = 11, 1000
KINDS = ("link", "device", "unit-device", "srlg", "room")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return province_document(CITIES, SEED)


@pytest.fixture(scope="module")
def province(doc: dict[str, Any]) -> Iterator[Engine]:
    from inventory.db import get_engine
    from inventory.service import prepare

    ok, why = pg_available()
    need("PostgreSQL", ok, why)
    engine = get_engine(make_pg_database("province"))
    prepare(engine)
    load_province(engine, CITIES, SEED)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def tokens(province: Engine) -> dict[str, str]:
    from tests.api.conftest import add_role_users

    return add_role_users(province)[0]


def test_province_is_loaded_whole_with_its_audit_trail(province: Engine, doc: dict[str, Any]) -> None:
    with Session(province) as s:
        assert s.exec(select(func.count()).select_from(Unit)).one() == len(doc["units"]) > 1000
        assert s.exec(select(func.count()).select_from(Device)).one() == len(doc["devices"]) > 2000
        terminals = s.exec(select(func.sum(Unit.declared_terminals))).one()
        assert terminals == sum(u["declared_terminals"] for u in doc["units"]) > 100_000
        zones = Counter(s.exec(select(Device.zone)).all())
        assert zones == Counter(d["zone"] for d in doc["devices"])
        logged = s.exec(select(func.count()).select_from(ChangeLog).where(ChangeLog.actor == "province",
                                                                         ChangeLog.object_type == "device")).one()
        assert logged == len(doc["devices"])


def _answers(g: Any, failures: list[Any]) -> dict[tuple[str, str], tuple]:
    from topology.net import get_net

    units = get_net(g).units

    def codes(idx: list[int]) -> list[str]:
        return sorted(units[i] for i in idx)

    return {(f.kind, f.element): (codes(f.units_cut), codes(f.units_degraded), f.terminals_lost,
                                  codes(f.units_failover), f.terminals_failover) for f in failures}


def test_n1_on_the_inventory_graph_equals_the_synthetic_province(province: Engine, doc: dict[str, Any]) -> None:
    from topology.graph import build_graph
    from topology.sweep import sweep_single
    from topology.synth import province_docs, province_graph

    with Session(province) as s:
        g = build_graph(s)
    ref = province_graph(province_docs(CITIES, SEED))
    assert set(g.nodes) == set(ref.nodes)
    assert {k for _, _, k in g.edges(keys=True)} == {k for _, _, k in ref.edges(keys=True)}
    assert g.graph["core"] == ref.graph["core"] == ["device:PROV-CORE1", "device:PROV-CORE2"]
    ours, theirs = _answers(g, sweep_single(g, KINDS)), _answers(ref, sweep_single(ref, KINDS))
    assert ours == theirs
    cut = Counter(kind for (kind, _), a in ours.items() if a[0])
    # Every kind of failure cuts some units off somewhere in the province (the sample's weak spots x 11).
    assert set(cut) == set(KINDS), cut
    # A long-haul duct carries three cities' Unicom uplinks. Both uplinks of a city leave from its core
    # room, so cutting the duct loses no terminal: every unit of those cities fails over to Telecom.
    _cut, _degraded, lost, failover, _moved = ours[("srlg", "longhaul:group1")]
    assert lost == 0
    assert failover == sorted(u["code"] for u in doc["units"] if u["code"][:4] in ("C01-", "C02-", "C03-"))


def test_api_lists_are_paged_and_counts_are_right(province: Engine, doc: dict[str, Any],
                                                  tokens: dict[str, str]) -> None:
    from api.app import create_app

    with TestClient(create_app(province)) as client:
        h = {"Authorization": f"Bearer {tokens['planner']}"}
        seen: list[str] = []
        offset, total = 0, None
        while total is None or offset < total:
            page = client.get("/api/v1/units", params={"limit": 500, "offset": offset, "sort": "code"}, headers=h)
            assert page.status_code == 200, page.text
            body = page.json()
            total = body["total"]
            assert len(body["items"]) <= 500
            seen += [u["code"] for u in body["items"]]
            offset += 500
        assert total == len(doc["units"]) and seen == sorted(u["code"] for u in doc["units"])
        city = client.get("/api/v1/devices", params={"zone": "city-03", "limit": 1}, headers=h).json()
        assert city["total"] == sum(1 for d in doc["devices"] if d["zone"] == "city-03")
        assert client.get("/api/v1/devices", params={"limit": 501}, headers=h).status_code == 422

        levels = {lv: client.get(f"/api/v1/topology/{lv}", headers=h).json() for lv in ("rooms", "units", "devices")}
        kinds = {lv: Counter(n["kind"] for n in m["nodes"]) for lv, m in levels.items()}
        assert kinds["rooms"] == {"room": len(doc["rooms"])}
        assert kinds["units"] == {"room": len(doc["rooms"]), "unit": len(doc["units"])}
        assert kinds["devices"]["device"] == len(doc["devices"])

        prot = client.get("/api/v1/analysis/protection", params={"limit": 100, "offset": 1000}, headers=h).json()
        assert prot["total"] == len(doc["units"]) and len(prot["units"]) == len(doc["units"]) - 1000
        assert sum(c["units"] for c in prot["counts"].values()) == len(doc["units"])
        sweep = client.get("/api/v1/analysis/sweep", params={"kind": "srlg", "limit": 10}, headers=h).json()
        srlgs = {c.get("srlg") for c in doc["circuits"] if c.get("srlg")}
        assert sweep["total"] == len(srlgs) and len(sweep["failures"]) == 10


def test_pages_list_the_province_a_page_at_a_time(province: Engine, doc: dict[str, Any],
                                                  tokens: dict[str, str]) -> None:
    import re

    from tests.api.conftest import TEST_PASSWORD
    from web.app import create_app
    from web.pages.inventory_pages import PAGE_SIZE

    with TestClient(create_app(province)) as client:
        login = form_login(client, {"username": "t-engineer", "password": TEST_PASSWORD},
                            follow_redirects=False)
        assert login.status_code == 303
        devices = client.get("/devices", params={"page": 2})
        assert devices.status_code == 200
        hosts = re.findall(r'<td><a href="/devices/([^"]+)">', devices.text)
        assert hosts == sorted(d["hostname"] for d in doc["devices"])[PAGE_SIZE:2 * PAGE_SIZE]
        pages = -(-len(doc["devices"]) // PAGE_SIZE)
        assert f"2 / {pages}" in devices.text and 'href="?page=3" rel="next"' in devices.text
        units = client.get("/units", params={"q": "C05-", "page": 1}).text
        codes = re.findall(r'<td><a href="/units/([^"]+)">\1</a>', units)
        assert codes == sorted(u["code"] for u in doc["units"] if u["code"].startswith("C05-"))
        assert 'id="pager"' not in units  # one city fits on one page
        page = client.get("/map").text  # the map opens at room/unit level
        assert re.search(r'"kind": ?"unit"', page) and not re.search(r'"kind": ?"device"', page)


def test_a_lab_slice_is_served_and_collected_over_ssh(province: Engine, tmp_path: Path) -> None:
    import json

    from collectors.engine import Settings
    from inventory.collection import run_collection
    from inventory.db import session_scope
    from lab.server import LabThread
    from lab.spec import build_lab_spec

    with session_scope(province) as s:
        zone = build_lab_spec(s, only=["city-03"], limit=12)
        room = build_lab_spec(s, only="C03-CITIZEN")
        core = build_lab_spec(s, only="PROV-DC1")
    assert len(zone.devices) == 12 and {d.hostname[:4] for d in zone.devices} == {"C03-"}
    # Neighbours outside the slice are still seen by LLDP: every city's uplink lands on the core.
    assert len(core.devices[0].neighbors) == CITIES + 1
    lab = LabThread(room).start()
    try:
        inventory = json.loads(lab.lab.write_files(tmp_path / "lab").read_text(encoding="utf-8"))
        report = run_collection(province, only="C03-CITIZEN", lab_inventory=inventory, trigger="test",
                                settings=Settings(concurrency=4))
    finally:
        lab.stop()
    assert report.total == len(room.devices) == 2 and report.ok == report.total, report


def test_browser_draws_the_province_map_at_unit_level(province: Engine, doc: dict[str, Any]) -> None:
    import uvicorn

    from answers import ask
    from api import auth
    from inventory.db import session_scope
    from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, Net, _free_port, login, new_context, shot
    from web.app import create_app

    need("chromium", Path(CHROMIUM).exists(), f"{CHROMIUM} not installed")
    with session_scope(province, actor="test") as s:
        auth.create_user(s, "prov-eng", "Province-Test-1!", "engineer", "test")  # test fixture account
        units_level = ask(s).map_level("units")
    server = uvicorn.Server(uvicorn.Config(create_app(province), host="127.0.0.1", port=_free_port(),
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    web = type("Web", (), {"base": f"http://127.0.0.1:{server.config.port}"})()
    net = Net()
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            ctx = new_context(browser, web, net)
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            login(page, web, "prov-eng", "Province-Test-1!")  # lands on /map: no level asked for
            page.wait_for_function("window.__map && window.__map.firstDraw !== null", timeout=60_000)
            drawn = page.evaluate("[window.__map.nodes.length, window.__map.edges.length]")
            kinds = Counter(page.evaluate("window.__map.nodes.get().map(n => n.kind)"))
            shot(page, "province-map-units")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    assert not errors, errors
    assert not net.blocked, net.blocked[:5]
    assert drawn == [len(units_level.nodes), len(units_level.edges)]
    assert kinds == {"room": len(doc["rooms"]), "unit": len(doc["units"])}  # not one device node
