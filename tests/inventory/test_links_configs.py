"""Acceptance (issue 14, item 3): a folder of plain IOS-style running configs, imported offline, gives
exactly the network's links. The configs are our own (tests/inventory/fixtures/ios_network): twelve
routers with a loopback each, /24 and /30 transit links, a dual-stack link, an IPv6-only link, a
sub-interface link, a PE port in a VRF facing a CE in the global table, user LANs with one router,
a shared LAN with three routers (a segment), and an out-of-band management /24 shared by all twelve
(in the Mgmt-intf VRF on odd routers, on a plain port on even ones) that must not become links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from inventory.db import session_scope
from inventory.models import Device, Interface, Link, RoutingFact
from inventory.offline import import_folder
from topology.graph import build_graph

FOLDER = Path(__file__).parent / "fixtures" / "ios_network"

P2P = {
    ("QHD-CORE-R1:GigabitEthernet0/1", "QHD-CORE-R2:GigabitEthernet0/1"),  # a /24 with two routers
    ("QHD-CORE-R1:GigabitEthernet0/2", "QHD-AGG-R1:GigabitEthernet0/1"),  # /30 and /64: dual stack
    ("QHD-CORE-R2:GigabitEthernet0/2", "QHD-AGG-R2:GigabitEthernet0/1"),
    ("QHD-CORE-R1:GigabitEthernet0/3", "QHD-AGG-R3:GigabitEthernet0/1"),
    ("QHD-CORE-R2:GigabitEthernet0/3", "QHD-AGG-R3:GigabitEthernet0/2"),  # /24
    ("QHD-AGG-R1:GigabitEthernet0/2", "QHD-AGG-R2:GigabitEthernet0/2"),  # IPv6 only
    ("QHD-AGG-R1:GigabitEthernet0/4", "U002-AR1:GigabitEthernet0/1"),
    ("QHD-AGG-R2:GigabitEthernet0/4", "U003-AR1:GigabitEthernet0/1"),
    ("QHD-AGG-R3:GigabitEthernet0/3", "U004-AR1:GigabitEthernet0/1"),
    ("QHD-AGG-R3:GigabitEthernet0/4.100", "U005-AR1:GigabitEthernet0/1.100"),  # sub-interfaces
    ("QHD-CORE-R1:GigabitEthernet0/4", "U006-AR1:GigabitEthernet0/1"),  # VRF GOV facing the global table
    ("QHD-CORE-R2:GigabitEthernet0/5", "U007-AR1:GigabitEthernet0/1"),
}
SEGMENT = {  # the shared LAN 10.50.0.0/24, pairwise
    ("QHD-AGG-R1:GigabitEthernet0/3", "QHD-AGG-R2:GigabitEthernet0/3"),
    ("QHD-AGG-R1:GigabitEthernet0/3", "U001-AR1:GigabitEthernet0/1"),
    ("QHD-AGG-R2:GigabitEthernet0/3", "U001-AR1:GigabitEthernet0/1"),
}


def _role(host: str) -> str:
    return "core" if "-CORE-" in host else "aggregation" if "-AGG-" in host else "access-router"


def test_a_folder_of_plain_ios_configs_gives_exactly_its_links(engine: Engine, tmp_path: Path) -> None:
    configs = sorted(FOLDER.glob("*.cfg"))
    assert len(configs) >= 10
    folder = tmp_path / "configs"
    shutil.copytree(FOLDER, folder)
    with session_scope(engine) as s:
        for path in configs:
            text = path.read_text(encoding="utf-8")
            # the inventory's management address: the out-of-band port's, as an operator would enter it
            mgmt = re.search(r"description OOB management\n(?: .*\n)*? ip address (\S+)", text)
            assert mgmt, path
            s.add(Device(hostname=path.stem, platform="cisco_ios", vendor="Cisco", role=_role(path.stem),
                         mgmt_address=mgmt.group(1)))
    report = import_folder(engine, folder)
    assert (report.total, report.ok) == (len(configs), len(configs))

    with session_scope(engine) as s:
        names = {i.id: f"{s.get(Device, i.device_id).hostname}:{i.name}" for i in s.exec(select(Interface))}
        rows = {(names[lk.a_interface_id], names[lk.z_interface_id]): lk for lk in s.exec(select(Link))}
        graph = build_graph(s)
    found = {tuple(sorted(pair)) for pair in rows}
    assert {lk.source for lk in rows.values()} == {"subnet"}
    assert found == {tuple(sorted(p)) for p in P2P | SEGMENT}

    def ev(a: str, z: str) -> dict:
        return next(lk.evidence for pair, lk in rows.items() if set(pair) == {a, z})

    assert ev("QHD-AGG-R1:GigabitEthernet0/2", "QHD-AGG-R2:GigabitEthernet0/2")["family"] == 6
    dual = ev("QHD-CORE-R1:GigabitEthernet0/2", "QHD-AGG-R1:GigabitEthernet0/1")
    assert (dual["subnet"], dual["also"]) == ("10.1.1.0/30", ["2001:db8:11::/64"])
    assert ev("QHD-CORE-R1:GigabitEthernet0/4", "U006-AR1:GigabitEthernet0/1")["vrf"] == ["GOV", None]
    for a, z in SEGMENT:
        assert (ev(a, z)["kind"], ev(a, z)["subnet"], ev(a, z)["members"]) == ("segment", "10.50.0.0/24", 3)
    # the graph: one segment node with its three members, no pairwise edges for it
    assert [n for n, k in graph.nodes(data="kind") if k == "segment"] == ["segment:10.50.0.0/24"]
    assert sorted(graph.neighbors("segment:10.50.0.0/24")) == ["device:QHD-AGG-R1", "device:QHD-AGG-R2",
                                                               "device:U001-AR1"]
    assert graph.number_of_edges() == len(P2P) + 3
    # the configs' routing is stored too, one row per configured route or OSPF network
    with session_scope(engine) as s:
        core = s.exec(select(Device.id).where(Device.hostname == "QHD-CORE-R1")).one()
        routing = {(r.kind, r.vrf, r.prefix, r.next_hop, r.area)
                   for r in s.exec(select(RoutingFact).where(RoutingFact.device_id == core))}
    assert ("static", "Mgmt-intf", "0.0.0.0/0", "172.16.100.254", None) in routing
    assert ("ospf", None, "10.0.0.0/8", None, "0.0.0.0") in routing
