"""What a device reports about its interfaces, addresses and neighbours, fed as hand-built Facts through
the collection's save path (inventory.collection._save_facts, then the run's close), without any parser:
observed interfaces and addresses with their precedence, subnet links at any prefix length (VRF-aware,
IPv6, management and loopbacks left out, segments), LLDP/CDP far ends by name, management address or
chassis id, and the evidence each link keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from collectors.parse import AddressFact, Facts, InterfaceFact, NeighborFact
from inventory import links
from inventory.collection import _save_facts, finalise_run
from inventory.db import session_scope
from inventory.models import CollectionRun, Device, DeviceResult, Interface, InterfaceAddress, Link
from inventory.models.base import utcnow

HOSTS = ("QHD-R1", "QHD-R2", "QHD-R3", "QHD-R4")


@pytest.fixture
def db(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        for n, host in enumerate(HOSTS, start=1):
            s.add(Device(hostname=host, platform="cisco_ios", vendor="Cisco", role="core",
                         mgmt_address=f"172.16.0.{n}"))
        s.flush()
        r1 = s.exec(select(Device).where(Device.hostname == "QHD-R1")).one()
        # declared by the inventory document: its description and IP stay what the document says
        s.add(Interface(device_id=r1.id, name="GigabitEthernet0/1", description="declared uplink",
                        ip_address="10.9.9.1", prefix_length=30))
    return engine


def cfg(name: str, *addresses: str, vrf: str | None = None, shutdown: bool = False, description: str = "",
        secondary: tuple[str, ...] = ()) -> InterfaceFact:
    return InterfaceFact(name=name, description=description, vrf=vrf, shutdown=shutdown, sources={"config"},
                         addresses=[AddressFact(a) for a in addresses] + [AddressFact(a, True) for a in secondary])


def run(engine: Engine, reports: dict[str, Facts], now: dt.datetime | None = None) -> int:
    """One collection run of the given devices' facts, closed (which pairs the subnet links)."""
    now = now or utcnow()
    with session_scope(engine, actor="collector") as s:
        r = CollectionRun(trigger="test")
        s.add(r)
        s.flush()
        run_id = r.id
        for host, facts in reports.items():
            dev = s.exec(select(Device).where(Device.hostname == host)).one()
            result = DeviceResult(run_id=run_id, device_id=dev.id, status="ok")
            s.add(result)
            s.flush()
            result.subnets = _save_facts(s, run_id, dev, facts, now) or None
    finalise_run(engine, run_id)
    return run_id


def link_set(engine: Engine, source: str | None = None) -> set[tuple[str, str, str]]:
    with session_scope(engine) as s:
        names = {i.id: f"{s.get(Device, i.device_id).hostname}:{i.name}" for i in s.exec(select(Interface))}
        rows = s.exec(select(Link)).all()
        return {(names[lk.a_interface_id], names[lk.z_interface_id], lk.source) for lk in rows
                if source is None or lk.source == source}


def evidence(engine: Engine, a: str, z: str, source: str) -> dict:
    with session_scope(engine) as s:
        names = {f"{s.get(Device, i.device_id).hostname}:{i.name}": i.id for i in s.exec(select(Interface))}
        ids = sorted((names[a], names[z]))
        return s.exec(select(Link).where(Link.a_interface_id == ids[0], Link.z_interface_id == ids[1],
                                         Link.source == source)).one().evidence


def test_observed_interfaces_and_addresses_with_declared_precedence(db: Engine) -> None:
    run(db, {"QHD-R1": Facts(interfaces=[
        cfg("GigabitEthernet0/1", "10.1.0.1/30", description="from the config", vrf="GOV"),
        cfg("GigabitEthernet0/2", "10.2.0.1/24", "2001:db8:2::1/64", secondary=("10.2.1.1/24",),
            description="LAN", shutdown=True),
        InterfaceFact(name="GigabitEthernet0/2", ip="10.2.0.1/24", up=False, sources={"state"}),
        InterfaceFact(name="GigabitEthernet0/3", ip="10.3.0.1/30", up=True, sources={"state"}),
    ])})
    with session_scope(db) as s:
        ifaces = {i.name: i for i in s.exec(select(Interface))}
        addrs = {(a.address, a.prefix_length, a.family, a.secondary, a.source)
                 for a in s.exec(select(InterfaceAddress))}
    declared, lan, screen = (ifaces[f"GigabitEthernet0/{n}"] for n in (1, 2, 3))
    # declared: keeps the document's description and IP, takes the VRF the config says
    assert (declared.source, declared.description, declared.ip_address, declared.prefix_length, declared.vrf) == (
        "declared", "declared uplink", "10.9.9.1", 30, "GOV")
    # observed from the config and the screens merged: description, shutdown, oper state, primary IPv4
    assert (lan.source, lan.description, lan.enabled, lan.oper_up, lan.ip_address, lan.prefix_length) == (
        "observed", "LAN", False, False, "10.2.0.1", 24)
    assert (screen.source, screen.oper_up, screen.vrf, screen.enabled) == ("observed", True, None, True)
    assert addrs == {("10.1.0.1", 30, 4, False, "config"), ("10.2.0.1", 24, 4, False, "config"),
                     ("2001:db8:2::1", 64, 6, False, "config"), ("10.2.1.1", 24, 4, True, "config"),
                     ("10.3.0.1", 30, 4, False, "state")}


