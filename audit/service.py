"""Audit the city: newest config per device + runtime outputs + topology redundancy → `AuditReport`.

Pure: the rows come in as `AuditInputs` and the topology as a `Redundancy`, both built by the answers
layer (answers/compliance.py), which also keeps the report in the one cache. The exports are pure
functions of the report."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from inventory.errors import ExtranetError
from inventory.models import ConfigSnapshot
from topology.protection import UnitProtection
from topology.sweep import SingleFailure

from .catalogue import RESULTS, REVIEW, Catalogue, load_catalogue
from .evaluate import CheckResult, DeviceAudit, evaluate_config

NOT_COLLECTED = "1) 本系统尚未采集到该设备配置，需采集后复核或现场核查。需结合访谈/现场测试确认。"
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
    """The topology answers the audit reads (CE hot redundancy, the redundancy workbook, the diagram)."""

    graph: nx.MultiGraph
    failures: list[SingleFailure]  # every single failure, whole carriers included
    spofs: list[SingleFailure]  # those that lose terminals, worst first (whole carriers included)
    protection: dict[str, UnitProtection]
    units: list[str]  # unit codes in net order (SingleFailure.units_cut indexes into this)


@dataclass
class AuditInputs:
    """The stored rows the audit reads, as the answers layer loads them."""

    devices: list[DeviceInfo]  # enabled devices, by hostname
    snapshots: dict[str, ConfigSnapshot]  # hostname -> newest config snapshot
    outputs: dict[str, list[RawOutput]]  # hostname -> newest output of each command, by command
    circuits: list[CircuitRow]
    rooms: list[dict[str, Any]]  # code, name, address, is_core, level


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
    """Apply an assessor's decisions to `report` in place (a report of one's own: see `resolved`)."""
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


def resolved(report: AuditReport, rows: list[dict[str, Any]]) -> AuditReport:
    """A copy of `report` with the decisions applied; `report` (a shared, cached answer) is left as it is."""
    own = dataclasses.replace(report, audits=copy.deepcopy(report.audits), notes=list(report.notes))
    apply_resolutions(own, rows)
    return own


def _audit_device(d: DeviceInfo, inputs: AuditInputs, cat: Catalogue, now: dt.datetime,
                  spof_map: dict[str, int] | None, peers: list[str]) -> DeviceAudit:
    snap = inputs.snapshots.get(d.hostname)
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
        runtime={o.command: o.output for o in inputs.outputs.get(d.hostname, [])},
        spof=spof_map,
        peers=peers,
        config_sha256=snap.sha256 if snap else None,
    )
    if snap is None:
        for r in a.results:
            if r.result == REVIEW and "配置无法识别" in r.record:
                r.record = NOT_COLLECTED
    return a


def audit_city(inputs: AuditInputs, redundancy: Redundancy | None = None, *, catalogue: Catalogue | None = None,
               now: dt.datetime | None = None) -> AuditReport:
    """Every check on every device. Without `redundancy` the hot-redundancy check needs review."""
    cat = catalogue or load_catalogue()
    now = now or dt.datetime.now(dt.UTC)
    spof_map: dict[str, int] | None = None
    if redundancy is not None:
        spof_map = {f.element: f.terminals_lost for f in redundancy.spofs if f.kind in ("device", "unit-device")}
    peers = _peers(inputs.devices)
    audits = [_audit_device(d, inputs, cat, now, spof_map, peers.get(d.hostname, [])) for d in inputs.devices]
    snapshots = {d.hostname: inputs.snapshots[d.hostname] for d in inputs.devices if d.hostname in inputs.snapshots}
    raw = [o for d in inputs.devices for o in inputs.outputs.get(d.hostname, [])]
    return AuditReport(now, cat, inputs.devices, audits, snapshots, raw, inputs.circuits, inputs.rooms, redundancy)
