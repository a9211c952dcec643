"""The topology graph (contract C1): a networkx MultiGraph of devices and circuits built from the
inventory (the one database read of topology/). The answers layer (answers/) caches it per state
of the database and shares it read-only with every analysis.

Nodes: ``device:<HOSTNAME>`` (kind="device"), ``external:<name>`` (kind="external", one per
uplink target such as the provincial extranet) and ``segment:[VRF:]<network>`` (kind="segment": a
shared subnet of three or more interfaces, the LAN switch nobody collected; it fails like a device).
Edges: one per active circuit whose two ends are placed (a device interface, or a device plus an
external network), key = circuit cid; plus one per discovered/manual link that no circuit explains,
key = ``link:<id>`` (with the link's ``evidence``); plus one per segment member,
key = ``segment:<key>~<HOST>:<interface>``. Parallel circuits are kept.

Observed state where collected: edge ``oper_up`` (False when a port was collected down; listed in
``G.graph["down_links"]``) and node ``terminals_measured`` (newest MAC/ARP count). Analyses use the
declared ``terminals``; the measured counts are shown next to them.

Rooms and units are annotations (``G.graph["rooms"]`` / ``G.graph["units"]``), never transit nodes:
a room node joined to all its devices would invent paths that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
from sqlmodel import Session, select

from inventory.models import Carrier, Circuit, Device, Interface, Link, Room, TerminalCount, Unit

from .net import SEGMENT, no_gc

DEVICE = "device:"
EXTERNAL = "external:"


def device_node(hostname: str) -> str:
    return DEVICE + hostname


def external_node(name: str) -> str:
    return EXTERNAL + name


@dataclass
class _Rows:
    """The inventory rows a graph is built from, keyed by id."""

    carriers: dict[int, Carrier]
    rooms: dict[int, Room]
    units: dict[int, Unit]
    devices: dict[int, Device]
    interfaces: dict[int, Any]

    def room_code(self, room_id: int | None) -> str | None:
        return self.rooms[room_id].code if room_id in self.rooms else None

    def unit_code(self, unit_id: int | None) -> str | None:
        return self.units[unit_id].code if unit_id in self.units else None


@no_gc
def build_graph(session: Session, *, discovered: bool = True) -> nx.MultiGraph:
    """The graph of the current inventory. Callers share it (through the answers layer) and must not
    mutate it: scenarios evaluate failures on masks, never on copies. ``discovered=False`` leaves out
    links known only from LLDP/subnets (the declared network alone)."""
    rows = _read_rows(session)
    g = _annotations(rows)
    _add_devices(g, rows, _measured_terminals(session))
    explained = _add_circuits(g, rows, session)
    _add_links(g, rows, session, explained, discovered=discovered)
    _add_core(g)
    return g


def _read_rows(session: Session) -> _Rows:
    # Interfaces as plain column rows, not ORM objects: populating ~1,000 interface entities costs
    # more than the rest of the build together once a collection has touched them.
    return _Rows(carriers={c.id: c for c in session.exec(select(Carrier))},
                 rooms={r.id: r for r in session.exec(select(Room).order_by(Room.code))},
                 units={u.id: u for u in session.exec(select(Unit).order_by(Unit.code))},
                 devices={d.id: d for d in session.exec(select(Device).order_by(Device.hostname))},
                 interfaces={i.id: i for i in session.exec(select(Interface.id, Interface.device_id, Interface.name,
                                                                   Interface.speed_mbps, Interface.oper_up)).all()})


def _annotations(rows: _Rows) -> nx.MultiGraph:
    g = nx.MultiGraph()
    g.graph["carriers"] = {c.code: {"name": c.name, "role": c.role} for c in rows.carriers.values()}
    g.graph["rooms"] = {r.code: {"name": r.name, "name_en": r.name_en, "is_core": r.is_core, "devices": [],
                                 "terminals": 0} for r in rows.rooms.values()}
    g.graph["units"] = {u.code: {"name": u.name, "kind": u.kind, "group": u.group,
                                 "terminals": u.declared_terminals, "devices": []} for u in rows.units.values()}
    g.graph["srlgs"] = {}
    g.graph["unplaced"] = []  # circuits with an end we cannot put on a node: shown, not guessed
    return g


def _add_devices(g: nx.MultiGraph, rows: _Rows, measured: dict[int, int]) -> None:
    for d in rows.devices.values():
        room, unit = rows.room_code(d.room_id), rows.unit_code(d.unit_id)
        node = device_node(d.hostname)
        g.add_node(node, kind="device", hostname=d.hostname, role=d.role, platform=d.platform, vendor=d.vendor,
                   room=room, unit=unit, terminals=d.declared_terminals, enabled=d.enabled,
                   terminals_measured=measured.get(d.id))
        if room:
            g.graph["rooms"][room]["devices"].append(node)
            g.graph["rooms"][room]["terminals"] += d.declared_terminals
        if unit:
            g.graph["units"][unit]["devices"].append(node)


def _end(g: nx.MultiGraph, rows: _Rows, iface_id: int | None, external: str | None) -> tuple[str | None, str | None]:
    """A circuit end's node and interface name: a device interface, or an external network."""
    if iface_id in rows.interfaces:
        iface = rows.interfaces[iface_id]
        return device_node(rows.devices[iface.device_id].hostname), iface.name
    if external:
        node = external_node(external)
        if node not in g:
            g.add_node(node, kind="external", name=external, role="external", platform=None, room=None,
                       unit=None, terminals=0)
        return node, None
    return None, None


