"""The province: 11 cities shaped like the sample city under a provincial core, as one import document.

Each city is ``build_sample(seed + i)`` (the same documents ``topology.synth.province_docs`` returns)
namespaced so nothing collides across cities:

- codes, hostnames, circuit ids, SRLGs, contracts and vouchers get the prefix ``C01-`` … ``C11-``
  (the names ``topology.synth.province_graph`` gives the same cities, so the two can be compared);
  Chinese names (rooms, units, contracts, budget lines) get the city's name (河北省's 11 cities);
- every city is its own management zone ``city-01`` … (one collection queue per city); the
  provincial core is zone ``province``;
- addresses are moved into per-city ranges (the address plan is in docs/inventory.md), so management
  and link addresses never overlap and the lab's ``--spread`` binding (127.<octets 2-4>) stays unique;
- each city's two provincial uplinks become long-haul circuits to the provincial core pair
  (Unicom to PROV-CORE1 in PROV-DC1, Telecom to PROV-CORE2 in PROV-DC2); the Unicom long-hauls of
  each group of three cities share one duct (SRLG ``longhaul:groupN``), as in ``province_graph``.

``load_province`` imports the document through the normal importer (same validation, one transaction,
the same audit trail); only the YAML round trip is skipped (rows are validated from the mapping).
"""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

from sqlalchemy.engine import Engine

from .db import session_scope
from .document import SECTIONS
from .errors import ExtranetError
from .io import (
    Document,
    ImportFailed,
    ImportReport,
    Problem,
    RawRow,
    _duplicates,
    _validation_problems,
    import_document,
)
from .sample import CARRIERS, build_sample

MAX_CITIES = 30  # the address plan below has room for 30 cities
PROVINCE_ZONE = "province"
CORE_ROOMS = (("PROV-DC1", "省级数据中心一", "Provincial DC 1", "PROV-CORE1", "unicom"),
              ("PROV-DC2", "省级数据中心二", "Provincial DC 2", "PROV-CORE2", "telecom"))
DCI = "PROV-LOCAL-DCI"
# 河北省's 11 prefecture-level cities; the sample city is 秦皇岛. Beyond 11, numbered names.
CITY_NAMES = [("石家庄", "Shijiazhuang"), ("唐山", "Tangshan"), ("秦皇岛", "Qinhuangdao"), ("邯郸", "Handan"),
              ("邢台", "Xingtai"), ("保定", "Baoding"), ("张家口", "Zhangjiakou"), ("承德", "Chengde"),
              ("沧州", "Cangzhou"), ("廊坊", "Langfang"), ("衡水", "Hengshui")]


def city_prefix(k: int) -> str:
    """The namespace of city k (1-based), e.g. ``C03-``."""
    return f"C{k:02d}-"


def city_zone(k: int) -> str:
    return f"city-{k:02d}"


def city_name(k: int) -> tuple[str, str]:
    return CITY_NAMES[k - 1] if k <= len(CITY_NAMES) else (f"第{k}城市", f"City {k}")


def _address_map(k: int) -> list[tuple[ipaddress.IPv4Network, Any]]:
    """Sample range -> where city k's copy goes (second octet per city, or third for /24 plans)."""
    def second(octet: int) -> Any:
        return lambda a: ipaddress.IPv4Address(f"10.{octet}.{a.packed[2]}.{a.packed[3]}")

    return [
        # room management 10.255.<room 0-6>.<n> -> 10.255.<8k+room>.<n> (10.255.0.x is the provincial core)
        (ipaddress.ip_network("10.255.0.0/16"),
         lambda a: ipaddress.IPv4Address(f"10.255.{8 * k + a.packed[2]}.{a.packed[3]}")),
        (ipaddress.ip_network("10.254.0.0/16"), second(160 + k)),  # unit management
        (ipaddress.ip_network("10.250.0.0/16"), second(60 + k)),  # point-to-point /30s
        (ipaddress.ip_network("10.100.0.0/16"), second(100 + k)),  # unit LANs
        # the two uplinks 10.251.0.0/30 and .4/30 -> 10.251.<k>.x (the far end is the provincial core)
        (ipaddress.ip_network("10.251.0.0/24"),
         lambda a: ipaddress.IPv4Address(f"10.251.{k}.{a.packed[3]}")),
    ]


