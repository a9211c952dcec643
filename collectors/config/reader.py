"""Read a running config into facts: hier_config builds the tree, the platform's dialect (data) says which
line is which fact. The same walk serves every platform.

A line that matches a fact's regex but cannot be read (a mask that is not one, an address out of range)
is recorded as a `BadLine` and costs only that fact; a config whose tree cannot be built at all (a banner
that never ends) raises `ConfigUnreadable` naming the line, and the caller keeps the config text anyway."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from hier_config import HConfig, Platform, get_hconfig_driver
from hier_config.constructors import _load_from_string_lines
from hier_config.models import MatchRule, ParentAllowsDuplicateChildRule, PerLineSubRule
from hier_config.platforms.driver_base import HConfigDriverBase, HConfigDriverRules

from .dialect import Dialect, Section

# IPv6 addresses that are not the interface's own subnet: link-local ones never pair two devices, and an
# EUI-64 address's host part comes from the MAC, which the config does not hold.
_IPV6_SKIPPED = frozenset({"link-local", "eui-64"})
_IPV6_SECONDARY = frozenset({"secondary", "sub"})
_DEPTH = 8  # duplicate lines are allowed under parents this deep (hier_config matches lineage by length)


class Node(Protocol):
    text: str

    @property
    def children(self) -> Iterable[Node]: ...


@dataclass
class ConfigInterface:
    name: str  # as the config prints it (the caller normalises)
    description: str | None = None
    addresses: list[tuple[str, bool]] = field(default_factory=list)  # ("10.1.0.1/30", secondary), config order
    vrf: str | None = None
    shutdown: bool | None = None  # None: neither `shutdown` nor its negation was written (not shut)


@dataclass
class RouteFact:
    """Routing as configured: a static route, a BGP peer or an OSPF network/interface (``kind``). The
    config is the only source of routing facts, so the reader's rows are the facts (collectors.parse)."""

    kind: str  # static | bgp | ospf
    vrf: str | None = None
    prefix: str | None = None
    next_hop: str | None = None
    interface: str | None = None
    peer: str | None = None
    local_as: str | None = None
    remote_as: str | None = None
    area: str | None = None
    process: str | None = None


@dataclass
class BadLine:
    line: str
    message: str


@dataclass
class ConfigRead:
    hostname: str | None = None
    interfaces: list[ConfigInterface] = field(default_factory=list)
    routes: list[RouteFact] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)


class ConfigUnreadable(ValueError):
    """The config's tree could not be built; `line` is the line it stopped at ("" when unknown)."""

    def __init__(self, line: str, message: str) -> None:
        super().__init__(message)
        self.line = line


class _Root(HConfig):
    """A tree root that keeps repeated top-level blocks: ZXROS prints `interface X` once per feature
    section (`!<if-intf>`, `!<lldp>`, ...), and hier_config's own root refuses the second one."""

    __slots__ = ()

    def _is_duplicate_child_allowed(self) -> bool:
        return True


@cache
def _driver(tree: str, drop: str) -> HConfigDriverBase:
    """hier_config's driver for the dialect's tree, with the line rules replaced by the dialect's: the
    stock per-line rules (16 regexes a line on IOS) cost more than the whole read and drop nothing we
    need; the driver's indent rules (Huawei key blocks) are kept."""
    driver = get_hconfig_driver(Platform[tree.upper()])
    driver.rules = HConfigDriverRules(
        per_line_sub=[PerLineSubRule(search=drop, replace="")],
        indent_adjust=driver.rules.indent_adjust,
        parent_allows_duplicate_child=[ParentAllowsDuplicateChildRule(match_rules=(MatchRule(),) * n)
                                       for n in range(1, _DEPTH + 1)])
    return driver


