"""Run a collection against the inventory and save each device's result as it arrives.

Evidence kept per device: raw CommandOutput per command (admin raw view), a ConfigSnapshot only when
the scrubbed config changed (sha256, previous_id), CounterSample / LinkEvent / TerminalCount from the
parsed facts, Link rows seen by LLDP and by shared /30-/31 subnets, and a DeviceResult with a stable
error code. A device that fails keeps its last good snapshot. Credentials come from the environment,
a secrets file or the lab's credentials file: never from the database and never into logs."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import ipaddress
import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from collectors.engine import Credentials, DeviceOutcome, RawOutput, Settings, Target, collect_all
from collectors.errors import CollectError
from collectors.parse import Facts, parse_outputs
from collectors.profiles import load_profile, platforms

from .db import session_scope
from .errors import ExtranetError, NotFound
from .models import (
    Alert,
    CollectionRun,
    CommandOutput,
    ConfigSnapshot,
    CounterSample,
    Device,
    DeviceResult,
    Interface,
    Link,
    LinkEvent,
    Room,
    TerminalCount,
    Unit,
)
from .models.base import utcnow
from .redact import redact


@dataclass
class RunReport:
    run_id: int
    total: int = 0
    ok: int = 0
    failed: Counter = field(default_factory=Counter)
    changed: int = 0
    unchanged: int = 0
    seconds: float = 0.0

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
def select_devices(session: Session, only: str | None = None) -> list[Device]:
    devices = session.exec(select(Device).where(Device.enabled == True).order_by(Device.id)).all()  # noqa: E712
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
        if d.platform not in platforms():
            raise ExtranetError(f"{d.hostname}: no collector profile for platform {d.platform!r}; known: "
                                f"{', '.join(platforms())}", code="platform")
        out.append(Target(d.hostname, d.platform, host, port, d.encoding, d.legacy_crypto,
                          group=rooms.get(d.room_id, "") or d.zone))
    return out


def _allowed(host: str) -> bool:
    if os.environ.get("EXTRANET_ALLOW_REMOTE") == "1":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------ ingest
def ingest(session: Session, run_id: int, device: Device, outcome: DeviceOutcome, *, source: str = "ssh",
           seen_subnets: dict[str, list[tuple[int, int]]] | None = None) -> DeviceResult:
    now = utcnow()
    result = DeviceResult(run_id=run_id, device_id=device.id, status="failed", started_at=outcome.started_at,
                          duration_ms=outcome.duration_ms, attempts=outcome.attempts, worker=source)
    for _key, raw in outcome.outputs.items():
        session.add(CommandOutput(run_id=run_id, device_id=device.id, command=raw.command[:128], collected_at=now,
                                  output=raw.text, sha256=hashlib.sha256(raw.text.encode("utf-8")).hexdigest()))
    if not outcome.ok:
        result.error_code, result.error_message = outcome.error_code, (outcome.error_message or "")[:500]
        session.add(Alert(kind=outcome.error_code or "failed", device_id=device.id, run_id=run_id,
                          message=f"{device.hostname}: {outcome.error_code}: {outcome.error_message or ''}"[:500]))
        session.add(result)
        return result
    try:
        facts = parse_outputs(device.platform, {k: v.text for k, v in outcome.outputs.items()})
    except CollectError as err:
        result.error_code, result.error_message = err.code, err.message[:500]
        session.add(result)
        return result
    result.status = "ok"
    if facts.config is not None:
        last = session.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == device.id)
                            .order_by(ConfigSnapshot.id.desc())).first()
        if last is None or last.sha256 != facts.config_sha256:
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
    _save_facts(session, run_id, device, facts, now, seen_subnets)
    session.add(result)
    return result


def _save_facts(session: Session, run_id: int, device: Device, facts: Facts, now: dt.datetime,
                seen_subnets: dict[str, list[tuple[int, int]]] | None) -> None:
    ifaces = {i.name: i for i in session.exec(select(Interface).where(Interface.device_id == device.id)).all()}
    for f in facts.interfaces:
        i = ifaces.get(f.name)
        if i is None:
            continue
        session.add(CounterSample(interface_id=i.id, sampled_at=now, in_octets=f.in_octets, out_octets=f.out_octets,
                                  in_errors=f.in_errors, out_errors=f.out_errors, run_id=run_id))
        if f.ip and seen_subnets is not None:
            net = ipaddress.ip_interface(f.ip).network
            if net.prefixlen in (30, 31):
                seen_subnets.setdefault(str(net), []).append((device.id, i.id))
    known = {(e.interface_name, _utc(e.occurred_at), e.state) for e in
             session.exec(select(LinkEvent).where(LinkEvent.device_id == device.id)).all()}
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
    for n in facts.neighbors:
        local = ifaces.get(n.local_interface)
        far_dev = session.exec(select(Device).where(Device.hostname == n.neighbor)).first()
        far = far_dev and session.exec(select(Interface).where(Interface.device_id == far_dev.id,
                                                               Interface.name == n.neighbor_interface)).first()
        if local and far:
            _upsert_link(session, local.id, far.id, "lldp", now)


def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _upsert_link(session: Session, a: int, z: int, source: str, now: dt.datetime) -> None:
    a, z = min(a, z), max(a, z)
    link = session.exec(select(Link).where(Link.a_interface_id == a, Link.z_interface_id == z,
                                           Link.source == source)).first()
    if link is None:
        session.add(Link(a_interface_id=a, z_interface_id=z, source=source, first_seen=now, last_seen=now))
        session.flush()
    else:
        link.last_seen = now
        session.add(link)


# -------------------------------------------------------------------------------------------- runs
def run_collection(engine: Engine, *, only: str | None = None, lab_inventory: dict[str, Any] | None = None,
                   settings: Settings | None = None, trigger: str = "cli", actor: str = "system",
                   on_result: Callable[[str, DeviceResult], None] | None = None,
                   on_start: Callable[[int], None] | None = None) -> RunReport:
    settings = settings or Settings()
    creds = load_credentials(lab_inventory)
    with session_scope(engine, actor=actor) as s:
        devices = select_devices(s, only)
        targets = targets_for(s, devices, lab_inventory)
        run = CollectionRun(trigger=trigger, requested_by=actor, total=len(targets),
                            params={"only": only, "lab": lab_inventory is not None,
                                    "concurrency": settings.concurrency})
        s.add(run)
        s.flush()
        run_id = run.id
        ids = {d.hostname: d.id for d in devices}
    report = RunReport(run_id=run_id, total=len(targets))
    if on_start:
        on_start(len(targets))
    subnets: dict[str, list[tuple[int, int]]] = {}
    started = dt.datetime.now(dt.UTC)
    status = "interrupted"
    try:
        for outcome in collect_all(targets, creds, settings):
            with session_scope(engine, actor=actor) as s:  # one commit per device: nothing collected is lost
                device = s.get(Device, ids[outcome.hostname])
                result = ingest(s, run_id, device, outcome, seen_subnets=subnets)
                _count(report, result)
            if on_result:
                on_result(outcome.hostname, result)
        status = "done"
    finally:
        with session_scope(engine, actor=actor) as s:
            _subnet_links(s, subnets)
            run = s.get(CollectionRun, run_id)
            run.finished_at, run.status = utcnow(), status
            s.add(run)
        report.seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return report


def _count(report: RunReport, result: DeviceResult) -> None:
    if result.status == "ok":
        report.ok += 1
        if result.config_changed:
            report.changed += 1
        else:
            report.unchanged += 1
    else:
        report.failed[result.error_code or "failed"] += 1


def _subnet_links(session: Session, subnets: dict[str, list[tuple[int, int]]]) -> None:
    now = utcnow()
    for ends in subnets.values():
        devs = {d for d, _i in ends}
        if len(ends) == 2 and len(devs) == 2:
            _upsert_link(session, ends[0][1], ends[1][1], "subnet", now)


# ------------------------------------------------------------------------------------ offline import
def import_folder(engine: Engine, folder: Path, *, actor: str = "system") -> RunReport:
    """Ingest a folder of saved outputs through the same parsers: either one sub-folder per device
    holding `<key>.txt` or `<command with spaces as _>.txt` files, or Oxidized/RANCID-style flat files
    named after the device (config only)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExtranetError(f"{folder}: not a folder; expected one sub-folder per device or flat config files",
                            code="import")
    with session_scope(engine, actor=actor) as s:
        devices = {d.hostname: d for d in s.exec(select(Device)).all()}
        run = CollectionRun(trigger="import", requested_by=actor, params={"folder": str(folder)})
        s.add(run)
        s.flush()
        run_id = run.id
        entries = sorted(folder.iterdir())
        outcomes = []
        for entry in entries:
            host = entry.stem if entry.is_file() else entry.name
            if host.startswith("."):
                continue
            dev = devices.get(host)
            if dev is None:
                raise NotFound.of("device (from file name)", f"{entry}", sorted(devices)[:15])
            outcomes.append((dev.id, _read_outputs(entry, load_profile(dev.platform))))
        run.total = len(outcomes)
    report = RunReport(run_id=run_id, total=len(outcomes))
    subnets: dict[str, list[tuple[int, int]]] = {}
    for dev_id, outcome in outcomes:
        with session_scope(engine, actor=actor) as s:
            result = ingest(s, run_id, s.get(Device, dev_id), outcome, source="import", seen_subnets=subnets)
            _count(report, result)
    with session_scope(engine, actor=actor) as s:
        _subnet_links(s, subnets)
        run = s.get(CollectionRun, run_id)
        run.finished_at, run.status = utcnow(), "done"
    return report


