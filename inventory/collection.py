"""Run a collection against the inventory and save each device's result as it arrives.

Evidence kept per device: raw CommandOutput per command (admin raw view), a ConfigSnapshot only when
the scrubbed config changed (sha256, previous_id), CounterSample / LinkEvent / TerminalCount / ProbeResult
(probes.py) from the parsed facts, observed interfaces and addresses, Link rows seen by LLDP/CDP and by shared subnets
(inventory.links), and a DeviceResult with a stable error code. A device that fails keeps its last good
snapshot, and so does one whose config is refused (refusals.py). Offline import reads saved files into
the same ingest (offline.py). Credentials come from the environment, a secrets file or the lab's
credentials file: never from the database and never into logs."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import case, delete, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session, select

from collectors.engine import Credentials, DeviceOutcome, Settings, Target, collect_all
from collectors.parse import Facts, parse_outputs
from collectors.platforms import names

from . import counters, links, probes, refusals
from .db import session_scope
from .errors import ExtranetError, NotFound
from .models import (
    Alert,
    CollectionRun,
    CommandOutput,
    ConfigSnapshot,
    Device,
    DeviceResult,
    LinkEvent,
    Room,
    RoutingFact,
    TerminalCount,
    Unit,
)
from .models.base import utcnow


@dataclass
class RunReport:
    run_id: int
    total: int = 0
    ok: int = 0  # collected and stored, partial ones included
    partial: int = 0  # ... of which a command's output could not be parsed (DeviceResult.warnings)
    failed: Counter = field(default_factory=Counter)
    changed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    # per partial device: (hostname, the result's warnings), what `extranet collect` prints under the table
    warnings: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # offline import: files skipped, each with why

    @property
    def devices_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


# ------------------------------------------------------------------------------------ credentials
def load_credentials(lab_inventory: dict[str, Any] | None = None) -> Callable[[Target], Credentials]:
    """Per-target credentials: EXTRANET_SSH_USERNAME/EXTRANET_SSH_PASSWORD, else EXTRANET_SECRETS_FILE
    (JSON: {"username", "password", "devices": {HOST: {"username", "password"}}}), else the lab's file."""
    env_user, env_pw = os.environ.get("EXTRANET_SSH_USERNAME"), os.environ.get("EXTRANET_SSH_PASSWORD")
    data: dict[str, Any] = {}
    path = os.environ.get("EXTRANET_SECRETS_FILE") or (lab_inventory or {}).get("credentials_file")
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ExtranetError(f"cannot read the secrets file {path}: {exc}; expected JSON with username and "
                                "password", code="credentials") from exc
    if not (env_user and env_pw) and not (data.get("username") and data.get("password")):
        raise ExtranetError("no SSH credentials: set EXTRANET_SSH_USERNAME and EXTRANET_SSH_PASSWORD, or "
                            "EXTRANET_SECRETS_FILE (JSON with username/password), or use --lab", code="credentials")
    default = Credentials(env_user, env_pw) if env_user and env_pw else Credentials(data["username"], data["password"])
    per = {h: Credentials(v["username"], v["password"]) for h, v in (data.get("devices") or {}).items()}
    return lambda t: per.get(t.hostname, default)


# ---------------------------------------------------------------------------------------- targets
def select_devices(session: Session, only: str | None = None, zone: str | None = None) -> list[Device]:
    """Enabled devices, optionally of one management zone and/or one room, unit or hostname."""
    stmt = select(Device).where(Device.enabled == True).order_by(Device.id)  # noqa: E712
    if zone:
        stmt = stmt.where(Device.zone == zone)
    devices = session.exec(stmt).all()
    if zone and not devices:
        known = sorted(set(session.exec(select(Device.zone)).all()))
        raise NotFound.of("management zone", zone, known)
    if not only:
        return list(devices)
    room = session.exec(select(Room).where(Room.code == only)).first()
    if room:
        return [d for d in devices if d.room_id == room.id]
    unit = session.exec(select(Unit).where((Unit.code == only) | (Unit.name == only))).first()
    if unit:
        return [d for d in devices if d.unit_id == unit.id]
    hits = [d for d in devices if d.hostname == only]
    if hits:
        return hits
    raise NotFound.of("room, unit or device", only, [r.code for r in session.exec(select(Room)).all()])