def test_addresses_no_longer_reported_go_only_for_the_sources_reported(db: Engine) -> None:
    first = [cfg("GigabitEthernet0/2", "10.2.0.1/24", "10.4.0.1/24"),
             InterfaceFact(name="GigabitEthernet0/3", ip="10.3.0.1/30", sources={"state"})]
    run(db, {"QHD-R1": Facts(interfaces=first)})

    def held() -> set[tuple[str, str]]:
        with session_scope(db) as s:
            return {(a.address, a.source) for a in s.exec(select(InterfaceAddress))}

    # the config parse failed this time (no config facts): no config address goes; the screens still say .3
    run(db, {"QHD-R1": Facts(interfaces=[InterfaceFact(name="GigabitEthernet0/3", ip="10.3.0.1/30",
                                                       sources={"state"})])},
        now=utcnow() + dt.timedelta(minutes=5))
    assert held() == {("10.2.0.1", "config"), ("10.4.0.1", "config"), ("10.3.0.1", "state")}
    # the config no longer holds 10.4.0.1; the screens no longer show 10.3.0.1
    run(db, {"QHD-R1": Facts(interfaces=[cfg("GigabitEthernet0/2", "10.2.0.1/24"),
                                         InterfaceFact(name="GigabitEthernet0/2", ip="10.2.0.1/24",
                                                       sources={"state"})])},
        now=utcnow() + dt.timedelta(minutes=10))
    assert held() == {("10.2.0.1", "config")}


def test_subnet_links_any_prefix_vrf_aware_ipv6_and_exclusions(db: Engine) -> None:
    run(db, {
        "QHD-R1": Facts(interfaces=[
            cfg("GigabitEthernet0/2", "10.20.0.1/24"),  # a /24 with two routers: a link
            cfg("GigabitEthernet0/3", "2001:db8:12::1/64", "fe80::1/64"),  # IPv6-only link (link-local ignored)
            cfg("GigabitEthernet0/4", "10.30.0.1/30", vrf="GOV"),  # same /30 in two VRFs: two subnets
            cfg("GigabitEthernet0/5", "10.40.0.1/30", vrf="UNIT"),  # PE side in a VRF, CE side global
            cfg("Loopback0", "10.255.0.1/32"), cfg("Loopback1", "10.254.0.1/24"),
            cfg("GigabitEthernet0/0", "172.16.0.1/24", vrf="Mgmt-intf"),
        ]),
        "QHD-R2": Facts(interfaces=[
            cfg("GigabitEthernet0/2", "10.20.0.2/24"), cfg("GigabitEthernet0/3", "2001:db8:12::2/64", "fe80::1/64"),
            cfg("GigabitEthernet0/4", "10.30.0.2/30", vrf="GOV"),
            cfg("Loopback1", "10.254.0.2/24"), cfg("GigabitEthernet0/0", "172.16.0.2/24", vrf="Mgmt-intf"),
        ]),
        "QHD-R3": Facts(interfaces=[
            cfg("GigabitEthernet0/4", "10.30.0.1/30", vrf="OTHER"), cfg("GigabitEthernet0/5", "10.40.0.2/30"),
            cfg("MgmtEth0/0", "172.16.0.3/24"),
        ]),
        "QHD-R4": Facts(interfaces=[cfg("GigabitEthernet0/4", "10.30.0.2/30", vrf="OTHER"),
                                    cfg("GigabitEthernet0/1", "172.16.0.4/24")]),  # its management address
    })
    assert link_set(db) == {
        ("QHD-R1:GigabitEthernet0/2", "QHD-R2:GigabitEthernet0/2", "subnet"),
        ("QHD-R1:GigabitEthernet0/3", "QHD-R2:GigabitEthernet0/3", "subnet"),
        ("QHD-R1:GigabitEthernet0/4", "QHD-R2:GigabitEthernet0/4", "subnet"),
        ("QHD-R3:GigabitEthernet0/4", "QHD-R4:GigabitEthernet0/4", "subnet"),
        ("QHD-R1:GigabitEthernet0/5", "QHD-R3:GigabitEthernet0/5", "subnet"),
    }
    assert evidence(db, "QHD-R1:GigabitEthernet0/3", "QHD-R2:GigabitEthernet0/3", "subnet") == {
        "kind": "point-to-point", "subnet": "2001:db8:12::/64", "vrf": None, "family": 6, "members": 2,
        "addresses": ["2001:db8:12::1", "2001:db8:12::2"]}
    assert evidence(db, "QHD-R3:GigabitEthernet0/4", "QHD-R4:GigabitEthernet0/4", "subnet")["vrf"] == "OTHER"
    assert evidence(db, "QHD-R1:GigabitEthernet0/5", "QHD-R3:GigabitEthernet0/5", "subnet")["vrf"] == ["UNIT", None]


