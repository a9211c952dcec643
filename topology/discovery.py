"""Drift: links seen on the network versus circuits declared in the inventory (pure over rows).

Sources of observed adjacency (how a link is known is inventory.links' rule):
- LLDP: ``Link`` rows with source ``lldp``, and the newest collected LLDP screen of each device,
  parsed again with the collectors' templates (``lldp_reports``): that is what says *who* reported
  whom, so one-sided adjacencies can be told apart.
- Subnets: ``inventory.links.subnet_pairs`` over the interfaces' addressing, and ``subnet`` links.
- Declared: active circuits with both interfaces, and ``manual`` links.

The drift report (``drift``): declared-not-seen, seen-not-declared, carrier mismatch (the port
description names another carrier or circuit than the register), bandwidth mismatch (a circuit
faster than its ports, or two ends at different speeds) and one-sided LLDP (A's screen lists B, B's
collected screen does not list A). The rows come from the answers layer (answers/drift.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from collectors.parse import parse_outputs
from inventory.links import host_key, port_key, resolve_host, subnet_pairs
from inventory.models import Circuit, Device, Interface, Link

DRIFT_KINDS = ("declared-not-seen", "seen-not-declared", "carrier-mismatch", "bandwidth-mismatch", "one-sided-lldp")


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


@dataclass
class DriftRows:
    """What drift compares, as the inventory holds it."""

    devices: dict[int, Device]
    ifaces: dict[int, Interface]
    carriers: dict[int, str]  # carrier id → code
    circuits: list[Circuit]  # active, by cid
    links: list[Link]  # by id
    screens: list[tuple[int, str]]  # (device id, newest collected LLDP screen)


# The drift report ------------------------------------------------------------------------------------

_CARRIER_WORDS = {"unicom": ("lt", "联通", "unicom", "cucc"), "telecom": ("dx", "电信", "telecom", "ctcc", "chinanet")}


def carrier_in_description(text: str) -> str | None:
    low = text.lower()
    for code, words in _CARRIER_WORDS.items():
        for w in words:
            if re.search(rf"(^|[^a-z]){re.escape(w)}([^a-z]|$)", low):
                return code
    return None


def lldp_reports(screens: Iterable[tuple[int, str]], devices: dict[int, Device], ifaces: dict[int, Interface],
                 ) -> tuple[set[tuple[int, int]], set[int]]:
    """(reporting interface, neighbour interface) pairs from each device's newest collected LLDP screen,
    and the devices that have one. Screens the templates cannot read are skipped."""
    hosts = {host_key(d.hostname): d for d in devices.values()}
    ports: dict[tuple[int, str], int] = {(i.device_id, port_key(i.name)): i.id for i in ifaces.values()}
    reports: set[tuple[int, int]] = set()
    reporters: set[int] = set()
    for device_id, text in screens:
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


@dataclass
class _Evidence:
    """Every adjacency each source knows, as interface-id pairs."""

    reports: set[tuple[int, int]]  # who reported whom on a screen
    reporters: set[int]  # devices with a readable screen
    lldp: set[frozenset[int]]
    lldp_scope: set[int]  # devices with LLDP evidence: a collected screen, or an end of a stored LLDP link
    subnet: set[frozenset[int]]
    declared: dict[frozenset[int], Circuit | None]  # None: a manual link


def _evidence(rows: DriftRows) -> _Evidence:
    ifaces, links = rows.ifaces, rows.links
    reports, reporters = lldp_reports(rows.screens, rows.devices, ifaces)
    # A row joining an interface to itself (stored before inventory/models/rules.py refused them) is no
    # adjacency: leave it out rather than let one bad row break the report for everyone.
    links = [lk for lk in links if lk.a_interface_id != lk.z_interface_id]
    lldp_rows = {(lk.a_interface_id, lk.z_interface_id) for lk in links if lk.source == "lldp"}
    lldp = {frozenset(p) for p in lldp_rows} | {frozenset(p) for p in reports}
    scope = set(reporters) | {ifaces[i].device_id for p in lldp_rows for i in p if i in ifaces}
    subnet = {frozenset((a.id, z.id)) for a, z, _ in subnet_pairs(ifaces.values())}
    subnet |= {frozenset((lk.a_interface_id, lk.z_interface_id)) for lk in links if lk.source == "subnet"}
    declared: dict[frozenset[int], Circuit | None] = {}
    for c in rows.circuits:
        if c.a_interface_id and c.z_interface_id and c.a_interface_id != c.z_interface_id:
            declared[frozenset((c.a_interface_id, c.z_interface_id))] = c
    for lk in links:
        if lk.source == "manual":
            declared.setdefault(frozenset((lk.a_interface_id, lk.z_interface_id)), None)
    return _Evidence(reports, reporters, lldp, scope, subnet, declared)


class _Labels:
    def __init__(self, rows: DriftRows) -> None:
        self.rows = rows

    def __call__(self, iid: int) -> str:
        i = self.rows.ifaces[iid]
        return f"{self.rows.devices[i.device_id].hostname}:{i.name}"


def _not_seen(rows: DriftRows, ev: _Evidence, label: _Labels, unverifiable: list[str]) -> list[DriftItem]:
    ifaces, items = rows.ifaces, []
    for pair, c in ev.declared.items():
        a, z = sorted(pair)
        name = c.cid if c else None
        if ifaces[a].device_id in ev.lldp_scope or ifaces[z].device_id in ev.lldp_scope:
            if pair not in ev.lldp:
                extra = "; addressing still configured" if pair in ev.subnet else ""
                items.append(DriftItem("declared-not-seen", label(a), label(z), name,
                                       f"no LLDP neighbour on either side{extra}"))
        elif ifaces[a].ip_address and ifaces[z].ip_address:
            if pair not in ev.subnet:
                items.append(DriftItem("declared-not-seen", label(a), label(z), name,
                                       "the two ports share no point-to-point subnet"))
        else:
            unverifiable.append(name or f"{label(a)}–{label(z)}")
    return items


def _not_declared(ev: _Evidence, label: _Labels) -> list[DriftItem]:
    items = []
    for pair in sorted((ev.lldp | ev.subnet) - set(ev.declared), key=lambda p: sorted(p)):
        a, z = sorted(pair)
        how = "+".join(s for s, found in (("lldp", pair in ev.lldp), ("subnet", pair in ev.subnet)) if found)
        items.append(DriftItem("seen-not-declared", label(a), label(z), None, f"seen by {how}, no circuit declared"))
    return items


def _one_sided(rows: DriftRows, ev: _Evidence, label: _Labels) -> list[DriftItem]:
    ifaces, devices = rows.ifaces, rows.devices
    return [DriftItem("one-sided-lldp", label(a), label(z), None,
                      f"{devices[ifaces[a].device_id].hostname} sees the neighbour, "
                      f"{devices[ifaces[z].device_id].hostname} does not")
            for a, z in sorted(ev.reports) if (z, a) not in ev.reports and ifaces[z].device_id in ev.reporters]


def _carrier_mismatch(c: Circuit, want: str | None, a: int, z: int, iid: int, desc: str,
                      label: _Labels) -> DriftItem | None:
    said = carrier_in_description(desc)
    if want and said and said != want:
        return DriftItem("carrier-mismatch", label(a), label(z), c.cid,
                         f"{label(iid)} description {desc!r} says {said}, register says {want}")
    if not want and said:
        return DriftItem("carrier-mismatch", label(a), label(z), c.cid,
                         f"{label(iid)} description {desc!r} says {said}, register says own fibre")
    named = re.findall(r"\b(?:LT|DX)-[A-Z0-9-]+", desc)
    if named and c.cid not in named and want:
        return DriftItem("carrier-mismatch", label(a), label(z), c.cid,
                         f"{label(iid)} description names {named[0]}, register says {c.cid}")
    return None


def _mismatches(rows: DriftRows, ev: _Evidence, label: _Labels) -> list[DriftItem]:
    ifaces, items = rows.ifaces, []
    for pair, c in ev.declared.items():
        if c is None:
            continue
        a, z = sorted(pair)
        want = rows.carriers.get(c.carrier_id)
        for iid in (a, z):
            item = _carrier_mismatch(c, want, a, z, iid, ifaces[iid].description or "", label)
            if item is not None:
                items.append(item)
        speeds = [ifaces[i].speed_mbps for i in (a, z) if ifaces[i].speed_mbps]
        if speeds and c.bandwidth_mbps > min(speeds):
            items.append(DriftItem("bandwidth-mismatch", label(a), label(z), c.cid,
                                   f"circuit {c.bandwidth_mbps} Mbps on a {min(speeds)} Mbps port"))
        elif len(speeds) == 2 and speeds[0] != speeds[1]:
            items.append(DriftItem("bandwidth-mismatch", label(a), label(z), c.cid,
                                   f"port speeds differ: {speeds[0]} vs {speeds[1]} Mbps"))
    return items


def drift(rows: DriftRows) -> DriftReport:
    ev = _evidence(rows)
    label = _Labels(rows)
    unverifiable: list[str] = []
    items = (_not_seen(rows, ev, label, unverifiable) + _not_declared(ev, label) + _one_sided(rows, ev, label)
             + _mismatches(rows, ev, label))
    order = {k: i for i, k in enumerate(DRIFT_KINDS)}
    items.sort(key=lambda x: (order[x.kind], x.circuit or "", x.a, x.z))
    return DriftReport(items=items, declared=len(ev.declared), seen=len(ev.lldp | ev.subnet),
                       lldp_scope=sorted(rows.devices[d].hostname for d in ev.lldp_scope), unverifiable=unverifiable)
