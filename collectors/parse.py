"""Parse raw command outputs into facts, separately from collection (so stored raw text and offline
imports go through exactly the same code). Interface names are normalised per vendor."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import ntc_templates
import textfsm
from netutils.interface import canonical_interface_name
from ntc_templates.parse import parse_output
from textfsm import clitable

from .config import ConfigRead, ConfigUnreadable, RouteFact, load_dialect, read_config
from .errors import CollectError
from .platforms import TEMPLATES, Profile, load_profile
from .probes import ProbeFact, config_targets, read_probes

DEVICE_TZ = dt.timezone(dt.timedelta(hours=8))  # devices log in China time
MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                      "Dec"], start=1)}


@dataclass
class AddressFact:
    address: str  # with its prefix: "10.1.0.1/30", "2001:db8:1::1/64"
    secondary: bool = False

    @property
    def family(self) -> int:
        return 6 if ":" in self.address else 4


@dataclass
class InterfaceFact:
    name: str
    description: str = ""
    ip: str | None = None  # the primary IPv4 with its prefix, as the running screens print it
    up: bool | None = None  # line protocol, from the running screens (None: not seen there)
    in_octets: int = 0
    out_octets: int = 0
    in_errors: int = 0
    out_errors: int = 0
    addresses: list[AddressFact] = field(default_factory=list)  # every IPv4/IPv6 address, config first
    vrf: str | None = None  # VPN instance / VRF the interface is bound to (None: the global table)
    shutdown: bool | None = None  # administratively down in the config (None: the config was not read)
    sources: set[str] = field(default_factory=set)  # "state" (display interface / show interfaces), "config"


@dataclass
class NeighborFact:
    local_interface: str
    neighbor: str  # system name / Device ID as the neighbour announces it
    neighbor_interface: str
    protocol: str = "lldp"  # lldp | cdp
    chassis_id: str | None = None
    mgmt_address: str | None = None
    platform: str | None = None  # system description / CDP platform line


@dataclass
class EventFact:
    at: dt.datetime  # UTC
    interface: str
    state: str  # up | down
    message: str = ""


@dataclass
class ParseIssue:
    """One command whose output no parser of its chain could read: that fact is lost, nothing else."""

    key: str  # the profile's command key
    command: str
    template: str  # the parser that got furthest (the last tried)
    line: str  # the first input line it could not read ("" when unknown)
    message: str
    code: str = "parse"

    def as_dict(self) -> dict[str, str]:
        return {"command": self.command, "code": self.code, "template": self.template, "line": self.line,
                "message": self.message}


@dataclass
class Facts:
    hostname: str | None = None  # sysname / hostname from the config (how a plain config names its device)
    model: str | None = None
    os_version: str | None = None
    serial: str | None = None
    interfaces: list[InterfaceFact] = field(default_factory=list)
    neighbors: list[NeighborFact] = field(default_factory=list)
    routes: list[RouteFact] = field(default_factory=list)
    mac_count: int | None = None
    arp_count: int | None = None
    events: list[EventFact] = field(default_factory=list)
    probes: list[ProbeFact] = field(default_factory=list)  # NQA / IP SLA results (collectors/probes.py)
    config: str | None = None  # scrubbed running config
    config_sha256: str | None = None
    issues: list[ParseIssue] = field(default_factory=list)


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


class TemplateFailed(CollectError):
    """A parser of a command's chain could not read its output; says which parser and on which line."""

    def __init__(self, command: str, template: str, line: str, detail: str) -> None:
        super().__init__("parse", f"{command!r}: {template}: {detail}"[:500])
        self.template, self.line = template, line


_INPUT_LINE = re.compile(r"Input Line: (.*)$", re.S)


_FSMS = threading.local()


def _fsm(template: str) -> textfsm.TextFSM:
    """A parsed template, reset for one more output. Compiling a template costs about as much as running
    it on a real screen (a third of a device's parse); a state machine is not safe to share across
    threads, so each thread keeps its own."""
    cache = _FSMS.__dict__.setdefault("by_text", {})
    fsm = cache.get(template)
    if fsm is None:
        fsm = cache[template] = textfsm.TextFSM(io.StringIO(template))
    else:
        fsm.Reset()
    return fsm


