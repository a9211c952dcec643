"""`extranet collect` and `extranet configs history|diff`, plus the demo step that starts the lab and
collects the whole city."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from collectors.engine import Settings
from collectors.errors import CODES
from collectors.validate import LABELS
from inventory.collection import RunReport, cancel_run, run_collection
from inventory.db import get_engine, session_scope
from inventory.errors import ExtranetError
from inventory.history import diff, history
from inventory.offline import import_folder
from workers.config import broker_config, queue_for

from .console import console
from .demo import DemoContext, step
from .lab import lab_inventory_path, load_lab_inventory, start_lab_thread
from .worker import require_broker


def _quiet_ssh_logs() -> None:
    # paramiko logs tracebacks for refused/tarpit devices; the run table reports them with a code.
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)


def print_report(report: RunReport) -> None:
    table = Table(title=f"collection run {report.run_id}")
    table.add_column("result")
    table.add_column("devices", justify="right")
    table.add_row("[green]ok[/]", str(report.ok))
    table.add_row("  changed config", str(report.changed))
    table.add_row("  unchanged / first snapshot", str(report.unchanged))
    if report.partial:
        table.add_row("  [yellow]部分完成 partial (with warnings)[/]", str(report.partial))
    for code, n in sorted(report.failed.items()):
        table.add_row(f"[red]failed: {code}[/]", str(n), end_section=False)
    table.add_row("[bold]total[/]", str(report.total))
    console.print(table)
    console.print(f"{report.total} devices in {report.seconds:.1f} s ({report.devices_per_second:.1f} devices/s)")
    for code in sorted(report.failed):
        console.print(f"  [dim]{code}: {CODES.get(code, '')}[/]")
    print_warnings(report)


def print_warnings(report: RunReport, limit: int = 20) -> None:
    """What was collected but not used, per device (a refused config, an unreadable command), and for an
    import the files it skipped; the first `limit` of each, then how many more."""
    def words(code: object) -> str:
        zh, en = LABELS.get(str(code), (str(code), ""))
        return f"{zh} {en}".strip()

    lines = [f"{host}: {words(w.get('code'))}: {w.get('command', '')}: {w.get('line') or w.get('message', '')}"
             for host, ws in report.warnings for w in ws]
    for title, items in (("warnings 告警", lines), ("skipped 已跳过", report.skipped)):
        if not items:
            continue
        console.print(f"[yellow]{title}[/] ({len(items)}):", highlight=False)
        for line in items[:limit]:
            console.print(f"  {line[:300]}", highlight=False, markup=False)
        if len(items) > limit:
            console.print(f"  … and {len(items) - limit} more", highlight=False)


def collect_with_progress(engine: Engine, *, only: str | None, lab_inventory: dict | None, concurrency: int,
                          trigger: str = "cli", zone: str | None = None) -> RunReport:
    _quiet_ssh_logs()
    with Progress(TextColumn("[bold]collect"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task("", total=None)

        def on_result(host: str, result: object) -> None:
            status = getattr(result, "status", "")
            code = getattr(result, "error_code", None)
            progress.update(task, advance=1, description=f"{host} {status}{' ' + code if code else ''}")

        report = run_collection(engine, only=only, lab_inventory=lab_inventory,
                                settings=Settings(concurrency=concurrency), trigger=trigger, on_result=on_result,
                                on_start=lambda n: progress.update(task, total=n), zone=zone)
    return report


def collect_on_workers(engine: Engine, *, only: str | None, zone: str | None, lab: bool, concurrency: int,
                       trigger: str = "cli") -> RunReport:
    """Dispatch a run to the zone workers through the broker and follow it until every device is saved."""
    # Celery and Redis load only in the commands that use them (start-up time of the others).
    from workers.runs import start_run, wait_run, zones_without_workers

    app, cfg = require_broker()
    lab_file = str(lab_inventory_path()) if lab else None
    inv = load_lab_inventory() if lab else None
    plan = start_run(engine, app, cfg, only=only, zone=zone, lab_inventory=inv, lab_file=lab_file,
                     settings=Settings(concurrency=concurrency), trigger=trigger)
    zones = sorted(set(plan.zones.values()))
    console.print(f"run {plan.run_id}: {len(plan.targets)} devices dispatched to the workers of "
                  f"{', '.join(zones) or 'no zone'} (broker {cfg.url.split('@')[-1]}); Ctrl-C stops following, "
                  "not the run", highlight=False)
    idle = zones_without_workers(app, zones)
    if idle:
        console.print(f"[yellow]warning[/]: no worker consumes {', '.join(queue_for(z) for z in idle)}; the run waits "
                      f"for `extranet worker --zone {idle[0]}`", highlight=False)
    with Progress(TextColumn("[bold]collect"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task("", total=len(plan.targets))

        def on_progress(p: object, total: int) -> None:
            failed = sum(getattr(p, "failed", {}).values())
            progress.update(task, completed=getattr(p, "done", 0), total=total,
                            description=f"ok {getattr(p, 'ok', 0)}, failed {failed}")

        return wait_run(engine, app, cfg, plan.run_id, on_progress=on_progress)


def register(app: typer.Typer) -> None:
    @app.command("collect")
    def collect(
        lab: bool = typer.Option(False, "--lab", help="collect from the running SSH lab (extranet lab start)"),
        only: str = typer.Option(None, "--only", help="a room code, a unit code/name or a hostname"),
        zone: str = typer.Option(None, "--zone", help="only the devices of this management zone"),
        concurrency: int = typer.Option(32, "--concurrency", min=1, max=256, help="sessions at once (in-process)"),
        local: bool = typer.Option(False, "--local", help="collect in this process even if a broker is configured"),
        import_dir: Path = typer.Option(None, "--import", help="ingest a folder of saved outputs instead: device "
                                        "folders, Oxidized/RANCID output, capture files with prompts, configs"),
        cancel: int = typer.Option(None, "--cancel", min=1, help="cancel a running run (its queued devices)"),
    ) -> None:
        """Collect configs, versions, interfaces, LLDP, ARP/MAC and logs over SSH; each device is saved as it
        arrives. With EXTRANET_BROKER_URL set the run goes to the zone workers (extranet worker --zone Z),
        otherwise (or with --local) to a thread pool in this process. Credentials:
        EXTRANET_SSH_USERNAME/PASSWORD or EXTRANET_SECRETS_FILE (or the lab's)."""
        engine = get_engine()
        if cancel is not None:
            cancel_run(engine, cancel, actor="cli")
            console.print(f"run {cancel} cancelled: queued devices are skipped, devices being collected are saved")
            return
        if import_dir is not None:
            print_report(import_folder(engine, import_dir))
            return
        if broker_config() is not None and not local:
            print_report(collect_on_workers(engine, only=only, zone=zone, lab=lab, concurrency=concurrency))
            return
        console.print("collecting in this process (thread pool)"
                      + ("; --local overrides EXTRANET_BROKER_URL" if broker_config() is not None else ""))
        inv = load_lab_inventory() if lab else None
        print_report(collect_with_progress(engine, only=only, lab_inventory=inv, concurrency=concurrency, zone=zone))

    configs = typer.Typer(help="Config history: snapshots and diffs (secrets redacted).", no_args_is_help=True)
    app.add_typer(configs, name="configs")

    @configs.command("history")
    def history_cmd(device: str = typer.Argument(..., help="hostname")) -> None:
        """Every stored snapshot of a device's running config."""
        with session_scope(get_engine()) as s:
            snaps = history(s, device)
            table = Table(title=f"{device} config history")
            for col in ("id", "collected (UTC)", "sha256", "previous", "source"):
                table.add_column(col)
            for snap in snaps:
                table.add_row(str(snap.id), f"{snap.collected_at:%Y-%m-%d %H:%M:%S}", snap.sha256[:16],
                              str(snap.previous_id or "—"), snap.source)
        console.print(table if snaps else f"{device}: no snapshots yet")

    @configs.command("diff")
    def diff_cmd(device: str = typer.Argument(..., help="hostname"),
                 old: int = typer.Option(None, "--from", help="older snapshot id (default: the one before --to)"),
                 new: int = typer.Option(None, "--to", help="newer snapshot id (default: the latest)")) -> None:
        """Unified diff between two snapshots, secrets redacted."""
        with session_scope(get_engine()) as s:
            text = diff(s, device, old, new)
        console.print(text or "(no differences)", highlight=False, markup=False)


@step("SSH 实验室与采集 Lab and collection", order=20)
def _demo_collect(ctx: DemoContext) -> None:
    lab, inv = start_lab_thread(ctx.engine)
    ctx.state.setdefault("cleanups", []).append(lab.stop)
    ctx.state["lab"] = lab
    console.print(f"lab: {len(inv['devices'])} devices listening on 127.0.0.1")
    try:
        report = collect_with_progress(ctx.engine, only=None, lab_inventory=inv, concurrency=32, trigger="demo")
    except ExtranetError:
        raise
    ctx.state["collection_run_id"] = report.run_id
    print_report(report)
