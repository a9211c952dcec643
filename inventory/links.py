"""The one owner of ``Link`` rows, and the one rule for how a link is known; also what a device says
about its own interfaces and addresses, since links are learned from them.

Interfaces and addresses a device reports (``observe_interfaces``, from its config and its running
screens, ``collectors.parse.InterfaceFact``):
- An interface the inventory does not have is created with ``source="observed"`` (vrf, enabled = not
  shutdown, oper_up from the running screens). Reported names match the inventory's exactly, else by
  the normalised key below, so ``GE0/0/1`` never becomes a second ``GigabitEthernet0/0/1``.
- Precedence: a **declared** interface (the inventory document) keeps its declared description, IP
  and enabled flag; observed data only fills what is empty (description, primary IPv4, VRF). An
  **observed** interface follows the device: description, VRF, enabled and oper_up are refreshed on
  each sighting. The VRF always comes from the config when the config was read (a declared row has
  none). Declared rows' ``oper_up`` is left as it is.
- Every reported address (IPv4 and IPv6, primary and secondary) is one ``InterfaceAddress`` row
  (family, prefix, secondary, source ``config`` | ``state``, last_seen). An address the config holds
  is ``config`` (the config is the intent; a running screen showing it too does not demote it); one
  only the running screens show is ``state``. A sighting that carries a source (its config was read,
  or its interface screen) removes that source's addresses the device no longer reports; an address
  still reported by the other source is kept under it. A sighting without the config (its parse
  failed) removes no config address.

A link is an adjacency between two interfaces, stored once per source:
- ``lldp`` / ``cdp``: a device's neighbour screen (brief or detail) names its neighbour. The far end is
  matched by system name (the exact hostname first, else normalised: without domain, any case, a
  unique prefix of at least 8 characters since IOS cuts a Device ID at 20, a Nexus serial in brackets
  dropped), else by the announced management address (``Device.mgmt_address`` or any address of its
  interfaces), else by the chassis id (``Device.chassis_id``, learned from earlier sightings, or an
  interface MAC). The far port is matched exactly, else normalised (``GE0/0/1`` =
  ``GigabitEthernet0/0/1``, ``XGE``/``Te``/``Ten-GigabitEthernet`` alike). When the far device was
  matched by name or address and its neighbour announces a chassis id, that id is stored as the far
  device's ``chassis_id``, so a later sighting under another name still matches.
- ``subnet``: addresses sharing a subnet (see ``subnets``): exactly two members on different devices
  are a point-to-point link at any prefix length; more are a **segment** (a LAN, a hidden switch),
  stored as one row per pair of members on different devices, each with evidence
  ``{"kind": "segment", ...}``, which the topology graph collapses into one segment node.
- ``declared``: an active circuit with both interfaces (written by the import, with its circuit).
- ``manual``: declared by hand in the import document.

Every row is written by ``know``: the pair is stored lower interface id first, one row per (pair,
source); an observed link (lldp, cdp, subnet) refreshes ``last_seen`` at most once per
LAST_SEEN_RESOLUTION and keeps the evidence of its latest sighting in ``Link.evidence``:
- subnet: ``{"kind": "point-to-point"|"segment", "subnet": "10.0.0.0/30", "vrf": null, "family": 4,
  "members": 2, "addresses": ["10.0.0.1", "10.0.0.2"]}`` (addresses a end first);
- lldp/cdp: ``{"protocol": "lldp", "seen_by": {HOST: {"local_port", "remote", "remote_port",
  "matched_by": "name"|"mgmt_address"|"chassis_id", "chassis_id", "mgmt_address"}}}``, one entry per
  reporting device, so the two ends of a link reporting it in one run do not overwrite each other.
A declared or manual row follows its circuit. Collection ingest, the offline import, the document
import and the subnet discovery all call it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .models import Device, Interface, InterfaceAddress, Link
from .models.base import utcnow
from .redact import redact

SOURCES = ("lldp", "cdp", "subnet", "declared", "manual")
OBSERVED = ("lldp", "cdp", "subnet")
NEIGHBOUR_PROTOCOLS = ("lldp", "cdp")

# Both ends of a link report it in the same run; one refresh of last_seen a minute is enough and keeps
# the audit trail (links are audited inventory) to one row per link per run.
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)

# Management networks are never links: every device's out-of-band port sits on one shared management
# LAN, which would otherwise join every device to every other through one "segment". Known by the
# interface (name prefixes, lower case) or the VRF it is bound to, across the vendors we collect:
# Huawei MEth / _management_vpn_, H3C M-GigabitEthernet, Cisco Mgmt-intf / Mgmt-vrf / mgmt0 /
# Management0/0, Ruijie Mgmt 0 / mgmt, ZTE mng1 / mng. Data, one place; no platform branch.
MANAGEMENT_INTERFACE_PREFIXES = ("meth", "m-gigabitethernet", "m-ethernet", "m-ge", "mgmt", "management", "mng")
MANAGEMENT_VRFS = frozenset({"mgmt-intf", "mgmt-vrf", "mgmtvrf", "mgmt_vrf", "mgmt", "management",
                             "_management_vpn_", "mng", "oob"})
# Loopbacks hold a device's own addresses (router id, in-band management); a shared loopback subnet is
# an addressing plan, not a cable.
LOOPBACK_INTERFACE = re.compile(r"^(loopback|inloopback|lo)\s*\d", re.I)

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

Neighbour = tuple[str, str, str, str]  # (local host, local port, remote system name, remote port)


# Names as devices print them ---------------------------------------------------------------------------

def port_key(name: str) -> str:
    """A vendor-neutral key for an interface name: family + numbers (GE0/0/1 → 1g:0/0/1)."""
    m = re.match(r"^\s*([A-Za-z][A-Za-z\-]*?)\s*(\d[\d/.:]*)\s*$", name)
    if not m:
        return name.strip().lower()
    prefix, numbers = m.group(1).lower(), m.group(2)
    return f"{_PREFIX.get(prefix, prefix)}:{numbers}"


def host_key(name: str) -> str:
    """LLDP system names may carry a domain or differ in case; a Nexus CDP Device ID carries its serial
    in brackets (``QHD-DC-SW1(FOX1234ABCD)``)."""
    return re.sub(r"\([^)]*\)\s*$", "", name.strip()).split(".")[0].lower()


def resolve_host(devices: dict[str, Any], name: str) -> Any | None:
    """``devices`` keyed by host_key. IOS cuts a neighbour's Device ID at 20 characters, so a unique
    prefix of at least 8 characters also resolves."""
    key = host_key(name)
    found = devices.get(key)
    if found is None and len(key) >= 8:
        matches = [d for k, d in devices.items() if k.startswith(key)]
        found = matches[0] if len(matches) == 1 else None
    return found


def chassis_key(value: str | None) -> str | None:
    """A chassis id as one spelling: a MAC in any notation (``00e0-fc12-3456``, ``00:e0:fc:12:34:56``,
    ``00e0.fc12.3456``) becomes 12 lower-case hex digits; anything else is kept, trimmed, lower case."""
    if not value or not value.strip():
        return None
    raw = value.strip().lower()
    digits = re.sub(r"[-:.\s]", "", raw)
    if re.fullmatch(r"[0-9a-f]{12}", digits):
        return digits
    return raw[:64]


def is_management(interface: str, vrf: str | None) -> bool:
    """The interface is a management port, or bound to a management VRF."""
    low = interface.strip().lower()
    return low.startswith(MANAGEMENT_INTERFACE_PREFIXES) or (vrf or "").strip().lower() in MANAGEMENT_VRFS


def is_loopback(interface: str) -> bool:
    return bool(LOOPBACK_INTERFACE.match(interface.strip()))


# The one write ---------------------------------------------------------------------------------------

def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _find(session: Session, a: int, z: int, source: str) -> Link | None:
    with session.no_autoflush:
        return session.exec(select(Link).where(Link.a_interface_id == a, Link.z_interface_id == z,
                                               Link.source == source)).first()


def _insert(session: Session, row: Link, *, racing: bool) -> Link | None:
    """Add a new row; when racing, the loser of a concurrent insert gets None and updates the winner's."""
    if not racing:
        session.add(row)
        return row
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        return None


