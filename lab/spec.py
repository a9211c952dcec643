"""What the SSH lab plays, built from the inventory (contract C2).

`build_lab_spec(session)` turns the database into the lab's plain dataclasses; `WEAK_DEVICES` says
which sample devices the lab renders with which weaknesses (the audit checks use the same truth);
`expected_failover_hours` / `expected_backup_octets` say what the lab's logs and counters show."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import random
from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from inventory.errors import ExtranetError, NotFound
from inventory.models import Carrier, Circuit, Device, Incident, Interface, Room, Unit
from inventory.province import CITY_NAMES
from inventory.sample import SEED, build_sample
from lab.model import (
    WEAKNESS_CODES,
    LabDevice,
    LabGateway,
    LabInterface,
    LabLogEvent,
    LabNeighbor,
    LabProbe,
    LabRoute,
    LabSpec,
)
from lab.personalities import personalities, personality
from lab.timeline import CircuitRow, Timeline, city_year

# Backup circuits carry this share of their bandwidth while covering a primary outage.
FAILOVER_UTILISATION = 0.35
ACCESS_PORT_DESCRIPTION = "终端接入"


def access_port_name(platform: str) -> str:
    """The port an imported device that declares terminals but has no LAN port gets in the lab."""
    return personality(platform).access_port_name


def _weak_devices() -> dict[str, set[str]]:
    """~10 % of the sample's devices, every code on at least two devices on two platforms."""
    by_platform: dict[str, list[str]] = defaultdict(list)
    for d in build_sample()["devices"]:
        by_platform[d["platform"]].append(d["hostname"])
    rng = random.Random(SEED + 7)
    # Each personality says how many of its devices are drawn and how far its codes are shifted; the draws
    # happen in the personalities' stated order, so the same devices stay weak whatever the registry adds.
    draws = sorted((p.weak_picks, name) for name, p in personalities().items() if p.weak_picks)
    codes = list(WEAKNESS_CODES)
    weak: dict[str, set[str]] = {}
    for (_order, n, shift), platform in draws:
        for i, host in enumerate(rng.sample(sorted(by_platform[platform]), n)):
            weak[host] = {codes[(i + shift) % len(codes)]}
            if i % 3 == 2:  # some devices are weak in two ways
                weak[host].add(codes[(i + shift + 4) % len(codes)])
    return weak


WEAK_DEVICES: dict[str, set[str]] = _weak_devices()


def _n(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:6], "big")


def _incident_windows(session: Session) -> list[tuple[Circuit, dt.datetime, dt.datetime]]:
    out = []
    for inc in session.exec(select(Incident)).all():
        if inc.circuit_id is None or inc.started_at is None or inc.ended_at is None:
            continue
        circuit = session.get(Circuit, inc.circuit_id)
        if circuit is not None:
            out.append((circuit, _aware(inc.started_at), _aware(inc.ended_at)))
    return out


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _telecom_backups(session: Session) -> dict[int, list[Circuit]]:
    """unit id -> its Telecom backup circuits."""
    telecom = session.exec(select(Carrier).where(Carrier.code == "telecom")).first()
    out: dict[int, list[Circuit]] = defaultdict(list)
    if telecom is None:
        return out
    for c in session.exec(select(Circuit).where(Circuit.carrier_id == telecom.id, Circuit.role == "backup")).all():
        for unit_id in (c.a_unit_id, c.z_unit_id):
            if unit_id is not None:
                out[unit_id].append(c)
    return out


def expected_failover_hours(session: Session) -> dict[str, float]:
    """Backup circuit cid -> hours it carried a unit's traffic because a Unicom primary was down
    (the lab logs the primary's down/up at both ends; the backup's counters show the traffic)."""
    backups = _telecom_backups(session)
    unicom = session.exec(select(Carrier).where(Carrier.code == "unicom")).first()
    hours: dict[str, float] = {c.cid: 0.0 for cs in backups.values() for c in cs}
    for circuit, start, end in _incident_windows(session):
        if unicom is None or circuit.carrier_id != unicom.id or circuit.role != "primary":
            continue
        for unit_id in (circuit.a_unit_id, circuit.z_unit_id):
            for backup in backups.get(unit_id or -1, []):
                hours[backup.cid] += (end - start).total_seconds() / 3600
    return hours


