"""The web UI in a real headless chromium against a real server on loopback (sample city, core room
collected from the SSH lab). Reads vis-network's DataSets, not pixels; screenshots go to
test-artifacts/web/."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.web.conftest import CHANGED_HOST, CHANGED_LINE, PASSWORD, login, new_context, shot

pytestmark = [pytest.mark.xdist_group("web"), pytest.mark.timeout(300)]

MAP_READY = "window.__map && window.__map.firstDraw !== null"


def _map_counts(page) -> tuple[int, int]:
    return tuple(page.evaluate("[window.__map.nodes.length, window.__map.edges.length]"))


def test_login_refuses_a_wrong_password_and_then_lands_on_the_map(browser, web, net) -> None:
    ctx = new_context(browser, web, net)
    page = ctx.new_page()
    page.goto(f"{web.base}/map")
    assert "/login" in page.url  # not logged in: sent to the login page, with the way back
    login(page, web, "eng", "wrong-password")
    assert page.locator(".error").inner_text().startswith("登录失败")
    shot(page, "01-login-failed")
    login(page, web, "eng", PASSWORD)
    page.wait_for_function(MAP_READY)
    assert page.url.endswith("/map")
    ctx.close()


@pytest.mark.parametrize("level", ["rooms", "units", "devices"])
def test_map_draws_every_node_and_edge_of_the_level(as_user, web, level) -> None:
    from answers import ask

    page = as_user("eng")
    page.goto(f"{web.base}/map?level={level}")
    page.wait_for_function(MAP_READY)
    with Session(web.engine) as s:
        m = ask(s).map_level(level)
        d = ask(s)
    assert _map_counts(page) == (len(m.nodes), len(m.edges))
    # Coordinates come from the server and physics is off: the drawn positions are the computed ones.
    sample = m.nodes[len(m.nodes) // 2]
    pos = page.evaluate(f"window.__map.network.getPositions(['{sample.id}'])['{sample.id}']")
    assert abs(pos["x"] - sample.x) < 1 and abs(pos["y"] - sample.y) < 1  # vis-network truncates to pixels
    edges = page.evaluate("window.__map.edges.get()")
    colours = {e["carrier"]: e["color"]["color"] for e in edges}
    assert colours["unicom"] != colours["telecom"]
    assert all(e["dashes"] == (e["role"] == "backup") for e in edges if e["source"] == "declared")
    assert all(e["dashes"] == [2, 4] for e in edges if e["source"] != "declared")  # discovered only: dotted
    if level != "rooms":
        assert any(e["role"] == "backup" for e in edges)
    # Parallel circuits between the same two nodes are all drawn, fanned out as curves.
    parallel = [e for e in edges if e.get("smooth")]
    assert parallel and len(parallel) == sum(1 for e in m.edges if e.parallel)
    nodes = page.evaluate("window.__map.nodes.get()")
    if level == "units":
        units = [n for n in nodes if n["kind"] == "unit"]
        assert len(units) == len(d.graph().graph["units"])
        assert {n["cls"] for n in units} == {p.cls for p in d.protection().values()}
        core = next(n for n in nodes if n["id"] == "room:CORE")
        assert core["spof"] and "⚠" in core["label"]
        assert core["terminals"] == sum(p.terminals for p in d.protection().values() if p.primary_room == "CORE")
    shot(page, f"02-map-{level}")


def test_click_a_unit_opens_its_side_panel_and_search_finds_a_device(as_user, web) -> None:
    page = as_user("eng")
    page.goto(f"{web.base}/map?level=units")
    page.wait_for_function(MAP_READY)
    page.evaluate("window.__map.network.moveTo({position: window.__map.network.getPositions(['unit:U001'])"
                  "['unit:U001'], scale: 1.5, animation: false})")
    box = page.locator("#map canvas").bounding_box()
    dom = page.evaluate("(() => { const p = window.__map.network.getPositions(['unit:U001'])['unit:U001'];"
                        " return window.__map.network.canvasToDOM(p); })()")
    page.mouse.click(box["x"] + dom["x"], box["y"] + dom["y"])
    page.wait_for_selector("#side h2")
    side = page.inner_text("#side")
    assert "市委" in side and "U001" in side and "双运营商" in side and "LT-U001-1" in side
    shot(page, "03-map-unit-panel")
    for query, node in (("市政府", "unit:U002"), ("KAILUAN", "room:KAILUAN")):
        page.fill("#search", query)
        page.press("#search", "Enter")
        assert page.evaluate("window.__map.network.getSelectedNodes()") == [node]
    # A device is not drawn at the units level: searching it opens the device level focused on it.
    page.fill("#search", "QHD-KAILUAN-AGG2")
    with page.expect_navigation(url="**/map?level=devices&focus=*"):
        page.press("#search", "Enter")
    page.wait_for_function(MAP_READY)
    page.wait_for_selector("#side h2")
    assert page.evaluate("window.__map.network.getSelectedNodes()") == ["device:QHD-KAILUAN-AGG2"]
    assert "QHD-KAILUAN-AGG2" in page.inner_text("#side")


def test_double_click_drills_down_a_level(as_user, web) -> None:
    page = as_user("eng")
    page.goto(f"{web.base}/map?level=rooms")
    page.wait_for_function(MAP_READY)

    def dblclick(node: str) -> None:
        box = page.locator("#map canvas").bounding_box()
        dom = page.evaluate("n => window.__map.network.canvasToDOM(window.__map.network.getPositions([n])[n])", node)
        page.mouse.dblclick(box["x"] + dom["x"], box["y"] + dom["y"])

    with page.expect_navigation(url="**/map?level=units&focus=room*"):
        dblclick("room:CLOUD")
    page.wait_for_function(MAP_READY)
    page.wait_for_selector("#side h2")
    assert page.evaluate("window.__map.network.getSelectedNodes()") == ["room:CLOUD"]
    unit = "unit:U001"
    page.evaluate(f"window.__map.network.moveTo({{position: window.__map.network.getPositions(['{unit}'])['{unit}'],"
                  " scale: 1.5, animation: false})")
    with page.expect_navigation(url="**/map?level=devices&focus=device*"):
        dblclick(unit)
    page.wait_for_function(MAP_READY)
    page.wait_for_selector("#side h2")
    assert page.evaluate("window.__map.network.getSelectedNodes()") == ["device:U001-AR1"]


def test_dragged_layout_is_saved_and_reset(as_user, web) -> None:
    page = as_user("eng")
    page.goto(f"{web.base}/map?level=rooms")
    page.wait_for_function(MAP_READY)
    box = page.locator("#map canvas").bounding_box()
    start = page.evaluate("window.__map.network.canvasToDOM(window.__map.network.getPositions(['room:HEBEI'])"
                          "['room:HEBEI'])")
    x, y = box["x"] + start["x"], box["y"] + start["y"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=8)
    page.mouse.up()
    moved = page.evaluate("window.__map.network.getPositions(['room:HEBEI'])['room:HEBEI']")
    page.click("#save-layout")
    page.wait_for_selector("#status.ok")
    page.reload()
    page.wait_for_function(MAP_READY)
    node = page.evaluate("window.__map.nodes.get('room:HEBEI')")
    assert node["saved"] and abs(node["x"] - moved["x"]) < 1 and abs(node["y"] - moved["y"]) < 1
    with page.expect_navigation():
        page.click("#reset-layout")
    page.wait_for_function(MAP_READY)
    assert not page.evaluate("window.__map.nodes.get('room:HEBEI')")["saved"]


def test_fail_the_core_room_and_see_the_impact(as_user, web) -> None:
    import answers
    from topology.scenario import FailureSpec

    page = as_user("plan")
    page.goto(f"{web.base}/simulate")
    page.wait_for_function(MAP_READY)
    page.fill("#pick-rooms", "CORE")
    page.click("button.add[data-kind=rooms]")
    page.click("#run")
    page.wait_for_selector("#impact-summary")
    with Session(web.engine) as s:
        want = answers.ask(s).simulate(FailureSpec(rooms=["CORE"]))
    assert f"{want.terminals_lost:,}" in page.inner_text("#impact-summary")
    rows = page.locator(".impact-table").first.locator("tr")
    assert rows.count() == len(want.units_cut) + 1
    cut = page.evaluate("window.__map.nodes.get('unit:U001').color.background")
    assert cut == "#000000"  # painted on the map too
    shot(page, "04-simulate-core-room")
    # Save it, then compare against today's inventory.
    page.fill("#scenario-name", "核心机房整体故障")
    page.click("#save")
    page.wait_for_selector("#save-status.ok")
    page.reload()
    page.wait_for_function(MAP_READY)
    page.click("button.compare[data-name='核心机房整体故障']")
    page.wait_for_selector("#compare-out p")
    assert "+0" in page.inner_text("#compare-out")
    # A bad name is an error naming the valid ones, not a trace.
    page.fill("#pick-rooms", "NOPE")
    page.click("button.add[data-kind=rooms]")
    page.click("#run")
    page.wait_for_function("document.getElementById('sim-error').textContent.length > 0")
    assert "NOPE" in page.inner_text("#sim-error")


def test_unit_page_lists_and_filters(as_user, web) -> None:
    from answers import ask

    page = as_user("plan")
    page.goto(f"{web.base}/units?cls=single-path")
    with Session(web.engine) as s:
        d = ask(s)
    single = sum(1 for p in d.protection().values() if p.cls == "single-path")
    assert page.locator("#units-table tr").count() == single + 1
    shot(page, "05-units-filtered")
    page.goto(f"{web.base}/units/U001")
    assert page.inner_text("#unit-class") == "双运营商"
    circuits = page.inner_text("#unit-circuits")
    assert "LT-U001-1" in circuits and "DX-U001-1" in circuits
    assert "QHD-YANSHAN-AGG1" in page.inner_text("#unit-paths")
    assert "万元" in page.inner_text("#unit-cost")  # planner may read money
    shot(page, "06-unit", full_page=True)
    page.click("h1 a")  # to the unit on the map
    page.wait_for_function(MAP_READY)
    page.wait_for_selector("#side h2")
    assert page.evaluate("window.__map.network.getSelectedNodes()") == ["unit:U001"]
    page.goto(f"{web.base}/rooms")
    shot(page, "07-rooms")
    page.goto(f"{web.base}/devices?room=CORE")
    assert page.locator("#devices-table tr").count() == 1 + 3
    shot(page, "08-devices")


def test_config_history_side_by_side_diff_is_redacted(as_user, web) -> None:
    page = as_user("eng")
    page.goto(f"{web.base}/devices/{CHANGED_HOST}")
    assert page.locator("#snapshots tr").count() == 1 + 2
    assert page.locator("#lldp tr").count() > 1  # LLDP from the real collection
    diff = page.inner_text("#config-diff").replace("\xa0", " ")
    assert CHANGED_LINE.strip() in diff
    # Secrets are masked for an engineer, shown to the security administrator (config.raw).
    from sqlmodel import col, select

    from inventory.models import ConfigSnapshot, Device

    with Session(web.engine) as s:
        dev = s.exec(select(Device).where(Device.hostname == CHANGED_HOST)).one()
        raw = s.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)
                     .order_by(col(ConfigSnapshot.id).desc())).first().text
    secret = next(ln.split()[-1] for ln in raw.splitlines() if "cipher" in ln)
    shown = page.inner_text("#config-text") if page.locator("#config-text").is_visible() else \
        page.locator("#config-text").text_content()
    assert "<secret:" in shown and secret not in page.content()  # each secret as its fingerprint on the device
    assert page.locator("#config-diff td.diff_next").count() > 0 or page.locator("#config-diff .diff_add").count() > 0
    shot(page, "09-device-diff", full_page=True)
    sec = as_user("sec")
    sec.goto(f"{web.base}/devices/{CHANGED_HOST}")
    assert secret in sec.locator("#config-text").text_content()
    # A device whose config did not change has one snapshot: shown whole (redacted), no diff.
    page.goto(f"{web.base}/devices/QHD-CORE-FW1")
    assert page.locator("#snapshots tr").count() == 2 and page.locator("#config-diff").count() == 0
    assert page.locator("#config-text").is_visible() and "sysname" in page.inner_text("#config-text")


def test_money_dashboard_and_workbook_download(as_user, web, tmp_path) -> None:
    import openpyxl

    page = as_user("fin")
    page.goto(f"{web.base}/money?view=cash")
    assert page.locator("#ledger tr").count() > 3
    assert "跨年支付" in page.inner_text("#ledger")  # anomalies highlighted on their rows
    assert page.evaluate("window.__charts.length") == 3
    shot(page, "10-money-cash", full_page=True)
    page.click("#view-accrual")
    page.wait_for_load_state("load")
    assert "服务年度" in page.inner_text("#ledger")
    shot(page, "11-money-accrual")
    with page.expect_download() as info:
        page.click("#download-workbook")
    path = tmp_path / "money.xlsx"
    info.value.save_as(path)
    wb = openpyxl.load_workbook(path)
    assert "现金口径台账" in wb.sheetnames and "权责口径台账" in wb.sheetnames
    page.goto(f"{web.base}/exports")
    shot(page, "12-exports")
    links = page.eval_on_selector_all("#exports-table a[download]", "as => as.map(a => a.getAttribute('href'))")
    assert any("money.xlsx" in h for h in links)
    for href in links:  # every download offered works for this user (or is refused with a reason)
        r = page.request.get(web.base + href)
        assert r.status in (200, 403), (href, r.status, r.text()[:200])
        if "money.xlsx" in href:
            assert r.status == 200 and r.body()[:2] == b"PK"


def test_collection_started_from_the_page_collects_from_the_lab(as_user, web) -> None:
    from inventory.db import home_dir

    # The API reads the running lab's endpoints from EXTRANET_HOME/lab (what `extranet lab start` writes).
    web.lab.lab.write_files(home_dir() / "lab")
    page = as_user("eng")
    page.goto(f"{web.base}/collection")
    before = page.locator("#runs tr").count()
    assert before >= 3  # the two fixture runs
    page.fill("#only", "QHD-CORE-FW1")
    with page.expect_navigation(url="**/collection?run=*", timeout=120_000):
        page.click("#start")
    assert page.locator("#runs tr").count() == before + 1
    results = page.inner_text("#results")
    assert "QHD-CORE-FW1" in results and "成功" in results and page.locator("#results tr").count() == 2
    shot(page, "13-collection")


def test_english_switch_and_roles(as_user, web) -> None:
    page = as_user("view")
    page.click("a.lang")
    page.wait_for_load_state("load")
    assert page.locator("a[data-nav=map]").inner_text() == "Map"
    assert page.locator("a[data-nav=money]").count() == 0  # a viewer sees no money
    page.goto(f"{web.base}/money")
    assert page.locator("h1").inner_text() == "Not permitted"
    page.click("a.lang")
    page.wait_for_load_state("load")
    assert "拓扑地图" in page.inner_text("header")


def test_chinese_renders_with_a_cjk_font(as_user, web) -> None:
    page = as_user("eng")
    page.goto(f"{web.base}/rooms")
    # The CJK font is what draws the Chinese (no tofu): the browser resolves it for these glyphs.
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '核心机房')")
    width_cjk = page.evaluate("""(() => { const c = document.createElement('canvas').getContext('2d');
        c.font = '16px "Noto Sans CJK SC"'; return c.measureText('核心机房市民中心').width; })()""")
    assert width_cjk > 100  # eight full-width glyphs, not eight narrow boxes


def test_whole_unicom_outage_shows_failover_and_overloaded_backups(as_user, web) -> None:
    import answers
    from topology.scenario import FailureSpec

    page = as_user("plan")
    page.goto(f"{web.base}/simulate")
    page.wait_for_function(MAP_READY)
    page.fill("#pick-carriers", "unicom")
    page.press("#pick-carriers", "Enter")
    page.click("#run")
    page.wait_for_selector("#impact-summary")
    with Session(web.engine) as s:
        want = answers.ask(s).simulate(FailureSpec(carriers=["unicom"]))
    assert want.units_failover and want.overloaded
    got = page.evaluate("window.__lastResult")
    assert [u["unit"] for u in got["units_failover"]] == [u.unit for u in want.units_failover]
    fo = want.units_failover[0].unit
    assert page.evaluate(f"window.__map.nodes.get('unit:{fo}').color.background") == "#90caf9"
    over = want.overloaded[0].circuit
    assert page.evaluate(f"window.__map.edges.get('{over}').width") == 6
    assert over in page.inner_text("#impact")
    shot(page, "14-simulate-unicom-outage")


def test_overview_page(as_user, web) -> None:
    page = as_user("plan")
    page.goto(f"{web.base}/overview")
    cells = page.eval_on_selector_all("#overview-classes tr td:nth-child(2)", "tds => tds.map(td => +td.textContent)")
    assert sum(cells) == 97
    assert "核心机房" in page.inner_text("#overview-network")
    assert "CORE" in page.inner_text("#overview-spofs")
    assert "万元" in page.inner_text("#overview-backup")
    assert page.evaluate("window.__charts.length") == 1
    shot(page, "00-overview")


def test_compliance_checks_and_evidence_pack(as_user, web, tmp_path) -> None:
    import zipfile

    page = as_user("eng")  # engineers hold compliance.read
    page.goto(f"{web.base}/compliance")
    assert page.locator("#compliance-devices tr").count() > 200  # every device, collected or not
    assert page.locator("#checks tr").count() > 10
    shot(page, "15-compliance")
    page.goto(f"{web.base}/compliance/{CHANGED_HOST}")
    text = page.inner_text("#device-checks")
    assert "符合" in text and "第" in text  # results cite config lines of the collected config
    shot(page, "16-compliance-device")
    page.goto(f"{web.base}/exports")
    with page.expect_download(timeout=120_000) as info:
        page.click("#dl-audit")
    path = tmp_path / "pack.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert "MANIFEST.sha256" in names and any(n.endswith(".xlsx") for n in names)