def _merged(old: dict | None, new: dict | None) -> dict | None:
    """The evidence of a new sighting: replaces the old, except that each reporter's neighbour entry
    (``seen_by``) is kept until that reporter reports the link again."""
    if new is None:
        return old
    if old and "seen_by" in new and isinstance(old.get("seen_by"), dict):
        return {**old, **new, "seen_by": {**old["seen_by"], **new["seen_by"]}}
    return new


def know(session: Session, a: int, z: int, source: str, now: dt.datetime | None = None, *,
         circuit_id: int | None = None, rows: dict[tuple[int, int, str], Link] | None = None,
         observed: bool = True, evidence: dict | None = None) -> bool:
    """Store that interfaces a and z are adjacent as ``source`` says; True when the row is new.
    ``observed=False``: a document restating a link (the import) is no new sighting of it.
    ``rows``: the caller's preloaded (a, z, source) → Link for a bulk write in one transaction (the
    import); without it the row is looked up, and a concurrent insert of the same row (both ends of
    a link saved at once by different workers) updates the winner's row instead of failing.
    ``evidence``: what made the link this time (module docstring); written only when it changed, so
    an unchanged link costs no audit row beyond its last_seen."""
    if source not in SOURCES:
        raise ValueError(f"unknown link source {source!r}; expected one of {', '.join(SOURCES)}")
    now = now or utcnow()
    if a > z:
        a, z = z, a
        if evidence is not None and isinstance(evidence.get("addresses"), list):
            evidence = {**evidence, "addresses": list(reversed(evidence["addresses"]))}
    link = rows.get((a, z, source)) if rows is not None else _find(session, a, z, source)
    if link is None:
        new = _insert(session, Link(a_interface_id=a, z_interface_id=z, source=source, first_seen=now,
                                    last_seen=now, circuit_id=circuit_id, evidence=evidence),
                      racing=rows is None)
        if new is not None:
            if rows is not None:
                rows[(a, z, source)] = new
            return True
        link = _find(session, a, z, source)
        assert link is not None  # the winner's row
    changed = False
    stale = link.last_seen is None or _utc(link.last_seen) < now - LAST_SEEN_RESOLUTION
    if observed and source in OBSERVED and stale:
        link.last_seen, changed = now, True
    if circuit_id is not None and link.circuit_id != circuit_id:
        link.circuit_id, changed = circuit_id, True
    merged = _merged(link.evidence, evidence)
    if merged != link.evidence:
        link.evidence, changed = merged, True
    if changed:
        session.add(link)
    return False


