"""The asyncio SNMP poller: many devices at once on ONE pysnmp engine (an engine per request costs more than
the request), one GET per device carrying all its interfaces' OIDs plus sysUpTime, split into PDUs of at
most `max_varbinds` so a response stays well under one UDP datagram. Each device ends with readings or a
stable error code (collectors/snmp/errors.py), never an exception."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
)
from pysnmp.hlapi.v3arch.asyncio import auth as hl_auth
from pysnmp.hlapi.v3arch.asyncio.lcd import CommandGeneratorLcdConfigurator
from pysnmp.proto.rfc1902 import Null, ObjectName

from collectors import clock

from . import oids
from .credentials import SnmpCredentials
from .errors import SnmpError, classify
from .ifindex import IfIndexCache

_LCD = CommandGeneratorLcdConfigurator()  # the targets and users an engine knows, configured once per pair

AUTH = {"md5": hl_auth.USM_AUTH_HMAC96_MD5, "sha": hl_auth.USM_AUTH_HMAC96_SHA,
        "sha224": hl_auth.USM_AUTH_HMAC128_SHA224, "sha256": hl_auth.USM_AUTH_HMAC192_SHA256,
        "sha384": hl_auth.USM_AUTH_HMAC256_SHA384, "sha512": hl_auth.USM_AUTH_HMAC384_SHA512}
PRIV = {"des": hl_auth.USM_PRIV_CBC56_DES, "3des": hl_auth.USM_PRIV_CBC168_3DES,
        "aes128": hl_auth.USM_PRIV_CFB128_AES, "aes192": hl_auth.USM_PRIV_CFB192_AES,
        "aes256": hl_auth.USM_PRIV_CFB256_AES}


@dataclass
class PollTarget:
    """One device: where its agent listens, how to log in, and the interface names to read (in order)."""

    hostname: str
    host: str
    port: int
    credentials: SnmpCredentials
    interfaces: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InterfaceReading:
    name: str
    if_index: int
    in_octets: int | None
    out_octets: int | None
    oper_up: bool | None
    speed_mbps: int | None


@dataclass
class DeviceResult:
    hostname: str
    at: dt.datetime
    uptime_cs: int | None = None
    readings: list[InterfaceReading] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # asked names the agent does not list
    error_code: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass(frozen=True)
class PollSettings:
    concurrency: int = 64
    timeout: float = 2.0
    retries: int = 1
    max_varbinds: int = 40


def auth_data(creds: SnmpCredentials) -> Any:
    if creds.user:
        return UsmUserData(creds.user, creds.auth_key, creds.priv_key, authProtocol=AUTH[creds.auth_proto],
                           privProtocol=PRIV[creds.priv_proto])
    return CommunityData(creds.community or "", mpModel=1)


class SnmpPoller:
    """Reuse one poller across rounds: it keeps the engine, the transports and the ifIndex maps."""

    def __init__(self, settings: PollSettings | None = None) -> None:
        self.settings = settings or PollSettings()
        self._engine: SnmpEngine | None = None
        self._targets: dict[tuple[str, int], Any] = {}
        self._auth: dict[SnmpCredentials, Any] = {}
        self.ifindex = IfIndexCache()

    @property
    def engine(self) -> SnmpEngine:
        if self._engine is None:
            self._engine = SnmpEngine()
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close_dispatcher()
            self._engine = None
            self._targets.clear()

    async def transport(self, host: str, port: int) -> Any:
        key = (host, port)
        if key not in self._targets:
            s = self.settings
            self._targets[key] = await UdpTransportTarget.create(key, timeout=s.timeout, retries=s.retries)
        return self._targets[key]

    def auth(self, creds: SnmpCredentials) -> Any:
        if creds not in self._auth:
            self._auth[creds] = auth_data(creds)
        return self._auth[creds]

    async def get(self, target: PollTarget, names: list[str]) -> list[tuple[str, Any]]:
        """GET `names` (numeric OIDs) in PDUs of bounded size; (oid, value) in the order asked."""
        tgt = await self.transport(target.host, target.port)
        auth = self.auth(target.credentials)
        out: list[tuple[str, Any]] = []
        step = self.settings.max_varbinds
        for at in range(0, len(names), step):
            indication, status, index, var_binds = await self._get_pdu(auth, tgt, names[at:at + step])
            if indication:
                raise classify(indication)
            if status:
                raise SnmpError("snmp_error", f"agent answered {status.prettyPrint()} at varbind {int(index)}")
            out += [(str(o), v) for o, v in var_binds]
        return out

    async def _get_pdu(self, auth: Any, tgt: Any, names: list[str]) -> tuple[Any, Any, Any, list[Any]]:
        """One GET through pysnmp's command generator with numeric OIDs as they are. The high-level get_cmd
        resolves every OID against the MIB tree, on the way out and back, even with lookupMib=False: a third
        of a round's CPU for names we already hold as numbers."""
        engine = self.engine
        addr, _params = _LCD.configure(engine, auth, tgt, "")
        ctx = ContextData()
        future: asyncio.Future = asyncio.get_running_loop().create_future()

        def done(_engine: Any, _handle: Any, indication: Any, status: Any, index: Any, var_binds: Any,
                 _ctx: Any) -> None:
            if not future.cancelled():
                future.set_result((indication, status, index, list(var_binds)))

        cmdgen.GetCommandGenerator().send_varbinds(engine, addr, ctx.contextEngineId, ctx.contextName,
                                                   [(ObjectName(n), Null("")) for n in names], done)
        return await future

    async def poll(self, targets: list[PollTarget]) -> list[DeviceResult]:
        sem = asyncio.Semaphore(self.settings.concurrency)

        async def one(t: PollTarget) -> DeviceResult:
            async with sem:
                return await self.poll_device(t)

        return list(await asyncio.gather(*(one(t) for t in targets)))

    async def poll_device(self, target: PollTarget) -> DeviceResult:
        try:
            return await self._poll(target)
        except SnmpError as exc:
            return DeviceResult(target.hostname, clock.now(), error_code=exc.code, error=exc.message)
        except Exception as exc:  # a pysnmp failure outside its error indications: still one device's code
            return DeviceResult(target.hostname, clock.now(), error_code="snmp_error",
                                error=f"{type(exc).__name__}: {exc}")

    async def _poll(self, target: PollTarget) -> DeviceResult:
        index = await self.ifindex.get(self, target)
        result = await self._read(target, index)
        stale = [r for r in result.readings if r.in_octets is None and r.oper_up is None]
        rebooted = self.ifindex.rebooted(target.hostname, result.uptime_cs)
        if stale or rebooted:
            # after a reboot a device may renumber its interfaces: read the names again, then the values
            index = await self.ifindex.get(self, target, refresh=True)
            result = await self._read(target, index)
        if index and not result.readings:
            raise SnmpError("snmp_no_such", f"{target.hostname}: none of the interfaces answered")
        if target.interfaces and not index:
            raise SnmpError("snmp_no_interface", f"{target.hostname}: none of {target.interfaces[:3]}… in "
                            "ifName/ifDescr")
        self.ifindex.seen_uptime(target.hostname, result.uptime_cs)
        return result

    async def _read(self, target: PollTarget, index: dict[str, int]) -> DeviceResult:
        names = [n for n in target.interfaces if n in index]
        oid_list = [oids.SYS_UPTIME] + [f"{col}.{index[n]}" for n in names for col in oids.PER_INTERFACE]
        values = await self.get(target, oid_list)
        at = clock.now()
        uptime = _int(values[0][1])
        if uptime is None:
            raise SnmpError("snmp_no_such", f"{target.hostname}: no sysUpTime")
        res = DeviceResult(target.hostname, at, uptime_cs=uptime,
                           missing=[n for n in target.interfaces if n not in index])
        width = len(oids.PER_INTERFACE)
        for k, name in enumerate(names):
            hc_in, hc_out, oper, speed = (v for _, v in values[1 + k * width: 1 + (k + 1) * width])
            status = _int(oper)
            res.readings.append(InterfaceReading(name, index[name], _int(hc_in), _int(hc_out),
                                                 None if status is None else status == 1, _int(speed)))
        return res


def _int(value: Any) -> int | None:
    """The integer of an SNMP value, None for noSuchObject/noSuchInstance/endOfMibView."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