def targets_for(session: Session, devices: list[Device], lab_inventory: dict[str, Any] | None) -> list[Target]:
    rooms = {r.id: r.code for r in session.exec(select(Room)).all()}
    endpoints = {d["hostname"]: d for d in (lab_inventory or {}).get("devices", [])}
    out = []
    for d in devices:
        if lab_inventory is not None:
            ep = endpoints.get(d.hostname)
            if ep is None:
                raise ExtranetError(f"device {d.hostname} is not in the lab inventory; restart the lab after "
                                    "changing the inventory", code="lab")
            host, port = ep["host"], int(ep["port"])
        else:
            host, port = d.mgmt_address, d.mgmt_port
            if not _allowed(host):
                raise ExtranetError(f"{d.hostname}: refusing to connect to {host} (only 127.0.0.0/8 unless "
                                    "EXTRANET_ALLOW_REMOTE=1); use --lab for the SSH lab", code="address")
        if d.platform not in names():
            raise ExtranetError(f"{d.hostname}: no collector profile for platform {d.platform!r}; known: "
                                f"{', '.join(names())}", code="platform")
        out.append(Target(d.hostname, d.platform, host, port, d.encoding, d.legacy_crypto,
                          group=rooms.get(d.room_id, "") or d.zone))
    return out


def check_task_target(session: Session, device_id: int, target: dict[str, Any], *, lab: bool) -> None:
    """A worker connects where a queue message says: refuse a message that does not describe the
    inventory's device, so whoever can write to the broker cannot send the device credentials to a host
    of their choosing. Lab runs take addresses from the lab's file, and the lab only ever binds to
    loopback, so there the address must be loopback whatever EXTRANET_ALLOW_REMOTE says."""
    dev = session.get(Device, device_id)
    if dev is None or dev.hostname != target.get("hostname") or dev.platform != target.get("platform"):
        raise ExtranetError(f"task for device id {device_id} names {target.get('hostname')!r}/"
                            f"{target.get('platform')!r}, not the inventory's device", code="task")
    host = str(target.get("host", ""))
    if lab:
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = False
        if not ok:
            raise ExtranetError(f"{dev.hostname}: a lab task may only connect to 127.0.0.0/8, not {host!r}",
                                code="task")
    elif (host, int(target.get("port", 0))) != (dev.mgmt_address, dev.mgmt_port) or not _allowed(host):
        raise ExtranetError(f"{dev.hostname}: task address {host}:{target.get('port')} is not the inventory's "
                            f"{dev.mgmt_address}:{dev.mgmt_port} (or remote collection is not allowed)",
                            code="task")


def _allowed(host: str) -> bool:
    if os.environ.get("EXTRANET_ALLOW_REMOTE") == "1":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------ ingest
# Failures that say "the device stopped answering" rather than "the device answered wrongly".
SILENT = frozenset({"unreachable", "banner_timeout", "timeout", "connection_lost"})


def worker_name(zone: str = "local") -> str:
    """Who collected a device: host/pid/zone (DeviceResult.worker)."""
    return f"{socket.gethostname()}/{os.getpid()}/{zone}"[-64:]


