"""The SNMP polling loop: a round every `interval` seconds of model time (collectors.clock), each round
stored in one transaction; the hour's rollups after each round and retention once a day. `poll_forever` is
the async entry point `extranet serve` embeds; `extranet snmp poll` runs it from the command line."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from collectors import clock
from collectors.snmp.credentials import CredentialsError, load_snmp_credentials
from collectors.snmp.poller import PollSettings, SnmpPoller

from ..db import session_scope
from ..errors import ExtranetError
from .retention import apply_retention
from .rollup import HOUR, rollup
from .samples import StoreReport, store_round
from .targets import build_targets

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 300


@dataclass
class PollReport:
    at: dt.datetime
    devices: int = 0
    ok: int = 0
    failed: dict[str, list[str]] = field(default_factory=dict)  # code → hostnames
    skipped: dict[str, str] = field(default_factory=dict)
    interfaces: int = 0
    stored: StoreReport = field(default_factory=StoreReport)
    seconds: float = 0.0


def _credentials(lab_inventory: dict[str, Any] | None) -> Any:
    try:
        return load_snmp_credentials((lab_inventory or {}).get("credentials_file") or None)
    except CredentialsError as exc:
        raise ExtranetError(str(exc), code="credentials") from exc


async def poll_once(engine: Engine, poller: SnmpPoller | None = None, lab_inventory: dict[str, Any] | None = None,
                    all_interfaces: bool = False, zone: str | None = None) -> PollReport:
    """One round over every target; a poller passed in keeps its engine and ifIndex maps across rounds."""
    own = poller is None
    poller = poller or SnmpPoller()
    started = time.perf_counter()
    creds = _credentials(lab_inventory)
    with session_scope(engine) as s:
        ts = build_targets(s, creds, lab_inventory, all_interfaces=all_interfaces, zone=zone)
    rep = PollReport(at=clock.now(), devices=len(ts.targets), skipped=ts.skipped, interfaces=ts.interfaces)
    try:
        results = await poller.poll(ts.targets)
    finally:
        if own:
            poller.close()
    for r in results:
        if r.ok:
            rep.ok += 1
        else:
            rep.failed.setdefault(r.error_code or "snmp_error", []).append(r.hostname)
    with session_scope(engine) as s:
        rep.stored = store_round(s, results, ts.interface_ids, ts.circuit_of)
    rep.seconds = time.perf_counter() - started
    return rep


async def poll_forever(engine: Engine, interval: float = DEFAULT_INTERVAL, lab_inventory: dict[str, Any] | None = None,
                       settings: PollSettings | None = None, rounds: int | None = None,
                       on_round: Any = None, zone: str | None = None) -> None:
    """Poll every `interval` model seconds until cancelled (or `rounds` rounds); never dies on one round."""
    if interval <= 0:
        raise ExtranetError(f"poll interval {interval}: expected a positive number of seconds", code="config")
    poller = SnmpPoller(settings)
    last_retention: dt.date | None = None
    done = 0
    try:
        while rounds is None or done < rounds:
            began = clock.now()
            try:
                rep = await poll_once(engine, poller, lab_inventory, zone=zone)
                rollup(engine, began - HOUR, clock.now() + HOUR)
                if last_retention != began.date():
                    apply_retention(engine)
                    last_retention = began.date()
                if on_round:
                    on_round(rep)
            except ExtranetError:
                raise
            except Exception:  # one bad round (a database hiccup) is logged; the next round tries again
                log.exception("SNMP poll round failed")
            done += 1
            if rounds is not None and done >= rounds:
                break
            spent = (clock.now() - began).total_seconds()
            await asyncio.sleep(clock.current().wall_seconds(max(0.0, interval - spent)))
    finally:
        poller.close()
