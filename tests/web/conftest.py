"""A real server on a loopback port (the web app over the sample city, collected from the SSH lab)
and a real headless Debian chromium that may talk to 127.0.0.1 only."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# Test fixture accounts only (never a real deployment): one per role the pages are written for.
PASSWORD = "Web-Test-Pass-1!"
_LOGIN_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def form_login(client: Any, data: dict[str, str], **kw: Any) -> Any:
    """Submit the web login form as a browser does: with the CSRF token of the form just served."""
    token = _LOGIN_CSRF.search(client.get("/login").text).group(1)
    return client.post("/login", data={**data, "csrf": token}, **kw)
USERS = {"eng": "engineer", "plan": "planner", "fin": "finance", "sec": "secadmin", "view": "viewer"}
CHANGED_HOST = "QHD-CORE-SW1"
CHANGED_LINE = " ntp-service unicast-server 10.255.0.77"


@dataclass
class WebServer:
    engine: Engine
    base: str
    lab: Any
    lab_inventory: dict[str, Any]
    server: Any
    thread: threading.Thread


@dataclass
class Net:
    """Every URL the browser asked for; anything not on loopback was aborted and is listed here."""
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    import json

    from api import auth
    from collectors.engine import Settings
    from inventory.collection import run_collection
    from inventory.db import get_engine, session_scope
    from inventory.service import load_sample, prepare
    from lab.server import LabThread
    from lab.spec import build_lab_spec

    tmp = tmp_path_factory.mktemp("web")
    engine = get_engine(f"sqlite:///{tmp / 'extranet.db'}")
    prepare(engine)
    load_sample(engine)
    with session_scope(engine, actor="test") as s:
        for name, role in USERS.items():
            auth.create_user(s, name, PASSWORD, role, "test")
        spec = build_lab_spec(s)
    # Two real collections of the core room with one config change in between: a history to diff.
    lab = LabThread(spec).start()
    inventory = json.loads(lab.lab.write_files(tmp / "lab").read_text(encoding="utf-8"))
    run_collection(engine, only="CORE", lab_inventory=inventory, settings=Settings())
    lab.call(lab.lab.add_config_line, CHANGED_HOST, CHANGED_LINE)
    run_collection(engine, only="CORE", lab_inventory=inventory, settings=Settings())

    base, server, thread = start_server(engine)
    yield WebServer(engine, base, lab, inventory, server, thread)
    server.should_exit = True
    thread.join(10)
    lab.stop()
    engine.dispose()


def finance_city(path: Path) -> tuple[Any, str]:
    """The sample city in a new SQLite file with two finance users: b-fin for the browser, b-api holding the
    returned bearer token for the API the page is checked against."""
    from api import auth
    from inventory.db import get_engine, session_scope
    from inventory.service import load_sample, prepare

    engine = get_engine(f"sqlite:///{path}")
    prepare(engine)
    load_sample(engine)
    with session_scope(engine, actor="test") as s:
        auth.create_user(s, "b-fin", PASSWORD, "finance", "test")
        user = auth.create_user(s, "b-api", PASSWORD, "finance", "test")
        token, _ = auth.create_token(s, user, "tests")
    return engine, token


def start_server(engine: Any) -> tuple[str, Any, threading.Thread]:
    """The web app over `engine` in uvicorn on a free loopback port, started: (base URL, server, thread)."""
    import uvicorn

    from web.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    ok = Path(CHROMIUM).exists()
    need("chromium", ok, f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")
    need("CJK fonts", shutil.which("fc-list") is not None and "CJK" in _fc_list(), "fonts-noto-cjk not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _fc_list() -> str:
    import subprocess

    return subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30).stdout


def new_context(browser: Any, web: WebServer, net: Net, **kwargs: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1500, "height": 950}, accept_downloads=True, locale="zh-CN",
                              **kwargs)

    def route(r: Any) -> None:
        url = r.request.url
        net.requests.append(url)
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            r.continue_()
        else:
            net.blocked.append(url)
            r.abort()

    ctx.route("**/*", route)
    return ctx


def login(page: Any, web: WebServer, user: str, password: str = PASSWORD, next_path: str = "/map") -> None:
    page.goto(f"{web.base}/login?next={next_path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


@pytest.fixture
def net() -> Iterator[Net]:
    n = Net()
    yield n
    # The extranet has no Internet: nothing the pages load may leave loopback.
    assert not n.blocked, f"requests left 127.0.0.1: {n.blocked[:5]}"
    assert all(urlsplit(u).hostname in (None, "127.0.0.1") for u in n.requests if u.startswith("http"))


@pytest.fixture
def as_user(browser: Any, web: WebServer, net: Net) -> Iterator[Any]:
    """Factory: a logged-in page for a user."""
    contexts = []

    def make(user: str) -> Any:
        ctx = new_context(browser, web, net)
        contexts.append(ctx)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.js_errors = errors  # type: ignore[attr-defined]
        login(page, web, user)
        return page

    yield make
    for ctx in contexts:
        for page in ctx.pages:
            assert not getattr(page, "js_errors", []), page.js_errors
        ctx.close()


def shot(page: Any, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