# What a device says about its interfaces ------------------------------------------------------------

class _InterfaceLike(Protocol):
    """collectors.parse.InterfaceFact, as far as this module reads it."""

    name: str
    description: str
    ip: str | None
    up: bool | None
    addresses: list[Any]
    vrf: str | None
    shutdown: bool | None
    sources: set[str]


@dataclass
class Observed:
    """What ``observe_interfaces`` leaves for the rest of the device's save."""

    interfaces: dict[str, Interface]  # by the inventory's name and by every reported name
    subnets: list[list[Any]] = field(default_factory=list)  # [network, interface id] per usable address
    created: int = 0


def _address(text: str | None) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface | None:
    """An address with its prefix as a device prints it; None for anything else (``unassigned``, an
    address without a prefix: its subnet cannot be known)."""
    if not text or "/" not in text:
        return None
    try:
        return ipaddress.ip_interface(text.strip())
    except ValueError:
        return None


def _reported(f: _InterfaceLike) -> dict[str, tuple[ipaddress.IPv4Interface | ipaddress.IPv6Interface, bool, str]]:
    """address → (interface address, secondary, source) of one interface fact."""
    source = "config" if "config" in f.sources else "state"
    out: dict[str, tuple[Any, bool, str]] = {}
    for a in f.addresses:
        parsed = _address(a.address)
        if parsed is not None and str(parsed.ip) not in out:
            out[str(parsed.ip)] = (parsed, bool(a.secondary), source)
    shown = _address(f.ip)  # the running screens' primary IPv4, when the config did not say it
    if shown is not None and str(shown.ip) not in out:
        out[str(shown.ip)] = (shown, False, "state")
    return out


def _primary_v4(found: dict[str, tuple[Any, bool, str]]) -> tuple[str, int] | None:
    for parsed, secondary, _source in found.values():
        if parsed.version == 4 and not secondary:
            return str(parsed.ip), parsed.network.prefixlen
    return None


