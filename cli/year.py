"""`extranet lab-year`: the lab lives through the sample city's year on a compressed clock (lab/year.py) —
syslog into the receiver, SNMP into the poller — and the record it leaves is set beside the timeline's
ground truth. Also demo step 60, a short year."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import typer
from rich.table import Table
from sqlmodel import select

from inventory.db import get_engine, session_scope
from inventory.errors import ExtranetError
from inventory.models import Device
from lab.spec import build_lab_spec, city_timeline
from lab.timeline import TimelineError, load
from lab.year import DAY, YearResult, live_year, telling_units

from .console import console
from .demo import DemoContext, step

YEAR_S = 365 * DAY


def print_year(res: YearResult) -> None:
    tl = res.timeline
    table = Table(title=f"{tl.name or tl.start.year}: {len(res.circuits)} circuits, {res.wall_s:.0f} s of wall time "
                        f"({res.speed:,.0f}× faster)")
    table.add_column("线路 circuit")
    table.add_column("用途 role")
    table.add_column("中断 min down\ntimeline / stored", justify="right")
    table.add_column("GB timeline / measured", justify="right")
    table.add_column("注 note")
    for c in sorted(res.circuits.values(), key=lambda c: (c.unit, c.role != "primary", c.cid)):
        got = c.measured.in_octets + c.measured.out_octets
        note = ""
        if c.unheard_down_s:
            note = f"网管中断 mgmt cut: {c.unheard_down_s / 60:,.0f} min unheard"
        elif c.measured.discontinuities > 1:
            note = f"重启 reboot {100 * c.octets_error:+.1f} %"
        elif c.measured.wraps:
            note = "回绕 wrap"
        table.add_row(c.cid, "主用 primary" if c.role == "primary" else "备用 backup",
                      f"{c.true_down_s / 60:,.0f} / {c.measured_down_s / 60:,.0f}",
                      f"{_gb(c.true_octets)} / {_gb(got)}", note)
    console.print(table)
    console.print("[dim]重启 reboot: the bytes between the last poll and the reboot are not counted — no delta is "
                  "invented across a discontinuity. 网管中断 mgmt cut: an outage that began while the router's "
                  "management plane was cut is not in the syslog record (its down message was lost).[/]")
    rc = res.receiver
    console.print(f"syslog: {res.syslog_sent} sent, {rc.get('received', 0)} received, {rc.get('stored', 0)} "
                  f"stored, {rc.get('udp_dropped_kernel', 0)} dropped by the kernel; SNMP: {res.polls} rounds, "
                  f"{res.poll_failures} device failures ({res.poll_silenced} more while silenced); "
                  f"{res.events_applied} timeline events played")
    worst = max((abs(c.down_error_s) for c in res.circuits.values()), default=0.0)
    backups = [c for c in res.circuits.values() if c.role == "backup"]
    bytes_worst = max((abs(c.octets_error) for c in backups), default=0.0)
    console.print(f"largest down-time error {worst / 60:.2f} min; largest backup byte error {100 * bytes_worst:.3f} %")


def _gb(octets: int) -> str:
    gb = octets / 1e9
    return f"{gb:,.0f}" if gb >= 100 else f"{gb:.1f}"


def _run(engine, seconds: float, failovers: int, timeline_file: Path | None, transport: str) -> YearResult:
    with session_scope(engine) as s:
        try:
            timeline = load(timeline_file) if timeline_file else city_timeline(s)
        except TimelineError as exc:
            raise ExtranetError(str(exc), code="invalid") from None
        platforms = dict(s.exec(select(Device.hostname, Device.platform)).all())
        spec = build_lab_spec(s, only=telling_units(timeline, failovers=failovers, platforms=platforms))
    if not spec.devices:
        raise ExtranetError("the timeline's units have no devices in the inventory (extranet load-sample)",
                            code="lab")
    span = (timeline.end - timeline.start).total_seconds()
    with tempfile.TemporaryDirectory(prefix="extranet-year-") as tmp:
        return asyncio.run(live_year(engine, timeline, spec, Path(tmp), speed=span / seconds, transport=transport))


def register(app: typer.Typer) -> None:
    @app.command("lab-year")
    def lab_year(
        seconds: float = typer.Option(60.0, "--seconds", min=5.0, help="wall seconds the whole year takes"),
        failovers: int = typer.Option(6, "--failovers", min=0, help="units whose backup took over to include"),
        timeline_file: Path | None = typer.Option(None, "--timeline", help="a timeline YAML (lab/timeline.py); "
                                                  "default: the sample city's year"),
        transport: str = typer.Option("udp", "--transport", help="syslog over udp or tcp"),
    ) -> None:
        """Replay a year through the lab on real sockets into this database's record (use a sample or demo
        database: the lab's messages and samples join its record), and compare it with the timeline's ground
        truth (minutes down per circuit, bytes per circuit)."""
        if transport not in ("udp", "tcp"):
            raise ExtranetError(f"--transport {transport!r}: expected udp or tcp", code="invalid")
        print_year(_run(get_engine(), seconds, failovers, timeline_file, transport))


@step("一年的记录 A year on record: syslog, SNMP and the ground truth", order=60)
def _year(ctx: DemoContext) -> None:
    console.print("the lab replays 2022 in 20 s: its devices send syslog to the receiver and answer the SNMP poller")
    print_year(_run(ctx.engine, 20.0, 3, None, "udp"))
