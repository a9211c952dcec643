"""What every lab personality shares: deterministic tokens, address helpers, the terminals an access port
learns, and the `Personality` class whose hooks each platform's module fills in.

Everything is deterministic (hashes of the hostname, never random state). This module never imports a
personality: they import it."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from collectors import clock
from lab.model import LabDevice, LabGateway, LabInterface, LabLogEvent, LabProbe

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
LOGHOST, NTP_SERVER = "10.255.0.200", "10.255.0.201"
LOGIN_NOTICE = "秦皇岛市电子政务外网 未经授权禁止登录"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
PRINT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#&*=?@^`{|}~"
HEX = "0123456789ABCDEF"
ACCESS_MARKS = ("局域网", "终端接入")  # descriptions of the LAN/access side, where terminals are learned


def h(*parts: object) -> bytes:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()


def token(alphabet: str, n: int, *seed: object) -> str:
    raw = h(*seed) + h(*seed, "more") + h(*seed, "again")
    return "".join(alphabet[b % len(alphabet)] for b in raw[:n])


def mac_of(*seed: object, dotted: bool = False) -> str:
    hexs = h(*seed)[:6].hex()
    sep = "." if dotted else "-"
    return f"{hexs[0:4]}{sep}{hexs[4:8]}{sep}{hexs[8:12]}"


def mask(ip: str) -> tuple[str, str]:
    iface = ipaddress.ip_interface(ip)
    return str(iface.ip), str(iface.network.netmask)


def pk(octets: int) -> int:
    """Packets for a byte count (an average packet of 700 bytes)."""
    return octets // 700


def access_port(dev: LabDevice) -> LabInterface | None:
    """Where the terminals are learned: the interface whose description marks it as the LAN/access side."""
    for iface in dev.interfaces:
        if any(mark in iface.description for mark in ACCESS_MARKS):
            return iface
    return None


LogLine = Callable[[int, dt.datetime, LabLogEvent], str]


def pri(severity: int, facility: int = 23) -> str:
    """`<PRI>`: local7 (23), every vendor's default loghost facility."""
    return f"<{facility * 8 + severity}>"


def newest_first(dev: LabDevice, line: LogLine) -> list[str]:
    """Log buffer lines newest first (n counts from 0 at the newest), the control interface's lines on top."""
    events = sorted(dev.log_events, key=lambda e: e.at)
    return list(reversed(dev.extra_log)) + [line(n, e.at.astimezone(CHINA), e)
                                            for n, e in enumerate(reversed(events))]


def oldest_first(dev: LabDevice, line: LogLine) -> list[str]:
    """Log lines oldest first (n counts from 1), the control interface's lines last."""
    events = sorted(dev.log_events, key=lambda e: e.at)
    return [line(n, e.at.astimezone(CHINA), e) for n, e in enumerate(events, 1)] + list(dev.extra_log)