def observe_interfaces(session: Session, device: Device, facts: Iterable[_InterfaceLike],
                       now: dt.datetime | None = None) -> Observed:
    """Store what a device reported about its interfaces and addresses (precedence: module docstring).
    Returns the device's interfaces by name and the subnets of its usable addresses for the run's
    subnet links. A handful of statements and at most one flush per device, whatever the number of
    interfaces (the save path is timed: ingest must not become slower than collecting)."""
    now = now or utcnow()
    facts = [f for f in facts if f.name and len(f.name) <= 64]
    with session.no_autoflush:
        rows = list(session.exec(select(Interface).where(Interface.device_id == device.id)).all())
    by_name = {i.name: i for i in rows}
    by_key = {port_key(i.name): i for i in rows}
    out = Observed(interfaces=dict(by_name))
    pending: list[tuple[Interface, _InterfaceLike, dict[str, tuple[Any, bool, str]]]] = []
    for f in facts:
        found = _reported(f)
        # a description is free text an operator typed, and people paste keys into it: it is stored (and
        # audited, exported, shown to every role) only as redacted
        described = redact(f.description or "", device.platform)[:240]
        iface = by_name.get(f.name) or by_key.get(port_key(f.name))
        if iface is None:
            iface = Interface(device_id=device.id, name=f.name, description=described,
                              source="observed", vrf=f.vrf if "config" in f.sources else None,
                              enabled=not f.shutdown if f.shutdown is not None else True,
                              oper_up=f.up if "state" in f.sources else None)
            primary = _primary_v4(found)
            if primary:
                iface.ip_address, iface.prefix_length = primary
            session.add(iface)
            by_name[f.name], by_key[port_key(f.name)] = iface, iface
            out.created += 1
        else:
            _refresh(session, iface, f, found, described)
        out.interfaces[f.name] = iface
        pending.append((iface, f, found))
    if out.created:
        session.flush()  # ids for the addresses, the counters and the links
    carried = {s for f in facts for s in f.sources} & {"config", "state"}
    _store_addresses(session, [i.id for i in by_name.values() if i.id is not None], pending, carried, now)
    out.interfaces.update({i.name: i for i in by_name.values()})
    seen: set[tuple[str, int]] = set()
    for iface, _f, found in pending:
        for parsed, _secondary, _source in found.values():
            entry = (str(parsed.network), iface.id)
            if entry not in seen and usable(iface.name, iface.vrf, parsed) is None:
                seen.add(entry)
                out.subnets.append(list(entry))
    return out


def _refresh(session: Session, iface: Interface, f: _InterfaceLike, found: dict[str, tuple[Any, bool, str]],
             described: str) -> None:
    changed = False
    if "config" in f.sources and iface.vrf != f.vrf:
        iface.vrf, changed = f.vrf, True
    if iface.source == "observed":
        values: dict[str, Any] = {"description": described or iface.description}
        if f.shutdown is not None:
            values["enabled"] = not f.shutdown
        if "state" in f.sources and f.up is not None:
            values["oper_up"] = f.up
        primary = _primary_v4(found)
        if primary and (iface.ip_address, iface.prefix_length) != primary:
            values["ip_address"], values["prefix_length"] = primary
    else:  # declared: fill only what the document left empty
        values = {}
        if not iface.description and described:
            values["description"] = described
        primary = _primary_v4(found)
        if iface.ip_address is None and primary:
            values["ip_address"], values["prefix_length"] = primary
    for k, v in values.items():
        if getattr(iface, k) != v:
            setattr(iface, k, v)
            changed = True
    if changed:
        session.add(iface)


def _store_addresses(session: Session, iface_ids: list[int],
                     pending: list[tuple[Interface, _InterfaceLike, dict[str, tuple[Any, bool, str]]]],
                     carried: set[str], now: dt.datetime) -> None:
    want: dict[tuple[int, str], tuple[Any, bool, str]] = {}
    for iface, _f, found in pending:
        for addr, value in found.items():
            key = (iface.id, addr)
            old = want.get(key)
            # one address reported twice (a config and a screen fact of one interface): config wins
            if old is None or (old[2] == "state" and value[2] == "config"):
                want[key] = value
    with session.no_autoflush:
        existing = list(session.exec(select(InterfaceAddress).where(
            InterfaceAddress.interface_id.in_(iface_ids))).all()) if iface_ids else []  # type: ignore[attr-defined]
    unchanged: list[int] = []
    for row in existing:
        value = want.pop((row.interface_id, row.address), None)
        if value is None:
            if row.source in carried:
                session.delete(row)
            continue
        parsed, secondary, source = value
        if row.source == "config" and source == "state" and "config" not in carried:
            source = "config"  # the config was not read this time: a screen showing it does not demote it
        fresh = (parsed.network.prefixlen, parsed.version, secondary, source)
        if (row.prefix_length, row.family, row.secondary, row.source) == fresh:
            unchanged.append(row.id)  # the common case: one statement for all of them below
            continue
        row.prefix_length, row.family, row.secondary, row.source = fresh
        row.last_seen = now
        session.add(row)
    if unchanged:
        session.execute(update(InterfaceAddress).where(InterfaceAddress.id.in_(unchanged))  # type: ignore[union-attr]
                        .values(last_seen=now).execution_options(synchronize_session=False))
    for (iface_id, addr), (parsed, secondary, source) in want.items():
        session.add(InterfaceAddress(interface_id=iface_id, address=addr, prefix_length=parsed.network.prefixlen,
                                     family=parsed.version, secondary=secondary, source=source, last_seen=now))