def _one(platform: str, command: str, parser: str, text: str) -> list[dict[str, object]]:
    try:
        if parser == "ntc":
            template = _ntc(platform, command)
            if template is None:
                return parse_output(platform=platform, command=command, data=text)
            return _fsm(template).ParseTextToDicts(text)
        return _fsm(_own(parser[4:])).ParseTextToDicts(text)
    except Exception as exc:  # TextFSMError and friends: the raw text stays, the code says why
        found = _INPUT_LINE.search(str(exc))
        line = found.group(1).strip()[:200] if found else ""
        raise TemplateFailed(command, parser, line, f"{type(exc).__name__}: {str(exc)[:200]}") from exc


def run_template(profile: Profile, key: str, text: str) -> list[dict[str, object]]:
    """Rows (lower-case keys) for one command's output. The command's parsers are tried in order, one per
    layout: the first that reads the output into rows wins; if every parser reads it without error but
    finds nothing, the answer is no rows; if every one fails, the last failure is raised (TemplateFailed)."""
    cmd = profile.command(key)
    if cmd.parser == "none":
        return []
    failure: TemplateFailed | None = None
    empty = False
    for parser in cmd.parsers:
        try:
            rows = _one(profile.platform, cmd.command, parser, text)
        except TemplateFailed as exc:
            failure = exc
            continue
        if rows:
            return [{k.lower(): v for k, v in r.items()} for r in rows]
        empty = True
    if empty or failure is None:
        return []
    raise failure


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
    """Facts from raw outputs keyed by profile command key (config, version, serial, interfaces, ...).
    A command no parser can read costs that command's facts only: it is listed in ``Facts.issues`` and
    every other command is still read."""
    p = load_profile(platform)
    f = Facts()
    if "config" in outputs:
        f.config = scrub(p, outputs["config"])
        f.config_sha256 = hashlib.sha256(f.config.encode("utf-8")).hexdigest()
    for key, read in _READERS:
        if key not in outputs:
            continue
        try:
            read(p, f, run_template(p, key, outputs[key]))
        except TemplateFailed as exc:
            f.issues.append(ParseIssue(key, p.command(key).command, exc.template, exc.line, exc.message))
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            # rows a template produced but without the fields a fact needs: a template bug, kept per command
            f.issues.append(ParseIssue(key, p.command(key).command, "/".join(p.command(key).parsers), "",
                                       f"{type(exc).__name__}: {str(exc)[:200]}"))
    if "config" in outputs:  # after the running state: the merge below decides per field who wins
        _config(p, f, outputs["config"])
        # a results screen that does not print the target (IP SLA, Comware 7 NQA): the config defines it
        targets = config_targets(p.probes, outputs["config"])
        for probe in f.probes:
            probe.target = probe.target or targets.get(probe.test)
    return f


def _config(p: Profile, f: Facts, text: str) -> None:
    """Facts from the config, merged into the running state's. A config whose tree cannot be built costs
    its facts, not the snapshot (already in ``f.config``); a line that cannot be read costs its fact."""
    command = p.command("config").command if any(c.key == "config" for c in p.commands) else "config"
    try:
        dialect = load_dialect(p.platform)
        read = read_config(dialect, text)
    except ConfigUnreadable as exc:
        f.issues.append(ParseIssue("config", command, "hier_config", exc.line, str(exc)))
        return
    except Exception as exc:  # a reader bug must not cost the device its other facts
        f.issues.append(ParseIssue("config", command, "hier_config", "", f"{type(exc).__name__}: {str(exc)[:200]}"))
        return
    if read.bad:
        first = read.bad[0]
        more = f" (and {len(read.bad) - 1} more lines)" if len(read.bad) > 1 else ""
        f.issues.append(ParseIssue("config", command, f"hier_config:{dialect.tree}", first.line[:200],
                                   f"unreadable config line: {first.message}{more}"))
    f.hostname = read.hostname
    merge_config(p, f, read)


def merge_config(p: Profile, f: Facts, read: ConfigRead) -> None:
    """The config's interfaces into the running state's, field by field (docs/collection.md, "Facts from
    configs"): addresses, description, VRF and shutdown from the config (description and addresses fall
    back to the state's when the config has none); line protocol and counters from the state only; an
    interface only the config has is kept with sources={"config"}. Routes come from the config alone."""
    by_name = {i.name: i for i in f.interfaces}
    for c in read.interfaces:
        name = normalise(p, c.name)
        addresses = [AddressFact(a, secondary) for a, secondary in c.addresses]
        i = by_name.get(name)
        if i is None:
            i = by_name[name] = InterfaceFact(name=name, sources=set())
            f.interfaces.append(i)
        if addresses:
            i.addresses = addresses
        elif not i.addresses and i.ip:
            i.addresses = [AddressFact(i.ip)]
        if not i.ip:
            i.ip = next((a.address for a in addresses if a.family == 4 and not a.secondary), None)
        if c.description:
            i.description = c.description
        i.vrf = c.vrf or i.vrf
        i.shutdown = bool(c.shutdown)
        i.sources.add("config")
    for r in read.routes:
        if r.interface:
            r.interface = normalise(p, r.interface)
        f.routes.append(r)