def _read_outputs(entry: Path, profile: Any) -> DeviceOutcome:
    outcome = DeviceOutcome(hostname=entry.stem, platform=profile.platform, ok=True)
    if entry.is_file():
        outcome.outputs["config"] = RawOutput(profile.command("config").command, _read(entry))
        return outcome
    by_name = {}
    for c in profile.commands:
        by_name[c.key] = c
        by_name[c.command.replace(" ", "_")] = c
        by_name[c.command] = c
    for f in sorted(entry.iterdir()):
        cmd = by_name.get(f.stem) or by_name.get(f.name)
        if cmd is None:
            raise ExtranetError(f"{f}: unknown command file; expected one of "
                                f"{', '.join(sorted(c.key + '.txt' for c in profile.commands))}", code="import")
        outcome.outputs[cmd.key] = RawOutput(cmd.command, _read(f))
    return outcome


def _read(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ExtranetError(f"{path}: neither UTF-8 nor GBK text", code="import")


def export_outputs(session: Session, run_id: int, folder: Path) -> int:
    """Write a run's raw outputs as an import folder (one sub-folder per device, `<key>.txt`)."""
    n = 0
    for out in session.exec(select(CommandOutput).where(CommandOutput.run_id == run_id)).all():
        dev = session.get(Device, out.device_id)
        prof = load_profile(dev.platform)
        key = next((c.key for c in prof.commands if c.command == out.command), out.command.replace(" ", "_"))
        (folder / dev.hostname).mkdir(parents=True, exist_ok=True)
        (folder / dev.hostname / f"{key}.txt").write_text(out.output, encoding="utf-8")
        n += 1
    return n


# ------------------------------------------------------------------------------------- config history
def history(session: Session, hostname: str) -> list[ConfigSnapshot]:
    dev = _device(session, hostname)
    return list(session.exec(select(ConfigSnapshot).where(ConfigSnapshot.device_id == dev.id)
                             .order_by(ConfigSnapshot.id)).all())


def diff(session: Session, hostname: str, old_id: int | None = None, new_id: int | None = None, *,
         raw: bool = False) -> str:
    """Unified diff between two snapshots of a device (default: the last two). Redacted unless raw
    (the admin-only view; callers check the role)."""
    dev = _device(session, hostname)
    snaps = history(session, hostname)
    if not snaps:
        raise ExtranetError(f"{hostname} has no config snapshots yet; run extranet collect first", code="no_snapshot")
    by_id = {s.id: s for s in snaps}
    for sid in (old_id, new_id):
        if sid is not None and sid not in by_id:
            raise NotFound.of(f"snapshot of {hostname}", str(sid), [str(i) for i in by_id])
    new = by_id[new_id] if new_id else snaps[-1]
    old = by_id[old_id] if old_id else (by_id.get(new.previous_id) if new.previous_id else None)
    a = old.text if old else ""
    b = new.text
    if not raw:
        a, b = redact(a, dev.platform), redact(b, dev.platform)
    return "".join(difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                        fromfile=f"{hostname}@{old.id if old else 'empty'}",
                                        tofile=f"{hostname}@{new.id}"))


def _device(session: Session, hostname: str) -> Device:
    dev = session.exec(select(Device).where(Device.hostname == hostname)).first()
    if dev is None:
        raise NotFound.of("device", hostname, [d.hostname for d in session.exec(select(Device)).all()])
    return dev