def test_a_shared_lan_is_a_segment_and_its_evidence_follows_the_members(db: Engine) -> None:
    lan = {h: Facts(interfaces=[cfg("GigabitEthernet0/6", f"10.60.0.{n}/24")]) for n, h in enumerate(HOSTS[:3], 1)}
    run(db, lan)
    assert link_set(db) == {("QHD-R1:GigabitEthernet0/6", "QHD-R2:GigabitEthernet0/6", "subnet"),
                            ("QHD-R1:GigabitEthernet0/6", "QHD-R3:GigabitEthernet0/6", "subnet"),
                            ("QHD-R2:GigabitEthernet0/6", "QHD-R3:GigabitEthernet0/6", "subnet")}
    ev = evidence(db, "QHD-R1:GigabitEthernet0/6", "QHD-R3:GigabitEthernet0/6", "subnet")
    assert (ev["kind"], ev["subnet"], ev["members"]) == ("segment", "10.60.0.0/24", 3)
    # a fourth router joins, collected alone: the members already known count, every pair is refreshed
    run(db, {"QHD-R4": Facts(interfaces=[cfg("GigabitEthernet0/6", "10.60.0.4/24")])},
        now=utcnow() + dt.timedelta(minutes=5))
    assert len(link_set(db)) == 6
    assert evidence(db, "QHD-R1:GigabitEthernet0/6", "QHD-R2:GigabitEthernet0/6", "subnet")["members"] == 4


def test_a_shared_network_holding_management_addresses_is_no_segment(db: Engine) -> None:
    # an out-of-band LAN on plain ports (no management VRF, no management port name): the inventory's
    # management addresses on it say what it is
    run(db, {h: Facts(interfaces=[cfg("GigabitEthernet0/9", f"172.16.0.{n}/24")]) for n, h in enumerate(HOSTS, 1)})
    assert link_set(db) == set()


def neighbours(*rows: NeighborFact) -> Facts:
    return Facts(neighbors=list(rows))


