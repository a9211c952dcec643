"""What `extranet serve` runs beside the web app on a one-node install (no broker): the SNMP poller and the
config-change trigger, each in a daemon thread. With a broker these run per management zone instead
(`extranet snmp poll --zone Z`, `extranet syslog --zone Z`, triggers in `extranet beat`), writing to the
shared database, so serve only says so."""

from __future__ import annotations

import asyncio
import logging
import threading

from sqlalchemy.engine import Engine

from collectors.snmp.credentials import CredentialsError, load_snmp_credentials
from inventory.errors import ExtranetError

from .console import console

log = logging.getLogger("extranet.serve")


def broker_configured() -> bool:
    # Celery and Redis load only for the commands that use them (start-up time of every other command).
    from workers.config import broker_config

    return broker_config() is not None


def start_poller(engine: Engine, interval: int) -> threading.Event | None:
    """Poll every `interval` s in a thread when SNMP credentials are configured; say why not otherwise."""
    # pysnmp loads only for the commands that poll (start-up time of every other command)
    from inventory.record.polling import poll_forever

    if broker_configured():
        console.print("snmp: polled per zone (`extranet snmp poll --zone Z`; a broker is configured)")
        return None
    try:
        load_snmp_credentials()
    except CredentialsError as exc:
        console.print(f"snmp: not polling ({exc})")
        return None
    stop = threading.Event()

    def run() -> None:
        loop = asyncio.new_event_loop()
        task = loop.create_task(poll_forever(engine, interval=interval))
        stop_watch = loop.run_in_executor(None, stop.wait)
        stop_watch.add_done_callback(lambda _f: loop.call_soon_threadsafe(task.cancel))
        try:
            loop.run_until_complete(task)
        except (asyncio.CancelledError, ExtranetError) as exc:
            if isinstance(exc, ExtranetError):
                log.error("SNMP polling stopped: %s", exc.message)
        finally:
            loop.close()

    threading.Thread(target=run, name="snmp-poller", daemon=True).start()
    console.print(f"snmp: polling the circuits' interfaces every {interval} s in this process")
    return stop


def start_triggers(engine: Engine) -> threading.Event | None:
    """Collect a device soon after it reports a config change (workers/triggers.py)."""
    # the collection engine and Celery's app load only for the commands that collect
    from workers.triggers import serve as trigger_forever
    from workers.triggers import settings_from_env

    if broker_configured():
        console.print("config-change collections: triggered by `extranet beat` (a broker is configured)")
        return None
    settings = settings_from_env()
    stop = threading.Event()
    threading.Thread(target=trigger_forever, args=(engine, stop, settings), name="triggers", daemon=True).start()
    console.print(f"config-change collections: a device is collected {settings.quiet_s:g} s after its last change "
                  "message, in this process")
    return stop
