"""The lab's SNMP agent: every lab device answers SNMPv2c and SNMPv3 (authPriv) on its own UDP port.

One pysnmp engine serves all devices (an engine per device would cost seconds to start 224 of them); each
device gets its own UDP socket registered as its own transport domain, so a request's domain says which
device it was sent to. Values are read LIVE from the `LabDevice` model at each request (counters, state,
speed, uptime), so a replayer or a test mutating the model is seen by the next poll, as on a device.

Served: system (sysDescr, sysUpTime, sysName), IF-MIB ifTable (ifIndex, ifDescr, ifOperStatus) and ifXTable
(ifName, ifHCInOctets, ifHCOutOctets, ifHighSpeed, ifAlias), for GET, GETNEXT and GETBULK."""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config
from pysnmp.entity.engine import SnmpEngine
from pysnmp.entity.rfc3413 import cmdrsp, context
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.proto.api import v2c

from collectors import clock

from .model import LabDevice, LabInterface

WRAP64 = 2**64
SYS = (1, 3, 6, 1, 2, 1, 1)
IF_ENTRY = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_ENTRY = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
IF_NUMBER = (1, 3, 6, 1, 2, 1, 2, 1, 0)
# Ports start after the entries every vendor numbers first (loopback, NULL, console), so a poller that
# assumed ifIndex = position would read the wrong rows: the index is always discovered by walking.
FIRST_IFINDEX = 4


@dataclass
class SnmpLabOptions:
    """What the lab's agent accepts. Keys are the lab's own (tests read them from the lab's secrets file)."""

    community: str = "lab-ro-community"
    v3_user: str = "labmon"
    auth_key: str = "lab-auth-key-2026"  # SHA (HMAC-SHA-96)
    priv_key: str = "lab-priv-key-2026"  # AES-128 (CFB)
    engine_id: bytes = field(default=b"\x80\x00\x4f\xb8\x05lab-agent")
    # Seconds the agent takes to answer. A router's agent runs on its control-plane CPU and answers in
    # milliseconds to tens of them, plus the WAN round trip; 0 answers at once (loopback, CPU-bound).
    delay_s: float = 0.0

    def __repr__(self) -> str:  # never print the keys
        return f"SnmpLabOptions(community=***, v3_user={self.v3_user!r}, auth=SHA, priv=AES128)"


def uptime_cs(dev: LabDevice, now: dt.datetime | None = None) -> int:
    """sysUpTime in hundredths of a second since the device booted (the lab's model time)."""
    now = now or clock.now()
    booted = dev.booted_at or now
    return max(0, int((now - booted).total_seconds() * 100))


def _rows(dev: LabDevice) -> list[tuple[tuple[int, ...], Callable[[], Any]]]:
    """The device's OID table, sorted, each with a function reading the live value."""
    rows: list[tuple[tuple[int, ...], Callable[[], Any]]] = [
        ((*SYS, 1, 0), lambda: v2c.OctetString(f"{dev.model} {dev.os_version}".strip())),
        ((*SYS, 3, 0), lambda: v2c.TimeTicks(uptime_cs(dev) % 2**32)),
        ((*SYS, 5, 0), lambda: v2c.OctetString(dev.hostname)),
        (IF_NUMBER, lambda: v2c.Integer(len(dev.interfaces))),
    ]
    for pos, iface in enumerate(dev.interfaces):
        idx = FIRST_IFINDEX + pos
        rows += _if_rows(iface, idx)
    rows.sort(key=lambda r: r[0])
    return rows


def _if_rows(i: LabInterface, idx: int) -> list[tuple[tuple[int, ...], Callable[[], Any]]]:
    name = i.name.encode("utf-8")
    return [
        ((*IF_ENTRY, 1, idx), lambda: v2c.Integer(idx)),
        ((*IF_ENTRY, 2, idx), lambda: v2c.OctetString(name)),
        ((*IF_ENTRY, 8, idx), lambda: v2c.Integer(1 if i.up else 2)),
        ((*IFX_ENTRY, 1, idx), lambda: v2c.OctetString(name)),
        ((*IFX_ENTRY, 6, idx), lambda: v2c.Counter64(i.in_octets % WRAP64)),
        ((*IFX_ENTRY, 10, idx), lambda: v2c.Counter64(i.out_octets % WRAP64)),
        ((*IFX_ENTRY, 15, idx), lambda: v2c.Gauge32(min(i.speed_mbps or 0, 2**32 - 1))),
        ((*IFX_ENTRY, 18, idx), lambda: v2c.OctetString(i.description.encode("utf-8"))),
    ]


class _DeviceTable:
    def __init__(self, dev: LabDevice) -> None:
        self.dev = dev
        self.rows = _rows(dev)
        self.oids = [r[0] for r in self.rows]
        self.by_oid = dict(self.rows)

    def get(self, oid: tuple[int, ...]) -> Any:
        fn = self.by_oid.get(oid)
        if fn is not None:
            return fn()
        # noSuchObject when no column/scalar has this prefix, noSuchInstance when the object exists
        return rfc1905.noSuchInstance if any(o[:-1] == oid[:-1] for o in self.oids) else rfc1905.noSuchObject

    def next(self, oid: tuple[int, ...]) -> tuple[tuple[int, ...], Any]:
        at = bisect.bisect_right(self.oids, oid)
        if at >= len(self.oids):
            return oid, rfc1905.endOfMibView
        found = self.oids[at]
        return found, self.rows[at][1]()