def expected_backup_octets(session: Session) -> dict[str, int]:
    """Backup circuit cid -> in+out octets its unit-side interface counters show."""
    hours = expected_failover_hours(session)
    circuits = {c.cid: c for c in session.exec(select(Circuit).where(col(Circuit.cid).in_(list(hours)))).all()}
    return {cid: _backup_octets(circuits[cid], h) for cid, h in hours.items()}


def _backup_octets(circuit: Circuit, hours: float) -> int:
    idle = 20_000 + _n(circuit.cid, "idle") % 80_000  # LLDP and keepalives: a few dozen KB
    carried = int(hours * 3600 * circuit.bandwidth_mbps * 1e6 / 8 * FAILOVER_UTILISATION)
    return idle + carried


def _city_prefix(term: str) -> str | None:
    """``C03``, ``C03-``, ``唐山`` or ``唐山市`` -> the province city prefix ``C03-`` (None if it is not one)."""
    t = term.strip().removesuffix("-")
    if len(t) == 3 and t[0] in "Cc" and t[1:].isdigit():
        return f"C{t[1:]}-"
    names = [zh for zh, _en in CITY_NAMES]
    name = t.removesuffix("市")
    return f"C{names.index(name) + 1:02d}-" if name in names else None


def slice_devices(session: Session, only: str | Sequence[str] | None = None, limit: int | None = None) -> list[Device]:
    """The enabled devices a lab serves: all, or those of the ``only`` terms, each a management zone
    (``city-03``), a room (code or name), a province city (``C03`` or ``唐山``), a unit (code or name)
    or a hostname; the first ``limit`` of them by id. Room, unit and hostname pick what
    ``extranet collect --only`` picks, so a slice always holds what a collection of it targets."""
    if limit is not None and limit < 1:
        raise ExtranetError(f"limit: expected a positive number of devices, got {limit}", code="invalid")
    terms = [only] if isinstance(only, str) else list(only or [])
    devices = list(session.exec(select(Device).where(Device.enabled == True).order_by(Device.id)).all())  # noqa: E712
    if terms:
        picked: set[int] = set()
        for term in terms:
            picked |= _term_ids(session, devices, term)
        devices = [d for d in devices if d.id in picked]
    return devices[:limit] if limit else devices


def _term_ids(session: Session, devices: list[Device], term: str) -> set[int]:
    zone = {d.id for d in devices if d.zone == term}
    if zone:
        return zone  # type: ignore[return-value]
    room = session.exec(select(Room).where((Room.code == term) | (Room.name == term))).first()
    if room:
        return {d.id for d in devices if d.room_id == room.id}  # type: ignore[misc]
    prefix = _city_prefix(term)
    city = {d.id for d in devices if prefix and d.hostname.startswith(prefix)}
    if city:
        return city  # type: ignore[return-value]
    unit = session.exec(select(Unit).where((Unit.code == term) | (Unit.name == term))).first()
    if unit:
        return {d.id for d in devices if d.unit_id == unit.id}  # type: ignore[misc]
    host = {d.id for d in devices if d.hostname == term}
    if host:
        return host  # type: ignore[return-value]
    zones = sorted({d.zone for d in devices})
    rooms = [r.code for r in session.exec(select(Room).order_by(Room.code)).all()]
    raise NotFound.of("zone, room, city, unit or device", term, zones + rooms)


