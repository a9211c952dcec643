"""Audit the stored city: newest config per device + runtime outputs + topology redundancy → `AuditReport`.

The database is read once here; the exports are pure functions of the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import yaml
from sqlmodel import Session, select

from inventory.errors import ExtranetError
from inventory.models import Carrier, Circuit, CommandOutput, ConfigSnapshot, Device, Interface, Room, Unit
from topology.graph import build_graph
from topology.protection import UnitProtection, classify
from topology.sweep import SingleFailure, spof, sweep_single

from .catalogue import RESULTS, REVIEW, Catalogue, load_catalogue
from .evaluate import CheckResult, DeviceAudit, evaluate_config

SWEEP_KINDS = ("link", "device", "unit-device", "srlg", "room", "carrier")
KEY_ROLES = ("core", "firewall", "aggregation")


@dataclass
class DeviceInfo:
    hostname: str
    platform: str
    vendor: str
    model: str
    serial: str
    os_version: str
    role: str
    mgmt_address: str
    room: str | None
    room_name: str | None
    unit: str | None
    unit_name: str | None
    zone: str
    terminals: int


@dataclass
class RawOutput:
    hostname: str
    command: str
    collected_at: dt.datetime
    output: str  # as stored (redacted on export)
    sha256: str


@dataclass
class CircuitRow:
    cid: str
    carrier: str | None  # carrier name (中国联通...) or None for own fibre
    carrier_code: str | None
    role: str
    bandwidth_mbps: int
    a_end: str
    z_end: str
    a_port: str
    z_port: str
    srlg: str | None
    description: str


@dataclass
class Redundancy:
    graph: nx.MultiGraph
    failures: list[SingleFailure]
    spofs: list[SingleFailure]
    protection: dict[str, UnitProtection]
    units: list[str]  # unit codes in net order (SingleFailure.units_cut indexes into this)


@dataclass
class AuditReport:
    generated_at: dt.datetime
    catalogue: Catalogue
    devices: list[DeviceInfo]
    audits: list[DeviceAudit]
    snapshots: dict[str, ConfigSnapshot]  # hostname -> newest snapshot (detached copy)
    outputs: list[RawOutput]
    circuits: list[CircuitRow]
    rooms: list[dict[str, Any]]
    redundancy: Redundancy | None
    resolutions: int = 0
    notes: list[str] = field(default_factory=list)

    def audit(self, hostname: str) -> DeviceAudit:
        for a in self.audits:
            if a.hostname == hostname:
                return a
        raise ExtranetError(f"no audit for {hostname!r}", code="audit.not_found")

    def unresolved(self) -> list[tuple[str, CheckResult]]:
        return [(a.hostname, r) for a in self.audits for r in a.results if r.result == REVIEW]


def _devices(session: Session) -> list[DeviceInfo]:
    rooms = {r.id: r for r in session.exec(select(Room)).all()}
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    out = []
    for d in session.exec(select(Device).where(Device.enabled == True).order_by(Device.hostname)).all():  # noqa: E712
        r, u = rooms.get(d.room_id), units.get(d.unit_id)
        out.append(
            DeviceInfo(
                d.hostname,
                d.platform,
                d.vendor,
                d.model,
                d.serial,
                d.os_version,
                d.role,
                d.mgmt_address,
                r.code if r else None,
                r.name if r else None,
                u.code if u else None,
                u.name if u else None,
                d.zone,
                d.declared_terminals,
            )
        )
    return out


def _newest_snapshots(session: Session) -> dict[int, ConfigSnapshot]:
    newest: dict[int, ConfigSnapshot] = {}
    for s in session.exec(select(ConfigSnapshot).order_by(ConfigSnapshot.collected_at, ConfigSnapshot.id)).all():
        newest[s.device_id] = s
    return newest


def _newest_outputs(session: Session) -> dict[int, dict[str, CommandOutput]]:
    out: dict[int, dict[str, CommandOutput]] = {}
    for o in session.exec(select(CommandOutput).order_by(CommandOutput.collected_at, CommandOutput.id)).all():
        out.setdefault(o.device_id, {})[o.command] = o
    return out


def _circuits(session: Session) -> list[CircuitRow]:
    carriers = {c.id: c for c in session.exec(select(Carrier)).all()}
    rooms = {r.id: r for r in session.exec(select(Room)).all()}
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    ifaces = {i.id: i for i in session.exec(select(Interface)).all()}
    devs = {d.id: d.hostname for d in session.exec(select(Device)).all()}

    def end(room_id: int | None, unit_id: int | None, ext: str | None) -> str:
        if unit_id in units:
            return units[unit_id].name
        if room_id in rooms:
            return rooms[room_id].name
        return ext or ""

    def port(iface_id: int | None) -> str:
        i = ifaces.get(iface_id)
        return f"{devs.get(i.device_id, '?')}:{i.name}" if i else ""

    out = []
    for c in session.exec(select(Circuit).order_by(Circuit.cid)).all():
        car = carriers.get(c.carrier_id)
        out.append(
            CircuitRow(
                c.cid,
                car.name if car else None,
                car.code if car else None,
                c.role,
                c.bandwidth_mbps,
                end(c.a_room_id, c.a_unit_id, c.a_external),
                end(c.z_room_id, c.z_unit_id, c.z_external),
                port(c.a_interface_id),
                port(c.z_interface_id),
                c.srlg,
                c.description,
            )
        )
    return out


def redundancy(session: Session) -> Redundancy:
    g = build_graph(session)
    failures = sweep_single(g, SWEEP_KINDS)
    return Redundancy(g, failures, spof(g, failures=failures), classify(g), list(g.graph.get("units", {})))


def _peers(devices: list[DeviceInfo]) -> dict[str, list[str]]:
    by: dict[tuple[str | None, str], list[str]] = {}
    for d in devices:
        if d.unit is None:
            by.setdefault((d.room, d.role), []).append(d.hostname)
    return {d.hostname: [h for h in by.get((d.room, d.role), []) if h != d.hostname] for d in devices}


def load_resolutions(path: Path) -> list[dict[str, Any]]:
    """An assessor's decisions on 需人工核查 items: `resolutions: [{device, check, result, note, by}]`."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ExtranetError(f"resolution file {path} not found", code="audit.bad_resolution") from exc
    except yaml.YAMLError as exc:
        raise ExtranetError(f"{path}: not valid YAML ({exc})", code="audit.bad_resolution") from exc
    rows = doc.get("resolutions") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise ExtranetError(
            f"{path}: expected `resolutions:` with a list of {{device, check, result, note, by}}",
            code="audit.bad_resolution",
        )
    for i, r in enumerate(rows):
        missing = [k for k in ("device", "check", "result", "by") if not isinstance(r, dict) or not r.get(k)]
        if missing:
            raise ExtranetError(
                f"{path}: resolutions[{i}] is missing {', '.join(missing)}", code="audit.bad_resolution"
            )
        if r["result"] not in RESULTS or r["result"] == REVIEW:
            raise ExtranetError(
                f"{path}: resolutions[{i}].result {r['result']!r}; expected one of 符合/部分符合/不符合/不适用",
                code="audit.bad_resolution",
            )
    return rows