# Subnets ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    """One interface's address in a subnet."""

    interface_id: int
    device_id: int
    interface: str
    vrf: str | None
    address: str  # without prefix


@dataclass
class Subnet:
    network: str
    vrfs: tuple[str | None, ...]  # one VRF, or the VRFs of a link whose ends sit in different ones
    members: list[Member]  # interface id order

    @property
    def kind(self) -> str:
        return "point-to-point" if len(self.members) == 2 else "segment"

    @property
    def key(self) -> str:
        """How the topology names the segment: ``10.0.0.0/24``, or ``VRF:10.0.0.0/24`` in a VRF."""
        vrf = self.vrfs[0] if len(self.vrfs) == 1 else None
        return f"{vrf}:{self.network}" if vrf else self.network


def usable(interface: str, vrf: str | None, addr: ipaddress.IPv4Interface | ipaddress.IPv6Interface) -> str | None:
    """Why an address says nothing about adjacency (None: it does)."""
    net = addr.network
    if is_loopback(interface):
        return "loopback interface"
    if is_management(interface, vrf):
        return "management interface or VRF"
    if net.prefixlen == net.max_prefixlen:
        return "host prefix"
    if addr.ip.is_link_local or addr.ip.is_loopback or addr.ip.is_multicast or addr.ip.is_unspecified:
        return "link-local, loopback or multicast address"
    return None


def subnets(members: Iterable[tuple[Member, int]], mgmt: dict[int, str] | None = None) -> list[Subnet]:
    """The shared subnets of (member, prefix length) pairs, VRF-aware:
    - grouped by (VRF, network); members with an unusable address (``usable``) are left out;
    - a (VRF, network) with exactly two members on different devices is a point-to-point link, with more
      members on at least two devices a segment; two members on one device are no link;
    - the same network alone on one interface in each of exactly two VRFs (a PE's VRF interface facing
      a CE's global one: VRF names are local to a device) is a point-to-point link too; alone in three
      or more VRFs it is ambiguous and no link;
    - a shared network (more than two members) holding a device's inventory management address
      (``mgmt``: device id → address) is that device's management LAN, not a segment; a
      point-to-point subnet with in-band management on it stays a link."""
    groups: dict[tuple[str | None, str], list[Member]] = {}
    for m, prefix in members:
        try:
            parsed = ipaddress.ip_interface(f"{m.address}/{prefix}")
        except ValueError:
            continue
        if usable(m.interface, m.vrf, parsed) is not None:
            continue
        group = groups.setdefault((m.vrf, str(parsed.network)), [])
        if all(x.interface_id != m.interface_id for x in group):
            group.append(m)
    found: list[Subnet] = []
    alone: dict[str, list[tuple[str | None, Member]]] = {}
    for (vrf, net), ms in groups.items():
        if len(ms) == 1:
            alone.setdefault(net, []).append((vrf, ms[0]))
        elif len({m.device_id for m in ms}) >= 2:
            found.append(Subnet(net, (vrf,), sorted(ms, key=lambda m: m.interface_id)))
    for net, ends in alone.items():
        if len(ends) == 2 and ends[0][1].device_id != ends[1][1].device_id:
            ends.sort(key=lambda e: e[1].interface_id)
            found.append(Subnet(net, tuple(v for v, _ in ends), [m for _, m in ends]))
    mgmt = mgmt or {}
    found = [s for s in found if s.kind == "point-to-point"
             or not any(mgmt.get(m.device_id) == m.address for m in s.members)]
    return sorted(found, key=lambda s: (ipaddress.ip_network(s.network).version, ipaddress.ip_network(s.network),
                                        [str(v) for v in s.vrfs]))