class Personality:
    """One platform's lab behaviour. A module `lab/personalities/NAME.py` subclasses this and exposes one
    instance as ``PERSONALITY``; the command words it answers come from the collector profile of NAME
    (commands, paging command, logout), the rest from the hooks below."""

    platform: str = ""
    prompt_style: str = ""  # "hash": host#  |  "angle": <host>
    more: str = ""  # the pager's prompt
    error_text: str = ""  # the line after the caret for a command the device does not know
    access_port_name: str = ""  # the port an imported device with terminals but no LAN port gets
    dotted_mac: bool = False  # aaaa.bbbb.cccc (else aaaa-bbbb-cccc)
    short_names: tuple[tuple[str, str], ...] = ()  # long prefix -> the abbreviation tables print
    other_ok: tuple[str, ...] = ()  # commands the driver sends that change nothing here (terminal width)
    paging_ack: str = ""  # printed after the paging command is accepted
    # A harmless global config line in the vendor's syntax, with {text} in it: what a replayed config change
    # adds, so the next collection finds a new config and a diff.
    location_line: str = "snmp-server location {text}"
    # The sample's weak devices are drawn per platform with a seeded RNG: (draw order, devices, code shift).
    # The draw order is kept so the same devices stay weak (the audit's expectations rest on them).
    weak_picks: tuple[int, int, int] | None = None
    # The preference a floating static route gets (worse than the platform's default for static routes).
    floating_preference: int = 0
    REQUIRED = ("platform", "prompt_style", "more", "error_text", "access_port_name")
    RENDERED = ("config", "version", "interfaces", "lldp", "arp", "mac", "log")  # "serial" where profiled

    # ---------------------------------------------------------------- session
    def banner(self) -> str:
        """Printed before the first prompt."""
        return ""

    def prompt(self, hostname: str) -> str:
        return f"{hostname}#" if self.prompt_style == "hash" else f"<{hostname}>"

    def error(self, hostname: str, at: int = 0) -> str:
        caret = " " * (len(self.prompt(hostname)) + at) + "^"
        return f"{caret}\n{self.error_text}\n"

    # ---------------------------------------------------------------- names and addresses
    def mac(self, *seed: object) -> str:
        return mac_of(*seed, dotted=self.dotted_mac)

    def short(self, name: str) -> str:
        """The abbreviation the platform prints in tables (MAC/ARP/LLDP)."""
        for long, short in self.short_names:
            if name.startswith(long):
                return short + name[len(long):]
        return name

    def terminal_entries(self, dev: LabDevice) -> list[tuple[str, str]]:
        """(ip, mac) of each terminal, addresses counted up from .10 of the unit LAN."""
        first = ipaddress.ip_address(f"{dev.lan_prefix or '10.200.0'}.10")
        return [(str(first + n), self.mac(dev.hostname, "term", n)) for n in range(dev.terminals)]

    def learned(self, dev: LabDevice) -> tuple[LabInterface | None, list[tuple[str, str]]]:
        """The access port and the (ip, mac) of each terminal learned on it (none without an access port)."""
        port = access_port(dev)
        return port, self.terminal_entries(dev) if port else []

    def own_addresses(self, dev: LabDevice) -> list[tuple[str, str, LabInterface]]:
        """(ip, mac, interface) of the device's own addressed interfaces, loopbacks excepted: its ARP entries."""
        return [(str(ipaddress.ip_interface(i.ip).ip), self.mac(dev.hostname, i.name), i)
                for i in dev.interfaces if i.ip and not i.name.lower().startswith("loopback")]

    # ---------------------------------------------------------------- secrets
    def secrets(self, dev: LabDevice) -> dict[str, str]:
        """The secret strings a strong config of this platform carries (realistic shapes)."""
        raise NotImplementedError(f"{type(self).__name__}.secrets")

    def secrets_for(self, dev: LabDevice) -> dict[str, str]:
        """The secrets the device's config carries, its weaknesses applied."""
        s = self.secrets(dev)
        if "weak_snmp" in dev.weaknesses:  # v2c communities instead of SNMPv3 user keys
            s = {k: v for k, v in s.items() if not k.startswith("snmp_")}
        if "weak_password" in dev.weaknesses:
            s["clear_password"] = "Netops@" + token("0123456789", 4, dev.hostname, "weak")
        return s

    # ---------------------------------------------------------------- syslog (lab/syslog.py sends it)
    def syslog_line(self, dev: LabDevice, seq: int, at: dt.datetime, kind: str, fields: dict) -> str | None:
        """The whole line (PRI, header, the vendor's message) the device sends for an event: kind "link"
        (fields interface, state), "config_change" (user) or "reboot"; `seq` numbers the device's messages from
        1; `at` is the event's time (render it in the device's local time). None: this platform sends none."""
        return None

    # ---------------------------------------------------------------- outputs, one per profile command key
    def render(self, key: str, dev: LabDevice) -> str:
        fn = getattr(self, f"render_{key}", None)
        if fn is None:
            raise KeyError(f"lab personality {self.platform!r} renders no {key!r} output; add render_{key}")
        return fn(dev)


@dataclass
class ProbeRun:
    """A probe's latest result as the live model makes it: over an interface that is down nothing answers."""

    sent: int
    received: int
    rtts: tuple[int, int, int]  # min, avg, max ms (zeros when nothing answered)
    at: dt.datetime  # when the result's last probe went out, device local time (China)


PROBE_COUNT, PROBE_EVERY_S = 5, 60


def probe_named(dev: LabDevice, name: str | None) -> LabProbe | None:
    """The probe a route or a VRRP group tracks (LabRoute.track / LabGateway.track)."""
    return next((p for p in dev.probes if p.name == name), None) if name else None


def gateways_on(dev: LabDevice, interface: str) -> list[LabGateway]:
    return [g for g in dev.gateways if g.interface == interface]


def tracked_probes(dev: LabDevice) -> list[LabProbe]:
    """The probes a route or a gateway group tracks, in the device's probe order."""
    names = {r.track for r in dev.routes} | {g.track for g in dev.gateways}
    return [p for p in dev.probes if p.name in names]


def probe_run(dev: LabDevice, probe: LabProbe) -> ProbeRun:
    """The probe's result: 5 probes a minute, the time on the minute (a repeat read is the same result), or
    just after its link last changed state."""
    up = any(i.name == probe.interface and i.up for i in dev.interfaces)
    stamp = int(clock.now().timestamp()) // PROBE_EVERY_S * PROBE_EVERY_S
    # a link that changed since the last round is probed again at once: its result is a new one
    changed = [int(e.at.timestamp()) + 1 for e in dev.log_events if e.interface == probe.interface]
    stamp = max([stamp, *changed])
    at = dt.datetime.fromtimestamp(stamp, dt.UTC).astimezone(CHINA)
    if not up:
        return ProbeRun(PROBE_COUNT, 0, (0, 0, 0), at)
    seed = int(hashlib.sha256(f"{dev.hostname}/{probe.name}".encode()).hexdigest()[:8], 16)
    low = 1 + seed % 4
    return ProbeRun(PROBE_COUNT, PROBE_COUNT, (low, low + 1, low + 3 + seed % 5), at)