def _add_circuits(g: nx.MultiGraph, rows: _Rows, session: Session) -> set[frozenset[int]]:
    """One edge per placed active circuit; returns the interface pairs the circuits explain."""
    explained: set[frozenset[int]] = set()
    ifaces = rows.interfaces
    for c in session.exec(select(Circuit).where(Circuit.status == "active").order_by(Circuit.cid)):
        a, a_if = _end(g, rows, c.a_interface_id, c.a_external)
        z, z_if = _end(g, rows, c.z_interface_id, c.z_external)
        if c.a_interface_id and c.z_interface_id:
            explained.add(frozenset((c.a_interface_id, c.z_interface_id)))
        if a is None or z is None:
            g.graph["unplaced"].append(c.cid)
            continue
        carrier = rows.carriers[c.carrier_id].code if c.carrier_id in rows.carriers else None
        g.add_edge(a, z, key=c.cid, carrier=carrier, circuit=c.cid, role=c.role, bandwidth_mbps=c.bandwidth_mbps,
                   srlg=c.srlg, source="declared", a_interface=a_if, z_interface=z_if,
                   oper_up=_oper(ifaces.get(c.a_interface_id), ifaces.get(c.z_interface_id)),
                   a_room=rows.room_code(c.a_room_id), z_room=rows.room_code(c.z_room_id),
                   a_unit=rows.unit_code(c.a_unit_id), z_unit=rows.unit_code(c.z_unit_id))
        if c.srlg:
            g.graph["srlgs"].setdefault(c.srlg, []).append(c.cid)
    return explained


def _add_links(g: nx.MultiGraph, rows: _Rows, session: Session, explained: set[frozenset[int]], *,
               discovered: bool) -> None:
    """Circuit edges already say where their Link rows are; a link nobody declared becomes its own edge
    (one per interface pair, whatever number of sources saw it). The pairwise rows of a shared segment
    become one segment node instead, each member attached to it once (``_add_segments``)."""
    links = session.exec(select(Link.id, Link.a_interface_id, Link.z_interface_id, Link.source, Link.circuit_id,
                                Link.evidence).order_by(Link.id)).all()
    for link in links:
        if link.circuit_id is not None:
            explained.add(frozenset((link.a_interface_id, link.z_interface_id)))
    if not discovered:
        return
    ifaces, devices = rows.interfaces, rows.devices
    segments: dict[str, dict[str, Any]] = {}
    for link in links:
        if link.a_interface_id not in ifaces or link.z_interface_id not in ifaces:
            continue
        evidence = link.evidence or {}
        if link.source == "subnet" and evidence.get("kind") == "segment":
            key = _segment_key(evidence)
            seg = segments.setdefault(key, {"evidence": evidence, "members": set(), "links": []})
            seg["members"].update((link.a_interface_id, link.z_interface_id))
            seg["links"].append(link.id)
            continue
        pair = frozenset((link.a_interface_id, link.z_interface_id))
        if pair in explained:
            continue
        explained.add(pair)
        ai, zi = ifaces[link.a_interface_id], ifaces[link.z_interface_id]
        a, z = device_node(devices[ai.device_id].hostname), device_node(devices[zi.device_id].hostname)
        speeds = [s for s in (ai.speed_mbps, zi.speed_mbps) if s]
        g.add_edge(a, z, key=f"link:{link.id}", carrier=None, circuit=None, role="internal",
                   bandwidth_mbps=min(speeds) if speeds else 0, srlg=None, source=link.source,
                   a_interface=ai.name, z_interface=zi.name, oper_up=_oper(ai, zi),
                   a_room=g.nodes[a]["room"], z_room=g.nodes[z]["room"],
                   a_unit=g.nodes[a]["unit"], z_unit=g.nodes[z]["unit"], evidence=link.evidence)
    _add_segments(g, rows, segments)


