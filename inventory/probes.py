"""Probe results (NQA / IP SLA) stored at ingest, each linked to the circuit whose next hop it measures.

A result is one row per (device, test, measured_at): the device's own time of the result, so reading the same
result again (the next collection before the probe ran again) is not a new row. A result without a device time
(all probes lost: the device prints a zero time) is stamped with the collection's time. The circuit is the one
this device terminates whose far end holds the target address (Interface.ip_address or InterfaceAddress), or,
when the far end is a carrier's PE outside the inventory, whose own-end interface's subnet holds it."""

from __future__ import annotations

import datetime as dt
import ipaddress

from sqlalchemy import or_
from sqlmodel import Session, col, select

from collectors.probes import ProbeFact

from .models import Circuit, Device, Interface, InterfaceAddress, ProbeResult


def _addresses(session: Session, interface_ids: set[int]) -> dict[int, set[str]]:
    """interface id -> the addresses it holds, declared and seen."""
    out: dict[int, set[str]] = {i: set() for i in interface_ids}
    if not interface_ids:
        return out
    for iid, ip in session.exec(select(Interface.id, Interface.ip_address).where(col(Interface.id).in_(interface_ids))):
        if ip:
            out[iid].add(ip)
    for iid, ip in session.exec(select(InterfaceAddress.interface_id, InterfaceAddress.address)
                                .where(col(InterfaceAddress.interface_id).in_(interface_ids))):
        out[iid].add(ip)
    return out


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(session: Session, interface_ids: set[int]) -> dict[int, list[Network]]:
    out: dict[int, list[Network]] = {i: [] for i in interface_ids}
    if not interface_ids:
        return out
    rows = list(session.exec(select(Interface.id, Interface.ip_address, Interface.prefix_length)
                             .where(col(Interface.id).in_(interface_ids))))
    rows += list(session.exec(select(InterfaceAddress.interface_id, InterfaceAddress.address,
                                     InterfaceAddress.prefix_length)
                              .where(col(InterfaceAddress.interface_id).in_(interface_ids))))
    for iid, ip, length in rows:
        if ip and length is not None:
            try:
                out[iid].append(ipaddress.ip_interface(f"{ip}/{length}").network)
            except ValueError:
                continue
    return out


def circuits_by_target(session: Session, device: Device, targets: set[str]) -> dict[str, int]:
    """target address -> the id of the circuit (ending on this device) it is the next hop of."""
    if not targets:
        return {}
    own = set(session.exec(select(Interface.id).where(Interface.device_id == device.id)).all())
    if not own:
        return {}
    circuits = session.exec(select(Circuit).where(or_(col(Circuit.a_interface_id).in_(own),
                                                      col(Circuit.z_interface_id).in_(own)))
                            .order_by(Circuit.id)).all()
    ends = [(c.id, c.a_interface_id if c.a_interface_id in own else c.z_interface_id,
             c.z_interface_id if c.a_interface_id in own else c.a_interface_id) for c in circuits]
    far_addresses = _addresses(session, {far for _, _, far in ends if far})
    own_networks = _networks(session, {mine for _, mine, _ in ends if mine})
    found: dict[str, int] = {}
    for target in targets:
        try:
            address = ipaddress.ip_address(target)
        except ValueError:
            continue
        # the far end's own address first: it names the circuit even where subnets overlap
        hit = next((cid for cid, _, far in ends if far and target in far_addresses.get(far, ())), None)
        if hit is None:
            hit = next((cid for cid, mine, _ in ends
                        if mine and any(address in net for net in own_networks.get(mine, ()))), None)
        if hit is not None:
            found[target] = hit
    return found


def record(session: Session, device: Device, probes: list[ProbeFact], now: dt.datetime, *,
           source: str = "ssh") -> int:
    """Store the results not stored yet; return how many rows were added."""
    if not probes:
        return 0
    stamped = [(p, p.measured_at or now) for p in probes]
    since = min(at for _, at in stamped)
    with session.no_autoflush:
        known = {(t, _utc(at)) for t, at in session.exec(
            select(ProbeResult.test, ProbeResult.measured_at)
            .where(ProbeResult.device_id == device.id, ProbeResult.measured_at >= since)).all()}
    circuits = circuits_by_target(session, device, {p.target for p in probes if p.target})
    added = 0
    for p, at in stamped:
        key = (p.test, _utc(at))
        if key in known:
            continue
        known.add(key)
        session.add(ProbeResult(device_id=device.id, test=p.test, target=p.target,
                                circuit_id=circuits.get(p.target or ""), measured_at=at, ok=p.ok, sent=p.sent,
                                received=p.received, rtt_min_ms=p.rtt_min_ms, rtt_avg_ms=p.rtt_avg_ms,
                                rtt_max_ms=p.rtt_max_ms, source=source))
        added += 1
    return added


def _utc(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)
