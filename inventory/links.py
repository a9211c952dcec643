"""The one owner of ``Link`` rows, and the one rule for how a link is known.

A link is an adjacency between two interfaces, stored once per source:
- ``lldp``: a device's LLDP screen names its neighbour. Names resolve the way devices print them:
  the exact hostname and interface name first, else normalised (``GE0/0/1`` = ``GigabitEthernet0/0/1``,
  ``XGE``/``Te``/``Ten-GigabitEthernet`` alike; system names without domain, any case; a unique
  prefix of at least 8 characters, since IOS cuts a Device ID at 20).
- ``subnet``: two interfaces of different devices alone in a /29-/31, or the devices of a small shared
  segment (≤ /27, at most six members) pairwise (``subnet_pairs``).
- ``declared``: an active circuit with both interfaces (written by the import, with its circuit).
- ``manual``: declared by hand in the import document.

Every row is written by ``know``: the pair is stored lower interface id first, one row per (pair,
source); an observed link (lldp, subnet) refreshes ``last_seen`` at most once per LAST_SEEN_RESOLUTION,
a declared or manual one follows its circuit. Collection ingest, the offline import, the document
import and the subnet discovery all call it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .models import Device, Interface, Link
from .models.base import utcnow

SOURCES = ("lldp", "subnet", "declared", "manual")
OBSERVED = ("lldp", "subnet")

# Both ends of a link report it in the same run; one refresh of last_seen a minute is enough and keeps
# the audit trail (links are audited inventory) to one row per link per run.
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)

SHARED_SUBNET_MIN_PREFIX = 27  # a /27 or smaller segment shared by a few routers counts as adjacency
SHARED_SUBNET_MAX_MEMBERS = 6

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
    """LLDP system names may carry a domain or differ in case."""
    return name.strip().split(".")[0].lower()


def resolve_host(devices: dict[str, Any], name: str) -> Any | None:
    """``devices`` keyed by host_key. IOS cuts a neighbour's Device ID at 20 characters, so a unique
    prefix of at least 8 characters also resolves."""
    key = host_key(name)
    found = devices.get(key)
    if found is None and len(key) >= 8:
        matches = [d for k, d in devices.items() if k.startswith(key)]
        found = matches[0] if len(matches) == 1 else None
    return found


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


def know(session: Session, a: int, z: int, source: str, now: dt.datetime | None = None, *,
         circuit_id: int | None = None, rows: dict[tuple[int, int, str], Link] | None = None,
         observed: bool = True) -> bool:
    """Store that interfaces a and z are adjacent as ``source`` says; True when the row is new.
    ``observed=False``: a document restating a link (the import) is no new sighting of it.
    ``rows``: the caller's preloaded (a, z, source) → Link for a bulk write in one transaction (the
    import); without it the row is looked up, and a concurrent insert of the same row (both ends of
    a link saved at once by different workers) updates the winner's row instead of failing."""
    if source not in SOURCES:
        raise ValueError(f"unknown link source {source!r}; expected one of {', '.join(SOURCES)}")
    now = now or utcnow()
    a, z = min(a, z), max(a, z)
    link = rows.get((a, z, source)) if rows is not None else _find(session, a, z, source)
    if link is None:
        new = _insert(session, Link(a_interface_id=a, z_interface_id=z, source=source, first_seen=now,
                                    last_seen=now, circuit_id=circuit_id), racing=rows is None)
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
    if changed:
        session.add(link)
    return False


# LLDP ------------------------------------------------------------------------------------------------

def _exact_ports(session: Session, hosts: set[str]) -> dict[tuple[str, str], int]:
    """(hostname, interface name) → interface id for the named devices, in one query."""
    if not hosts:
        return {}
    rows = session.exec(select(Device.hostname, Interface.name, Interface.id)
                        .join(Interface, Interface.device_id == Device.id)
                        .where(Device.hostname.in_(hosts))).all()
    return {(h, name): iid for h, name, iid in rows}