def _version(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
    if rows:
        picked = {fact: pick.read(rows[0]) for fact, pick in p.version_facts.items()}
        f.model, f.os_version = picked.get("model"), picked.get("os_version")
        f.serial = picked.get("serial", f.serial)


def _serial(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
    for r in rows:
        s = r.get("serial") or r.get("device_serial_number")
        if s:
            f.serial = str(s)
            break


def _interfaces(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
    for r in rows:
        f.interfaces.append(InterfaceFact(
            name=normalise(p, str(r["interface"])), description=str(r.get("description") or ""),
            ip=str(r.get("ip_address") or "") or None, up=str(r.get("protocol_status", "")).lower().startswith("up"),
            in_octets=_int(r.get("in_octets")), out_octets=_int(r.get("out_octets")),
            in_errors=_int(r.get("in_errors")), out_errors=_int(r.get("out_errors")), sources={"state"}))


def _first(row: dict[str, object], *names: str) -> str:
    """The first non-empty of several field names: ntc-templates and our own templates name one fact
    differently across commands (NEIGHBOR_PORT_ID / NEIGHBOR_INTERFACE, MANAGEMENT_IP / MGMT_ADDRESS)."""
    for name in names:
        value = row.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value).strip()
    return ""


def _neighbours(protocol: str) -> Callable[[Profile, Facts, list[dict[str, object]]], None]:
    def read(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
        seen = {(n.protocol, n.local_interface, n.neighbor): n for n in f.neighbors}
        for r in rows:
            n = NeighborFact(
                normalise(p, _first(r, "local_interface", "local_port")),
                _first(r, "neighbor_name", "neighbor", "system_name", "destination_host"),
                # a port ID before NEIGHBOR_INTERFACE: ntc's LLDP detail templates (Cisco, Huawei) put the
                # neighbour's port description there, prose, not the port
                _first(r, "neighbor_port_id", "neighbor_interface", "remote_port", "port_id"),
                protocol=protocol,
                chassis_id=_first(r, "chassis_id", "neighbor_chassis_id") or None,
                mgmt_address=_first(r, "mgmt_address", "management_ip", "management_address", "mgmt_ip") or None,
                platform=_first(r, "platform", "neighbor_description", "system_description") or None)
            if not n.local_interface or not (n.neighbor or n.chassis_id):
                continue
            known = seen.get((protocol, n.local_interface, n.neighbor))
            if known is None:  # a brief and a detail screen of one neighbour are one neighbour
                seen[(protocol, n.local_interface, n.neighbor)] = n
                f.neighbors.append(n)
            else:
                for attr in ("chassis_id", "mgmt_address", "platform", "neighbor_interface"):
                    if not getattr(known, attr) and getattr(n, attr):
                        setattr(known, attr, getattr(n, attr))
    return read


def _mac(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
    uplinks = {n.local_interface for n in f.neighbors}
    ports = []
    for r in rows:
        port = r.get("destination_port") or r.get("interface") or ""
        ports.append(port[0] if isinstance(port, list) and port else str(port))
    f.mac_count = sum(1 for port in ports if normalise(p, port) not in uplinks)


def _arp(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
    f.arp_count = sum(1 for r in rows if p.arp_learned.learned(r))


def _log(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
    for r in rows:
        f.events.append(EventFact(at=_event_time(r), interface=normalise(p, str(r["interface"])),
                                  state=str(r["state"]).lower(), message=str(r.get("message") or "")[:500]))


def _probes(p: Profile, f: Facts, rows: list[dict[str, object]]) -> None:
    f.probes.extend(read_probes(p.probes, rows))


# In this order: the MAC count leaves out the ports LLDP names as uplinks.
_READERS = (("version", _version), ("serial", _serial), ("interfaces", _interfaces),
            ("lldp", _neighbours("lldp")), ("lldp_brief", _neighbours("lldp")),
            ("cdp", _neighbours("cdp")), ("cdp_brief", _neighbours("cdp")),
            ("mac", _mac), ("arp", _arp), ("log", _log), ("probes", _probes))
