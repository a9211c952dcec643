"""map-first-draw: seconds from navigation start to the first drawn frame of the map at the rooms + units
level, in headless Debian chromium, for the sample city served by the real web app (login, server-side
layout, physics off). Baseline: the same page and graph with physics on (the browser lays it out and
draws after stabilisation), in the same run. Extra fields: the rooms and device levels, and the
province synthetic (11 cities) at the units and device levels, drawn by the same map.js from a static
page on loopback."""

from __future__ import annotations

import json
import shutil
import statistics
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.bench._util import write_result
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD

READY = "window.__map && window.__map.firstDraw !== null"
RUNS = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import socket
    import time

    import uvicorn

    from api import auth
    from inventory.db import get_engine, session_scope
    from inventory.service import load_sample, prepare
    from web.app import create_app

    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('bench-map') / 'extranet.db'}")
    prepare(engine)
    load_sample(engine)
    with session_scope(engine, actor="bench") as s:
        auth.create_user(s, "bench", PASSWORD, "engineer", "bench")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def _province_site(tmp: Path) -> tuple[Path, dict[str, int]]:
    """A static page per level with the province's map data (same vis_data + map.js as the app)."""
    from topology.layout import compute
    from topology.protection import classify
    from topology.sweep import spof
    from topology.synth import province_graph
    from web.deps import HERE
    from web.mapview import vis_data

    g = province_graph()
    prot = classify(g)
    spofs = {f"{f.kind}:{f.element}" for f in spof(g)}
    shutil.copytree(HERE / "static", tmp / "static")
    sizes = {}
    for level in ("units", "devices"):
        m = compute(g, level, classes={k: p.cls for k, p in prot.items()},
                    primary_rooms={k: p.primary_room for k, p in prot.items()}, spof=spofs)
        data = json.dumps(vis_data(m), ensure_ascii=False).replace("</", "<\\/")
        sizes[level] = len(m.nodes)
        (tmp / f"{level}.html").write_text(
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="csrf-token" content="">'
            '<link rel="stylesheet" href="static/app.css"></head><body><div class="mapwrap">'
            f'<div id="map"></div></div><script type="application/json" id="mapdata">{data}</script>'
            '<script src="static/common.js"></script><script src="static/vendor/vis-network/vis-network.min.js">'
            '</script><script src="static/map.js"></script><script>ExtMap.create(document.getElementById("map"), '
            'JSON.parse(document.getElementById("mapdata").textContent), {});</script></body></html>',
            encoding="utf-8")
    return tmp, sizes


def _measure(page, url: str, timeout_ms: int = 120_000) -> float:
    page.goto(url)
    page.wait_for_function(READY, timeout=timeout_ms)
    return page.evaluate("window.__map.firstDraw") / 1000.0


def test_map_first_draw(server, tmp_path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    site, sizes = _province_site(tmp_path)
    handler = partial(SimpleHTTPRequestHandler, directory=str(site))
    static = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=static.serve_forever, daemon=True).start()
    static_base = f"http://127.0.0.1:{static.server_address[1]}"
    left: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={"width": 1500, "height": 950})

            def route(r):
                if urlsplit(r.request.url).hostname == "127.0.0.1" or r.request.url.startswith("data:"):
                    r.continue_()
                else:
                    left.append(r.request.url)
                    r.abort()

            ctx.route("**/*", route)
            page = ctx.new_page()
            page.goto(f"{server}/login?next=/map")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_function(READY)
            counts = {}
            times: dict[str, float] = {}
            for level in ("rooms", "units", "devices"):
                runs = [_measure(page, f"{server}/map?level={level}") for _ in range(RUNS)]
                times[level] = statistics.median(runs)
                counts[level] = page.evaluate("[window.__map.nodes.length, window.__map.edges.length]")
            physics = _measure(page, f"{server}/map?level=units&physics=1", 300_000)
            physics_devices = _measure(page, f"{server}/map?level=devices&physics=1", 300_000)
            province = {level: statistics.median([_measure(page, f"{static_base}/{level}.html") for _ in range(RUNS)])
                        for level in ("units", "devices")}
            # The device level must leave the page responsive: a script round trip right after the draw.
            page.goto(f"{static_base}/devices.html")
            page.wait_for_function(READY, timeout=120_000)
            responsive = page.evaluate("(async () => { const t = performance.now(); await new Promise(r => "
                                       "setTimeout(r, 0)); return performance.now() - t; })()")
            browser.close()
    finally:
        static.shutdown()
    assert not left, f"requests left loopback: {left[:3]}"
    res = write_result(
        "map-first-draw", times["units"], "seconds", physics, higher_is_better=False,
        level="rooms+units (sample city)", nodes=counts["units"][0], edges=counts["units"][1],
        rooms_level_seconds=round(times["rooms"], 3), devices_level_seconds=round(times["devices"], 3),
        devices_level_physics_seconds=round(physics_devices, 3),
        devices_level_nodes=counts["devices"][0], devices_level_edges=counts["devices"][1],
        province_units_seconds=round(province["units"], 3), province_units_nodes=sizes["units"],
        province_devices_seconds=round(province["devices"], 3), province_devices_nodes=sizes["devices"],
        province_devices_event_loop_ms=round(responsive, 1),
        baseline_method="same page and graph with physics on: vis-network stabilisation before the first draw",
        runs=RUNS, browser="Debian chromium, headless, software rendering")
    print(res)
    assert times["units"] > 0 and physics > 0
