"""SNMP poll targets from the inventory: the devices carrying circuits, their circuit interfaces first.

Where a device listens comes from the lab's inventory when one is given (its agent's 127.0.0.1 ports),
otherwise Device.mgmt_address, port 161. Credentials never come from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from collectors.snmp.credentials import SnmpCredentials
from collectors.snmp.poller import PollTarget

from ..models import Circuit, Device, Interface

SNMP_PORT = 161


@dataclass
class TargetSet:
    targets: list[PollTarget] = field(default_factory=list)
    interface_ids: dict[tuple[str, str], int] = field(default_factory=dict)  # (hostname, name) → id
    circuit_of: dict[int, int] = field(default_factory=dict)  # interface id → circuit id
    skipped: dict[str, str] = field(default_factory=dict)  # hostname → why it is not polled

    @property
    def interfaces(self) -> int:
        return sum(len(t.interfaces) for t in self.targets)


def build_targets(session: Session, credentials: Callable[[str], SnmpCredentials],
                  lab_inventory: dict[str, Any] | None = None, all_interfaces: bool = False,
                  zone: str | None = None) -> TargetSet:
    """Every enabled device with a circuit termination (of management zone `zone`, when given: one poller
    per zone, as one collection queue per zone); its circuit interfaces first, then (with `all_interfaces`)
    its other interfaces."""
    out = TargetSet()
    for c in session.exec(select(Circuit).where(Circuit.status == "active")).all():
        for iid in (c.a_interface_id, c.z_interface_id):
            if iid is not None:
                out.circuit_of.setdefault(iid, c.id)  # type: ignore[arg-type]
    if not out.circuit_of:
        return out
    circuit_ifaces = session.exec(select(Interface).where(col(Interface.id).in_(list(out.circuit_of)))).all()
    device_ids = sorted({i.device_id for i in circuit_ifaces})
    wanted = select(Device).where(col(Device.id).in_(device_ids), Device.enabled == True)  # noqa: E712
    if zone is not None:
        wanted = wanted.where(Device.zone == zone)
    devices = session.exec(wanted.order_by(Device.id)).all()
    by_dev: dict[int, list[Interface]] = defaultdict(list)
    for i in circuit_ifaces:
        by_dev[i.device_id].append(i)
    if all_interfaces:
        for i in session.exec(select(Interface).where(col(Interface.device_id).in_(device_ids))
                              .order_by(Interface.id)).all():
            if i.id not in out.circuit_of:
                by_dev[i.device_id].append(i)
    lab = {d["hostname"]: d for d in (lab_inventory or {}).get("devices", [])}
    for d in devices:
        if lab_inventory is not None:
            ep = lab.get(d.hostname)
            if not ep or "snmp_port" not in ep:
                out.skipped[d.hostname] = "the lab does not serve SNMP for it"
                continue
            host, port = ep["snmp_host"], int(ep["snmp_port"])
        else:
            host, port = d.mgmt_address, SNMP_PORT
        try:
            creds = credentials(d.hostname)
        except ValueError as exc:
            out.skipped[d.hostname] = str(exc)
            continue
        ifaces = sorted(by_dev[d.id], key=lambda i: (i.id not in out.circuit_of, i.id))
        out.targets.append(PollTarget(d.hostname, host, port, creds, [i.name for i in ifaces]))
        for i in ifaces:
            out.interface_ids[(d.hostname, i.name)] = i.id  # type: ignore[assignment]
    return out