class _Responder:
    """Mixin: find the device a request was sent to by the transport domain it arrived on."""

    tables: dict[tuple[int, ...], _DeviceTable]
    delay_s: float = 0.0
    _held: set[Any]

    def table(self, engine: SnmpEngine, state_ref: Any) -> _DeviceTable:
        domain, _addr = engine.message_dispatcher.get_transport_info(state_ref)
        return self.tables[tuple(domain)]

    def reply(self, engine: SnmpEngine, state_ref: Any, var_binds: list[tuple[Any, Any]]) -> None:
        if self.table(engine, state_ref).dev.mute:
            # no answer at all, as from a device whose management plane is cut: the poller times out
            self.release_state_information(state_ref)
            return
        if self.delay_s > 0:
            # the base class releases the request's state when this returns: hold it until the late answer
            self._held.add(state_ref)
            asyncio.get_running_loop().call_later(self.delay_s, self._send, engine, state_ref, var_binds)
            return
        self._send(engine, state_ref, var_binds)

    def _send(self, engine: SnmpEngine, state_ref: Any, var_binds: list[tuple[Any, Any]]) -> None:
        self._held.discard(state_ref)
        self.send_varbinds(engine, state_ref, 0, 0, var_binds)  # type: ignore[attr-defined]
        self.release_state_information(state_ref)

    def release_state_information(self, state_ref: Any) -> None:
        if state_ref not in self._held:
            super().release_state_information(state_ref)  # type: ignore[misc]


class _Get(_Responder, cmdrsp.GetCommandResponder):
    def handle_management_operation(self, snmpEngine, stateReference, contextName, PDU):
        t = self.table(snmpEngine, stateReference)
        vbs = [(name, t.get(tuple(name))) for name, _ in v2c.apiPDU.get_varbinds(PDU)]
        self.reply(snmpEngine, stateReference, vbs)


class _Next(_Responder, cmdrsp.NextCommandResponder):
    def handle_management_operation(self, snmpEngine, stateReference, contextName, PDU):
        t = self.table(snmpEngine, stateReference)
        vbs = []
        for name, _ in v2c.apiPDU.get_varbinds(PDU):
            oid, val = t.next(tuple(name))
            vbs.append((v2c.ObjectIdentifier(oid), val))
        self.reply(snmpEngine, stateReference, vbs)


class _Bulk(_Responder, cmdrsp.BulkCommandResponder):
    def handle_management_operation(self, snmpEngine, stateReference, contextName, PDU):
        t = self.table(snmpEngine, stateReference)
        req = [tuple(name) for name, _ in v2c.apiPDU.get_varbinds(PDU)]
        n = min(max(int(v2c.apiBulkPDU.get_non_repeaters(PDU)), 0), len(req))
        m = max(int(v2c.apiBulkPDU.get_max_repetitions(PDU)), 0)
        repeat = req[n:]
        if repeat:
            m = min(m, self.max_varbinds // len(repeat))
        vbs = []
        for oid in req[:n]:
            found, val = t.next(oid)
            vbs.append((v2c.ObjectIdentifier(found), val))
        cursor = repeat
        for _ in range(m):
            row = [t.next(oid) for oid in cursor]
            vbs += [(v2c.ObjectIdentifier(o), v) for o, v in row]
            cursor = [o for o, _ in row]
            if all(v is rfc1905.endOfMibView for _, v in row):
                break
        self.reply(snmpEngine, stateReference, vbs)


class LabSnmpAgent:
    """The agent for a list of lab devices; `start()` inside the lab's running loop."""

    def __init__(self, devices: list[LabDevice], options: SnmpLabOptions | None = None, bind: str = "127.0.0.1"
                 ) -> None:
        self.devices = devices
        self.options = options or SnmpLabOptions()
        self.bind = bind
        self.endpoints: dict[str, tuple[str, int]] = {}
        self.engine: SnmpEngine | None = None
        self._sockets: list[socket.socket] = []

    async def start(self) -> None:
        o = self.options
        eng = SnmpEngine(rfc1902.OctetString(o.engine_id))
        config.add_v1_system(eng, "lab-area", o.community)
        config.add_v3_user(eng, o.v3_user, config.USM_AUTH_HMAC96_SHA, o.auth_key, config.USM_PRIV_CFB128_AES,
                           o.priv_key)
        tables: dict[tuple[int, ...], _DeviceTable] = {}
        for n, dev in enumerate(self.devices, start=1):
            if dev.booted_at is None:
                dev.booted_at = clock.now() - dt.timedelta(days=30)
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((self.bind, 0))
            sock.setblocking(False)
            self._sockets.append(sock)
            domain = (*udp.DOMAIN_NAME, n)
            config.add_transport(eng, domain, udp.UdpAsyncioTransport().open_server_mode(sock=sock))
            tables[domain] = _DeviceTable(dev)
            self.endpoints[dev.hostname] = sock.getsockname()[:2]
        ctx = context.SnmpContext(eng)
        for cls in (_Get, _Next, _Bulk):
            responder = cls(eng, ctx)
            responder.tables = tables
            responder.delay_s = o.delay_s
            responder._held = set()
        self.engine = eng

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.close_dispatcher()
            self.engine = None
        for s in self._sockets:
            s.close()
        self._sockets.clear()
