"""Who sent a syslog message: the inventory's devices, interfaces and circuits as maps the store reads per
message, cached (a batch of 2,000 lines must not mean 2,000 queries) and re-read when a sender the maps do
not know appears, at most once per `refresh_s` (a stray sender must not turn every batch into a reload)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from ..models import Circuit, Device, Interface

REFRESH_S = 30.0


@dataclass
class DeviceMaps:
    by_addr: dict[str, int] = field(default_factory=dict)  # management address → device id
    by_host: dict[str, int] = field(default_factory=dict)  # hostname, lower case → device id
    interfaces: dict[tuple[int, str], int] = field(default_factory=dict)  # (device id, name lower) → interface id
    circuit_of: dict[int, int] = field(default_factory=dict)  # interface id → circuit id
    loaded_at: float = -1e18


def load_maps(conn: Connection) -> DeviceMaps:
    maps = DeviceMaps(loaded_at=time.monotonic())
    for did, host, addr in conn.execute(select(Device.id, Device.hostname, Device.mgmt_address)):
        if addr:
            maps.by_addr[addr] = did
        if host:
            maps.by_host[host.lower()] = did
    for iid, did, name in conn.execute(select(Interface.id, Interface.device_id, Interface.name)):
        maps.interfaces[(did, name.lower())] = iid
    # An active circuit wins over a retired one that once used the same interface.
    rows = conn.execute(select(Circuit.id, Circuit.a_interface_id, Circuit.z_interface_id, Circuit.status)
                        .order_by((Circuit.status == "active").desc(), Circuit.id)).all()
    for cid, a, z, _status in rows:
        for iid in (a, z):
            if iid is not None:
                maps.circuit_of.setdefault(iid, cid)
    return maps


class Attributor:
    """Source address first (what the socket saw cannot be forged by the message text), then the header's
    hostname, case-insensitive."""

    def __init__(self, refresh_s: float = REFRESH_S) -> None:
        self.refresh_s = refresh_s
        self.maps = DeviceMaps()

    def ensure(self, conn: Connection, sources: set[tuple[str, str]]) -> None:
        """Reload when a (source address, hostname lower case) the maps do not know appears and the last
        load is `refresh_s` old: a device added to the inventory is found within that time, and a stray
        sender costs one reload per `refresh_s`, not one per batch."""
        due = time.monotonic() - self.maps.loaded_at >= self.refresh_s
        if due and any(self._lookup(*s) is None for s in sources):
            self.maps = load_maps(conn)

    def _lookup(self, addr: str, host: str) -> int | None:
        did = self.maps.by_addr.get(addr)
        if did is None and host:
            did = self.maps.by_host.get(host)
        return did

    def device(self, addr: str, hostname: str | None) -> int | None:
        return self._lookup(addr, (hostname or "").lower())

    def interface(self, device_id: int, name: str | None) -> int | None:
        return self.maps.interfaces.get((device_id, name.lower())) if name else None

    def circuit(self, interface_id: int) -> int | None:
        return self.maps.circuit_of.get(interface_id)

    def forget(self) -> None:
        """The next batch reloads (the inventory changed under us)."""
        self.maps = DeviceMaps()
