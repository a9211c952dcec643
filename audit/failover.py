"""Is a backup circuit armed? Read from the stored configs of the unit's routers: does the config make the
backup take over when the primary fails?

A backup carries the unit's traffic only if the router at its end has a route out of it (a static route
via its next hop, or a dynamic protocol running over it), and only when the primary's route goes away:

- **one router holds both circuits**: the backup's static route must float (a worse preference than the
  primary's route to the same prefix), and the primary's route must be withdrawn when the carrier fails
  behind a link that stays up, which is what a track option (NQA, BFD, IP SLA through a track object)
  does. A floating route behind an untracked primary is *partial*: it takes over when the primary's
  port goes down, not when the carrier's network does.
- **two routers** (primary on one, backup on the other): the unit's LAN gateway must move, a VRRP/HSRP
  group on the primary's router that tracks its uplink (or a dynamic protocol on both).

What each dialect writes is data (`config.failover` in collectors/platforms/NAME.yaml); this module is the
same for every platform. A platform without that block is not read (`platform_unsupported`), never guessed.
Findings cite the config's lines masked (audit.config.Line.masked): routes and tracks carry no secrets, but
a line is never quoted unmasked. The finding's shape and codes are topology/arming.py: money/verdicts.py reads
them too."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from collectors.config import ConfigUnreadable, Failover, load_dialect, read_config, static_route
from collectors.platforms import UnknownPlatform
from topology.arming import ARMED, NO_CONFIG, NOT_ARMED, PARTIAL, Armed

from .config import Config, Line
from .config import parse as parse_lines
from .platforms import find as find_platform


@dataclass(frozen=True)
class End:
    """One end of a circuit at the unit: its router, the interface, and the inventory's address for it."""

    host: str
    interface: str
    address: str | None = None  # "a.b.c.d/len"


@dataclass(frozen=True)
class StoredConfig:
    config_id: int
    collected_at: dt.datetime | None
    platform: str
    text: str


@dataclass(frozen=True)
class Route:
    prefix: str
    next_hop: str | None
    interface: str | None
    preference: int
    tracks: tuple[tuple[str, str], ...]  # (mechanism, object name or "")
    line: Line


@dataclass
class _Read:
    """One config read for arming: its lines, interfaces (name → addresses, shut), routes, dynamic facts."""

    stored: StoredConfig
    lines: Config
    failover: Failover
    addresses: dict[str, list[str]]
    shut: set[str]
    routes: list[Route]
    objects: dict[str, dict[str, Line]]  # mechanism → object name → defining line
    vias: dict[tuple[str, str], str]  # (mechanism, object) → what a generic track object watches
    ospf_interfaces: set[str]
    ospf_networks: list[ipaddress.IPv4Network]
    bgp_peers: list[str]


def armed(backup: End, primaries: Sequence[End], configs: Mapping[str, StoredConfig]) -> Armed:
    """The finding for one backup circuit. `configs`: the newest stored config per router hostname."""
    stored = configs.get(backup.host)
    if stored is None:
        return Armed(NO_CONFIG, backup.host, None, None, missing=("no_config",))
    head = (backup.host, stored.config_id, stored.collected_at)
    read = _read(stored)
    if isinstance(read, str):
        return Armed(NO_CONFIG, *head, missing=(read,))
    if _norm(backup.interface) in read.shut:
        line = _interface_line(read, backup.interface)
        return Armed(NOT_ARMED, *head, lines=_cite(backup.host, [line] if line else []), missing=("backup_shutdown",))
    net_b = _network(read, backup)
    b_routes = [r for r in read.routes if _via(r, backup.interface, net_b)]
    dyn_b = _dynamic(read, backup.interface, net_b)
    if not b_routes and not dyn_b:
        return Armed(NOT_ARMED, *head, missing=("backup_route",))
    here = [p for p in primaries if p.host == backup.host]
    if here:
        return _same_router(head, read, b_routes, dyn_b, here)
    return _two_routers(head, read, b_routes, dyn_b, primaries, configs)