def _segment_key(evidence: dict[str, Any]) -> str:
    vrf = evidence.get("vrf")
    net = str(evidence.get("subnet"))
    return f"{vrf}:{net}" if isinstance(vrf, str) and vrf else net


def segment_node(key: str) -> str:
    return SEGMENT + key


def _add_segments(g: nx.MultiGraph, rows: _Rows, segments: dict[str, dict[str, Any]]) -> None:
    """One node per shared segment (kind ``segment``), one edge per member interface: failing the node
    cuts every member at once, failing an edge only that member's port. A segment whose members all sit
    in one unit (or one room) belongs to it, so it carries that unit's LAN traffic and nothing else."""
    ifaces, devices = rows.interfaces, rows.devices
    for key, seg in sorted(segments.items()):
        members = sorted(seg["members"])
        hosts = [device_node(devices[ifaces[i].device_id].hostname) for i in members]
        units = {g.nodes[h]["unit"] for h in hosts}
        rooms = {g.nodes[h]["room"] for h in hosts}
        node = segment_node(key)
        ev = seg["evidence"]
        g.add_node(node, kind="segment", hostname=None, role="segment", platform=None, vendor=None,
                   room=next(iter(rooms)) if len(rooms) == 1 else None,
                   unit=next(iter(units)) if len(units) == 1 else None, terminals=0, enabled=True,
                   terminals_measured=None, subnet=ev.get("subnet"), vrf=ev.get("vrf"), members=len(members),
                   links=sorted(seg["links"]))
        for iid, host in zip(members, hosts, strict=True):
            i = ifaces[iid]
            g.add_edge(host, node, key=f"{node}~{devices[i.device_id].hostname}:{i.name}", carrier=None,
                       circuit=None, role="internal", bandwidth_mbps=i.speed_mbps or 0, srlg=None, source="subnet",
                       a_interface=i.name, z_interface=None, oper_up=_oper(i, None),
                       a_room=g.nodes[host]["room"], z_room=g.nodes[node]["room"],
                       a_unit=g.nodes[host]["unit"], z_unit=g.nodes[node]["unit"],
                       evidence={k: v for k, v in ev.items() if k != "addresses"})


def _add_core(g: nx.MultiGraph) -> None:
    # Circuits whose port was collected as down: `simulate --with-current-outages` fails them.
    g.graph["down_links"] = sorted(k for _, _, k, up in g.edges(keys=True, data="oper_up") if up is False)
    core_rooms = [code for code, r in g.graph["rooms"].items() if r["is_core"]]
    g.graph["core_rooms"] = core_rooms
    # The reachability target: every device of a core room, plus the external uplink networks.
    g.graph["core"] = sorted([n for code in core_rooms for n in g.graph["rooms"][code]["devices"]]
                             + [n for n, k in g.nodes(data="kind") if k == "external"])


def _oper(a: Any, z: Any) -> bool | None:
    """False when either collected end is down, True when both are up, None when not collected."""
    states = [i.oper_up for i in (a, z) if i is not None and i.oper_up is not None]
    if any(st is False for st in states):
        return False
    return True if states and len(states) == sum(1 for i in (a, z) if i is not None) else None


def _measured_terminals(session: Session) -> dict[int, int]:
    """Device id → terminals counted at the newest collection (MAC table on switches, else ARP)."""
    newest: dict[int, TerminalCount] = {}
    for row in session.exec(select(TerminalCount).order_by(TerminalCount.counted_at, TerminalCount.id)):
        newest[row.device_id] = row
    return {d: (r.mac_count or r.arp_count) for d, r in newest.items()}


def edge_index(g: nx.MultiGraph) -> dict[str, tuple[str, str]]:
    """Edge key → its two end nodes (keys are unique across the graph)."""
    cached = g.graph.get("_edge_index")
    if cached is None:
        cached = {k: (u, v) for u, v, k in g.edges(keys=True)}
        g.graph["_edge_index"] = cached
    return cached