def build_lab_spec(session: Session, only: str | Sequence[str] | None = None, limit: int | None = None) -> LabSpec:
    """What the lab plays: every enabled device, or a slice of them (``slice_devices``)."""
    rooms = {r.id: r.code for r in session.exec(select(Room)).all()}
    units = {u.id: u.code for u in session.exec(select(Unit)).all()}
    devices = slice_devices(session, only, limit)
    wanted = [d.id for d in devices]
    ifaces: list[Interface] = []
    for start in range(0, len(wanted), 1000):  # bound the IN list: a slice of a province, or all of it
        ifaces += session.exec(select(Interface).where(col(Interface.device_id).in_(wanted[start:start + 1000]))
                               .order_by(Interface.id)).all()
    ifaces.sort(key=lambda i: i.id or 0)
    by_dev: dict[int, list[Interface]] = defaultdict(list)
    for i in ifaces:
        by_dev[i.device_id].append(i)
    iface_by_id = {i.id: i for i in ifaces}
    # Far ends by name, served or not: a device at the edge of a slice still sees its neighbours by LLDP.
    hostnames = dict(session.exec(select(Device.id, Device.hostname)).all())
    far_facts = {i: (m or "", p or "") for i, m, p in session.exec(select(Device.id, Device.mgmt_address,
                                                                          Device.model)).all()}
    far_end = {i.id: (i.device_id, i.name) for i in session.exec(select(Interface.id, Interface.device_id,
                                                                        Interface.name)).all()}
    hours = expected_failover_hours(session)

    lab_ifaces: dict[int, LabInterface] = {}
    lab_devs: dict[int, LabDevice] = {}
    for d in devices:
        ld = LabDevice(hostname=d.hostname, platform=d.platform, model=d.model, serial=d.serial,
                       os_version=d.os_version, role=d.role, room=rooms.get(d.room_id), unit=units.get(d.unit_id),
                       encoding=d.encoding, legacy_crypto=d.legacy_crypto, mgmt_address=d.mgmt_address,
                       terminals=d.declared_terminals, weaknesses=set(WEAK_DEVICES.get(d.hostname, set())))
        for i in by_dev[d.id]:
            ip = f"{i.ip_address}/{i.prefix_length}" if i.ip_address and i.prefix_length is not None else i.ip_address
            li = LabInterface(name=i.name, description=i.description, ip=ip, speed_mbps=i.speed_mbps,
                              up=i.enabled)
            if not i.name.lower().startswith("loopback"):
                li.in_octets = 10**9 + _n(d.hostname, i.name, "in") % 10**12
                li.out_octets = 10**9 + _n(d.hostname, i.name, "out") % 10**12
                li.in_errors = _n(d.hostname, i.name, "err") % 3
            ld.interfaces.append(li)
            lab_ifaces[i.id] = li
        if ld.terminals and not any("局域网" in i.description for i in ld.interfaces):
            ld.interfaces.append(LabInterface(name=access_port_name(d.platform), description=ACCESS_PORT_DESCRIPTION,
                                              speed_mbps=1000, in_octets=10**10 + _n(d.hostname, "acc") % 10**11,
                                              out_octets=10**10 + _n(d.hostname, "acc2") % 10**11))
        lab_devs[d.id] = ld

    _set_lan_prefixes(list(lab_devs.values()))

    # LLDP on both ends of every circuit with two device interfaces; backup counters per failover hours.
    for c in session.exec(select(Circuit).order_by(Circuit.id)).all():
        a, z = iface_by_id.get(c.a_interface_id or -1), iface_by_id.get(c.z_interface_id or -1)
        if c.cid in hours:
            for end in (a, z):
                if end is not None and end.id in lab_ifaces:
                    total = _backup_octets(c, hours[c.cid])
                    lab_ifaces[end.id].in_octets = total // 2
                    lab_ifaces[end.id].out_octets = total - total // 2
        ends = [far_end.get(c.a_interface_id or -1), far_end.get(c.z_interface_id or -1)]
        if ends[0] is None or ends[1] is None:
            continue
        for (dev, name), (other, other_name) in (ends, ends[::-1]):
            if dev in lab_devs:
                lab_devs[dev].neighbors.append(LabNeighbor(
                    name, hostnames[other], other_name, mgmt_address=far_facts[other][0],
                    platform=far_facts[other][1]))

    _probe_next_hops(session, iface_by_id, lab_devs)
    _arm_backups(session, iface_by_id, lab_devs)
    _log_incidents(session, iface_by_id, lab_devs)
    return LabSpec(devices=list(lab_devs.values()), seed=SEED)


def city_timeline(session: Session, *, year: int = 2022, extra_outages: int = 24) -> Timeline:
    """The year the lab replays for this inventory: its circuits that serve a unit, its recorded incidents
    and the events `lab.timeline.city_year` adds."""
    carriers = {c.id: c.code for c in session.exec(select(Carrier)).all()}
    units = {u.id: u.code for u in session.exec(select(Unit)).all()}
    names = {i.id: (h, i.name) for i, h in session.exec(select(Interface, Device.hostname)
                                                        .where(Interface.device_id == Device.id)).all()}
    rows = []
    for c in session.exec(select(Circuit).order_by(Circuit.cid)).all():
        unit_end, far_end = ("a", "z") if c.a_unit_id is not None else ("z", "a")
        unit = units.get(getattr(c, f"{unit_end}_unit_id") or -1)
        if unit is None:
            continue
        ends = [names.get(getattr(c, f"{e}_interface_id") or -1) for e in (unit_end, far_end)]
        rows.append(CircuitRow(c.cid, carriers.get(c.carrier_id or -1, ""), c.role, unit, c.bandwidth_mbps, ends))
    _take_over(rows, failover_arming(session))
    incidents = [(circuit.cid, start, end, "事件记录") for circuit, start, end in _incident_windows(session)]
    return city_year(rows, incidents, year=year, extra_outages=extra_outages)