def _same_router(head: tuple, read: _Read, b_routes: list[Route], dyn_b: list[Line],
                 primaries: list[End]) -> Armed:
    host = head[0]
    p_routes = [r for p in primaries for r in read.routes if _via(r, p.interface, _network(read, p))]
    dyn_p = [ln for p in primaries for ln in _dynamic(read, p.interface, _network(read, p))]
    mechanisms: list[str] = []
    missing: list[str] = []
    cited: list[Line] = []
    if dyn_b and dyn_p:  # both carriers in one routing protocol: the protocol moves the traffic
        mechanisms.append("dynamic")
        cited += dyn_b[:1] + dyn_p[:1]
    for b in b_routes:
        rivals = [p for p in p_routes if p.prefix == b.prefix]
        cited.append(b.line)
        if not rivals:  # the primary's route is learned, or the primary carries other prefixes
            mechanisms.append("floating_static")
            continue
        for p in rivals:
            cited.append(p.line)
            if b.preference < p.preference:
                missing.append("backup_preferred")
            elif b.preference == p.preference:
                mechanisms.append("load_share")
            else:
                mechanisms.append("floating_static")
            if b.preference >= p.preference:
                kinds, lines, undefined = _tracking(read, p)
                cited += lines
                mechanisms += kinds
                if undefined:
                    missing.append("track_undefined")
                elif not kinds and b.preference > p.preference:
                    missing.append("primary_untracked")
    state = PARTIAL if missing else ARMED
    return Armed(state, *head, mechanisms=_uniq(mechanisms), lines=_cite(host, cited), missing=_uniq(missing))


def _two_routers(head: tuple, read: _Read, b_routes: list[Route], dyn_b: list[Line], primaries: Sequence[End],
                 configs: Mapping[str, StoredConfig]) -> Armed:
    host = head[0]
    mechanisms = ["floating_static" if b_routes else "dynamic"]
    cited: list[tuple[str, Line]] = [(host, ln) for ln in ([r.line for r in b_routes] or dyn_b[:1])]
    for p in primaries:
        other = configs.get(p.host)
        pread = _read(other) if other is not None else "primary_config"
        if isinstance(pread, str):
            return Armed(PARTIAL, *head, mechanisms=tuple(mechanisms), lines=_cite_many(cited),
                         missing=("primary_config",))
        if dyn_b and _dynamic(pread, p.interface, _network(pread, p)):
            mechanisms.append("dynamic")
            continue
        gateways, tracked = _gateways(pread)
        if tracked:
            mechanisms.append("vrrp_track")
            cited += [(p.host, ln) for ln in tracked[:2]]
        elif gateways:
            cited += [(p.host, ln) for ln in gateways[:1]]
            return Armed(PARTIAL, *head, mechanisms=_uniq(mechanisms), lines=_cite_many(cited),
                         missing=("gateway_untracked",))
        else:
            return Armed(PARTIAL, *head, mechanisms=_uniq(mechanisms), lines=_cite_many(cited),
                         missing=("gateway_handover",))
    return Armed(ARMED, *head, mechanisms=_uniq(mechanisms), lines=_cite_many(cited))


# -- reading ---------------------------------------------------------------------------------------------

def _read(stored: StoredConfig) -> _Read | str:
    try:
        dialect = load_dialect(stored.platform)
    except UnknownPlatform:
        return "platform_unsupported"
    platform = find_platform(stored.platform)
    if dialect.failover is None or platform is None:
        return "platform_unsupported"
    try:
        facts = read_config(dialect, stored.text)
    except ConfigUnreadable:
        return "config_unreadable"
    lines = parse_lines(stored.text, platform)
    fo = dialect.failover
    addresses = {_norm(i.name): [a for a, _sec in i.addresses if "." in a] for i in facts.interfaces}
    shut = {_norm(i.name) for i in facts.interfaces if i.shutdown}
    routes: list[Route] = []
    for ln in lines.lines:
        if ln.parent is not None:  # routes are global commands, never inside a view
            continue
        for rx in dialect.static:
            m = rx.match(ln.s)
            if m is None:
                continue
            try:
                fact = static_route(dialect, m.groupdict().get("vrf"), m["target"])
            except ValueError:
                break  # a line the reader cannot read costs this route only
            pm = fo.preference.search(ln.s)
            tracks = tuple((name, (tm.group(name) or "").strip()) for trx in fo.track if (tm := trx.search(ln.s))
                           for name in trx.groupindex)
            routes.append(Route(fact.prefix or "", fact.next_hop, fact.interface,
                                int(pm["value"]) if pm else fo.default_preference, tracks, ln))
            break
    objects: dict[str, dict[str, Line]] = {}
    vias: dict[tuple[str, str], str] = {}
    for ln in lines.lines:
        for orx in fo.objects:
            m = orx.match(ln.s)
            if m is None:
                continue
            for name, value in m.groupdict().items():
                if name != "via" and value:
                    objects.setdefault(name, {}).setdefault(value, ln)
                    if m.groupdict().get("via"):
                        vias[(name, value)] = m["via"].replace(" ", "_")
    ospf = [r for r in facts.routes if r.kind == "ospf"]
    return _Read(stored, lines, fo, addresses, shut, routes, objects, vias,
                 {_norm(r.interface) for r in ospf if r.interface},
                 [n for r in ospf if r.prefix and (n := _v4net(r.prefix)) is not None],
                 [r.peer for r in facts.routes if r.kind == "bgp" and r.peer])


