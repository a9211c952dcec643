"""`extranet syslog`: receive the devices' syslog (UDP and TCP) into the record; also run inside `extranet serve`."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import typer

from collectors.syslog.receiver import DEFAULT_PORT, ReceiverThread, SyslogReceiver
from inventory.db import get_engine, home_dir
from inventory.errors import ExtranetError
from inventory.record.syslog_store import SyslogStore

from .console import console, err_console


def default_spool() -> Path:
    return home_dir() / "syslog-spool"


def build_receiver(host: str, port: int, *, udp: bool = True, tcp: bool = True, spool: Path | None = None,
                   **options: object) -> SyslogReceiver:
    """A receiver storing into this install's database (DATABASE_URL or the SQLite file)."""
    engine = get_engine()
    store = SyslogStore()
    try:
        return SyslogReceiver(lambda batch: store.store(engine, batch), spool_dir=spool or default_spool(), host=host,
                              port=port, udp=udp, tcp=tcp, **options)  # type: ignore[arg-type]
    except ImportError as exc:  # the parsing modules are part of the product; a broken install says so
        raise ExtranetError(f"the syslog parser cannot be loaded: {exc}", code="syslog_unavailable") from exc


def bound(r: SyslogReceiver) -> str:
    parts = [f"udp {r.udp_address[0]}:{r.udp_address[1]}" if r.udp_address else "",
             f"tcp {r.tcp_address[0]}:{r.tcp_address[1]}" if r.tcp_address else ""]
    return ", ".join(p for p in parts if p)


def counters_line(r: SyslogReceiver) -> str:
    c = r.counters
    errors = ", ".join(f"{k} {v}" for k, v in sorted(c.errors.items())) or "none"
    return (f"received {c.received} (udp {c.by_transport.get('udp', 0)}, tcp {c.by_transport.get('tcp', 0)}), "
            f"parsed {c.parsed}, unparsed {c.unparsed}, stored {c.stored}, spooled {c.spooled} "
            f"(waiting files {r.spool_files}), udp lost: kernel {c.udp_dropped_kernel} gaps {c.udp_gaps}; "
            f"errors: {errors}"
            + (f"; set aside (spool/rejected) {c.spool_rejected}" if c.spool_rejected else "")
            + (f"; last store error: {c.last_sink_error}" if c.last_sink_error else ""))


def start_embedded(host: str, port: int) -> ReceiverThread | None:
    """For `extranet serve`: the receiver beside the web server, or one line saying why not (a port in use),
    and the server goes on without it."""
    try:
        rt = ReceiverThread(build_receiver(host, port)).start()
    except OSError as exc:
        err_console.print(f"[yellow]syslog: not receiving on {host}:{port}: {exc.strerror or exc}[/] "
                          "(another receiver? choose --syslog-port, or --no-syslog)", highlight=False)
        return None
    except ExtranetError as exc:
        err_console.print(f"[yellow]syslog: not receiving: {exc.message}[/]", highlight=False)
        return None
    console.print(f"syslog: receiving on {bound(rt.receiver)} (spool {rt.receiver.spool.dir})")
    return rt


def register(app: typer.Typer) -> None:
    @app.command("syslog")
    def syslog(
        host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (0.0.0.0 for every interface)"),
        port: int = typer.Option(DEFAULT_PORT, "--port", min=0, max=65535,
                                 help="UDP and TCP port (devices send to 514 in production; below 1024 needs root)"),
        udp: bool = typer.Option(True, "--udp/--no-udp", help="receive over UDP"),
        tcp: bool = typer.Option(True, "--tcp/--no-tcp", help="receive over TCP (octet-counted or newline-framed)"),
        spool: Path | None = typer.Option(None, "--spool", help="where batches the database refuses wait "
                                          "[default: EXTRANET_HOME/syslog-spool]"),
        every: float = typer.Option(10.0, "--every", min=0.1, help="seconds between counter lines"),
        duration: float | None = typer.Option(None, "--duration", min=0.0, help="stop after this many seconds"),
    ) -> None:
        """Receive syslog into the record: every line kept, attributed to its device, link states, config
        changes and probe results stored. Ctrl-C stops after storing (or spooling) everything received."""
        if not (udp or tcp):
            raise ExtranetError("--no-udp and --no-tcp: nothing to receive", code="syslog_nothing")
        try:
            rt = ReceiverThread(build_receiver(host, port, udp=udp, tcp=tcp, spool=spool)).start()
        except OSError as exc:
            raise ExtranetError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", code="syslog_bind") from exc
        r = rt.receiver
        console.print(f"syslog: receiving on {bound(r)}; spool {r.spool.dir}; Ctrl-C to stop")
        end = time.monotonic() + duration if duration is not None else None
        try:
            with contextlib.suppress(KeyboardInterrupt):
                while end is None or time.monotonic() < end:
                    time.sleep(min(every, max(0.0, end - time.monotonic())) if end is not None else every)
                    console.print(counters_line(r), highlight=False)
        finally:
            console.print("syslog: stopping (storing what was received)")
            rt.stop()
            console.print(counters_line(r), highlight=False)
