"""Discovery and reconciliation: links seen on the network versus circuits declared in the inventory.

Sources of observed adjacency:
- LLDP: ``Link`` rows with source ``lldp`` (one per interface pair, lower interface id first, the way
  the collector's ingest writes them; ``record_lldp`` writes the same from raw neighbour tuples with
  names normalised: ``GE0/0/1`` = ``GigabitEthernet0/0/1``, ``XGE``/``Te``/``Ten-GigabitEthernet`` alike,
  system names without domain, any case), and the newest collected LLDP screen of each device
  (``CommandOutput``), parsed again with the collectors' templates: that is what says *who* reported
  whom, so one-sided adjacencies can be told apart.
- Subnets: two interfaces on different devices alone in one /29-/31 subnet, or the devices sharing a
  small segment (≤ /27, ≤ 6 members) pairwise (``subnet_pairs``; ``record_subnet_links`` stores them
  as ``Link`` rows with source ``subnet``).
- Declared: active circuits with both interfaces, and ``manual`` links.

The drift report (``drift``): declared-not-seen, seen-not-declared, carrier mismatch (the port
description names another carrier or circuit than the register), bandwidth mismatch (a circuit
faster than its ports, or two ends at different speeds) and one-sided LLDP (A's screen lists B, B's
collected screen does not list A).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from inventory.models import Carrier, Circuit, CommandOutput, Device, Interface, Link, utcnow

DRIFT_KINDS = ("declared-not-seen", "seen-not-declared", "carrier-mismatch", "bandwidth-mismatch", "one-sided-lldp")

_FAMILIES = [
    (("100ge", "hundredgige", "hundredgigabitethernet", "hu"), "100g"),
    (("40ge", "fortygige", "fortygigabitethernet", "fo"), "40g"),
    (("25ge", "twentyfivegige", "twentyfivegigabitethernet"), "25g"),
    (("xge", "xgigabitethernet", "te", "tengige", "tengigabitethernet", "ten-gigabitethernet"), "10g"),
    (("ge", "gi", "gige", "gigabitethernet"), "1g"),
    (("fe", "fa", "fastethernet", "ethernet", "eth"), "100m"),
    (("eth-trunk", "bagg", "bridge-aggregation", "po", "port-channel"), "lag"),
]
_PREFIX = {p: fam for prefixes, fam in _FAMILIES for p in prefixes}


def port_key(name: str) -> str:
    """A vendor-neutral key for an interface name: family + numbers (GE0/0/1 → 1g:0/0/1)."""
    m = re.match(r"^\s*([A-Za-z][A-Za-z\-]*?)\s*(\d[\d/.:]*)\s*$", name)
    if not m:
        return name.strip().lower()
    prefix, numbers = m.group(1).lower(), m.group(2)
    return f"{_PREFIX.get(prefix, prefix)}:{numbers}"


def host_key(name: str) -> str:
    """LLDP system names may carry a domain or differ in case."""
    return name.strip().split(".")[0].lower()


@dataclass
class DriftItem:
    kind: str
    a: str  # "HOST:interface"
    z: str
    circuit: str | None = None
    detail: str = ""


@dataclass
class DriftReport:
    items: list[DriftItem]
    declared: int  # declared adjacencies compared
    seen: int  # observed adjacencies (any source)
    lldp_scope: list[str]  # devices with LLDP evidence (a collected screen or a stored LLDP link)
    unverifiable: list[str] = field(default_factory=list)  # declared circuits no source can confirm

    def by_kind(self) -> dict[str, list[DriftItem]]:
        out: dict[str, list[DriftItem]] = {k: [] for k in DRIFT_KINDS}
        for i in self.items:
            out[i.kind].append(i)
        return out


def resolve_host(devices: dict[str, Any], name: str) -> Any | None:
    """``devices`` keyed by host_key. IOS cuts a neighbour's Device ID at 20 characters, so a unique
    prefix of at least 8 characters also resolves."""
    key = host_key(name)
    found = devices.get(key)
    if found is None and len(key) >= 8:
        matches = [d for k, d in devices.items() if k.startswith(key)]
        found = matches[0] if len(matches) == 1 else None
    return found


# Writing observations ---------------------------------------------------------------------------------

def record_lldp(session: Session, neighbours: Iterable[tuple[str, str, str, str]], *, run_at: Any = None,
                ) -> list[tuple[str, str, str, str]]:
    """Store LLDP neighbours (local host, local port, remote system name, remote port) as ``lldp``
    links, one per interface pair. Returns the tuples that name an unknown device or port (not stored)."""
    now = run_at or utcnow()
    devices = {host_key(d.hostname): d for d in session.exec(select(Device))}
    ports: dict[tuple[int, str], Interface] = {}
    for i in session.exec(select(Interface)):
        ports[(i.device_id, port_key(i.name))] = i
    existing = {(lk.a_interface_id, lk.z_interface_id): lk
                for lk in session.exec(select(Link).where(Link.source == "lldp"))}
    unresolved = []
    for local, lport, remote, rport in neighbours:
        ld, rd = resolve_host(devices, local), resolve_host(devices, remote)
        li = ports.get((ld.id, port_key(lport))) if ld else None
        ri = ports.get((rd.id, port_key(rport))) if rd else None
        if li is None or ri is None:
            unresolved.append((local, lport, remote, rport))
            continue
        a, z = min(li.id, ri.id), max(li.id, ri.id)
        row = existing.get((a, z))
        if row is None:
            row = Link(a_interface_id=a, z_interface_id=z, source="lldp", first_seen=now)
            existing[(a, z)] = row
        row.last_seen = now
        session.add(row)
    session.flush()
    return unresolved


SHARED_SUBNET_MIN_PREFIX = 27  # a /27 or smaller segment shared by a few routers counts as adjacency
SHARED_SUBNET_MAX_MEMBERS = 6


def subnet_pairs(interfaces: Iterable[Interface]) -> list[tuple[Interface, Interface, str]]:
    """Adjacencies implied by addressing: two interfaces of different devices alone in a /29-/31
    (point-to-point), and every pair of devices on a small shared segment (≤ /27, at most six
    members, e.g. a VRRP pair and its uplink router)."""
    groups: dict[str, list[Interface]] = {}
    for i in interfaces:
        if not i.ip_address:
            continue
        try:
            iface = ipaddress.ip_interface(i.ip_address if "/" in i.ip_address
                                           else f"{i.ip_address}/{i.prefix_length or 32}")
        except ValueError:
            continue
        net = iface.network
        if net.version != 4 or net.prefixlen < SHARED_SUBNET_MIN_PREFIX or net.prefixlen == 32:
            continue
        groups.setdefault(str(net), []).append(i)
    out = []
    for net, members in sorted(groups.items()):
        if len({m.device_id for m in members}) < 2:
            continue
        if ipaddress.ip_network(net).prefixlen < 29 and len(members) > SHARED_SUBNET_MAX_MEMBERS:
            continue
        if ipaddress.ip_network(net).prefixlen >= 29 and len(members) != 2:
            continue
        ordered = sorted(members, key=lambda x: x.id or 0)
        for k, a in enumerate(ordered):
            for z in ordered[k + 1:]:
                if a.device_id != z.device_id:
                    out.append((a, z, net))
    return out


def record_subnet_links(session: Session) -> int:
    """Store subnet-derived adjacencies as ``subnet`` links; returns how many are new."""
    existing = {frozenset((lk.a_interface_id, lk.z_interface_id))
                for lk in session.exec(select(Link).where(Link.source == "subnet"))}
    now = utcnow()
    new = 0
    for a, z, _net in subnet_pairs(session.exec(select(Interface))):
        if frozenset((a.id, z.id)) in existing:
            continue
        session.add(Link(a_interface_id=a.id, z_interface_id=z.id, source="subnet", first_seen=now, last_seen=now))
        new += 1
    session.flush()
    return new


# The drift report ------------------------------------------------------------------------------------

_CARRIER_WORDS = {"unicom": ("lt", "联通", "unicom", "cucc"), "telecom": ("dx", "电信", "telecom", "ctcc", "chinanet")}


def carrier_in_description(text: str) -> str | None:
    low = text.lower()
    for code, words in _CARRIER_WORDS.items():
        for w in words:
            if re.search(rf"(^|[^a-z]){re.escape(w)}([^a-z]|$)", low):
                return code
    return None


def lldp_reports(session: Session, devices: dict[int, Device], ifaces: dict[int, Interface],
                 ) -> tuple[set[tuple[int, int]], set[int]]:
    """(reporting interface, neighbour interface) pairs from each device's newest collected LLDP screen,
    and the devices that have one. Screens the templates cannot read are skipped."""
    try:
        from collectors.parse import parse_outputs
    except ImportError:  # pragma: no cover - collectors are part of the project
        return set(), set()
    newest = (select(func.max(CommandOutput.id)).where(CommandOutput.command.contains("lldp"))
              .group_by(CommandOutput.device_id))
    rows = session.exec(select(CommandOutput.device_id, CommandOutput.output)
                        .where(CommandOutput.id.in_(newest))).all()
    if not rows:
        return set(), set()
    hosts = {host_key(d.hostname): d for d in devices.values()}
    ports: dict[tuple[int, str], int] = {(i.device_id, port_key(i.name)): i.id for i in ifaces.values()}
    reports: set[tuple[int, int]] = set()
    reporters: set[int] = set()
    for device_id, text in rows:
        dev = devices.get(device_id)
        if dev is None:
            continue
        try:
            facts = parse_outputs(dev.platform, {"lldp": text})
        except Exception:  # an unreadable screen is no evidence either way
            continue
        reporters.add(device_id)
        for n in facts.neighbors:
            far = resolve_host(hosts, n.neighbor)
            local = ports.get((device_id, port_key(n.local_interface)))
            remote = ports.get((far.id, port_key(n.neighbor_interface))) if far else None
            if local and remote:
                reports.add((local, remote))
    return reports, reporters


def drift(session: Session) -> DriftReport:
    devices = {d.id: d for d in session.exec(select(Device))}
    ifaces = {i.id: i for i in session.exec(select(Interface))}
    carriers = {c.id: c.code for c in session.exec(select(Carrier))}
    circuits = list(session.exec(select(Circuit).where(Circuit.status == "active").order_by(Circuit.cid)))
    links = list(session.exec(select(Link).order_by(Link.id)))

    def label(iid: int) -> str:
        i = ifaces[iid]
        return f"{devices[i.device_id].hostname}:{i.name}"

    reports, reporters = lldp_reports(session, devices, ifaces)
    lldp_rows = {(lk.a_interface_id, lk.z_interface_id) for lk in links if lk.source == "lldp"}
    lldp = {frozenset(p) for p in lldp_rows} | {frozenset(p) for p in reports}
    # Devices with LLDP evidence: a collected screen, or an end of a stored LLDP link.
    lldp_scope_ids = set(reporters) | {ifaces[i].device_id for p in lldp_rows for i in p if i in ifaces}
    subnet = {frozenset((a.id, z.id)) for a, z, _ in subnet_pairs(ifaces.values())}
    subnet |= {frozenset((lk.a_interface_id, lk.z_interface_id)) for lk in links if lk.source == "subnet"}
    declared: dict[frozenset[int], Circuit | None] = {}
    for c in circuits:
        if c.a_interface_id and c.z_interface_id:
            declared[frozenset((c.a_interface_id, c.z_interface_id))] = c
    for lk in links:
        if lk.source == "manual":
            declared.setdefault(frozenset((lk.a_interface_id, lk.z_interface_id)), None)

    items: list[DriftItem] = []
    unverifiable: list[str] = []
    for pair, c in declared.items():
        a, z = sorted(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
        name = c.cid if c else None
        in_scope = ifaces[a].device_id in lldp_scope_ids or ifaces[z].device_id in lldp_scope_ids
        if in_scope:
            if pair not in lldp:
                extra = "; addressing still configured" if pair in subnet else ""
                items.append(DriftItem("declared-not-seen", label(a), label(z), name,
                                       f"no LLDP neighbour on either side{extra}"))
        elif ifaces[a].ip_address and ifaces[z].ip_address:
            if pair not in subnet:
                items.append(DriftItem("declared-not-seen", label(a), label(z), name,
                                       "the two ports share no point-to-point subnet"))
        else:
            unverifiable.append(name or f"{label(a)}–{label(z)}")
    seen_pairs = lldp | subnet
    for pair in sorted(seen_pairs - set(declared), key=lambda p: sorted(p)):
        a, z = sorted(pair)
        how = "+".join(s for s, found in (("lldp", pair in lldp), ("subnet", pair in subnet)) if found)
        items.append(DriftItem("seen-not-declared", label(a), label(z), None, f"seen by {how}, no circuit declared"))
    for a, z in sorted(reports):
        if (z, a) not in reports and ifaces[z].device_id in reporters:
            items.append(DriftItem("one-sided-lldp", label(a), label(z), None,
                                   f"{devices[ifaces[a].device_id].hostname} sees the neighbour, "
                                   f"{devices[ifaces[z].device_id].hostname} does not"))
    for pair, c in declared.items():
        if c is None:
            continue
        a, z = sorted(pair)
        want = carriers.get(c.carrier_id)
        for iid in (a, z):
            desc = ifaces[iid].description or ""
            said = carrier_in_description(desc)
            if want and said and said != want:
                items.append(DriftItem("carrier-mismatch", label(a), label(z), c.cid,
                                       f"{label(iid)} description {desc!r} says {said}, register says {want}"))
            elif not want and said:
                items.append(DriftItem("carrier-mismatch", label(a), label(z), c.cid,
                                       f"{label(iid)} description {desc!r} says {said}, register says own fibre"))
            else:
                named = re.findall(r"\b(?:LT|DX)-[A-Z0-9-]+", desc)
                if named and c.cid not in named and want:
                    items.append(DriftItem("carrier-mismatch", label(a), label(z), c.cid,
                                           f"{label(iid)} description names {named[0]}, register says {c.cid}"))
        speeds = [ifaces[i].speed_mbps for i in (a, z) if ifaces[i].speed_mbps]
        if speeds and c.bandwidth_mbps > min(speeds):
            items.append(DriftItem("bandwidth-mismatch", label(a), label(z), c.cid,
                                   f"circuit {c.bandwidth_mbps} Mbps on a {min(speeds)} Mbps port"))
        elif len(speeds) == 2 and speeds[0] != speeds[1]:
            items.append(DriftItem("bandwidth-mismatch", label(a), label(z), c.cid,
                                   f"port speeds differ: {speeds[0]} vs {speeds[1]} Mbps"))
    order = {k: i for i, k in enumerate(DRIFT_KINDS)}
    items.sort(key=lambda x: (order[x.kind], x.circuit or "", x.a, x.z))
    return DriftReport(items=items, declared=len(declared), seen=len(seen_pairs),
                       lldp_scope=sorted(devices[d].hostname for d in lldp_scope_ids), unverifiable=unverifiable)