def _take_over(rows: list[CircuitRow], arming: dict[str, str]) -> None:
    """Which backups carry their unit when its primary's link goes down, as `_arm_backups` renders them: an
    armed one does; an unarmed one has no route; a partly armed one does on the primary's own router (the
    primary's untracked route goes with its port) and does not across two (the untracked LAN gateway stays
    on the primary's router)."""
    routers: dict[str, set[str]] = defaultdict(set)  # unit -> its primaries' routers
    for r in rows:
        if r.role == "primary" and r.ends and r.ends[0]:
            routers[r.unit].add(r.ends[0][0])
    for r in rows:
        state = arming.get(r.cid, ARMED) if r.role == "backup" else ARMED
        same = bool(r.ends and r.ends[0] and r.ends[0][0] in routers[r.unit])
        r.takes_over = state == ARMED or (state == PARTIAL and same)


def _next_hop(own: Interface, far: Interface | None) -> str | None:
    """The address a probe over ``own`` aims at: the far end's interface when the inventory has it, else the
    other host of a point-to-point subnet (a carrier's PE is not in our inventory)."""
    if far is not None and far.ip_address:
        return far.ip_address
    if not own.ip_address or own.prefix_length is None:
        return None
    net = ipaddress.ip_interface(f"{own.ip_address}/{own.prefix_length}").network
    hosts = [str(h) for h in (net.hosts() if net.num_addresses <= 4 else []) if str(h) != own.ip_address]
    return hosts[0] if len(hosts) == 1 else None


def _probe_next_hops(session: Session, iface_by_id: dict[int | None, Interface], lab_devs: dict[int, LabDevice],
                     ) -> None:
    """A unit's router probes the next hop of each of its carrier uplinks (the Unicom primary, the Telecom
    backup), out of that circuit's interface; the city's own trunks are watched by their interface state."""
    for c in session.exec(select(Circuit).where(col(Circuit.role).in_(["primary", "backup"]))
                          .order_by(Circuit.id)).all():
        for own_id, far_id in ((c.a_interface_id, c.z_interface_id), (c.z_interface_id, c.a_interface_id)):
            own = iface_by_id.get(own_id)
            if own is None or own.device_id not in lab_devs or lab_devs[own.device_id].unit is None:
                continue
            far = session.get(Interface, far_id) if far_id else None
            target = _next_hop(own, far)
            if target is None:
                continue
            dev = lab_devs[own.device_id]
            name = c.role if c.role not in {p.name for p in dev.probes} else f"{c.role}{len(dev.probes) + 1}"
            dev.probes.append(LabProbe(name=name, number=10 * (len(dev.probes) + 1), target=target,
                                       interface=own.name))


# How the lab arms the units' backups (what audit/failover.py must read back from the collected configs):
# about one backup in twelve has no route over it at all, as many are armed only partly (the primary's route
# untracked on one router, the LAN gateway untracked across two), the rest armed.
ARMING_SEED = SEED + 17
DEFAULT_ROUTE = "0.0.0.0/0"
ARMED, PARTIAL, NOT_ARMED = "armed", "partial", "not_armed"


