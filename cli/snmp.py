"""`extranet snmp poll`: read the circuits' interface counters and states over SNMP into the record."""

from __future__ import annotations

import asyncio

import typer
from rich.table import Table

from collectors.snmp.errors import CODES
from collectors.snmp.poller import PollSettings, SnmpPoller
from inventory.db import get_engine
from inventory.record.polling import DEFAULT_INTERVAL, PollReport, poll_forever, poll_once

from .console import console
from .lab import load_lab_inventory


def print_poll(rep: PollReport) -> None:
    table = Table(title=f"SNMP poll {rep.at:%Y-%m-%d %H:%M:%S} UTC")
    table.add_column("result")
    table.add_column("devices", justify="right")
    table.add_row("[green]ok[/]", str(rep.ok))
    for code, hosts in sorted(rep.failed.items()):
        table.add_row(f"[red]failed: {code}[/]", str(len(hosts)))
    if rep.skipped:
        table.add_row("[yellow]not polled[/]", str(len(rep.skipped)))
    table.add_row("[bold]total[/]", str(rep.devices))
    console.print(table)
    st = rep.stored
    console.print(f"{rep.interfaces} interfaces, {st.samples} samples, {st.deltas} deltas, "
                  f"discontinuities {st.discontinuities or 'none'}, link states opened {st.opened} closed "
                  f"{st.closed}, {rep.seconds:.2f} s")
    for code, hosts in sorted(rep.failed.items()):
        console.print(f"  [dim]{code}: {CODES.get(code, '')} — {', '.join(hosts[:8])}"
                      f"{' …' if len(hosts) > 8 else ''}[/]")
    for host, why in list(rep.skipped.items())[:8]:
        console.print(f"  [dim]{host}: {why}[/]")


def register(app: typer.Typer) -> None:
    snmp_app = typer.Typer(help="SNMP polling of interface counters and states (the record over time).",
                           no_args_is_help=True)
    app.add_typer(snmp_app, name="snmp")

    @snmp_app.command("poll")
    def poll(
        once: bool = typer.Option(False, "--once", help="one round, then exit"),
        interval: int = typer.Option(DEFAULT_INTERVAL, "--interval", min=10, help="seconds between rounds"),
        lab: bool = typer.Option(False, "--lab", help="poll the running lab (extranet lab start --snmp)"),
        timeout: float = typer.Option(2.0, "--timeout", min=0.1, help="seconds to wait for one answer"),
        concurrency: int = typer.Option(64, "--concurrency", min=1, max=1024, help="devices at once"),
        zone: str | None = typer.Option(None, "--zone", help="poll only this management zone's devices (one "
                                        "poller per zone, beside its collection workers)"),
    ) -> None:
        """Poll ifHCIn/OutOctets, ifOperStatus, ifHighSpeed and sysUpTime of the circuits' interfaces.
        Credentials: EXTRANET_SNMP_COMMUNITY or EXTRANET_SNMP_V3_* or the `snmp` section of
        EXTRANET_SECRETS_FILE (with --lab, the lab's)."""
        inv = load_lab_inventory() if lab else None
        engine = get_engine()
        settings = PollSettings(concurrency=concurrency, timeout=timeout)
        if once:
            print_poll(asyncio.run(poll_once(engine, SnmpPoller(settings), lab_inventory=inv, zone=zone)))
            return
        try:
            asyncio.run(poll_forever(engine, interval=interval, lab_inventory=inv, settings=settings,
                                     on_round=print_poll, zone=zone))
        except KeyboardInterrupt:
            console.print("polling stopped")
