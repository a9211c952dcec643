"""`extranet serve`: the web UI and the JSON API (web.app.create_app); and demo
step 90: create the demo users (one per role; passwords printed once, never stored in the repo) and
serve on loopback until Ctrl-C (`extranet demo --no-serve` creates the users but does not serve)."""

from __future__ import annotations

import contextlib
import socket
import threading

import typer
from sqlmodel import select

from api import auth
from inventory.db import get_engine, session_scope
from inventory.models import User
from inventory.service import prepare

from .console import console
from .demo import DemoContext, step
from .embedded import start_poller, start_triggers
from .syslog import DEFAULT_PORT as SYSLOG_PORT
from .syslog import start_embedded as start_syslog

APP = "web.app.create_app"


def run_server(host: str, port: int, *, log_level: str = "warning") -> None:
    # The server and the web app (FastAPI, every router, the templates) load only for the commands that
    # serve, so `extranet --help` and the other commands start quickly.
    import uvicorn

    from web.app import create_app

    uvicorn.run(create_app, factory=True, host=host, port=port, log_level=log_level, access_log=False,
                proxy_headers=False)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="address to listen on (loopback by default)"),
        port: int = typer.Option(8000, min=1, max=65535, help="TCP port"),
        migrate: bool = typer.Option(True, "--migrate/--no-migrate", help="bring the schema up to date first"),
        schedules: bool = typer.Option(True, "--schedules/--no-schedules",
                                       help="without a broker, run due collection schedules in this process"),
        syslog: bool = typer.Option(True, "--syslog/--no-syslog", help="receive syslog in this process"),
        syslog_host: str = typer.Option("127.0.0.1", "--syslog-host", help="syslog address (0.0.0.0: every one)"),
        syslog_port: int = typer.Option(SYSLOG_PORT, "--syslog-port", min=0, max=65535,
                                        help="syslog UDP and TCP port (514 in production)"),
        snmp: bool = typer.Option(True, "--snmp/--no-snmp", help="without a broker, poll the circuits' interfaces "
                                  "over SNMP in this process (when SNMP credentials are configured)"),
        snmp_interval: int = typer.Option(300, "--snmp-interval", min=10, help="seconds between SNMP rounds"),
        triggers: bool = typer.Option(True, "--triggers/--no-triggers", help="without a broker, collect a device "
                                      "soon after it reports a config change"),
    ) -> None:
        """Serve the web UI and the REST API (OpenAPI at /api/v1/docs), and beside them receive syslog, poll
        SNMP and collect devices whose config changed (docs/telemetry.md)."""
        if migrate:
            prepare()
        console.print(f"serving [bold]{APP}[/] at [link]http://{host}:{port}/[/]  (API docs: "
                      f"http://{host}:{port}/api/v1/docs); Ctrl-C to stop")
        stop = _start_scheduler() if schedules else None
        receiver = start_syslog(syslog_host, syslog_port) if syslog else None
        engine = get_engine()
        stops = [stop, start_poller(engine, snmp_interval) if snmp else None,
                 start_triggers(engine) if triggers else None]
        try:
            run_server(host, port, log_level="info")
        finally:
            for event in stops:
                if event is not None:
                    event.set()
            if receiver is not None:
                receiver.stop()


def _start_scheduler() -> threading.Event | None:
    """A one-node install has no Celery beat: the server ticks the schedules itself. With a broker, beat
    does it (`extranet beat`); several ticking processes never fire a schedule twice (workers.schedule)."""
    # Celery and Redis load only for the commands that use them (start-up time of every other command).
    from workers.config import broker_config
    from workers.schedule import serve as tick_forever

    if broker_config() is not None:
        console.print("schedules: run by `extranet beat` (a broker is configured)")
        return None
    stop = threading.Event()
    threading.Thread(target=tick_forever, args=(get_engine(), stop), name="schedules", daemon=True).start()
    console.print("schedules: ticking in this process every 15 s (no broker configured)")
    return stop


DEMO_USERS = (("admin", "sysadmin"), ("secadmin", "secadmin"), ("auditadmin", "auditadmin"),
              ("engineer", "engineer"), ("planner", "planner"), ("finance", "finance"), ("auditor", "auditor"),
              ("viewer", "viewer"))


def create_demo_users(ctx: DemoContext) -> dict[str, str]:
    """username -> password for the users this call created (existing ones are left alone)."""
    created: dict[str, str] = {}
    with session_scope(ctx.engine, actor="demo") as s:
        existing = set(s.exec(select(User.username)).all())
        for username, role in DEMO_USERS:
            if username in existing:
                continue
            password = auth.generate_password()
            auth.create_user(s, username, password, role, "demo", display_name=auth.ROLE_ZH[role])
            created[username] = password
    return created


def _port(preferred: int = 8000) -> int:
    for port in (preferred, *range(preferred + 1, preferred + 20)):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@step("用户与服务 Users and the web UI", order=90)
def _serve(ctx: DemoContext) -> None:
    created = create_demo_users(ctx)
    if created:
        console.print("demo users (passwords shown once; change them with `extranet users reset-password`):")
        for username, role in DEMO_USERS:
            if username in created:
                console.print(f"  {username:<11} {role:<11} {auth.ROLE_ZH[role]:<8} "
                              f"password: [bold]{created[username]}[/]")
    else:
        console.print("demo users already exist (reset a password with `extranet users reset-password NAME`)")
    if not ctx.options.get("serve", True):
        console.print("[dim]--no-serve: not starting the server[/]")
        return
    port = _port()
    url = f"http://127.0.0.1:{port}/"
    login = f"engineer / {created['engineer']}" if "engineer" in created else "engineer (see above)"
    console.print(f"serving [bold]{APP}[/] at [bold link={url}]{url}[/]  API docs: {url}api/v1/docs")
    console.print(f"log in as {login}; Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        run_server("127.0.0.1", port)