def subnet_links(found: Iterable[Subnet]) -> list[tuple[Member, Member, dict[str, Any]]]:
    """(a, z, evidence) for every pair of members on different devices, a lower interface id first."""
    out = []
    for s in found:
        for k, a in enumerate(s.members):
            for z in s.members[k + 1:]:
                if a.device_id == z.device_id:
                    continue
                out.append((a, z, {"kind": s.kind, "subnet": s.network,
                                   "vrf": s.vrfs[0] if len(s.vrfs) == 1 else list(s.vrfs),
                                   "family": ipaddress.ip_network(s.network).version, "members": len(s.members),
                                   "addresses": [a.address, z.address]}))
    return out


def _declared_member(i: Any) -> tuple[Member, int] | None:
    """A declared ``Interface.ip_address`` (``10.0.0.1/30`` or address + prefix_length) as a member."""
    if not i.ip_address:
        return None
    text = i.ip_address if "/" in i.ip_address else f"{i.ip_address}/{i.prefix_length or 32}"
    try:
        parsed = ipaddress.ip_interface(text)
    except ValueError:
        return None
    return Member(i.id, i.device_id, i.name, i.vrf, str(parsed.ip)), parsed.network.prefixlen


def subnet_pairs(interfaces: Iterable[Interface]) -> list[tuple[Interface, Interface, str]]:
    """Adjacencies implied by the declared addressing of interface rows (the subnet rule above),
    pairwise, as (a, z, network)."""
    rows = {i.id: i for i in interfaces}
    members = [m for m in (_declared_member(i) for i in rows.values()) if m is not None]
    return [(rows[a.interface_id], rows[z.interface_id], ev["subnet"]) for a, z, ev in subnet_links(subnets(members))]


def addressing(session: Session, networks: set[str] | None = None) -> tuple[list[tuple[Member, int]], dict[int, str]]:
    """Every address the inventory knows, as subnet members, and each device's management address.
    An interface a device reported addresses for is what the device says (``InterfaceAddress``); its
    declared ``ip_address`` counts only while nothing was observed (a renumbered port would otherwise
    keep a link to its old subnet). ``networks``: only members of these networks (the ones a run saw)."""
    with session.no_autoflush:
        ifaces = {r.id: r for r in session.exec(select(Interface.id, Interface.device_id, Interface.name,
                                                           Interface.vrf, Interface.ip_address,
                                                           Interface.prefix_length)).all()}
        observed = session.exec(select(InterfaceAddress.interface_id, InterfaceAddress.address,
                                       InterfaceAddress.prefix_length)).all()
        mgmt = {i: a for i, a in session.exec(select(Device.id, Device.mgmt_address)).all()}
    members: list[tuple[Member, int]] = []
    seen: set[int] = set()
    for iface_id, address, prefix in observed:
        i = ifaces.get(iface_id)
        if i is None:
            continue
        seen.add(iface_id)
        members.append((Member(i.id, i.device_id, i.name, i.vrf, address), prefix))
    for i in ifaces.values():
        if i.id not in seen:
            m = _declared_member(i)
            if m is not None:
                members.append(m)
    if networks is not None:
        members = [(m, p) for m, p in members if _network(m.address, p) in networks]
    return members, mgmt


def _network(address: str, prefix: int) -> str | None:
    try:
        return str(ipaddress.ip_interface(f"{address}/{prefix}").network)
    except ValueError:
        return None


def record_subnets(session: Session, networks: set[str] | None = None, now: dt.datetime | None = None) -> int:
    """Store the subnet links of the inventory's addressing as ``subnet`` links, with their evidence;
    ``networks``: only those subnets (a run's: the ones its devices reported). Returns how many are new."""
    now = now or utcnow()
    if networks is not None and not networks:
        return 0
    members, mgmt = addressing(session, networks)
    # A dual-stack link shares an IPv4 and an IPv6 subnet: one row, whose evidence is the first subnet
    # (IPv4 first) and names the others, so it does not flip between them from run to run.
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for a, z, ev in subnet_links(subnets(members, mgmt)):
        known = pairs.get((a.interface_id, z.interface_id))
        if known is None:
            pairs[(a.interface_id, z.interface_id)] = ev
        else:
            known["also"] = [*known.get("also", []), ev["subnet"]]
    new = sum(know(session, a, z, "subnet", now, evidence=ev) for (a, z), ev in pairs.items())
    session.flush()
    return new


