"""Parse raw command outputs into facts, separately from collection (so stored raw text and offline
imports go through exactly the same code). Interface names are normalised per vendor."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import ntc_templates
import textfsm
from netutils.interface import canonical_interface_name
from ntc_templates.parse import parse_output
from textfsm import clitable

from .errors import CollectError
from .platforms import TEMPLATES, Profile, load_profile

DEVICE_TZ = dt.timezone(dt.timedelta(hours=8))  # devices log in China time
MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                      "Dec"], start=1)}


@dataclass
class InterfaceFact:
    name: str
    description: str = ""
    ip: str | None = None
    up: bool | None = None
    in_octets: int = 0
    out_octets: int = 0
    in_errors: int = 0
    out_errors: int = 0


@dataclass
class NeighborFact:
    local_interface: str
    neighbor: str
    neighbor_interface: str


@dataclass
class EventFact:
    at: dt.datetime  # UTC
    interface: str
    state: str  # up | down
    message: str = ""


@dataclass
class Facts:
    model: str | None = None
    os_version: str | None = None
    serial: str | None = None
    interfaces: list[InterfaceFact] = field(default_factory=list)
    neighbors: list[NeighborFact] = field(default_factory=list)
    mac_count: int | None = None
    arp_count: int | None = None
    events: list[EventFact] = field(default_factory=list)
    config: str | None = None  # scrubbed running config
    config_sha256: str | None = None


@cache
def _own(name: str) -> str:
    path = TEMPLATES / f"{name}.textfsm"
    return path.read_text(encoding="utf-8")


@cache
def _ntc(platform: str, command: str) -> str | None:
    """The text of the one ntc-templates template for a command, found through ntc's index once.
    ntc's parse_output() rebuilds a CliTable per call, and its deep copies cost ~8 ms a command, more
    than parsing itself; None (several templates merged, or no index) keeps parse_output()."""
    folder = os.environ.get("NTC_TEMPLATES_DIR") or str(Path(ntc_templates.__file__).parent / "templates")
    try:
        table = clitable.CliTable("index", folder)
        row = table.index.GetRowMatch({"Command": command, "Platform": platform})
    except Exception:
        return None
    if not row:
        return None
    names = str(table.index.index[row]["Template"]).split(":")
    if len(names) != 1:
        return None
    return (Path(folder) / names[0].strip()).read_text(encoding="utf-8")


def run_template(profile: Profile, key: str, text: str) -> list[dict[str, object]]:
    """Rows (lower-case keys) for one command's output, by the profile's parser for that command."""
    cmd = profile.command(key)
    try:
        if cmd.parser == "ntc":
            template = _ntc(profile.platform, cmd.command)
            if template is None:
                rows = parse_output(platform=profile.platform, command=cmd.command, data=text)
            else:
                rows = textfsm.TextFSM(io.StringIO(template)).ParseTextToDicts(text)
        elif cmd.parser.startswith("own:"):
            rows = textfsm.TextFSM(io.StringIO(_own(cmd.parser[4:]))).ParseTextToDicts(text)
        else:
            return []
    except Exception as exc:  # TextFSMError and friends: the raw text stays, the code says why
        raise CollectError("parse", f"{cmd.command!r}: {type(exc).__name__}: {str(exc)[:200]}") from exc
    return [{k.lower(): v for k, v in r.items()} for r in rows]


def normalise(profile: Profile, name: str) -> str:
    if not name:
        return name
    # The vendor map first: netutils would turn H3C's "Ten-GigabitEthernet" into Cisco's "TenGigabitEthernet",
    # and "XGE" means different speeds on Huawei and H3C.
    head = name[: len(name) - len(name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"))]
    if head in profile.interface_map:
        # a long form ending in a space (Ruijie "GigabitEthernet 0/1") takes the number after one space
        long = profile.interface_map[head]
        return long + name[len(head):].lstrip() if long.endswith(" ") else long + name[len(head):]
    if head in {v.rstrip() for v in profile.interface_map.values()}:
        return name
    try:
        return canonical_interface_name(name, addl_name_map=profile.interface_map or None)
    except Exception:
        return name


def scrub(profile: Profile, config: str) -> str:
    """Remove volatile lines (timestamps, byte counts) so an unchanged config hashes the same."""
    text = config.replace("\r\n", "\n")
    for pat in profile.scrub:
        text = pat.sub("", text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln != "" or False).strip("\n") + "\n"


def _int(v: object) -> int:
    try:
        return int(str(v))
    except ValueError:
        return 0


def _event_time(row: dict[str, object]) -> dt.datetime:
    h, m, s = (int(x) for x in str(row["time"]).split(":"))
    month = str(row["month"])
    local = dt.datetime(int(str(row["year"])), int(month) if month.isdigit() else MONTHS[month[:3].title()],
                        int(str(row["day"])), h, m, s,
                        tzinfo=DEVICE_TZ)
    return local.astimezone(dt.UTC)


def parse_outputs(platform: str, outputs: dict[str, str]) -> Facts:
    """Facts from raw outputs keyed by profile command key (config, version, serial, interfaces, ...)."""
    p = load_profile(platform)
    f = Facts()
    if "config" in outputs:
        f.config = scrub(p, outputs["config"])
        f.config_sha256 = hashlib.sha256(f.config.encode("utf-8")).hexdigest()
    if "version" in outputs:
        rows = run_template(p, "version", outputs["version"])
        if rows:
            picked = {fact: pick.read(rows[0]) for fact, pick in p.version_facts.items()}
            f.model, f.os_version = picked.get("model"), picked.get("os_version")
            f.serial = picked.get("serial", f.serial)
    if "serial" in outputs:
        rows = run_template(p, "serial", outputs["serial"])
        for r in rows:
            s = r.get("serial") or r.get("device_serial_number")
            if s:
                f.serial = str(s)
                break
    if "interfaces" in outputs:
        for r in run_template(p, "interfaces", outputs["interfaces"]):
            f.interfaces.append(InterfaceFact(
                name=normalise(p, str(r["interface"])), description=str(r.get("description") or ""),
                ip=str(r.get("ip_address")) or None, up=str(r.get("protocol_status", "")).lower().startswith("up"),
                in_octets=_int(r.get("in_octets")), out_octets=_int(r.get("out_octets")),
                in_errors=_int(r.get("in_errors")), out_errors=_int(r.get("out_errors"))))
    if "lldp" in outputs:
        for r in run_template(p, "lldp", outputs["lldp"]):
            f.neighbors.append(NeighborFact(normalise(p, str(r["local_interface"])), str(r["neighbor_name"]).strip(),
                                            str(r["neighbor_interface"]).strip()))
    uplinks = {n.local_interface for n in f.neighbors}
    if "mac" in outputs:
        rows = run_template(p, "mac", outputs["mac"])
        ports = []
        for r in rows:
            port = r.get("destination_port") or r.get("interface") or ""
            ports.append(port[0] if isinstance(port, list) and port else str(port))
        f.mac_count = sum(1 for port in ports if normalise(p, port) not in uplinks)
    if "arp" in outputs:
        rows = run_template(p, "arp", outputs["arp"])
        f.arp_count = sum(1 for r in rows if p.arp_learned.learned(r))
    if "log" in outputs:
        for r in run_template(p, "log", outputs["log"]):
            f.events.append(EventFact(at=_event_time(r), interface=normalise(p, str(r["interface"])),
                                      state=str(r["state"]).lower(), message=str(r.get("message") or "")[:500]))
    return f