class _Normalised:
    """The normalised lookup, loaded only when an exact name misses (few do)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.hosts = {host_key(h): (i, h) for i, h in session.exec(select(Device.id, Device.hostname)).all()}
        self.ports: dict[int, dict[str, int]] = {}

    def port(self, host: str, port: str) -> int | None:
        found = resolve_host(self.hosts, host)
        if found is None:
            return None
        device_id = found[0]
        if device_id not in self.ports:
            self.ports[device_id] = {port_key(n): i for i, n in self.session.exec(
                select(Interface.id, Interface.name).where(Interface.device_id == device_id)).all()}
        return self.ports[device_id].get(port_key(port))


def resolve_neighbours(session: Session, neighbours: Iterable[Neighbour],
                       ) -> tuple[list[tuple[int, int]], list[Neighbour]]:
    """LLDP neighbour tuples → (interface pairs, the tuples naming an unknown device or port)."""
    neighbours = list(neighbours)
    with session.no_autoflush:
        exact = _exact_ports(session, {n[0] for n in neighbours} | {n[2] for n in neighbours})
        loose: _Normalised | None = None
        pairs, unresolved = [], []
        for local, lport, remote, rport in neighbours:
            li, ri = exact.get((local, lport)), exact.get((remote, rport))
            if li is None or ri is None:
                loose = loose or _Normalised(session)
                li = li if li is not None else loose.port(local, lport)
                ri = ri if ri is not None else loose.port(remote, rport)
            if li is None or ri is None:
                unresolved.append((local, lport, remote, rport))
            else:
                pairs.append((li, ri))
    return pairs, unresolved


def record_lldp(session: Session, neighbours: Iterable[Neighbour], *, now: dt.datetime | None = None,
                ) -> list[Neighbour]:
    """Store LLDP neighbours (local host, local port, remote system name, remote port) as ``lldp``
    links, one per interface pair. Returns the tuples that name an unknown device or port (not stored)."""
    now = now or utcnow()
    pairs, unresolved = resolve_neighbours(session, neighbours)
    for a, z in pairs:
        know(session, a, z, "lldp", now)
    return unresolved


# Subnets ---------------------------------------------------------------------------------------------

def pairs_in_segments(segments: dict[str, list[tuple[Any, int]]]) -> list[tuple[Any, Any, str]]:
    """The subnet rule over (member, device id) per network, members in id order: a /29-/31 with
    exactly two members, or a shared segment (≤ /27) of at most six, pairwise between devices."""
    out = []
    for net, members in sorted(segments.items()):
        if len({d for _, d in members}) < 2:
            continue
        prefix = ipaddress.ip_network(net).prefixlen
        if prefix < 29 and len(members) > SHARED_SUBNET_MAX_MEMBERS:
            continue
        if prefix >= 29 and len(members) != 2:
            continue
        for k, (a, da) in enumerate(members):
            for z, dz in members[k + 1:]:
                if da != dz:
                    out.append((a, z, net))
    return out


def subnet_pairs(interfaces: Iterable[Interface]) -> list[tuple[Interface, Interface, str]]:
    """Adjacencies implied by the addressing of interface rows (the subnet rule above)."""
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
    return pairs_in_segments({net: [(m, m.device_id) for m in sorted(members, key=lambda x: x.id or 0)]
                              for net, members in groups.items()})


def record_subnet_links(session: Session, now: dt.datetime | None = None) -> int:
    """Store the inventory's subnet-derived adjacencies as ``subnet`` links; returns how many are new."""
    now = now or utcnow()
    new = sum(know(session, a.id, z.id, "subnet", now) for a, z, _net in subnet_pairs(session.exec(select(Interface))))
    session.flush()
    return new


def record_segments(session: Session, segments: dict[str, list[tuple[int, int]]], now: dt.datetime | None = None,
                    ) -> int:
    """Store the subnet links of collected addressing: network → [(device id, interface id)]."""
    now = now or utcnow()
    members = {net: [(iface, dev) for dev, iface in ends] for net, ends in segments.items()}
    return sum(know(session, a, z, "subnet", now) for a, z, _net in pairs_in_segments(members))