def test_neighbours_matched_by_name_management_address_and_chassis_id(db: Engine) -> None:
    ports = {h: Facts(interfaces=[cfg(f"GigabitEthernet0/{p}") for p in (1, 2, 3, 4)]) for h in HOSTS}
    run(db, ports)
    run(db, {
        # CDP detail: a domain on the Device ID, short port names
        "QHD-R1": neighbours(NeighborFact("GigabitEthernet0/2", "qhd-r2.example.net", "Gi0/2", protocol="cdp",
                                          mgmt_address="172.16.0.2"),
                             # LLDP: a system name nobody knows, but the management address is R3's
                             NeighborFact("GigabitEthernet0/3", "router", "Gi0/3", protocol="lldp",
                                          chassis_id="00e0.fc01.0003", mgmt_address="172.16.0.3")),
        # LLDP brief from R2, naming R1 the way it names itself: a second reporter of another protocol
        "QHD-R2": neighbours(NeighborFact("GigabitEthernet0/2", "QHD-R1", "GigabitEthernet0/2", protocol="lldp")),
        # a neighbour without name and address, only the chassis id learned from R1's sighting above
        "QHD-R4": neighbours(NeighborFact("GigabitEthernet0/4", "", "Gi0/4", protocol="lldp",
                                          chassis_id="00:e0:fc:01:00:03"),
                             NeighborFact("GigabitEthernet0/1", "NO-SUCH-HOST", "Gi0/1", protocol="lldp")),
    })
    assert link_set(db) == {("QHD-R1:GigabitEthernet0/2", "QHD-R2:GigabitEthernet0/2", "cdp"),
                            ("QHD-R1:GigabitEthernet0/2", "QHD-R2:GigabitEthernet0/2", "lldp"),
                            ("QHD-R1:GigabitEthernet0/3", "QHD-R3:GigabitEthernet0/3", "lldp"),
                            ("QHD-R3:GigabitEthernet0/4", "QHD-R4:GigabitEthernet0/4", "lldp")}
    assert evidence(db, "QHD-R1:GigabitEthernet0/2", "QHD-R2:GigabitEthernet0/2", "cdp") == {
        "protocol": "cdp", "seen_by": {"QHD-R1": {
            "local_port": "GigabitEthernet0/2", "remote": "qhd-r2.example.net", "remote_port": "Gi0/2",
            "matched_by": "name", "chassis_id": None, "mgmt_address": "172.16.0.2"}}}
    r3 = evidence(db, "QHD-R1:GigabitEthernet0/3", "QHD-R3:GigabitEthernet0/3", "lldp")["seen_by"]["QHD-R1"]
    assert (r3["matched_by"], r3["chassis_id"]) == ("mgmt_address", "00e0.fc01.0003")
    r4 = evidence(db, "QHD-R3:GigabitEthernet0/4", "QHD-R4:GigabitEthernet0/4", "lldp")["seen_by"]["QHD-R4"]
    assert r4["matched_by"] == "chassis_id"
    with session_scope(db) as s:
        assert s.exec(select(Device.chassis_id).where(Device.hostname == "QHD-R3")).one() == "00e0fc010003"


def test_both_ends_reporting_keep_one_entry_each(db: Engine) -> None:
    run(db, {h: Facts(interfaces=[cfg("GigabitEthernet0/2")]) for h in HOSTS[:2]})
    now = utcnow()
    reports = {"QHD-R1": neighbours(NeighborFact("GigabitEthernet0/2", "QHD-R2", "GigabitEthernet0/2")),
               "QHD-R2": neighbours(NeighborFact("GigabitEthernet0/2", "QHD-R1", "GigabitEthernet0/2"))}
    run(db, reports, now)
    first = evidence(db, "QHD-R1:GigabitEthernet0/2", "QHD-R2:GigabitEthernet0/2", "lldp")
    assert sorted(first["seen_by"]) == ["QHD-R1", "QHD-R2"]
    run(db, reports, now + dt.timedelta(minutes=5))  # a second sighting changes nothing in the evidence
    assert evidence(db, "QHD-R1:GigabitEthernet0/2", "QHD-R2:GigabitEthernet0/2", "lldp") == first


def test_management_and_loopback_rules_are_data() -> None:
    assert links.is_management("MEth0/0/1", None) and links.is_management("M-GigabitEthernet0/0/0", None)
    assert links.is_management("GigabitEthernet0", "Mgmt-intf") and links.is_management("Vlanif10", "_management_vpn_")
    assert not links.is_management("GigabitEthernet0/0/1", "GOV")
    assert links.is_loopback("LoopBack0") and links.is_loopback("Loopback 1") and not links.is_loopback("Logic0")
    assert links.chassis_key("00E0-FC12-3456") == links.chassis_key("00:e0:fc:12:34:56") == "00e0fc123456"
    assert links.host_key("QHD-DC-SW1(FOX1234ABCD)") == "qhd-dc-sw1"


def test_an_observed_interface_the_document_names_becomes_declared(db: Engine) -> None:
    from inventory.io import import_document, parse_texts

    run(db, {"QHD-R2": Facts(interfaces=[cfg("GigabitEthernet0/7", "10.70.0.1/30", description="seen first")])})
    doc = """\
version: 1
rooms:
  - {code: CORE, name: 核心机房, is_core: true}
devices:
  - hostname: QHD-R2
    platform: cisco_ios
    vendor: Cisco
    role: core
    room: CORE
    mgmt_address: 172.16.0.2
    interfaces:
      - {name: GigabitEthernet0/7, description: 到 U009 的专线, ip: 10.70.0.1/30}
"""
    with session_scope(db) as s:
        import_document(s, parse_texts([("devices.yaml", doc)]))
    with session_scope(db) as s:
        iface = s.exec(select(Interface).where(Interface.name == "GigabitEthernet0/7")).one()
        assert (iface.source, iface.description) == ("declared", "到 U009 的专线")
