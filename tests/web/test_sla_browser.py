"""The SLA page in a real headless chromium against a real server on loopback, over the sample city with a
replayed record (tests/web/sla_record.py: SNMP rounds through store_round and rollup, syslog messages and
their intervals). Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import WebServer, finance_city, login, new_context, shot, start_server
from tests.web.sla_record import PRIMARY, YEAR, write_record

pytestmark = [pytest.mark.xdist_group("web"), pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def sla_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebServer, dict[str, Any]]]:
    from web.app import create_app

    engine, token = finance_city(tmp_path_factory.mktemp("slaweb") / "extranet.db")
    names = write_record(engine)
    with TestClient(create_app(engine)) as c:
        api = c.get(f"/api/v1/sla/ledger?year={YEAR}&by=circuit", headers={"Authorization": f"Bearer {token}"})
        outages = c.get(f"/api/v1/sla/outages?year={YEAR}", headers={"Authorization": f"Bearer {token}"})
    names["api"], names["outages"] = api.json(), outages.json()
    base, server, thread = start_server(engine)
    yield WebServer(engine, base, None, {}, server, thread), names
    server.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture
def page(browser, sla_web, net) -> Iterator[Any]:
    web, _ = sla_web
    ctx = new_context(browser, web, net)
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    login(p, web, "b-fin", next_path="/sla")
    yield p
    assert not errors, errors
    ctx.close()


def _cell(page: Any, cid: str, month: int) -> Any:
    return page.locator(f'#sla-heatmap tr[data-cid="{cid}"] td.cell[data-month="{month}"]')


def test_heat_map_cells_unmeasured_drill_down_and_english(page, sla_web) -> None:
    web, names = sla_web
    page.goto(f"{web.base}/sla?year={YEAR}")
    assert page.locator("h1").inner_text().startswith("可用率（SLA）")
    # one cell per circuit and month, as many circuits as the API's ledger has lines
    assert page.locator("#sla-heatmap td.cell").count() == 12 * len(names["api"]["lines"])
    assert page.locator("#sla-heatmap tbody tr").count() == len(names["api"]["lines"])
    shot(page, "30-sla-heatmap")

    # the primary's silent March is drawn unlike any measured month: grey and hatched, labelled, not green
    march, april = _cell(page, PRIMARY, 3), _cell(page, PRIMARY, 4)
    assert march.get_attribute("data-band") == "unmeasured" and april.get_attribute("data-band") == "a5"
    style = "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.backgroundImage]; }"
    m_bg, m_img = march.evaluate(style)
    a_bg, a_img = april.evaluate(style)
    assert "repeating-linear-gradient" in m_img and a_img == "none" and m_bg != a_bg
    assert march.inner_text().strip() == "未测"

    # narrow to the unit and open May: the outage, the backup's take-over and the rows behind it
    page.select_option("select[name=unit]", "U001")
    page.click("#sla-filters button[type=submit]")
    page.wait_for_load_state("load")
    assert "unit=U001" in page.url
    _cell(page, PRIMARY, 5).locator("a").click()
    page.wait_for_selector("#drill")
    assert "cid=LT-U001-1" in page.url and "month=5" in page.url
    drill = page.locator("#drill")
    assert drill.locator("h2").inner_text().startswith("LT-U001-1 · 2022年5月")
    assert _cell(page, PRIMARY, 5).get_attribute("class").split().count("selected") == 1
    [outage] = [o for o in names["outages"]["outages"] if PRIMARY in o["circuits"] and o["measured"]
                and o["start"].startswith("2022-05")]
    rows = drill.locator("#drill-outages tr[data-outage]")
    assert rows.count() == 1 and rows.first.get_attribute("data-outage") == outage["id"]
    text = rows.first.inner_text()
    assert "备用线路就绪" in text and "接管用时" in text and "市委" in text
    syslog = rows.first.locator('li[data-kind="syslog"]')
    assert syslog.count() >= 1 and names["msg_down"] in syslog.first.inner_text()
    assert rows.first.locator(f'a.device-link[href="/devices/{names["p_host"]}"]').count() >= 1
    assert drill.locator('#drill-intervals tr[data-state="down"]').count() >= 1
    assert "SNMP 采样" in drill.locator("#drill-intervals").inner_text()
    drill.scroll_into_view_if_needed()
    shot(page, "31-sla-drill", full_page=True)

    # switch language: the same page in English, the drill-down still open
    page.click("a.lang")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith("Availability (SLA)")
    assert page.locator("#drill").count() == 1 and "Outages" in page.locator("#drill").inner_text()
    assert "backup ready" in page.locator("#drill-outages").inner_text()
    heads = page.locator("#sla-heatmap thead th").all_inner_texts()
    assert "Jan" in heads and "Dec" in heads
    assert "Unicom" in page.locator("#sla-carriers").inner_text()
    shot(page, "32-sla-drill-en", full_page=True)
    page.click("a.lang")  # back to Chinese for whoever reads the cookie next