def _tracking(read: _Read, route: Route) -> tuple[list[str], list[Line], bool]:
    """(mechanisms, the lines defining them, whether a referenced object is undefined)."""
    kinds: list[str] = []
    lines: list[Line] = []
    undefined = False
    for mech, name in route.tracks:
        if not name:  # an option that needs no object (VRP `bfd enable`)
            kinds.append(mech)
            continue
        line = read.objects.get(mech, {}).get(name)
        if line is None:
            undefined = True
            continue
        kinds.append(read.vias.get((mech, name), mech))
        lines.append(line)
    return kinds, lines, undefined


def _gateways(read: _Read) -> tuple[list[Line], list[Line]]:
    fo = read.failover
    groups, tracked = [], []
    for view in read.lines.views(r"^interface\s"):
        for child in view.children:
            if fo.gateway_track is not None and fo.gateway_track.match(child.s):
                tracked.append(child)
            elif fo.gateway is not None and fo.gateway.match(child.s):
                groups.append(child)
    return groups, tracked


def _network(read: _Read, end: End) -> ipaddress.IPv4Network | None:
    for a in read.addresses.get(_norm(end.interface), []) + ([end.address] if end.address else []):
        with_len = a if "/" in a else None
        if with_len and (n := _v4net(with_len)) is not None:
            return n
    return None


def _via(r: Route, interface: str, net: ipaddress.IPv4Network | None) -> bool:
    if r.interface and _norm(r.interface) == _norm(interface):
        return True
    if r.next_hop and net is not None:
        try:
            return ipaddress.ip_address(r.next_hop) in net
        except ValueError:
            return False
    return False


def _dynamic(read: _Read, interface: str, net: ipaddress.IPv4Network | None) -> list[Line]:
    """The lines that put this interface in a routing protocol (OSPF on it or a network covering it, a BGP
    peer on its subnet)."""
    hit = _norm(interface) in read.ospf_interfaces or (
        net is not None and any(net.subnet_of(n) for n in read.ospf_networks if n.version == net.version)) or (
        net is not None and any(_in(p, net) for p in read.bgp_peers))
    if not hit:
        return []
    heads = read.lines.views(r"^(ospf|router ospf|bgp|router bgp)\b")
    return heads[:1] or [ln for ln in read.lines.lines if ln.s.startswith(("ospf", "bgp"))][:1]


def _interface_line(read: _Read, name: str) -> Line | None:
    for view in read.lines.views(r"^interface\s"):
        if _norm(view.s.split(None, 1)[1]) == _norm(name):
            return next((c for c in view.children if c.s == "shutdown"), view)
    return None


def _v4net(prefix: str) -> ipaddress.IPv4Network | None:
    try:
        n = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return None
    return n if isinstance(n, ipaddress.IPv4Network) else None


def _in(addr: str, net: ipaddress.IPv4Network) -> bool:
    try:
        return ipaddress.ip_address(addr) in net
    except ValueError:
        return False


def _norm(name: str) -> str:
    return name.replace(" ", "").lower()


def _uniq(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _cite(host: str, lines: list[Line]) -> tuple[str, ...]:
    return _cite_many([(host, ln) for ln in lines])


def _cite_many(lines: list[tuple[str, Line]]) -> tuple[str, ...]:
    seen: dict[tuple[str, int], str] = {}
    for host, ln in lines:
        seen.setdefault((host, ln.no), f"{host} {ln.cite()}")
    return tuple(text for _key, text in sorted(seen.items()))  # per router, in the config's order
