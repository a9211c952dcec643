"""The 等保 level-3 audit of every stored device as an answer: the rows it reads (enabled devices, the
newest config snapshot and command outputs of each, circuits, rooms) are loaded here, the topology
comes from the other answers (graph, single failures, SPOFs including whole carriers, protection), and
the report is kept in the one cache. Cached reports are shared: an assessor's resolutions go on a copy."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Hashable
from typing import Any

from sqlmodel import Session, select

from audit.catalogue import Catalogue, load_catalogue
from audit.service import AuditInputs, AuditReport, CircuitRow, DeviceInfo, RawOutput, Redundancy, audit_city, resolved
from inventory.models import Carrier, Circuit, CommandOutput, ConfigSnapshot, Device, Interface, Room, Unit

from .core import SWEEP_KINDS, Snapshot


def report(a: Snapshot, *, catalogue: Catalogue | None = None, now: dt.datetime | None = None,
           resolutions: list[dict[str, Any]] | None = None) -> AuditReport:
    """The audit under `catalogue` (default: audit/catalogue.yaml) as of `now` (default: when computed);
    with `resolutions` (audit.service.load_resolutions), a copy with the assessor's decisions applied."""
    cat = catalogue or load_catalogue()
    base = a._answer("compliance", (_catalogue_key(cat), now), lambda: compute(a, cat, now))
    return resolved(base, resolutions) if resolutions else base


def compute(a: Snapshot, catalogue: Catalogue, now: dt.datetime | None) -> AuditReport:
    return audit_city(inputs(a.session), redundancy(a), catalogue=catalogue, now=now)


def redundancy(a: Snapshot) -> Redundancy:
    g = a.graph()
    return Redundancy(g, a.failures(), a.spofs(SWEEP_KINDS), a.protection(), list(g.graph.get("units", {})))


def _catalogue_key(cat: Catalogue) -> Hashable:
    # thresholds hold lists (unhashable); the default catalogue is one object, loaded once
    if cat is load_catalogue():
        return None
    return hashlib.sha256(repr(cat).encode()).hexdigest()


# -- the rows ---------------------------------------------------------------------------------------------
def inputs(session: Session) -> AuditInputs:
    devices = session.exec(select(Device).order_by(Device.hostname)).all()
    host = {d.id: d.hostname for d in devices}
    rooms = session.exec(select(Room).order_by(Room.id)).all()
    return AuditInputs(
        devices=_devices(session, [d for d in devices if d.enabled], rooms),
        snapshots=_newest_snapshots(session, host),
        outputs=_newest_outputs(session, host),
        circuits=_circuits(session, host, rooms),
        rooms=[{"code": r.code, "name": r.name, "address": r.address or "", "is_core": r.is_core,
                "level": r.mlps_level} for r in rooms],
    )


def _devices(session: Session, enabled: list[Device], rooms: list[Room]) -> list[DeviceInfo]:
    by_room = {r.id: r for r in rooms}
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    out = []
    for d in enabled:
        r, u = by_room.get(d.room_id), units.get(d.unit_id)
        out.append(DeviceInfo(d.hostname, d.platform, d.vendor, d.model, d.serial, d.os_version, d.role,
                              d.mgmt_address, r.code if r else None, r.name if r else None, u.code if u else None,
                              u.name if u else None, d.zone, d.declared_terminals))
    return out


def _newest_snapshots(session: Session, host: dict[int | None, str]) -> dict[str, ConfigSnapshot]:
    newest: dict[str, ConfigSnapshot] = {}
    for s in session.exec(select(ConfigSnapshot).order_by(ConfigSnapshot.collected_at, ConfigSnapshot.id)).all():
        if s.device_id in host:
            newest[host[s.device_id]] = s
    return newest


def _newest_outputs(session: Session, host: dict[int | None, str]) -> dict[str, list[RawOutput]]:
    newest: dict[str, dict[str, CommandOutput]] = {}
    for o in session.exec(select(CommandOutput).order_by(CommandOutput.collected_at, CommandOutput.id)).all():
        if o.device_id in host:
            newest.setdefault(host[o.device_id], {})[o.command] = o
    return {h: [RawOutput(h, cmd, o.collected_at, o.output, o.sha256) for cmd, o in sorted(by_cmd.items())]
            for h, by_cmd in newest.items()}


def _circuits(session: Session, host: dict[int | None, str], rooms: list[Room]) -> list[CircuitRow]:
    carriers = {c.id: c for c in session.exec(select(Carrier)).all()}
    by_room = {r.id: r for r in rooms}
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    ifaces = {i.id: i for i in session.exec(select(Interface)).all()}

    def end(room_id: int | None, unit_id: int | None, ext: str | None) -> str:
        if unit_id in units:
            return units[unit_id].name
        if room_id in by_room:
            return by_room[room_id].name
        return ext or ""

    def port(iface_id: int | None) -> str:
        i = ifaces.get(iface_id)
        return f"{host.get(i.device_id, '?')}:{i.name}" if i else ""

    out = []
    for c in session.exec(select(Circuit).order_by(Circuit.cid)).all():
        car = carriers.get(c.carrier_id)
        out.append(CircuitRow(c.cid, car.name if car else None, car.code if car else None, c.role, c.bandwidth_mbps,
                              end(c.a_room_id, c.a_unit_id, c.a_external), end(c.z_room_id, c.z_unit_id, c.z_external),
                              port(c.a_interface_id), port(c.z_interface_id), c.srlg, c.description))
    return out
