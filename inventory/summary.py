"""Read-side summaries of the inventory for the CLI, the API and the demo."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from .errors import NotFound
from .models import BudgetLine, Carrier, Circuit, Device, Interface, Payment, Room, Unit


@dataclass
class Summary:
    rooms: int
    core_rooms: list[str]
    units: int
    terminals: int
    devices: int
    devices_by_platform: dict[str, int]
    devices_by_role: dict[str, int]
    circuits: int
    circuits_by_carrier_role: dict[tuple[str, str], int]
    interfaces: int
    paid_by_year_carrier: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    budget_actual_by_year: dict[int, Decimal] = field(default_factory=dict)


def summary(session: Session) -> Summary:
    carriers = {c.id: c.name for c in session.exec(select(Carrier))}
    rooms = list(session.exec(select(Room)))
    devices = list(session.exec(select(Device.platform, Device.role)))
    circuits = list(session.exec(select(Circuit.carrier_id, Circuit.role).where(Circuit.status == "active")))
    terminals = session.exec(select(func.coalesce(func.sum(Unit.declared_terminals), 0))).one()
    by_cr: Counter[tuple[str, str]] = Counter((carriers.get(c, "自建") if c else "自建", r) for c, r in circuits)
    paid: dict[tuple[int, str], Decimal] = {}
    for p in session.exec(select(Payment)):
        key = (p.paid_on.year, carriers[p.carrier_id])
        paid[key] = paid.get(key, Decimal(0)) + p.amount
    budget = {b.year: b.actual for b in session.exec(select(BudgetLine).where(BudgetLine.is_total))}
    return Summary(
        rooms=len(rooms),
        core_rooms=[r.name for r in rooms if r.is_core],
        units=session.exec(select(func.count()).select_from(Unit)).one(),
        terminals=int(terminals),
        devices=len(devices),
        devices_by_platform=dict(Counter(p for p, _ in devices).most_common()),
        devices_by_role=dict(Counter(r for _, r in devices).most_common()),
        circuits=len(circuits),
        circuits_by_carrier_role=dict(sorted(by_cr.items())),
        interfaces=session.exec(select(func.count()).select_from(Interface)).one(),
        paid_by_year_carrier=dict(sorted(paid.items())),
        budget_actual_by_year=dict(sorted(budget.items())),
    )


def find_unit(session: Session, key: str) -> Unit:
    unit = session.exec(select(Unit).where((Unit.code == key) | (Unit.name == key))).first()
    if unit is None:
        raise NotFound.of("unit", key, [u.name for u in session.exec(select(Unit).order_by(Unit.code))])
    return unit


def find_room(session: Session, key: str) -> Room:
    room = session.exec(select(Room).where((Room.code == key) | (Room.name == key))).first()
    if room is None:
        raise NotFound.of("room", key, [f"{r.code} ({r.name})" for r in session.exec(select(Room))])
    return room


def find_device(session: Session, key: str) -> Device:
    device = session.exec(select(Device).where((Device.hostname == key) | (Device.mgmt_address == key))).first()
    if device is None:
        hosts = [h for h in session.exec(select(Device.hostname).order_by(Device.hostname))]
        close = [h for h in hosts if key.lower() in h.lower()] or hosts
        raise NotFound.of("device", key, close)
    return device


def find_circuit(session: Session, key: str) -> Circuit:
    circuit = session.exec(select(Circuit).where(Circuit.cid == key)).first()
    if circuit is None:
        cids = [c for c in session.exec(select(Circuit.cid).order_by(Circuit.cid))]
        raise NotFound.of("circuit", key, [c for c in cids if key.lower() in c.lower()] or cids)
    return circuit


def circuits_of_unit(session: Session, unit: Unit) -> list[Circuit]:
    return list(session.exec(select(Circuit).where((Circuit.a_unit_id == unit.id) | (Circuit.z_unit_id == unit.id))
                             .order_by(Circuit.cid)))


def circuit_ends(session: Session, circuit: Circuit) -> dict[str, dict[str, Any]]:
    """Both ends of a circuit as readable names: site and, when known, device and interface."""
    out: dict[str, dict[str, Any]] = {}
    for side in ("a", "z"):
        end: dict[str, Any] = {}
        room_id, unit_id = getattr(circuit, f"{side}_room_id"), getattr(circuit, f"{side}_unit_id")
        if room_id:
            end["site"] = session.get(Room, room_id).name  # type: ignore[union-attr]
        elif unit_id:
            end["site"] = session.get(Unit, unit_id).name  # type: ignore[union-attr]
        else:
            end["site"] = getattr(circuit, f"{side}_external")
        iface_id = getattr(circuit, f"{side}_interface_id")
        if iface_id:
            iface = session.get(Interface, iface_id)
            end["device"] = session.get(Device, iface.device_id).hostname  # type: ignore[union-attr]
            end["interface"] = iface.name  # type: ignore[union-attr]
        out[side] = end
    return out