def failover_arming(session: Session) -> dict[str, str]:
    """Backup circuit cid -> armed | partial | not_armed, as the lab's configs arm it. A backup left unarmed
    is one whose unit had no recorded incident: the incident log's failover hours stay what they were."""
    backups = [c for c in session.exec(select(Circuit).where(Circuit.role == "backup").order_by(Circuit.cid)).all()
               if c.a_unit_id is not None or c.z_unit_id is not None]
    struck = {u for circuit, _a, _b in _incident_windows(session) for u in (circuit.a_unit_id, circuit.z_unit_id) if u}
    ranked = sorted(backups, key=lambda c: _n(ARMING_SEED, c.cid))
    k = max(1, len(backups) // 12) if backups else 0
    out = {c.cid: ARMED for c in backups}
    quiet = [c for c in ranked if not ({c.a_unit_id, c.z_unit_id} & struck)]
    for c in quiet[:k]:
        out[c.cid] = NOT_ARMED
    for c in [c for c in ranked if out[c.cid] == ARMED][:k]:
        out[c.cid] = PARTIAL
    return out


def _arm_backups(session: Session, iface_by_id: dict[int | None, Interface], lab_devs: dict[int, LabDevice]) -> None:
    """Each unit router's default route over its primary, tracked by the primary's probe; a floating default
    over the backup; where the two circuits end on two routers, a VRRP group on the primary router's LAN port
    that tracks the primary's probe, so the LAN gateway moves. `failover_arming` says which backups are
    left unarmed or armed only partly."""
    arming = failover_arming(session)
    ends: dict[str, list[tuple[str, Interface]]] = defaultdict(list)  # unit id → (role, unit-end interface)
    for c in session.exec(select(Circuit).where(col(Circuit.role).in_(["primary", "backup"]))
                          .order_by(Circuit.cid)).all():
        for unit_id, iid in ((c.a_unit_id, c.a_interface_id), (c.z_unit_id, c.z_interface_id)):
            i = iface_by_id.get(iid)
            if unit_id is not None and i is not None and i.device_id in lab_devs:
                ends[str(unit_id)].append((c.role + "|" + c.cid, i))
    for unit_ends in ends.values():
        primaries = [i for tag, i in unit_ends if tag.startswith("primary|")]
        for tag, b in unit_ends:
            if not tag.startswith("backup|"):
                continue
            state = arming.get(tag.split("|", 1)[1], ARMED)
            bdev = lab_devs[b.device_id]
            bprobe = _probe_on(bdev, b.name)
            for p in primaries:
                pdev = lab_devs[p.device_id]
                pprobe = _probe_on(pdev, p.name)
                if pprobe is None:
                    continue
                same = p.device_id == b.device_id
                untracked = state == PARTIAL and same
                if not any(r.next_hop == pprobe.target for r in pdev.routes):
                    pdev.routes.append(LabRoute(DEFAULT_ROUTE, pprobe.target,
                                                track=None if untracked else pprobe.name))
                elif untracked:
                    for r in pdev.routes:
                        if r.next_hop == pprobe.target:
                            r.track = None
                if not same and state != NOT_ARMED:
                    lan = next((i for i in pdev.interfaces if "局域网" in i.description and i.ip), None)
                    if lan is not None and not pdev.gateways:
                        host = ipaddress.ip_interface(lan.ip)  # type: ignore[arg-type]
                        vip = str(host.network.broadcast_address - 1)
                        pdev.gateways.append(LabGateway(lan.name, 1, vip, track=None if state == PARTIAL
                                                        else pprobe.name))
            if state != NOT_ARMED and bprobe is not None:
                bdev.routes.append(LabRoute(DEFAULT_ROUTE, bprobe.target, floating=True))


def _probe_on(dev: LabDevice, interface: str) -> LabProbe | None:
    return next((p for p in dev.probes if p.interface == interface), None)


def _set_lan_prefixes(devices: list[LabDevice]) -> None:
    """Terminal addresses come from the unit LAN (the first access router's /24)."""
    lan_of_unit: dict[str, str] = {}
    for ld in devices:
        for li in ld.interfaces:
            if "局域网" in li.description and li.ip and ld.unit:
                lan_of_unit[ld.unit] = li.ip.split("/")[0].rsplit(".", 1)[0]
    for ld in devices:
        ld.lan_prefix = lan_of_unit.get(ld.unit or "", "10.200.0")


def _log_incidents(session: Session, iface_by_id: dict[int | None, Interface], lab_devs: dict[int, LabDevice]) -> None:
    """Link down/up at both ends of every incident's circuit."""
    for circuit, start, end in _incident_windows(session):
        for iid in (circuit.a_interface_id, circuit.z_interface_id):
            i = iface_by_id.get(iid or -1)
            if i is None or i.device_id not in lab_devs:
                continue
            ev = lab_devs[i.device_id].log_events
            ev += [LabLogEvent(at=start, interface=i.name, state="down"), LabLogEvent(at=end, interface=i.name,
                                                                                      state="up")]


__all__ = [
    "WEAK_DEVICES",
    "access_port_name",
    "build_lab_spec",
    "city_timeline",
    "expected_backup_octets",
    "expected_failover_hours",
    "failover_arming",
    "slice_devices",
]