def record_subnet_links(session: Session, now: dt.datetime | None = None) -> int:
    """Every subnet link of the inventory (``extranet analyze drift --record-subnets``)."""
    return record_subnets(session, None, now)


# Neighbours (LLDP, CDP) ------------------------------------------------------------------------------

class _NeighbourLike(Protocol):
    """collectors.parse.NeighborFact, as far as this module reads it."""

    local_interface: str
    neighbor: str
    neighbor_interface: str
    protocol: str
    chassis_id: str | None
    mgmt_address: str | None


@dataclass
class _Sighting:
    local: str
    local_port: str
    remote: str
    remote_port: str
    protocol: str = "lldp"
    chassis_id: str | None = None
    mgmt_address: str | None = None


def _exact_ports(session: Session, hosts: set[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(hostname, interface name) → (interface id, device id) for the named devices, in one query."""
    if not hosts:
        return {}
    rows = session.exec(select(Device.hostname, Interface.name, Interface.id, Interface.device_id)
                        .join(Interface, Interface.device_id == Device.id)
                        .where(Device.hostname.in_(hosts))).all()
    return {(h, name): (iid, did) for h, name, iid, did in rows}


class _Directory:
    """The lookups behind a miss of the exact names, each loaded on first need (few sightings miss)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._hosts: dict[str, tuple[int, str]] | None = None
        self._addresses: dict[str, int] | None = None
        self._chassis: dict[str, int] | None = None
        self.ports: dict[int, dict[str, int]] = {}

    @property
    def hosts(self) -> dict[str, tuple[int, str]]:
        if self._hosts is None:
            self._hosts = {host_key(h): (i, h) for i, h in self.session.exec(select(Device.id, Device.hostname)).all()}
        return self._hosts

    def by_address(self, address: str | None) -> int | None:
        if not address:
            return None
        if self._addresses is None:
            s, found = self.session, {}
            for did, ip in s.exec(select(Interface.device_id, Interface.ip_address)
                                  .where(Interface.ip_address != None)).all():  # noqa: E711
                found.setdefault(str(ip).split("/")[0], did)
            for did, ip in s.exec(select(Interface.device_id, InterfaceAddress.address)
                                  .join(Interface, Interface.id == InterfaceAddress.interface_id)).all():
                found.setdefault(ip, did)
            for did, ip in s.exec(select(Device.id, Device.mgmt_address)).all():
                found[ip] = did  # the inventory's own management address outranks an interface's
            self._addresses = found
        return self._addresses.get(address.strip())

    def by_chassis(self, chassis: str | None) -> int | None:
        key = chassis_key(chassis)
        if key is None:
            return None
        if self._chassis is None:
            found: dict[str, int] = {}
            for did, mac in self.session.exec(select(Interface.device_id, Interface.mac)
                                              .where(Interface.mac != None)).all():  # noqa: E711
                k = chassis_key(mac)
                if k:
                    found.setdefault(k, did)
            for did, cid in self.session.exec(select(Device.id, Device.chassis_id)
                                              .where(Device.chassis_id != None)).all():  # noqa: E711
                k = chassis_key(cid)
                if k:
                    found[k] = did
            self._chassis = found
        return self._chassis.get(key)

    def device(self, n: _Sighting) -> tuple[int, str] | None:
        """The far device of a sighting and how it was matched."""
        found = resolve_host(self.hosts, n.remote) if n.remote else None
        if found is not None:
            return found[0], "name"
        did = self.by_address(n.mgmt_address)
        if did is not None:
            return did, "mgmt_address"
        did = self.by_chassis(n.chassis_id)
        if did is not None:
            return did, "chassis_id"
        return None

    def host_id(self, host: str) -> int | None:
        found = resolve_host(self.hosts, host)
        return found[0] if found else None

    def port(self, device_id: int, port: str) -> int | None:
        if device_id not in self.ports:
            self.ports[device_id] = {port_key(n): i for i, n in self.session.exec(
                select(Interface.id, Interface.name).where(Interface.device_id == device_id)).all()}
        return self.ports[device_id].get(port_key(port))


@dataclass
class Resolved:
    a: int  # the reporting interface
    z: int  # the far interface
    far_device: int
    matched_by: str  # name | mgmt_address | chassis_id


def resolve_sightings(session: Session, sightings: list[_Sighting]) -> list[Resolved | None]:
    """Each sighting's two interfaces, in input order; None where the far device or a port is unknown."""
    with session.no_autoflush:
        exact = _exact_ports(session, {n.local for n in sightings} | {n.remote for n in sightings if n.remote})
        directory = _Directory(session)
        out: list[Resolved | None] = []
        for n in sightings:
            local = exact.get((n.local, n.local_port))
            li = local[0] if local else None
            if li is None:
                did = directory.host_id(n.local)
                li = directory.port(did, n.local_port) if did is not None else None
            remote = exact.get((n.remote, n.remote_port)) if n.remote else None
            far = (remote[1], "name") if remote else directory.device(n)
            ri = remote[0] if remote else (directory.port(far[0], n.remote_port)
                                           if far is not None and n.remote_port else None)
            out.append(Resolved(li, ri, far[0], far[1]) if li is not None and ri is not None and far else None)
    return out


def resolve_neighbours(session: Session, neighbours: Iterable[Neighbour],
                       ) -> tuple[list[tuple[int, int]], list[Neighbour]]:
    """LLDP neighbour tuples (names only) → (interface pairs, the tuples naming an unknown device or port)."""
    neighbours = list(neighbours)
    resolved = resolve_sightings(session, [_Sighting(*n) for n in neighbours])
    return ([(r.a, r.z) for r in resolved if r is not None],
            [n for n, r in zip(neighbours, resolved, strict=True) if r is None])


def _store_sightings(session: Session, sightings: list[_Sighting], now: dt.datetime) -> list[bool]:
    """Store the resolved sightings; whether each one was (input order)."""
    resolved = resolve_sightings(session, sightings)
    learn: dict[int, str] = {}
    for n, r in zip(sightings, resolved, strict=True):
        if r is None:
            continue
        chassis = chassis_key(n.chassis_id)
        if r.matched_by != "chassis_id" and chassis:
            learn[r.far_device] = chassis
        entry = {"local_port": n.local_port, "remote": n.remote, "remote_port": n.remote_port,
                 "matched_by": r.matched_by, "chassis_id": n.chassis_id, "mgmt_address": n.mgmt_address}
        know(session, r.a, r.z, n.protocol, now, evidence={"protocol": n.protocol, "seen_by": {n.local: entry}})
    for did, cid in learn.items():
        dev = session.get(Device, did)
        if dev is not None and dev.chassis_id != cid:
            dev.chassis_id = cid
            session.add(dev)
    return [r is not None for r in resolved]


def record_neighbours(session: Session, device: Device, neighbours: Iterable[_NeighbourLike], *,
                      now: dt.datetime | None = None) -> list[_NeighbourLike]:
    """Store a device's LLDP/CDP neighbours (``collectors.parse.NeighborFact``) as ``lldp``/``cdp`` links
    with their evidence. Returns the neighbours whose far device or port is unknown (not stored)."""
    now = now or utcnow()
    facts = [n for n in neighbours if n.local_interface and (n.neighbor or n.chassis_id or n.mgmt_address)]
    for n in facts:
        if n.protocol not in NEIGHBOUR_PROTOCOLS:
            raise ValueError(f"{device.hostname}: neighbour protocol {n.protocol!r}; expected lldp or cdp")
    sightings = [_Sighting(device.hostname, n.local_interface, n.neighbor or "", n.neighbor_interface or "",
                           n.protocol, n.chassis_id, n.mgmt_address) for n in facts]
    stored = _store_sightings(session, sightings, now)
    return [n for n, ok in zip(facts, stored, strict=True) if not ok]


def record_lldp(session: Session, neighbours: Iterable[Neighbour], *, now: dt.datetime | None = None,
                ) -> list[Neighbour]:
    """Store LLDP neighbours given by name (local host, local port, remote system name, remote port) as
    ``lldp`` links, one per interface pair. Returns the tuples that name an unknown device or port."""
    now = now or utcnow()
    neighbours = list(neighbours)
    stored = _store_sightings(session, [_Sighting(*n) for n in neighbours], now)
    return [n for n, ok in zip(neighbours, stored, strict=True) if not ok]
