"""Graphs without a database: a small builder (hand-made test graphs, random multigraphs) and the
province-scale synthetic topology (11 cities shaped like the sample city) for scale benchmarks.

Every graph made here has exactly the attributes ``topology.graph.build_graph`` produces (C1), so all
analyses run on it unchanged.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from inventory.sample import SEED, build_sample

from .graph import device_node, external_node
from .net import no_gc

CARRIERS = {"unicom": {"name": "中国联通", "role": "primary"}, "telecom": {"name": "中国电信", "role": "backup"}}


class Builder:
    def __init__(self, carriers: dict[str, dict[str, str]] | None = None):
        g = nx.MultiGraph()
        g.graph.update(carriers=dict(carriers or CARRIERS), rooms={}, units={}, srlgs={}, unplaced=[])
        self.g = g

    def room(self, code: str, *, name: str | None = None, is_core: bool = False) -> Builder:
        self.g.graph["rooms"][code] = {"name": name or code, "name_en": None, "is_core": is_core, "devices": [],
                                       "terminals": 0}
        return self

    def unit(self, code: str, *, name: str | None = None, terminals: int = 0) -> Builder:
        self.g.graph["units"][code] = {"name": name or code, "kind": "government", "group": "",
                                       "terminals": terminals, "devices": []}
        return self

    def device(self, host: str, *, room: str | None = None, unit: str | None = None, terminals: int = 0,
               role: str | None = None, platform: str = "huawei_vrp") -> str:
        node = device_node(host)
        role = role or ("access-router" if unit else "aggregation")
        self.g.add_node(node, kind="device", hostname=host, role=role, platform=platform, vendor="Huawei",
                        room=room, unit=unit, terminals=terminals, enabled=True, terminals_measured=None)
        if room:
            if room not in self.g.graph["rooms"]:
                self.room(room)
            self.g.graph["rooms"][room]["devices"].append(node)
            self.g.graph["rooms"][room]["terminals"] += terminals
        if unit:
            if unit not in self.g.graph["units"]:
                self.unit(unit)
            self.g.graph["units"][unit]["devices"].append(node)
            self.g.graph["units"][unit]["terminals"] += terminals
        return node

    def external(self, name: str) -> str:
        node = external_node(name)
        self.g.add_node(node, kind="external", name=name, role="external", platform=None, room=None, unit=None,
                        terminals=0)
        return node

    def link(self, a: str, b: str, key: str, *, carrier: str | None = None, role: str = "internal",
             bandwidth: int = 1000, srlg: str | None = None) -> str:
        na = a if ":" in a else device_node(a)
        nb = b if ":" in b else device_node(b)
        ga, gb = self.g.nodes[na], self.g.nodes[nb]
        self.g.add_edge(na, nb, key=key, carrier=carrier, circuit=key, role=role, bandwidth_mbps=bandwidth,
                        srlg=srlg, source="declared", a_interface=None, z_interface=None, oper_up=None,
                        a_room=ga.get("room"), z_room=gb.get("room"), a_unit=ga.get("unit"), z_unit=gb.get("unit"))
        if srlg:
            self.g.graph["srlgs"].setdefault(srlg, []).append(key)
        return key

    def done(self) -> nx.MultiGraph:
        g = self.g
        core_rooms = [c for c, r in g.graph["rooms"].items() if r["is_core"]]
        g.graph["core_rooms"] = core_rooms
        g.graph["down_links"] = []
        g.graph["core"] = sorted([n for c in core_rooms for n in g.graph["rooms"][c]["devices"]]
                                 + [n for n, k in g.nodes(data="kind") if k == "external"])
        return g


def add_city(b: Builder, doc: dict[str, Any], prefix: str = "", *, core: bool = True,
             uplink_to: dict[str, str] | None = None) -> None:
    """Add one city from an inventory import document (e.g. ``inventory.sample.build_sample()``).
    ``prefix`` namespaces its names; ``uplink_to`` maps an uplink cid to a device that replaces its
    external end (how cities hang off the provincial core)."""
    p = prefix
    for r in doc["rooms"]:
        b.room(p + r["code"], name=p + r["name"], is_core=core and r["is_core"])
    for u in doc["units"]:
        b.unit(p + u["code"], name=p + u["name"])
    for d in doc["devices"]:
        b.device(p + d["hostname"], room=p + d["room"] if d.get("room") else None,
                 unit=p + d["unit"] if d.get("unit") else None, terminals=d.get("declared_terminals", 0),
                 role=d["role"], platform=d["platform"])
    uplink_to = uplink_to or {}
    for c in doc["circuits"]:
        if c.get("status", "active") != "active":
            continue
        ends = []
        for end in (c["a"], c["z"]):
            if "device" in end:
                ends.append(device_node(p + end["device"]))
            elif c["cid"] in uplink_to:
                ends.append(device_node(uplink_to[c["cid"]]))
            elif "external" in end:
                node = external_node(end["external"])
                if node not in b.g:
                    b.external(end["external"])
                ends.append(node)
        if len(ends) == 2:
            srlg = c.get("srlg")
            b.link(ends[0], ends[1], p + c["cid"], carrier=c.get("carrier"), role=c["role"],
                   bandwidth=c.get("bandwidth_mbps", 0), srlg=p + srlg if srlg else None)


def city_graph(seed: int | None = None) -> nx.MultiGraph:
    b = Builder()
    add_city(b, build_sample(SEED if seed is None else seed))
    return b.done()


def province_docs(cities: int = 11, seed: int = 1000) -> list[dict[str, Any]]:
    """The city documents of the province (generation is the slow part: ~0.3 s a city)."""
    return [build_sample(seed + i) for i in range(cities)]


@no_gc
def province_graph(docs: list[dict[str, Any]] | None = None, *, cities: int = 11, seed: int = 1000) -> nx.MultiGraph:
    """Cities shaped like the sample under a provincial core pair (two DC rooms). Each city's Unicom
    uplink becomes a long-haul circuit to PROV-CORE1, its Telecom uplink one to PROV-CORE2; groups of
    three cities share a long-haul duct (SRLG). The target is the provincial core."""
    docs = docs if docs is not None else province_docs(cities, seed)
    b = Builder()
    b.room("PROV-DC1", name="省级数据中心一", is_core=True)
    b.room("PROV-DC2", name="省级数据中心二", is_core=True)
    b.device("PROV-CORE1", room="PROV-DC1", role="core")
    b.device("PROV-CORE2", room="PROV-DC2", role="core")
    b.link("PROV-CORE1", "PROV-CORE2", "PROV-LOCAL-DCI", bandwidth=100000, srlg=None)
    for i, doc in enumerate(docs):
        p = f"C{i + 1:02d}-"
        up = {c["cid"]: ("PROV-CORE1" if c.get("carrier") == "unicom" else "PROV-CORE2")
              for c in doc["circuits"] if c["role"] == "uplink"}
        add_city(b, doc, p, core=False, uplink_to=up)
        duct = f"longhaul:group{i // 3 + 1}"
        for _u, _v, k, d in b.g.edges(device_node("PROV-CORE1"), keys=True, data=True):
            if k in {p + cid for cid, dev in up.items() if dev == "PROV-CORE1"}:
                d["srlg"] = duct
                b.g.graph["srlgs"].setdefault(duct, []).append(k)
    return b.done()
