"""`extranet lab start|ctl`: the SSH lab that plays the inventory's devices on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.engine import Engine

from inventory.db import get_engine, home_dir, session_scope
from inventory.errors import ExtranetError
from lab.server import Lab, LabOptions, LabThread
from lab.spec import build_lab_spec
from lab.syslog import SyslogTarget

from .console import console


def lab_dir() -> Path:
    return home_dir() / "lab"


def lab_inventory_path() -> Path:
    return lab_dir() / "inventory.json"


def load_lab_inventory(path: Path | None = None) -> dict[str, Any]:
    path = path or lab_inventory_path()
    if not path.exists():
        raise ExtranetError(f"no lab inventory at {path}: start the lab first (extranet lab start)", code="lab")
    return json.loads(path.read_text(encoding="utf-8"))


def start_lab_thread(engine: Engine, options: LabOptions | None = None) -> tuple[LabThread, dict[str, Any]]:
    """A lab of the database's devices in a background thread; returns it and its inventory (with the
    credentials file written under EXTRANET_HOME/lab)."""
    with session_scope(engine) as s:
        spec = build_lab_spec(s)
    if not spec.devices:
        raise ExtranetError("the inventory has no devices: load one first (extranet load-sample)", code="lab")
    lab = LabThread(spec, options).start()
    inv_path = lab.lab.write_files(lab_dir())
    return lab, json.loads(inv_path.read_text(encoding="utf-8"))


def register(app: typer.Typer) -> None:
    lab_app = typer.Typer(help="The SSH lab: every inventory device on a loopback address, for collection demos.",
                          no_args_is_help=True)
    app.add_typer(lab_app, name="lab")

    @lab_app.command("start")
    def start(spread: bool = typer.Option(False, "--spread", help="one 127.x.y.z:2222 address per device "
                                          "(mirrors the 10.x management plan) instead of 127.0.0.1:random"),
              only: list[str] = typer.Option([], "--only", help="serve a slice: a management zone (city-03), room, "
                                             "province city (C03 or 唐山), unit or hostname; repeatable"),
              limit: int | None = typer.Option(None, "--limit", min=1, help="at most N devices (the first by id)"),
              snmp: bool = typer.Option(False, "--snmp", help="every device also answers SNMPv2c/v3 on its own "
                                        "UDP port (extranet snmp poll --lab)"),
              syslog: str | None = typer.Option(None, "--syslog", metavar="[udp|tcp]://HOST:PORT",
                                                help="every device sends its syslog here (extranet syslog)"),
              ) -> None:
        """Serve the devices until Ctrl-C; prints a READY line and writes inventory.json + credentials.json."""
        with session_scope(get_engine()) as s:
            spec = build_lab_spec(s, only=only, limit=limit)
        if not spec.devices:
            raise ExtranetError("the inventory has no devices: load one first (extranet load-sample)", code="lab")
        try:
            target = SyslogTarget.parse(syslog).url if syslog else None
        except ValueError as exc:
            raise ExtranetError(f"--syslog: {exc}", code="lab") from None
        lab = Lab(spec, LabOptions(bind="spread" if spread else "127.0.0.1", snmp=snmp, syslog=target))

        async def run() -> None:
            await lab.start()
            inv = lab.write_files(lab_dir())
            assert lab.control is not None
            print(f"READY {inv} devices={len(spec.devices)} control={lab.control[0]}:{lab.control[1]} "
                  f"pid={os.getpid()}", flush=True)
            try:
                await asyncio.Future()
            finally:
                await lab.stop()

        try:
            asyncio.run(run())
        except KeyboardInterrupt:
            console.print("lab stopped")

    @lab_app.command("ctl")
    def ctl(
        op: str = typer.Argument(..., help="flip_link | append_log | config_line | config_change | reboot | fault "
                                           "| ping"),
        device: str = typer.Argument("", help="hostname"),
        arg: str = typer.Argument("", help="interface (flip_link), log line, config line, user (config_change) "
                                          "or fault name"),
        state: str = typer.Option("down", help="flip_link: up or down"),
    ) -> None:
        """Change a running lab: flip a link (adds the log lines and sends the syslog), append a log line, add a
        config line, change the config as a user would (a diff and the device's config-change message), reboot."""
        inv = load_lab_inventory()
        host, port = inv["control"]
        req: dict[str, Any] = {"op": op, "device": device}
        req.update({"flip_link": {"interface": arg, "state": state}, "append_log": {"line": arg},
                    "config_line": {"line": arg}, "config_change": {"user": arg or "admin"},
                    "fault": {"fault": arg or None}}.get(op, {}))
        try:
            with socket.create_connection((host, port), timeout=5) as sock:
                sock.sendall((json.dumps(req) + "\n").encode())
                reply = json.loads(sock.makefile().readline())
        except OSError as exc:
            raise ExtranetError(f"lab control at {host}:{port} not reachable ({exc}); is the lab running?",
                                code="lab") from exc
        if not reply.get("ok"):
            raise ExtranetError(reply.get("error", "lab refused the request"), code="lab")
        console.print("ok")
