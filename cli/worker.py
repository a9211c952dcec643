"""`extranet worker --zone Z`, `extranet beat` and `extranet schedule ...`: distributed collection
workers per management zone, the Celery beat ticker, and scheduled runs."""

from __future__ import annotations

import logging
import os
import re
import threading

import typer
from rich.table import Table
from sqlmodel import select

from inventory.db import get_engine, home_dir, private_dir, session_scope
from inventory.errors import ExtranetError
from inventory.migrate import is_current
from inventory.models import Device, Schedule
from workers.config import CONTROL_QUEUE, BrokerConfig, queue_for
from workers.schedule_store import delete, save, set_enabled

from .console import console

ZONE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


def require_broker() -> tuple[object, BrokerConfig]:
    """The configured Celery app, after checking Redis answers; a clear error otherwise."""
    # Celery and Redis load only in the commands that use them (start-up time of the others).
    import redis

    from workers.app import current, redis_client

    configured = current()
    if configured is None:
        raise ExtranetError("no broker configured: set EXTRANET_BROKER_URL (e.g. redis://127.0.0.1:6379/0); "
                            "without it collection runs in-process", code="broker")
    app, cfg = configured
    try:
        redis.Redis.from_url(cfg.url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        raise ExtranetError(f"broker {redis_client(cfg).connection_pool.connection_kwargs.get('host', cfg.url)} "
                            f"does not answer: {exc}", code="broker") from exc
    return app, cfg


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker(
        zone: list[str] = typer.Option(..., "--zone", help="management zone(s) this worker collects (repeatable)"),
        concurrency: int = typer.Option(16, "--concurrency", min=1, max=256, help="devices at once in this process"),
        loglevel: str = typer.Option("INFO", "--loglevel", help="DEBUG | INFO | WARNING"),
    ) -> None:
        """Collect the devices of one or more management zones from the broker's queues (Celery, threads
        pool). Needs EXTRANET_BROKER_URL and DATABASE_URL (the shared PostgreSQL)."""
        for z in zone:
            if not ZONE_RE.match(z):
                raise ExtranetError(f"--zone {z!r}: expected letters, digits, '-', '_' or '.' (at most 32)",
                                    code="zone")
        celery_app, _cfg = require_broker()
        engine = get_engine()
        if not is_current(engine):
            raise ExtranetError(f"the database at {engine.url.render_as_string(hide_password=True)} is not at the "
                                "newest schema: run extranet db upgrade (or extranet serve) first", code="schema")
        with session_scope(engine) as s:
            known = set(s.exec(select(Device.zone)).all())
        for z in zone:
            if z not in known:
                console.print(f"[yellow]warning[/]: no device is in zone {z!r} yet (known: {', '.join(sorted(known))})")
        os.environ["EXTRANET_WORKER_ZONES"] = "+".join(zone)
        logging.getLogger("paramiko").setLevel(logging.CRITICAL)
        logging.basicConfig(level=loglevel.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        queues = [queue_for(z) for z in zone] + [CONTROL_QUEUE]
        console.print(f"worker pid={os.getpid()} zones={','.join(zone)} queues={','.join(queues)} "
                      f"database={engine.dialect.name}", highlight=False)
        celery_app.worker_main(["worker", "-Q", ",".join(queues), "-P", "threads", "-c", str(concurrency),
                                "-n", f"{'+'.join(zone)}.{os.getpid()}@%h", "--without-gossip", "--without-mingle",
                                "-l", loglevel.upper()])

    @app.command("beat")
    def beat(every: float = typer.Option(15.0, "--every", min=1.0, help="seconds between ticks")) -> None:
        """Celery beat: every few seconds a worker starts due schedules and sweeps running runs."""
        celery_app, _cfg = require_broker()
        celery_app.conf.beat_schedule = {"extranet-tick": {"task": "extranet.tick", "schedule": every,
                                                           "options": {"queue": CONTROL_QUEUE, "expires": every}}}
        private_dir(home_dir())
        # Beat's schedule is a shelve database whose files dbm creates itself (.db, .dat, .dir, .bak): only a
        # umask makes them 600 like every other file under EXTRANET_HOME.
        os.umask(0o077)
        celery_app.start(["beat", "-s", str(home_dir() / "celerybeat-schedule"), "-l", "INFO"])

    sched = typer.Typer(help="Scheduled collection per zone or group; alerts on config changes and silent devices.",
                        no_args_is_help=True)
    app.add_typer(sched, name="schedule")

    @sched.command("add")
    def add(name: str = typer.Argument(..., help="a name for the schedule"),
            every: int = typer.Option(60, "--every", min=1, max=525600, help="minutes between runs"),
            zone: str = typer.Option(None, "--zone", help="only this management zone"),
            only: str = typer.Option(None, "--only", help="only a room code, a unit code/name or a hostname"),
            lab: bool = typer.Option(False, "--lab", help="collect from the running SSH lab")) -> None:
        """Create (or replace) a schedule."""
        row = save(get_engine(), name=name, every=every, zone=zone, only=only, lab=lab, actor="cli")
        console.print(f"schedule {row.name}: every {row.interval_minutes} min, zone {row.zone or 'all'}, "
                      f"only {row.only or 'everything'}{', lab' if row.lab else ''}")

    @sched.command("list")
    def list_() -> None:
        """Every schedule with its last run and when it is due next."""
        # Celery and Redis load only in the commands that use them (start-up time of the others).
        from workers.schedule import next_due

        with session_scope(get_engine()) as s:
            rows = s.exec(select(Schedule).order_by(Schedule.name)).all()
        table = Table(title="schedules")
        for col in ("name", "every (min)", "zone", "only", "lab", "enabled", "last fired (UTC)", "last run", "next"):
            table.add_column(col)
        for r in rows:
            nxt = next_due(r)
            table.add_row(r.name, str(r.interval_minutes), r.zone or "all", r.only or "—", "yes" if r.lab else "",
                          "yes" if r.enabled else "no",
                          f"{r.last_fired_at:%Y-%m-%d %H:%M}" if r.last_fired_at else "—", str(r.last_run_id or "—"),
                          f"{nxt:%Y-%m-%d %H:%M}" if nxt else "—")
        console.print(table if rows else "no schedules (extranet schedule add NAME --every MIN)")

    @sched.command("remove")
    def remove(name: str) -> None:
        """Delete a schedule."""
        delete(get_engine(), name)
        console.print(f"schedule {name} removed")

    @sched.command("enable")
    def enable(name: str, off: bool = typer.Option(False, "--off", help="disable instead")) -> None:
        """Enable (or with --off disable) a schedule."""
        set_enabled(get_engine(), name, not off)
        console.print(f"schedule {name} {'disabled' if off else 'enabled'}")

    @sched.command("serve")
    def serve(every: float = typer.Option(15.0, "--every", min=1.0, help="seconds between ticks")) -> None:
        """Run due schedules until Ctrl-C: in-process when no broker is configured, else dispatch to the
        workers and sweep their runs (a stand-in for `extranet beat`)."""
        # Celery and Redis load only in the commands that use them (start-up time of the others).
        from workers.app import current
        from workers.schedule import serve as serve_loop

        logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("paramiko").setLevel(logging.CRITICAL)
        mode = "workers (broker)" if current() is not None else "in-process pool"
        console.print(f"scheduler: ticking every {every:g} s, collecting with the {mode}")
        stop = threading.Event()
        try:
            serve_loop(get_engine(), stop, every)
        except KeyboardInterrupt:
            stop.set()
