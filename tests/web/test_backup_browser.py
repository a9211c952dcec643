"""The backup verdicts page in a real headless chromium against a real server on loopback: the sample city with
a replayed record (tests/web/sla_record.py) and the unit router's config as the lab renders it, so one
circuit's row says how its config arms it, in words and with the lines; both languages; the report's links
download what the API serves. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from tests.web.conftest import WebServer, finance_city, login, new_context, shot, start_server
from tests.web.sla_record import BACKUP, YEAR, write_record

pytestmark = [pytest.mark.xdist_group("web"), pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def backup_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebServer, dict[str, Any]]]:
    from inventory.db import session_scope
    from inventory.models import Circuit, ConfigSnapshot, Device, Interface
    from lab.personalities import personality
    from lab.spec import build_lab_spec
    from web.app import create_app

    engine, token = finance_city(tmp_path_factory.mktemp("backupweb") / "extranet.db")
    with session_scope(engine, actor="test") as s:
        c = s.exec(select(Circuit).where(Circuit.cid == BACKUP)).one()
        iface = s.get(Interface, c.a_interface_id if c.a_unit_id is not None else c.z_interface_id)
        dev = s.get(Device, iface.device_id)  # type: ignore[union-attr]
        lab_dev = build_lab_spec(s, only=dev.hostname).device(dev.hostname)  # type: ignore[union-attr]
        text = personality(lab_dev.platform).render_config(lab_dev)
        s.add(ConfigSnapshot(device_id=dev.id, sha256="0" * 64, text=text, source="import"))  # type: ignore[union-attr]
    write_record(engine)
    with TestClient(create_app(engine)) as client:
        api = client.get(f"/api/v1/backup/verdicts?year={YEAR}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.text
    base, server, thread = start_server(engine)
    yield WebServer(engine, base, None, {}, server, thread), {"api": api.json(), "host": dev.hostname}  # type: ignore[union-attr]
    server.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture
def page(browser, backup_web, net) -> Iterator[Any]:
    web, _ = backup_web
    ctx = new_context(browser, web, net)
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    login(p, web, "b-fin", next_path="/backup")
    yield p
    assert not errors, errors
    ctx.close()


def test_each_circuit_its_reading_and_the_report(page, backup_web) -> None:
    web, facts = backup_web
    api = facts["api"]
    page.goto(f"{web.base}/backup?year={YEAR}")
    rows = page.locator("#backup-verdicts tr[id^='v-']")
    assert rows.count() == len(api["verdicts"]) == api["circuits"]
    for code, n in api["by_verdict"].items():
        assert page.locator(f"#count-{code}").inner_text().strip() == str(n)
    one = next(v for v in api["verdicts"] if v["cid"] == BACKUP)
    assert one["armed"]["state"] == "armed" and one["armed"]["device"] == facts["host"]
    row = page.locator(f"#v-{BACKUP}")
    assert row.locator(".armed-state").inner_text() == "就绪"
    assert "浮动静态路由" in row.locator(".mech").inner_text()
    row.locator("details summary").click()
    cited = row.locator("details pre").inner_text()
    assert all(line in cited for line in one["armed"]["lines"]) and facts["host"] in cited
    assert page.locator(f"#verdict-{BACKUP}").inner_text() == one["verdict_zh"]
    # a circuit whose router's config was never stored says so, in words
    other = next(v for v in api["verdicts"] if v["armed"]["state"] == "no_config")
    assert page.locator(f"#v-{other['cid']} .armed-state").inner_text() == "无配置"
    assert "未采集到该路由器配置" in page.locator(f"#v-{other['cid']} .lacks").inner_text()
    shot(page, "40-backup-verdicts", full_page=True)

    # the report: the links download the files the API serves
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        link = page.locator(f"a[href*='/api/v1/backup/report'][href*='format={fmt}']")
        assert link.count() == 1
        with page.expect_download() as dl:
            link.click()
        with open(dl.value.path(), "rb") as f:
            assert f.read(4).startswith(magic)

    page.click("a.lang")
    page.wait_for_load_state("load")
    row = page.locator(f"#v-{BACKUP}")
    assert row.locator(".armed-state").inner_text() == "Armed"
    assert "floating static route" in row.locator(".mech").inner_text()
    assert page.locator(f"#verdict-{BACKUP}").inner_text() == one["verdict_en"]
    body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    for code in ("floating_static", "no_config", "armed_untested", "platform_unsupported"):
        assert code not in body
    shot(page, "41-backup-verdicts-en", full_page=True)
    page.click("a.lang")