def ingest(session: Session, run_id: int, device: Device, outcome: DeviceOutcome, *, source: str = "ssh",
           worker: str | None = None) -> DeviceResult:
    now = utcnow()
    result = DeviceResult(run_id=run_id, device_id=device.id, status="failed", started_at=outcome.started_at,
                          duration_ms=outcome.duration_ms, attempts=outcome.attempts, worker=worker or source)
    # The result row first: a second delivery of the same (run, device) fails here, before any evidence.
    session.add(result)
    session.flush()
    rows: dict[str, CommandOutput] = {}
    for key, raw in outcome.outputs.items():
        # PostgreSQL text cannot hold NUL: one stray NUL byte in any output used to fail the device's whole
        # transaction. The stored text shows it as U+FFFD; the sha256 is of what arrived.
        rows[key] = CommandOutput(run_id=run_id, device_id=device.id, command=raw.command[:128], collected_at=now,
                                  output=raw.text.replace("\x00", "\ufffd"),
                                  sha256=hashlib.sha256(raw.text.encode("utf-8", "surrogateescape")).hexdigest())
        session.add(rows[key])
    if not outcome.ok:
        result.error_code, result.error_message = outcome.error_code, (outcome.error_message or "")[:500]
        _alert_failure(session, run_id, device, outcome.error_code or "failed", outcome.error_message or "")
        return result
    texts = {k: v.text for k, v in outcome.outputs.items()}
    # a config that must not become the current one (empty, cut off, masked, huge) is kept as a rejected
    # capture; the device's other outputs are still read and the last good snapshot stays current
    refused = refusals.screen_config(session, run_id, device, texts.get("config"), rows.get("config"),
                                     source=source, at=now)
    if refused:
        del texts["config"]
    facts = parse_outputs(device.platform, texts)
    # a command no parser could read costs that command's facts; the config and the rest are stored
    warnings = ([refused] if refused else []) + [i.as_dict() for i in facts.issues]
    result.status = "partial" if warnings else "ok"
    result.warnings = warnings or None
    if warnings:
        result.error_code = "bad_output" if refused else "parse"
        result.error_message = "; ".join(f"{w['command']}: {w['line'] or w['message']}" for w in warnings)[:500]
    if facts.config is not None:
        last = session.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == device.id)
                            .order_by(ConfigSnapshot.id.desc())).first()
        stored = last is None or last.sha256 != facts.config_sha256
        if stored:
            snap = ConfigSnapshot(device_id=device.id, collected_at=now, sha256=facts.config_sha256 or "",
                                  text=facts.config, previous_id=last.id if last else None, run_id=run_id,
                                  source=source)
            session.add(snap)
            session.flush()
            result.snapshot_id, result.config_changed = snap.id, last is not None
            if last is not None:
                session.add(Alert(kind="config_changed", device_id=device.id, run_id=run_id,
                                  message=f"{device.hostname}: running config changed"))
        else:
            result.snapshot_id = last.id
        # an unchanged config has the same routing; the check of existing rows covers devices whose
        # snapshot predates routing facts
        if stored or not _has_routes(session, device.id):
            _save_routes(session, device.id, result.snapshot_id, facts)
    result.subnets = _save_facts(session, run_id, device, facts, now) or None
    session.add(result)
    return result


def _has_routes(session: Session, device_id: int) -> bool:
    return session.exec(select(RoutingFact.id).where(RoutingFact.device_id == device_id).limit(1)).first() is not None


def _save_routes(session: Session, device_id: int, snapshot_id: int | None, facts: Facts) -> None:
    """The device's configured routing, replaced as a whole from the config just stored. A config whose
    tree could not be read gives no routes, and that is not the same as a config without any: keep what
    the last readable one said."""
    if not facts.routes and any(i.key == "config" for i in facts.issues):
        return
    session.execute(delete(RoutingFact).where(RoutingFact.device_id == device_id))
    session.add_all(RoutingFact(device_id=device_id, kind=r.kind, vrf=r.vrf, prefix=r.prefix, next_hop=r.next_hop,
                                interface=r.interface, peer=r.peer, local_as=r.local_as, remote_as=r.remote_as,
                                area=r.area, process=r.process, snapshot_id=snapshot_id) for r in facts.routes)