def build_tree(dialect: Dialect, text: str) -> HConfig:
    if dialect.block_break:
        text = _dedent_blocks(text, dialect.block_break)
    text = _ONE_LINE_BANNER.sub(r"\g<1>one-line-banner", text)
    root = _Root(_driver(dialect.tree, dialect.drop))
    try:
        # hier_config's loader (its public get_hconfig builds its own root, which refuses repeated blocks)
        _load_from_string_lines(root, text)
    except Exception as exc:  # hier_config raises ValueError subclasses and its own errors alike
        raise ConfigUnreadable(_stuck_line(text, exc), f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    return root


# `banner incoming @text@` (ZXROS, Ruijie, IOS with a printable delimiter) opens and closes on one line;
# hier_config only knows a closing `^C` or a delimiter on a later line, and reads to the end of the config
# looking for it. Renamed, the line is one plain command (nothing reads banners for facts).
_ONE_LINE_BANNER = re.compile(r"^(\s*)banner(?= \S+ ([^\s^])(?:[^\n]*?)\2[ \t]*$)", re.M)


def _dedent_blocks(text: str, mark: str) -> str:
    """Comware prints top-level commands of some blocks one space in (`#` / ` ospf 1` / `  area 0.0.0.0` /
    ` ip route-static ...`): a line at column 0 that is only the mark starts a block at the top level, so
    the block is shifted left by its first line's indent before the tree reads indentation."""
    out: list[str] = []
    shift: int | None = 0
    for line in text.splitlines():
        if line.rstrip() == mark:
            shift = None
        elif shift is None and line.strip():
            shift = len(line) - len(line.lstrip(" "))
        if shift:
            line = line[min(shift, len(line) - len(line.lstrip(" "))):]
        out.append(line)
    return "\n".join(out)


def _stuck_line(text: str, exc: Exception) -> str:
    if "banner" in str(exc):  # hier_config reached the end inside a banner: name the banner's first line
        for line in reversed(text.splitlines()):
            if line.startswith("banner "):
                return line.strip()[:200]
    return ""


def read_config(dialect: Dialect, text: str) -> ConfigRead:
    """Hostname, interfaces (repeated blocks merged) and routing (static, BGP peers, OSPF) of one config."""
    root = build_tree(dialect, text)
    out = ConfigRead()
    interfaces: dict[str, ConfigInterface] = {}
    for node in root.children:
        line = node.text
        try:
            if (m := dialect.interface.head.match(line)) is not None:
                _interface(dialect, node, m["name"].strip(), interfaces, out)
            elif dialect.hostname is not None and (m := dialect.hostname.match(line)) is not None:
                out.hostname = m["name"]
            elif dialect.bgp is not None and (m := dialect.bgp.head.match(line)) is not None:
                _bgp(dialect.bgp, node, m["local_as"], out)
            elif dialect.ospf is not None and (m := dialect.ospf.head.match(line)) is not None:
                _ospf(dialect.ospf, node, m["process"], m.groupdict().get("vrf"), out)
            else:
                for rx in dialect.static:
                    if (m := rx.match(line)) is not None:
                        out.routes.append(static_route(dialect, m.groupdict().get("vrf"), m["target"]))
                        break
        except ValueError as exc:
            out.bad.append(BadLine(line, str(exc)[:200]))
    out.interfaces = list(interfaces.values())
    return out


def _interface(d: Dialect, node: Node, name: str, seen: dict[str, ConfigInterface], out: ConfigRead) -> None:
    iface = seen.get(name)
    if iface is None:
        iface = seen[name] = ConfigInterface(name)
    ospf: list[tuple[str, str]] = []
    for child in node.children:
        t = child.text
        hit = d.interface.match(t)
        if hit is None:
            continue
        key, m = hit
        try:
            if key == "description":
                iface.description = m["text"].strip().strip('"')
            elif key == "ipv4":
                address = f"{ipv4(m['address'])}/{prefix_length(m['mask'])}"
                _add(iface, address, bool(m.groupdict().get("secondary")))
            elif key == "ipv6":
                flag = (m.groupdict().get("flag") or "").lower()
                ip6 = ipaddress.IPv6Interface(f"{m['address']}/{m['length']}")
                if flag not in _IPV6_SKIPPED and not ip6.ip.is_link_local:
                    _add(iface, ip6.with_prefixlen, flag in _IPV6_SECONDARY)
            elif key == "vrf":
                iface.vrf = m["vrf"]
            elif key == "shutdown":
                iface.shutdown = True
            elif key == "enable":
                iface.shutdown = False
            elif key == "ospf":
                ospf.append((m["process"], area_id(m["area"])))
        except ValueError as exc:
            out.bad.append(BadLine(t, str(exc)[:200]))
    # after the block: the VRF line may follow the OSPF line
    out.routes += [RouteFact("ospf", vrf=iface.vrf, interface=name, area=area, process=process)
                   for process, area in ospf]


# Every IPv4 address of a config goes through these two: ipaddress objects cost more than the rest of the
# read (about 20 us an address), and a config's addresses only need checking and a prefix length.
_MASKS = {".".join(str((((0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF) >> s) & 255) for s in (24, 16, 8, 0)): n
          for n in range(33)}
_WILDCARDS = {".".join(str(255 - int(o)) for o in mask.split(".")): n for mask, n in _MASKS.items()}


def ipv4(text: str) -> str:
    """A dotted IPv4 address, checked (ValueError names it), in its canonical form."""
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts):
        raise ValueError(f"{text!r} is not an IPv4 address")
    return ".".join(str(int(p)) for p in parts)


def prefix_length(mask: str) -> int:
    """`255.255.255.252` or `30` (Huawei and H3C accept both) -> 30."""
    if mask.isdigit() and int(mask) <= 32:
        return int(mask)
    if mask not in _MASKS:
        raise ValueError(f"{mask!r} is not a netmask")
    return _MASKS[mask]


def _add(iface: ConfigInterface, address: str, secondary: bool) -> None:
    if all(a != address for a, _ in iface.addresses):
        iface.addresses.append((address, secondary))


def area_id(area: str) -> str:
    """An OSPF area in dotted form: Cisco's `area 0` and Huawei's `area 0.0.0.0` are one area."""
    return str(ipaddress.IPv4Address(int(area) if area.isdigit() else area))


def static_route(d: Dialect, vrf: str | None, target: str) -> RouteFact:
    """`<prefix>[/len] [mask|len] [interface] [next hop] [options]`, in any vendor's order of hop words."""
    words = target.split()
    if "/" in words[0]:
        net, i = ipaddress.ip_network(words[0], strict=False), 1
    elif len(words) > 1:
        net, i = ipaddress.ip_network(f"{words[0]}/{words[1]}", strict=False), 2
    else:
        raise ValueError(f"static route without a mask: {target!r}")
    hop: str | None = None
    iface: str | None = None
    while i < len(words):
        w = words[i]
        if w in d.static_options or w.isdigit():  # an option, or IOS's bare administrative distance
            break
        try:
            hop = hop or str(ipaddress.ip_address(w))
            i += 1
            continue
        except ValueError:
            pass
        if not any(c.isdigit() for c in w):
            # a word without a number is a keyword, unless the dialect's names carry a space
            if d.spaced_names and i + 1 < len(words) and words[i + 1][:1].isdigit() and iface is None:
                iface, i = f"{w} {words[i + 1]}", i + 2
                continue
            break
        iface = iface or w
        i += 1
    return RouteFact("static", vrf=vrf, prefix=str(net), next_hop=hop, interface=iface)


def _bgp(sec: Section, node: Node, local_as: str, out: ConfigRead) -> None:
    """Peers with their remote AS, per VRF; a peer whose AS is its group's takes the group's."""
    peer_rx, member_rx, vrf_rx = sec.get("peer"), sec.get("member"), sec.get("vrf")
    remote: dict[tuple[str | None, str], str] = {}  # (vrf, peer or group) -> AS, first seen first
    member: dict[tuple[str | None, str], str] = {}  # (vrf, peer) -> group
    order: dict[tuple[str | None, str], None] = {}

    def walk(parent: Node, vrf: str | None) -> None:
        for c in parent.children:
            t = c.text
            if vrf_rx is not None and (m := vrf_rx.match(t)) is not None:
                walk(c, m["vrf"])
                continue
            if peer_rx is not None and (m := peer_rx.match(t)) is not None:
                remote.setdefault((vrf, m["peer"]), m["remote_as"])
                order[(vrf, m["peer"])] = None
            elif member_rx is not None and (m := member_rx.match(t)) is not None:
                member[(vrf, m["peer"])] = m["group"]
                order[(vrf, m["peer"])] = None
            walk(c, vrf)

    walk(node, None)
    for vrf, peer in order:
        if not _is_address(peer):
            continue  # a peer group's own line: its members carry it
        remote_as = remote.get((vrf, peer)) or remote.get((vrf, member.get((vrf, peer), "")))
        out.routes.append(RouteFact("bgp", vrf=vrf, peer=str(ipaddress.ip_address(peer)), local_as=local_as,
                                      remote_as=remote_as))


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _wildcard_network(address: str, wildcard: str) -> ipaddress.IPv4Network:
    """`network 10.0.1.0 0.0.0.3` is 10.0.1.0/30; ipaddress would read the wildcard 0.0.0.0 as a /0 mask."""
    if wildcard not in _WILDCARDS:
        raise ValueError(f"{wildcard!r} is not a wildcard mask")
    return ipaddress.IPv4Network(f"{ipv4(address)}/{_WILDCARDS[wildcard]}", strict=False)


def _ospf(sec: Section, node: Node, process: str, vrf: str | None, out: ConfigRead) -> None:
    """Networks and interfaces of one OSPF process, per area (an area block, or `area` on the line)."""
    area_rx, net_rx, if_rx = sec.get("area"), sec.get("network"), sec.get("interface")

    def walk(parent: Node, area: str | None) -> None:
        for c in parent.children:
            t = c.text
            try:
                if area_rx is not None and (m := area_rx.match(t)) is not None:
                    walk(c, area_id(m["area"]))
                elif net_rx is not None and (m := net_rx.match(t)) is not None:
                    net = _wildcard_network(m["network"], m["wildcard"])
                    on = m.groupdict().get("area")
                    out.routes.append(RouteFact("ospf", vrf=vrf, prefix=str(net),
                                                  area=area_id(on) if on else area, process=process))
                elif if_rx is not None and (m := if_rx.match(t)) is not None:
                    out.routes.append(RouteFact("ospf", vrf=vrf, interface=m["name"].strip(), area=area,
                                                  process=process))
            except ValueError as exc:
                out.bad.append(BadLine(t, str(exc)[:200]))

    walk(node, None)