def _move(address: str, plan: list[tuple[ipaddress.IPv4Network, Any]]) -> str:
    """An address (with or without /prefix) moved into the city's range."""
    host, _, prefix = address.partition("/")
    ip = ipaddress.IPv4Address(host)
    for net, fn in plan:
        if ip in net:
            moved = str(fn(ip))
            return f"{moved}/{prefix}" if prefix else moved
    raise ValueError(f"address {address} is outside the sample's address plan")  # a sample change, not user input


def _city(doc: dict[str, Any], k: int, uplink_ports: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """City k's document, namespaced; its uplinks rewired to the provincial core (ports appended to
    ``uplink_ports[core hostname]``)."""
    p, (zh, en) = city_prefix(k), city_name(k)
    plan = _address_map(k)
    out: dict[str, Any] = {}
    out["rooms"] = [{**r, "code": p + r["code"], "name": zh + r["name"], "is_core": False,
                     "name_en": f"{en} {r['name_en']}" if r.get("name_en") else None,
                     "address": zh + r["address"] if r.get("address") else None} for r in doc["rooms"]]
    out["units"] = [{**u, "code": p + u["code"], "name": zh + u["name"]} for u in doc["units"]]
    out["contracts"] = [{**c, "code": p + c["code"], "name": zh + c["name"]} for c in doc["contracts"]]
    devices = []
    for d in doc["devices"]:
        d = copy.deepcopy(d)
        d["hostname"] = p + d["hostname"]
        for place in ("room", "unit"):
            if d.get(place):
                d[place] = p + d[place]
        d["mgmt_address"] = _move(d["mgmt_address"], plan)
        d["zone"] = city_zone(k)
        for iface in d["interfaces"]:
            if iface.get("ip"):
                iface["ip"] = _move(iface["ip"], plan)
        devices.append(d)
    out["devices"] = devices
    circuits = []
    for c in doc["circuits"]:
        c = copy.deepcopy(c)
        c["cid"] = p + c["cid"]
        for end in (c["a"], c["z"]):
            for key in ("room", "unit", "device"):
                if end.get(key):
                    end[key] = p + end[key]
        if c.get("srlg"):
            c["srlg"] = p + c["srlg"]
        if c.get("contract"):
            c["contract"] = p + c["contract"]
        if c["role"] == "uplink":
            room, _name, _en, core, _carrier = next(r for r in CORE_ROOMS if r[4] == c["carrier"])
            city_end = c["a"] if "device" in c["a"] else c["z"]
            far = "z" if city_end is c["a"] else "a"
            city_ip = next(i["ip"] for d in devices if d["hostname"] == city_end["device"]
                           for i in d["interfaces"] if i["name"] == city_end["interface"])
            iface = ipaddress.ip_interface(city_ip)
            ports = uplink_ports[core]
            port = {"name": f"GigabitEthernet1/0/{len(ports) + 1}", "speed_mbps": 1000,
                    "description": f"{'LT' if c['carrier'] == 'unicom' else 'DX'} {c['cid']} to {city_end['device']}",
                    "ip": f"{iface.ip + 1}/{iface.network.prefixlen}"}
            ports.append(port)
            c[far] = {"room": room, "device": core, "interface": port["name"]}
            if c["carrier"] == "unicom":
                c["srlg"] = f"longhaul:group{(k - 1) // 3 + 1}"
            c["description"] = f"{zh}至省级数据中心长途线路"
        circuits.append(c)
    out["circuits"] = circuits
    out["budget_lines"] = [{**b, "line": f"{zh} {b['line']}"} for b in doc["budget_lines"]]
    out["payments"] = [{**pm, "voucher": p + pm["voucher"], "contract": p + pm["contract"] if pm.get("contract")
                        else None, "budget_line": {**pm["budget_line"], "line": f"{zh} {pm['budget_line']['line']}"}}
                       for pm in doc["payments"]]
    out["incidents"] = [{**i, "circuit": p + i["circuit"] if i.get("circuit") else None} for i in doc["incidents"]]
    return out


def province_document(cities: int = 11, seed: int = 1000) -> dict[str, Any]:
    """The whole province as one import document (``inventory/document.py`` format)."""
    if not 1 <= cities <= MAX_CITIES:
        raise ExtranetError(f"cities: expected 1 to {MAX_CITIES}, got {cities}", code="invalid")
    uplink_ports: dict[str, list[dict[str, Any]]] = {core: [] for *_r, core, _c in CORE_ROOMS}
    parts = [_city(build_sample(seed + i), i + 1, uplink_ports) for i in range(cities)]
    rooms = [{"code": code, "name": name, "name_en": en, "is_core": True, "mlps_level": 3,
              "address": "石家庄市省级电子政务外网数据中心"} for code, name, en, _core, _c in CORE_ROOMS]
    cores = []
    for n, (room, _name, _en, core, _carrier) in enumerate(CORE_ROOMS, start=1):
        dci = {"name": "100GE1/0/1", "speed_mbps": 100000, "description": f"LOCAL {DCI}",
               "ip": f"10.249.0.{n}/30"}
        cores.append({"hostname": core, "platform": "huawei_vrp", "vendor": "Huawei", "model": "CE12808",
                      "serial": f"2102351{n:03d}PROVCORE{n:04d}", "os_version": "V200R019C10SPC800", "role": "core",
                      "room": room, "mgmt_address": f"10.255.0.{n}", "mgmt_port": 22, "zone": PROVINCE_ZONE,
                      "declared_terminals": 0, "enabled": True,
                      "interfaces": [{"name": "LoopBack0", "description": "management", "ip": f"10.255.0.{n}/32"},
                                     dci, *uplink_ports[core]]})
    dci_circuit = {"cid": DCI, "role": "internal", "status": "active", "bandwidth_mbps": 100000,
                   "a": {"room": "PROV-DC1", "device": "PROV-CORE1", "interface": "100GE1/0/1"},
                   "z": {"room": "PROV-DC2", "device": "PROV-CORE2", "interface": "100GE1/0/1"},
                   "billing_period": "annual", "description": "省级数据中心互联"}
    doc: dict[str, Any] = {"version": 1, "carriers": copy.deepcopy(CARRIERS), "rooms": rooms, "units": [],
                           "contracts": [], "devices": cores, "circuits": [dci_circuit], "links": [],
                           "budget_lines": [], "payments": [], "incidents": []}
    for part in parts:
        for section, rows in part.items():
            doc[section].extend(rows)
    return doc


def validate_mapping(data: dict[str, Any], name: str) -> Document:
    """Validate an in-memory document with the importer's schemas and duplicate checks (what
    ``io.parse_texts`` does after reading YAML); raise ImportFailed naming every problem."""
    problems: list[Problem] = []
    doc = Document()
    for section, schema in SECTIONS.items():
        for index, item in enumerate(data.get(section) or []):
            raw = RawRow(section, index, name, item)
            try:
                doc.rows.setdefault(section, []).append((raw, schema.model_validate(item)))
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                problems.extend(_validation_problems(raw, exc))  # type: ignore[arg-type]
    unknown = set(data) - set(SECTIONS) - {"version"}
    problems += [Problem(name, None, f"section '{s}'", None, "unknown section") for s in sorted(unknown)]
    problems.extend(_duplicates(doc))
    if problems:
        raise ImportFailed(problems)
    return doc


def load_province(engine: Engine, cities: int = 11, seed: int = 1000, actor: str = "province") -> ImportReport:
    """Import the province in one transaction through the normal importer (audit trail included)."""
    data = province_document(cities, seed)
    doc = validate_mapping(data, f"province ({cities} cities, seed {seed})")
    with session_scope(engine, actor=actor) as session:
        return import_document(session, doc)


__all__ = ["CITY_NAMES", "MAX_CITIES", "city_name", "city_prefix", "city_zone", "load_province",
           "province_document", "validate_mapping"]
