"""Interface names → ifIndex, walked once per device (ifName, then ifDescr for names ifName lacks) and
cached; walked again after the device rebooted (sysUpTime went back), since a restart may renumber."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pysnmp.hlapi.v3arch.asyncio import ContextData, ObjectIdentity, ObjectType, bulk_cmd

from . import oids
from .errors import SnmpError, classify

if TYPE_CHECKING:
    from .poller import PollTarget, SnmpPoller


class IfIndexCache:
    def __init__(self) -> None:
        self._maps: dict[str, dict[str, int]] = {}
        self._uptime: dict[str, int] = {}

    def rebooted(self, hostname: str, uptime_cs: int | None) -> bool:
        last = self._uptime.get(hostname)
        return last is not None and uptime_cs is not None and uptime_cs < last

    def seen_uptime(self, hostname: str, uptime_cs: int | None) -> None:
        if uptime_cs is not None:
            self._uptime[hostname] = uptime_cs

    async def get(self, poller: SnmpPoller, target: PollTarget, refresh: bool = False) -> dict[str, int]:
        if refresh or target.hostname not in self._maps:
            by_name = await walk_column(poller, target, oids.IF_NAME)
            wanted = set(target.interfaces)
            found = {name: idx for idx, name in by_name.items() if name in wanted}
            if wanted - set(found):
                for idx, descr in (await walk_column(poller, target, oids.IF_DESCR)).items():
                    if descr in wanted and descr not in found:
                        found[descr] = idx
            self._maps[target.hostname] = found
        return self._maps[target.hostname]


async def walk_column(poller: SnmpPoller, target: PollTarget, column: str, repetitions: int = 25
                      ) -> dict[int, str]:
    """ifIndex → text of one IF-MIB column, by GETBULK until the column ends."""
    tgt = await poller.transport(target.host, target.port)
    auth = poller.auth(target.credentials)
    out: dict[int, str] = {}
    cursor = column
    prefix = column + "."
    for _ in range(10_000):  # bounded: an agent that never ends its table stops here
        indication, status, _index, var_binds = await bulk_cmd(
            poller.engine, auth, tgt, ContextData(), 0, repetitions, ObjectType(ObjectIdentity(cursor)),
            lookupMib=False)
        if indication:
            raise classify(indication)
        if status:
            raise SnmpError("snmp_error", f"agent answered {status.prettyPrint()} walking {column}")
        if not var_binds:
            break
        for oid, value in var_binds:
            name = str(oid)
            if not name.startswith(prefix) or _end(value):
                return out
            out[int(name.rsplit(".", 1)[1])] = _text(value)
            cursor = name
    return out


def _end(value: Any) -> bool:
    return type(value).__name__ in ("EndOfMibView", "NoSuchObject", "NoSuchInstance")


def _text(value: Any) -> str:
    raw = bytes(value)
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")
