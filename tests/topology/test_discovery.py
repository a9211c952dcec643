"""Discovery and drift: LLDP rows (as inventory.links writes them for the collectors) and subnets against
the register."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

import answers
from inventory.db import session_scope
from inventory.links import host_key, port_key, record_lldp, record_subnet_links, resolve_host, subnet_pairs
from inventory.models import Circuit, CommandOutput, Device, Interface, Link
from topology.graph import build_graph

SHORT = {"GigabitEthernet": "GE", "XGigabitEthernet": "XGE", "Ten-GigabitEthernet": "XGE"}


def short(name: str) -> str:
    for long, abbrev in SHORT.items():
        if name.startswith(long):
            return abbrev + name[len(long):]
    return name


def lldp_for_all_circuits(s, skip: set[str] = frozenset(), one_sided: set[str] = frozenset()):
    """What an LLDP collection of the sample would report: both sides of every circuit, with the short
    port names and domain-qualified upper/lower-case system names real devices use."""
    ifaces = {i.id: i for i in s.exec(select(Interface))}
    hosts = {d.id: d.hostname for d in s.exec(select(Device))}
    rows = []
    for c in s.exec(select(Circuit)):
        if not (c.a_interface_id and c.z_interface_id) or c.cid in skip:
            continue
        a, z = ifaces[c.a_interface_id], ifaces[c.z_interface_id]
        rows.append((hosts[a.device_id], short(a.name), hosts[z.device_id].lower() + ".qhd.gov", short(z.name)))
        if c.cid not in one_sided:
            rows.append((hosts[z.device_id], z.name, hosts[a.device_id], short(a.name)))
    return rows


def test_port_key_normalises_vendor_spellings() -> None:
    assert port_key("GE0/0/1") == port_key("GigabitEthernet0/0/1") == port_key("Gi0/0/1")
    assert port_key("XGE0/0/2") == port_key("XGigabitEthernet0/0/2") == port_key("Ten-GigabitEthernet0/0/2")
    assert port_key("GE0/0/1") != port_key("GE0/0/10")


def test_host_names_resolve_like_lldp_reports_them() -> None:
    names = ("QHD-CORE-SW1", "QHD-CORE-SW2", "QHD-DEVZONE-AGG1", "SHANHAIGUAN-DISTRICT-COURT-AR1")
    hosts = {host_key(h): h for h in names}
    assert resolve_host(hosts, "qhd-core-sw1.qhd.gov.cn") == "QHD-CORE-SW1"
    assert resolve_host(hosts, "SHANHAIGUAN-DISTRICT") == "SHANHAIGUAN-DISTRICT-COURT-AR1"  # IOS: 20 characters
    assert resolve_host(hosts, "QHD-CORE-SW") is None  # ambiguous prefix
    assert resolve_host(hosts, "QHD") is None  # too short to trust


def test_sample_register_is_consistent(sample_engine: Engine) -> None:
    with session_scope(sample_engine) as s:
        report = answers.ask(s).drift()
        pairs = subnet_pairs(s.exec(select(Interface)))
    assert report.items == [] and report.declared == len(pairs)


def test_drift_finds_removed_added_one_sided_and_mismatches(sample_copy: Engine) -> None:
    engine = sample_copy
    with session_scope(engine, actor="collector") as s:
        # The lab: LT-U002-1 was unplugged; a new cable joins U001-AR1 and QHD-CORE-SW2 on two new ports.
        # (DX-U003-1 is reported by one side only: stored links cannot say which, so no one-sided finding.)
        rows = lldp_for_all_circuits(s, skip={"LT-U002-1"}, one_sided={"DX-U003-1"})
        ar = s.exec(select(Device).where(Device.hostname == "U001-AR1")).one()
        sw = s.exec(select(Device).where(Device.hostname == "QHD-CORE-SW2")).one()
        s.add(Interface(device_id=ar.id, name="GigabitEthernet0/0/9", speed_mbps=1000))
        s.add(Interface(device_id=sw.id, name="GigabitEthernet0/0/99", speed_mbps=1000))
        s.flush()
        rows += [("U001-AR1", "GE0/0/9", "QHD-CORE-SW2", "GE0/0/99"),
                 ("qhd-core-sw2", "GE0/0/99", "U001-AR1", "GE0/0/9")]
        rows.append(("U001-AR1", "GE0/0/77", "NO-SUCH-HOST", "GE0/0/1"))

        unresolved = record_lldp(s, rows)
        assert unresolved == [("U001-AR1", "GE0/0/77", "NO-SUCH-HOST", "GE0/0/1")]
        # The register: LT-U004-1 was removed although the cable is still there (LLDP sees it).
        s.delete(s.exec(select(Link).where(Link.circuit_id == s.exec(
            select(Circuit.id).where(Circuit.cid == "LT-U004-1")).one())).one())
        s.exec(select(Circuit).where(Circuit.cid == "LT-U004-1")).one().status = "decommissioned"
        # A port description naming the wrong carrier, and a circuit faster than its ports.
        lt5 = s.exec(select(Circuit).where(Circuit.cid == "LT-U005-1")).one()
        s.get(Interface, lt5.a_interface_id).description = "DX DX-U005-1 to QHD-CORE-SW1"
        s.exec(select(Circuit).where(Circuit.cid == "LT-U006-1")).one().bandwidth_mbps = 2000
    with session_scope(engine) as s:
        report = answers.ask(s).drift().by_kind()
        graph = build_graph(s)
    assert [i.circuit for i in report["declared-not-seen"]] == ["LT-U002-1"]
    assert "addressing still configured" in report["declared-not-seen"][0].detail
    seen = {(i.a, i.z) for i in report["seen-not-declared"]}
    assert ("U001-AR1:GigabitEthernet0/0/9", "QHD-CORE-SW2:GigabitEthernet0/0/99") in seen
    assert any(i.detail == "seen by lldp+subnet, no circuit declared" and "U004-AR1" in i.a + i.z
               for i in report["seen-not-declared"])
    assert len(seen) == 2
    assert report["one-sided-lldp"] == []
    assert [i.circuit for i in report["carrier-mismatch"]] == ["LT-U005-1"]
    assert [i.circuit for i in report["bandwidth-mismatch"]] == ["LT-U006-1"]
    # The undeclared cable is in the graph as a discovered edge (the removed circuit too, as seen by LLDP).
    discovered = {(u, v) for u, v, k in graph.edges(keys=True) if k.startswith("link:")}
    assert {"device:U001-AR1", "device:QHD-CORE-SW2"} in [set(p) for p in discovered]


def test_subnet_links_are_recorded_once(sample_copy: Engine) -> None:
    engine = sample_copy
    with session_scope(engine) as s:
        first = record_subnet_links(s)
    with session_scope(engine) as s:
        assert record_subnet_links(s) == 0
        assert first == len(s.exec(select(Link).where(Link.source == "subnet")).all()) > 200
        assert answers.ask(s).drift().items == []


def test_subnet_pairs_any_prefix_length_and_segments_pairwise() -> None:
    def iface(i: int, dev: int, ip: str | None, name: str | None = None) -> Interface:
        return Interface(id=i, device_id=dev, name=name or f"GE0/0/{i}", ip_address=ip)

    pairs = subnet_pairs([
        iface(1, 1, "10.0.0.1/30"), iface(2, 2, "10.0.0.2/30"),  # point-to-point
        iface(3, 1, "10.0.1.1/31"), iface(4, 1, "10.0.1.0/31"),  # same device: not a link
        iface(5, 3, "10.0.2.1/29"), iface(6, 4, "10.0.2.2/29"), iface(7, 5, "10.0.2.3/29"),  # a segment of three
        iface(11, 9, "10.0.4.1/24"), iface(12, 10, "10.0.4.2/24"),  # two routers on a /24: a link
        iface(15, 13, "10.0.5.1/32", "LoopBack0"), iface(16, 14, "10.0.5.2/24", "LoopBack1"),
        iface(17, 15, "10.0.5.3/24", "LoopBack1"),  # loopbacks never pair
        iface(18, 16, "10.0.6.1/24", "MEth0/0/1"), iface(19, 17, "10.0.6.2/24", "M-GigabitEthernet0/0/0"),
        iface(13, 11, None), iface(14, 12, "not-an-ip"),
    ])
    assert [(a.id, z.id, net) for a, z, net in pairs] == [
        (1, 2, "10.0.0.0/30"), (5, 6, "10.0.2.0/29"), (5, 7, "10.0.2.0/29"), (6, 7, "10.0.2.0/29"),
        (11, 12, "10.0.4.0/24")]


def test_drift_on_lldp_rendered_and_parsed_like_a_collection(sample_copy: Engine) -> None:
    """The lab's own LLDP screens (Huawei/H3C/Cisco formats) parsed by the collectors' TextFSM templates,
    after a circuit was unplugged in the lab and a stray cable added between two unit LANs."""
    engine = sample_copy
    import pytest

    lab_spec = pytest.importorskip("lab.spec")
    render = pytest.importorskip("lab.render")
    parse = pytest.importorskip("collectors.parse")
    from lab.model import LabNeighbor
    with session_scope(engine) as s:
        spec = lab_spec.build_lab_spec(s)
        circuit = s.exec(select(Circuit).where(Circuit.cid == "LT-U010-1")).one()
        gone = {s.get(Interface, circuit.a_interface_id).name, s.get(Interface, circuit.z_interface_id).name}
    devs = {d.hostname: d for d in spec.devices}
    for d in devs.values():  # unplug LT-U010-1 at both ends
        d.neighbors = [n for n in d.neighbors
                       if not (n.local_interface in gone and "U010-AR1" in (d.hostname, n.neighbor))]
    lan = {h: next(i.name for i in devs[h].interfaces if "局域网" in i.description) for h in ("U001-AR1", "U002-AR1")}
    devs["U001-AR1"].neighbors.append(LabNeighbor(lan["U001-AR1"], "U002-AR1", lan["U002-AR1"]))
    devs["U002-AR1"].neighbors.append(LabNeighbor(lan["U002-AR1"], "U001-AR1", lan["U001-AR1"]))
    # DX-U003-1: the aggregation switch stops reporting the unit router (LLDP disabled on that port).
    agg = next(h for h, d in devs.items() if any(n.neighbor == "U003-AR2" for n in d.neighbors) and "AGG" in h)
    devs[agg].neighbors = [n for n in devs[agg].neighbors if n.neighbor != "U003-AR2"]
    rows = []
    with session_scope(engine, actor="collector") as s:
        ids = {d.hostname: d.id for d in s.exec(select(Device))}
        for d in devs.values():
            screen = render.render_lldp(d)
            s.add(CommandOutput(device_id=ids[d.hostname], command=f"{d.platform} lldp neighbours", output=screen,
                                sha256="-"))
            facts = parse.parse_outputs(d.platform, {"lldp": screen})
            rows += [(d.hostname, n.local_interface, n.neighbor, n.neighbor_interface) for n in facts.neighbors]
        assert record_lldp(s, rows) == []  # every name the devices printed resolves
    with session_scope(engine) as s:
        report = answers.ask(s).drift().by_kind()
    assert [i.circuit for i in report["declared-not-seen"]] == ["LT-U010-1"]
    assert [(i.a.split(":")[0], i.z.split(":")[0]) for i in report["seen-not-declared"]] == [("U001-AR1", "U002-AR1")]
    assert [(i.a.split(":")[0], i.z.split(":")[0]) for i in report["one-sided-lldp"]] == [("U003-AR2", agg)]