def _alert_failure(session: Session, run_id: int, device: Device, code: str, message: str) -> None:
    """One open alert per device and failure code: a device that stays down across scheduled runs
    is one thing to look at, not one alert per run. Acknowledging it re-arms the alert."""
    open_alert = session.exec(select(Alert.id).where(Alert.device_id == device.id, Alert.kind == code,
                                                     Alert.acknowledged_at == None)).first()  # noqa: E711
    if open_alert is not None:
        return
    what = "stopped answering" if code in SILENT else "failed"
    session.add(Alert(kind=code, device_id=device.id, run_id=run_id,
                      message=f"{device.hostname} {what}: {code}: {message}"[:500]))


def _save_facts(session: Session, run_id: int, device: Device, facts: Facts, now: dt.datetime,
                ) -> list[list[Any]]:
    """Store interfaces and addresses (inventory.links.observe_interfaces: unknown ones are created as
    observed), counters, log events, terminal counts and LLDP/CDP links; return the subnets of the
    device's usable addresses ([network, interface id]), paired into links when the run closes.
    Lookups are batched and do not autoflush: a device used to cost ~40 statements and a flush per
    LLDP neighbour, which made saving slower than collecting."""
    seen = links.observe_interfaces(session, device, facts.interfaces, now)
    ifaces = seen.interfaces
    with session.no_autoflush:
        known: set[tuple[str, dt.datetime, str]] = set()
        if facts.events:
            since = min(e.at for e in facts.events)
            known = {(e.interface_name, _utc(e.occurred_at), e.state) for e in session.exec(
                select(LinkEvent).where(LinkEvent.device_id == device.id, LinkEvent.occurred_at >= since)).all()}
    # only what the running screens counted: an interface known from the config alone has no counters, and
    # zeros for it would read as a cleared counter
    counters.record(session, run_id, ifaces, [f for f in facts.interfaces if "state" in f.sources], now)
    for e in facts.events:
        if (e.interface, e.at, e.state) in known:
            continue
        known.add((e.interface, e.at, e.state))
        i = ifaces.get(e.interface)
        session.add(LinkEvent(device_id=device.id, interface_id=i.id if i else None, interface_name=e.interface,
                              occurred_at=e.at, state=e.state, message=e.message, run_id=run_id))
    if facts.mac_count is not None:
        session.add(TerminalCount(device_id=device.id, unit_id=device.unit_id, counted_at=now,
                                  mac_count=facts.mac_count, arp_count=facts.arp_count or 0, run_id=run_id))
    links.record_neighbours(session, device, facts.neighbors, now=now)
    # after the interfaces: a probe's circuit is found through the addresses just observed. An imported
    # capture of the screen is the same evidence as one read over SSH.
    probes.record(session, device, facts.probes, now, source="ssh")
    return seen.subnets


def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


# ----------------------------------------------------------------------------- saving, with retries
log = logging.getLogger("extranet.collect")


def db_retry_seconds() -> float:
    """How long a collected result waits for the database before the caller gives up on it."""
    return float(os.environ.get("EXTRANET_DB_RETRY_SECONDS", "300"))