def apply_resolutions(report: AuditReport, rows: list[dict[str, Any]]) -> int:
    known = {a.hostname: a for a in report.audits}
    applied = 0
    for i, r in enumerate(rows):
        a = known.get(r["device"])
        if a is None:
            raise ExtranetError(f"resolutions[{i}]: unknown device {r['device']!r}", code="audit.bad_resolution")
        res = a.by_id().get(r["check"])
        if res is None:
            raise ExtranetError(
                f"resolutions[{i}]: unknown check {r['check']!r}; known: {', '.join(a.by_id())}",
                code="audit.bad_resolution",
            )
        res.result = r["result"]
        res.resolved_by = str(r["by"])
        res.record += f"（{r['by']} 核查确认：{r.get('note') or r['result']}）"
        applied += 1
    report.resolutions += applied
    return applied


def audit_city(
    session: Session, *, catalogue: Catalogue | None = None, now: dt.datetime | None = None, with_topology: bool = True
) -> AuditReport:
    cat = catalogue or load_catalogue()
    now = now or dt.datetime.now(dt.UTC)
    devices = _devices(session)
    ids = {d.hostname: d.id for d in session.exec(select(Device)).all()}
    snaps = _newest_snapshots(session)
    outs = _newest_outputs(session)
    red = redundancy(session) if with_topology else None
    spof_map: dict[str, int] | None = None
    if red is not None:
        spof_map = {f.element: f.terminals_lost for f in red.spofs if f.kind in ("device", "unit-device")}
    peers = _peers(devices)
    audits, snapshots, raw = [], {}, []
    for d in devices:
        did = ids[d.hostname]
        snap = snaps.get(did)
        runtime = {cmd: o.output for cmd, o in outs.get(did, {}).items()}
        for cmd, o in sorted(outs.get(did, {}).items()):
            raw.append(RawOutput(d.hostname, cmd, o.collected_at, o.output, o.sha256))
        if snap is not None:
            snapshots[d.hostname] = snap
        a = evaluate_config(
            snap.text if snap else "",
            d.platform,
            catalogue=cat,
            hostname=d.hostname,
            release=d.os_version,
            role=d.role,
            room=d.room,
            unit=d.unit,
            collected_at=snap.collected_at if snap else None,
            now=now,
            runtime=runtime,
            spof=spof_map,
            peers=peers.get(d.hostname, []),
            config_sha256=snap.sha256 if snap else None,
        )
        if snap is None:
            for r in a.results:
                if r.result == REVIEW and "配置无法识别" in r.record:
                    r.record = "1) 本系统尚未采集到该设备配置，需采集后复核或现场核查。需结合访谈/现场测试确认。"
        audits.append(a)
    rooms = [
        {"code": r.code, "name": r.name, "address": r.address or "", "is_core": r.is_core, "level": r.mlps_level}
        for r in session.exec(select(Room).order_by(Room.id)).all()
    ]
    return AuditReport(now, cat, devices, audits, snapshots, raw, _circuits(session), rooms, red)