def _connection_lost(exc: BaseException) -> bool:
    """A database that is down, restarting or dropped the connection (retry) versus a bad statement."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError)


def with_db_retry(fn: Callable[[], Any], what: str, deadline_s: float | None = None) -> Any:
    """Run fn (one transaction) until it commits; connection failures are retried with capped
    exponential backoff until the deadline, then raised. Nothing collected is dropped silently."""
    deadline = time.monotonic() + (db_retry_seconds() if deadline_s is None else deadline_s)
    delay = 0.2
    while True:
        try:
            return fn()
        except DBAPIError as exc:
            if not _connection_lost(exc) or time.monotonic() + delay > deadline:
                raise
            log.warning("database unavailable while %s (%s); retrying in %.1f s", what,
                        str(exc.orig or exc).splitlines()[0][:120], delay)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def save_outcome(engine: Engine, run_id: int, device_id: int, outcome: DeviceOutcome, *, worker: str,
                 actor: str = "system", source: str = "ssh") -> DeviceResult | None:
    """Commit one device's evidence in one transaction. Returns None when the run already holds a
    result for the device (a redelivered task, or a commit that succeeded before the connection
    dropped): the second copy is discarded, so no snapshot or count is ever doubled."""

    def attempt() -> DeviceResult | None:
        for tries in range(1, 4):
            try:
                with session_scope(engine, actor=actor) as s:
                    # ingest writes the result row first: a second copy fails there, before any evidence
                    return ingest(s, run_id, s.get(Device, device_id), outcome, source=source, worker=worker)
            except IntegrityError:
                with session_scope(engine) as s:
                    if result_exists(s, run_id, device_id):
                        return None
                if tries == 3:  # not a race with another writer: a real bug, let it show
                    raise
        return None

    return with_db_retry(attempt, f"saving {outcome.hostname} of run {run_id}")


def result_exists(session: Session, run_id: int, device_id: int) -> bool:
    return session.exec(select(DeviceResult.id).where(DeviceResult.run_id == run_id,
                                                      DeviceResult.device_id == device_id)).first() is not None


# -------------------------------------------------------------------------------------------- runs
@dataclass
class PlannedRun:
    """A run row written, its targets resolved: what the in-process pool or the workers collect."""

    run_id: int
    targets: list[Target]
    device_ids: dict[str, int]  # hostname -> device id
    zones: dict[str, str]  # hostname -> management zone


def plan_run(engine: Engine, *, only: str | None = None, zone: str | None = None,
             lab_inventory: dict[str, Any] | None = None, settings: Settings | None = None, trigger: str = "cli",
             actor: str = "system", engine_name: str = "local", extra: dict[str, Any] | None = None) -> PlannedRun:
    settings = settings or Settings()
    with session_scope(engine, actor=actor) as s:
        devices = select_devices(s, only, zone)
        targets = targets_for(s, devices, lab_inventory)
        params = {"only": only, "zone": zone, "lab": lab_inventory is not None, "concurrency": settings.concurrency,
                  "engine": engine_name, **(extra or {})}
        if engine_name != "local":  # other processes check results against this list
            params["devices"] = [d.id for d in devices]
        run = CollectionRun(trigger=trigger, requested_by=actor, total=len(targets), params=params)
        s.add(run)
        s.flush()
        return PlannedRun(run.id, targets, {d.hostname: d.id for d in devices},
                          {d.hostname: d.zone for d in devices})


def finalise_run(engine: Engine, run_id: int, status: str = "done", *, actor: str = "system") -> bool:
    """Pair the run's /30-/31 subnets into links and close the run, once: the conditional update
    lets several processes (the last worker, a coordinator, a sweeper) race here safely."""

    def attempt() -> bool:
        with session_scope(engine, actor=actor) as s:
            closed = s.execute(update(CollectionRun).where(CollectionRun.id == run_id,
                                                           CollectionRun.status == "running")
                               .values(status=status, finished_at=utcnow())).rowcount
            if closed:
                _subnet_links(s, run_id)
            return bool(closed)

    return with_db_retry(attempt, f"closing run {run_id}")


def cancel_run(engine: Engine, run_id: int, *, actor: str = "system") -> None:
    """Close a running run as `cancelled`: queued devices are skipped by the workers, devices already
    being collected are still saved (nothing collected is thrown away). An in-process pool finishes
    the devices it has started."""
    with session_scope(engine) as s:
        run = s.get(CollectionRun, run_id)
        if run is None:
            raise NotFound(f"no collection run {run_id}", details={"kind": "collection-runs", "key": run_id})
        status = run.status
    if status != "running" or not finalise_run(engine, run_id, "cancelled", actor=actor):
        raise ExtranetError(f"collection run {run_id} is {status}, not running: nothing to cancel", code="conflict")


@dataclass
class Progress:
    done: int = 0
    ok: int = 0
    partial: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    config_changed: int = 0


def run_progress(session: Session, run_ids: list[int]) -> dict[int, Progress]:
    """Per run: devices finished, ok, failed by code, config changes (one grouped query)."""
    stats = {i: Progress() for i in run_ids}
    if not run_ids:
        return stats
    rows = session.exec(select(DeviceResult.run_id, DeviceResult.status, DeviceResult.error_code, func.count(),
                               func.sum(case((DeviceResult.config_changed, 1), else_=0)))
                        .where(DeviceResult.run_id.in_(run_ids))
                        .group_by(DeviceResult.run_id, DeviceResult.status, DeviceResult.error_code)).all()
    for run_id, status, code, n, changed in rows:
        st = stats[run_id]
        st.done += n
        st.config_changed += int(changed or 0)
        if status in ("ok", "partial"):
            st.ok += n
            st.partial += n if status == "partial" else 0
        elif status == "failed":
            st.failed[code or "error"] = st.failed.get(code or "error", 0) + n
    return stats


def report_of(engine: Engine, run_id: int, seconds: float = 0.0) -> RunReport:
    """A RunReport rebuilt from the database (for runs other processes collected)."""
    with session_scope(engine) as s:
        run = s.get(CollectionRun, run_id)
        p = run_progress(s, [run_id])[run_id]
        warned = s.exec(select(Device.hostname, DeviceResult.warnings)
                        .join(Device, Device.id == DeviceResult.device_id)
                        .where(DeviceResult.run_id == run_id, DeviceResult.status == "partial")
                        .order_by(Device.hostname)).all()
        skipped = list((run.params or {}).get("skipped") or [])
    return RunReport(run_id=run_id, total=run.total, ok=p.ok, partial=p.partial, failed=Counter(p.failed),
                     changed=p.config_changed, unchanged=p.ok - p.config_changed, seconds=seconds,
                     warnings=[(h, list(w or [])) for h, w in warned], skipped=skipped)


def run_collection(engine: Engine, *, only: str | None = None, lab_inventory: dict[str, Any] | None = None,
                   settings: Settings | None = None, trigger: str = "cli", actor: str = "system",
                   on_result: Callable[[str, DeviceResult], None] | None = None,
                   on_start: Callable[[int], None] | None = None, zone: str | None = None,
                   plan: PlannedRun | None = None) -> RunReport:
    """The in-process pool: collect in threads of this process, commit each device as it arrives.
    `plan`: a run already written by plan_run (the API answers with it before collecting)."""
    settings = settings or Settings()
    creds = load_credentials(lab_inventory)
    plan = plan or plan_run(engine, only=only, zone=zone, lab_inventory=lab_inventory, settings=settings,
                            trigger=trigger, actor=actor)
    report = RunReport(run_id=plan.run_id, total=len(plan.targets))
    if on_start:
        on_start(len(plan.targets))
    me = worker_name()
    started = dt.datetime.now(dt.UTC)
    status = "interrupted"
    try:
        for outcome in collect_all(plan.targets, creds, settings):
            result = save_outcome(engine, plan.run_id, plan.device_ids[outcome.hostname], outcome, worker=me,
                                  actor=actor)
            if result is None:
                continue
            _count(report, result, outcome.hostname)
            if on_result:
                on_result(outcome.hostname, result)
        status = "done"
    finally:
        finalise_run(engine, plan.run_id, status, actor=actor)
        report.seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return report


def _count(report: RunReport, result: DeviceResult, hostname: str = "") -> None:
    if result.status in ("ok", "partial"):
        report.ok += 1
        report.partial += result.status == "partial"
        if result.warnings:
            report.warnings.append((hostname, list(result.warnings)))
        if result.config_changed:
            report.changed += 1
        else:
            report.unchanged += 1
    else:
        report.failed[result.error_code or "failed"] += 1


def _subnet_links(session: Session, run_id: int) -> None:
    """The subnet links of the networks the run's devices reported, over the whole inventory's
    addressing: a segment's other members need not have been in this run to count."""
    networks: set[str] = set()
    rows = session.exec(select(DeviceResult.subnets)
                        .where(DeviceResult.run_id == run_id, DeviceResult.subnets != None)).all()  # noqa: E711
    for subnets in rows:
        networks.update(str(entry[0]) for entry in subnets or [])
    links.record_subnets(session, networks)
