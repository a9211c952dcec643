"""The sample city: a deterministic stand-in for the bureau's network, built from SEED_FACTS.md.

It is produced as an import document (the same shape `extranet export` writes), so loading the
sample exercises the importer. Figures the evaluation states are reproduced exactly; everything
else (device models, circuits, terminals) is plausible and seeded.

Address plan (documented in docs/sample-city.md):
  management  10.255.<room>.<n> for room devices, 10.254.<unit>.<n> for unit devices (LoopBack0)
  links       10.250.0.0/16 carved into /30s in circuit order; uplinks 10.251.0.0/24
  unit LANs   10.100.<unit>.0/24 on the unit's first access router
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from .models.base import CHINA_TZ

SEED = 2020
PROVINCE = "河北省电子政务外网"

CARRIERS = [
    {"code": "unicom", "name": "中国联通", "role": "primary", "contact": "中国联合网络通信有限公司秦皇岛市分公司"},
    {"code": "telecom", "name": "中国电信", "role": "backup", "contact": "中国电信股份有限公司秦皇岛分公司"},
]

# (code, name, english name, address); the first is the core room.
ROOMS = [
    ("CORE", "核心机房", "Core room", "海港区文化路市工业和信息化局"),
    ("CITIZEN", "市民中心节点机房", "Citizen Centre", "海港区市民服务中心"),
    ("CLOUD", "云数据平台机房", "Cloud Data Platform", "经济技术开发区云数据中心"),
    ("YANSHAN", "燕山大街机房", "Yanshan Street", "海港区燕山大街"),
    ("HEBEI", "河北大街机房", "Hebei Street", "海港区河北大街"),
    ("KAILUAN", "开滦路机房", "Kailuan Road", "海港区开滦路"),
    ("DEVZONE", "开发区机房", "Development Zone", "经济技术开发区龙海道"),
]

# Vendor per room for the aggregation pair; models and releases per vendor and role.
ROOM_PLATFORM = {
    "CORE": "huawei_vrp", "CITIZEN": "huawei_vrp", "CLOUD": "huawei_vrp", "YANSHAN": "hp_comware",
    "HEBEI": "huawei_vrp", "KAILUAN": "hp_comware", "DEVZONE": "cisco_ios",
}
# Rooms with a Telecom circuit to the core: a Telecom backup landing elsewhere dead-ends on Unicom.
TELECOM_ROOMS = {"CITIZEN": 2, "CLOUD": 2, "YANSHAN": 1, "DEVZONE": 2}
ZONE = {"CORE": "zone-a", "CITIZEN": "zone-a", "CLOUD": "zone-a", "YANSHAN": "zone-b", "HEBEI": "zone-b",
        "KAILUAN": "zone-b", "DEVZONE": "zone-b"}

MODELS: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("huawei_vrp", "core"): [("S12708", "V200R019C10SPC500")],
    ("huawei_vrp", "firewall"): [("USG6650", "V600R007C20SPC500")],
    ("huawei_vrp", "aggregation"): [("CE6881-48S6CQ", "V200R005C20SPC800"), ("NE20E-S8", "V800R011C10SPC100")],
    ("huawei_vrp", "access-router"): [("AR6120", "V300R019C13SPC200"), ("AR2220", "V200R010C10SPC700"),
                                      ("AR1220", "V200R007C00SPC900")],
    ("huawei_vrp", "access-switch"): [("S5735-L24T4S-A1", "V200R021C00SPC100"), ("S5720-28X-LI-AC", "V200R019C10SPC500")],
    ("hp_comware", "aggregation"): [("MSR5680", "7.1.064, Release 0821P16")],
    ("hp_comware", "access-router"): [("MSR3620", "7.1.064, Release 0821P16"), ("MSR2630", "7.1.064, Release 0707P17"),
                                      ("MSR30-20", "5.20, Release 2513P07")],
    # HPE-branded Comware 7 (HPE names its Comware switches by number) beside H3C Comware 5
    ("hp_comware", "access-switch"): [("5130-24G-4SFP+ EI", "7.1.070, Release 3208P10"),
                                      ("S5120-28P-SI", "5.20.99, Release 1512")],
    ("cisco_ios", "aggregation"): [("ISR4451-X/K9", "16.9.5")],
    ("cisco_ios", "access-router"): [("ISR4331/K9", "16.12.4")],
    ("cisco_ios", "access-switch"): [("WS-C2960X-24TS-L", "15.2(7)E4")],
}
LEGACY_RELEASES = {"V200R007C00SPC900", "5.20, Release 2513P07", "5.20.99, Release 1512"}
VENDOR = {"huawei_vrp": "Huawei", "hp_comware": "H3C", "cisco_ios": "Cisco"}

# The 8 units the report names, then plausible municipal bodies of the kinds it lists.
NAMED_UNITS = [
    ("市委", "party"), ("市政府", "government"), ("市人大", "congress"), ("市政协", "cppcc"),
    ("市纪委", "supervision"), ("市委组织部", "party"), ("市委宣传部", "party"), ("市委统战部", "party"),
]
OTHER_UNITS = [
    ("市委政法委", "party"), ("市委政策研究室", "party"), ("市委网信办", "party"), ("市委机要保密局", "party"),
    ("市委党校", "party"), ("市直机关工委", "party"), ("市委老干部局", "party"), ("市委编办", "party"),
    ("市人大常委会办公室", "congress"), ("市政协办公室", "cppcc"), ("市监察委员会", "supervision"),
    ("市中级人民法院", "court"), ("海港区人民法院", "court"), ("山海关区人民法院", "court"),
    ("北戴河区人民法院", "court"), ("抚宁区人民法院", "court"),
    ("市人民检察院", "procuratorate"), ("海港区人民检察院", "procuratorate"), ("山海关区人民检察院", "procuratorate"),
    ("北戴河区人民检察院", "procuratorate"),
    ("市总工会", "organisation"), ("团市委", "organisation"), ("市妇联", "organisation"), ("市科协", "organisation"),
    ("市文联", "organisation"), ("市侨联", "organisation"), ("市工商联", "organisation"), ("市残联", "organisation"),
    ("市红十字会", "organisation"),
    ("市政府办公室", "government"), ("市发展和改革委员会", "government"), ("市教育局", "government"),
    ("市科学技术局", "government"), ("市工业和信息化局", "government"), ("市公安局", "government"),
    ("市民政局", "government"), ("市司法局", "government"), ("市财政局", "government"),
    ("市人力资源和社会保障局", "government"), ("市自然资源和规划局", "government"), ("市生态环境局", "government"),
    ("市住房和城乡建设局", "government"), ("市城市管理综合行政执法局", "government"), ("市交通运输局", "government"),
    ("市水务局", "government"), ("市农业农村局", "government"), ("市商务局", "government"),
    ("市文化广电和旅游局", "government"), ("市卫生健康委员会", "government"), ("市退役军人事务局", "government"),
    ("市应急管理局", "government"), ("市审计局", "government"), ("市国有资产监督管理委员会", "government"),
    ("市市场监督管理局", "government"), ("市体育局", "government"), ("市统计局", "government"),
    ("市医疗保障局", "government"), ("市行政审批局", "government"), ("市信访局", "government"),
    ("市人民防空办公室", "government"), ("市地方金融监督管理局", "government"), ("市林业局", "government"),
    ("市粮食和物资储备局", "government"), ("市机关事务管理局", "government"), ("市数据和政务服务局", "government"),
    ("市气象局", "government"), ("市住房公积金管理中心", "government"), ("市档案馆", "government"),
    ("市地震局", "government"), ("市外事办公室", "government"), ("市民族宗教事务局", "government"),
    ("市供销合作社", "government"), ("市疾病预防控制中心", "government"), ("市急救中心", "government"),
    ("市公共资源交易中心", "government"), ("市不动产登记中心", "government"), ("市社会保险事业管理局", "government"),
    ("市港口管理局", "government"), ("市城市管理局北戴河分局", "government"), ("市旅游和文化广电局北戴河分局", "government"),
    ("海港区人民政府", "government"), ("山海关区人民政府", "government"), ("北戴河区人民政府", "government"),
    ("抚宁区人民政府", "government"), ("青龙满族自治县人民政府", "government"), ("昌黎县人民政府", "government"),
    ("卢龙县人民政府", "government"), ("北戴河新区管理委员会", "government"), ("经济技术开发区管理委员会", "government"),
]
GROUP = {
    "party": "党委系统", "congress": "人大系统", "cppcc": "政协系统", "supervision": "纪检监察",
    "court": "政法系统", "procuratorate": "政法系统", "organisation": "群团组织", "government": "政府部门",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海燕波辉宁峰"

# How the 97 units attach. The counts are the sample's declared design; topology computes classes.
ATTACHMENT_PLAN = [("telecom-other-room", 16), ("telecom-same-room", 12), ("telecom-dead-end", 3),
                   ("unicom-dual-room", 4), ("unicom-dual-same-room", 4), ("single", 58)]

UNICOM_ANNUAL = Decimal("148.00")  # 网元合作协议: 444.00 over three years
TELECOM_ANNUAL = Decimal("8.88")  # the 2021 and 2022 Telecom fee


@dataclass
class _Builder:
    rng: random.Random
    devices: list[dict[str, Any]] = field(default_factory=list)
    circuits: list[dict[str, Any]] = field(default_factory=list)
    _by_host: dict[str, dict[str, Any]] = field(default_factory=dict)
    _next_port: dict[str, int] = field(default_factory=dict)
    _p2p: Any = None
    _uplink: Any = None

    def __post_init__(self) -> None:
        self._p2p = ipaddress.ip_network("10.250.0.0/16").subnets(new_prefix=30)
        self._uplink = ipaddress.ip_network("10.251.0.0/24").subnets(new_prefix=30)

    def device(self, hostname: str, platform: str, role: str, mgmt: str, *, room: str | None = None,
               unit: str | None = None, zone: str, terminals: int = 0) -> dict[str, Any]:
        model, release = self.rng.choice(MODELS[(platform, role)])
        serial = _serial(self.rng, platform)
        dev: dict[str, Any] = {
            "hostname": hostname, "platform": platform, "vendor": VENDOR[platform], "model": model,
            "serial": serial, "os_version": release, "role": role, "mgmt_address": mgmt, "mgmt_port": 22,
            "zone": zone, "legacy_crypto": release in LEGACY_RELEASES,
            # Comware 5 speaks GBK on the wire; read as UTF-8 its Chinese descriptions vanish silently.
            "encoding": "gbk" if platform == "hp_comware" and release.startswith("5.") else "utf-8",
            "declared_terminals": terminals, "enabled": True,
            "interfaces": [{"name": _loopback(platform), "description": "management", "ip": f"{mgmt}/32"}],
        }
        if room:
            dev["room"] = room
        if unit:
            dev["unit"] = unit
        self.devices.append(dev)
        self._by_host[hostname] = dev
        return dev

    def port(self, hostname: str, speed: int, description: str, ip: str | None = None) -> str:
        dev = self._by_host[hostname]
        n = self._next_port.get(hostname, 0) + 1
        self._next_port[hostname] = n
        name = _port_name(dev["platform"], speed, n)
        iface: dict[str, Any] = {"name": name, "description": description, "speed_mbps": speed}
        if ip:
            iface["ip"] = ip
        dev["interfaces"].append(iface)
        return name

    def circuit(self, cid: str, carrier: str | None, role: str, bandwidth: int, a: dict[str, Any],
                z: dict[str, Any], *, srlg: str | None = None, install: dt.date, contract: str | None,
                external: bool = False) -> dict[str, Any]:
        subnet = next(self._uplink if external else self._p2p)
        hosts = list(subnet.hosts())
        speed = 10000 if bandwidth >= 1000 and role != "uplink" else 1000
        a_name, z_name = _end_label(z), _end_label(a)
        a["interface"] = self.port(a["device"], speed, f"{_carrier_zh(carrier)} {cid} to {a_name}",
                                   f"{hosts[0]}/{subnet.prefixlen}")
        if "device" in z:
            z["interface"] = self.port(z["device"], speed, f"{_carrier_zh(carrier)} {cid} to {z_name}",
                                       f"{hosts[1]}/{subnet.prefixlen}")
        circuit = {"cid": cid, "carrier": carrier, "role": role, "status": "active", "bandwidth_mbps": bandwidth,
                   "a": a, "z": z, "billing_period": "annual", "install_date": install}
        if srlg:
            circuit["srlg"] = srlg
        if contract:
            circuit["contract"] = contract
        self.circuits.append(circuit)
        return circuit


def _serial(rng: random.Random, platform: str) -> str:
    alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    if platform == "huawei_vrp":
        return "2102" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(alnum) for _ in range(10))
    if platform == "hp_comware":
        return "210235A" + "".join(rng.choice(alnum) for _ in range(13))
    return "FDO" + "".join(rng.choice("0123456789") for _ in range(4)) + "".join(rng.choice(alnum) for _ in range(4))


def _loopback(platform: str) -> str:
    return {"huawei_vrp": "LoopBack0", "hp_comware": "LoopBack0", "cisco_ios": "Loopback0"}[platform]


def _port_name(platform: str, speed: int, n: int) -> str:
    if platform == "huawei_vrp":
        return f"XGigabitEthernet0/0/{n}" if speed >= 10000 else f"GigabitEthernet0/0/{n}"
    if platform == "hp_comware":
        return f"Ten-GigabitEthernet1/0/{n}" if speed >= 10000 else f"GigabitEthernet1/0/{n}"
    return f"TenGigabitEthernet0/1/{n}" if speed >= 10000 else f"GigabitEthernet0/0/{n}"


def _carrier_zh(carrier: str | None) -> str:
    return {"unicom": "LT", "telecom": "DX", None: "LOCAL"}[carrier]


def _end_label(end: dict[str, Any]) -> str:
    return end.get("device") or end.get("external") or end.get("room") or end.get("unit") or "?"


def _split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """Split an amount by weights to 0.01 万元 so the parts add up to the total exactly."""
    cent = Decimal("0.01")
    whole = sum(weights)
    parts = [(total * w / whole).quantize(cent, rounding=ROUND_DOWN) for w in weights]
    remainder = int((total - sum(parts)) / cent)
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    for i in range(remainder):
        parts[order[i % len(order)]] += cent
    return parts


def _tariff(circuit: dict[str, Any]) -> int:
    """Relative price of a circuit (a list price shape, not a fact): backbone and uplinks cost more."""
    if circuit["role"] == "uplink":
        return 400
    if circuit["bandwidth_mbps"] >= 1000:
        return 250
    return {20: 10, 50: 16, 100: 24, 200: 36}.get(circuit["bandwidth_mbps"], 20)


def build_sample(seed: int = SEED) -> dict[str, Any]:
    """The whole sample city as an import document."""
    rng = random.Random(seed)
    b = _Builder(rng)
    since = dt.date(2014, 3, 1)

    rooms = [{"code": c, "name": n, "name_en": e, "is_core": c == "CORE", "address": a, "mlps_level": 3}
             for c, n, e, a in ROOMS]

    # Room devices: the core pair and a firewall in the core room, an aggregation pair per node room.
    b.device("QHD-CORE-SW1", "huawei_vrp", "core", "10.255.0.1", room="CORE", zone="zone-a")
    b.device("QHD-CORE-SW2", "huawei_vrp", "core", "10.255.0.2", room="CORE", zone="zone-a")
    b.device("QHD-CORE-FW1", "huawei_vrp", "firewall", "10.255.0.3", room="CORE", zone="zone-a")
    for n in (1, 2):  # two parallel members between the core pair: parallel edges in the graph
        b.circuit(f"QHD-LOCAL-CORE-{n}", None, "internal", 10000,
                  {"room": "CORE", "device": "QHD-CORE-SW1"}, {"room": "CORE", "device": "QHD-CORE-SW2"},
                  install=since, contract=None)
    for sw in ("QHD-CORE-SW1", "QHD-CORE-SW2"):
        b.circuit(f"QHD-LOCAL-FW-{sw[-1]}", None, "internal", 10000, {"room": "CORE", "device": "QHD-CORE-FW1"},
                  {"room": "CORE", "device": sw}, install=since, contract=None)
    for i, (code, *_rest) in enumerate(ROOMS[1:], start=1):
        plat = ROOM_PLATFORM[code]
        for k in (1, 2):
            b.device(f"QHD-{code}-AGG{k}", plat, "aggregation", f"10.255.{i}.{k}", room=code, zone=ZONE[code])
        b.circuit(f"QHD-LOCAL-{code}", None, "internal", 10000, {"room": code, "device": f"QHD-{code}-AGG1"},
                  {"room": code, "device": f"QHD-{code}-AGG2"}, install=since, contract=None)
        # Both Unicom fibres of a room run in one duct: the shared risk the evaluation never priced.
        for k in (1, 2):
            b.circuit(f"LT-BB-{code}-{k}", "unicom", "primary", 10000,
                      {"room": code, "device": f"QHD-{code}-AGG{k}"}, {"room": "CORE", "device": f"QHD-CORE-SW{k}"},
                      srlg=f"duct:{code}-core", install=since, contract="LT-2020")
        if code in TELECOM_ROOMS:
            k = TELECOM_ROOMS[code]
            b.circuit(f"DX-BB-{code}", "telecom", "backup", 1000, {"room": code, "device": f"QHD-{code}-AGG{k}"},
                      {"room": "CORE", "device": f"QHD-CORE-SW{k}"}, install=dt.date(2016, 5, 1), contract="DX-BACKUP")
    b.circuit("LT-UPLINK-PROV", "unicom", "uplink", 1000, {"room": "CORE", "device": "QHD-CORE-SW1"},
              {"external": PROVINCE}, install=since, contract="LT-2020", external=True)
    b.circuit("DX-UPLINK-PROV", "telecom", "uplink", 1000, {"room": "CORE", "device": "QHD-CORE-SW2"},
              {"external": PROVINCE}, install=dt.date(2016, 5, 1), contract="DX-BACKUP", external=True)

    units = _units(rng)
    plan = [kind for kind, count in ATTACHMENT_PLAN for _ in range(count)]
    # The named leadership bodies get the Telecom backups first; the rest is shuffled.
    head, tail = plan[:8], plan[8:]
    rng.shuffle(head)
    rng.shuffle(tail)
    plan = head + tail
    room_codes = [r[0] for r in ROOMS]
    telecom_rooms = list(TELECOM_ROOMS)
    dead_end_rooms = [c for c in room_codes[1:] if c not in TELECOM_ROOMS]
    for idx, (unit, attach) in enumerate(zip(units, plan, strict=True), start=1):
        _attach_unit(b, rng, idx, unit, attach, room_codes, telecom_rooms, dead_end_rooms)

    unicom = [c for c in b.circuits if c["carrier"] == "unicom"]
    telecom = [c for c in b.circuits if c["carrier"] == "telecom"]
    for group, total in ((unicom, UNICOM_ANNUAL), (telecom, TELECOM_ANNUAL)):
        for circuit, cost in zip(group, _split(total, [_tariff(c) for c in group]), strict=True):
            circuit["cost"] = cost

    doc: dict[str, Any] = {
        "version": 1,
        "carriers": CARRIERS,
        "rooms": rooms,
        "units": units,
        "devices": b.devices,
        "circuits": b.circuits,
        "links": [],
    }
    doc.update(money())
    doc["incidents"] = _incidents(rng, b.circuits)
    return doc


def _units(rng: random.Random) -> list[dict[str, Any]]:
    entries = NAMED_UNITS + OTHER_UNITS
    assert len(entries) == 97, len(entries)
    units = []
    for i, (name, kind) in enumerate(entries, start=1):
        big = i <= 8 or name in {"市公安局", "市财政局", "市中级人民法院", "市人民检察院", "海港区人民政府"}
        terminals = rng.randint(220, 520) if big else rng.randint(45, 140)
        units.append({
            "code": f"U{i:03d}", "name": name, "kind": kind, "group": GROUP[kind],
            "declared_terminals": terminals,
            "contact_name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
            "contact_phone": f"0335-{rng.randint(3000000, 8999999)}",
        })
    return units


def _attach_unit(b: _Builder, rng: random.Random, idx: int, unit: dict[str, Any], attach: str,
                 room_codes: list[str], telecom_rooms: list[str], dead_end_rooms: list[str]) -> None:
    code = unit["code"]
    if attach.startswith("telecom") and attach != "telecom-dead-end":
        primary_room = rng.choice(telecom_rooms if attach == "telecom-same-room" else room_codes)
    else:
        primary_room = rng.choice(room_codes)
    platform = rng.choices(["huawei_vrp", "hp_comware", "cisco_ios"], weights=[70, 22, 8])[0]
    zone = ZONE[primary_room]
    two_routers = attach.startswith("unicom-dual") or (attach.startswith("telecom") and rng.random() < 0.5)
    routers = [f"{code}-AR1"] + ([f"{code}-AR2"] if two_routers else [])
    n_switches = min(rng.choice([0, 1, 1, 2]), 3 - len(routers))
    terminals = unit["declared_terminals"]
    switches = [f"{code}-SW{k}" for k in range(1, n_switches + 1)]
    access = switches or routers[:1]
    shares = [terminals // len(access) + (1 if i < terminals % len(access) else 0) for i in range(len(access))]
    for host_n, name in enumerate(routers + switches, start=1):
        role = "access-router" if name in routers else "access-switch"
        b.device(name, platform, role, f"10.254.{idx}.{host_n}", unit=code, zone=zone,
                 terminals=int(shares[access.index(name)]) if name in access else 0)
        if name.startswith(f"{code}-AR1"):
            b.port(name, 1000, f"{unit['name']} 局域网", f"10.100.{idx}.1/24")
    for sw in switches:
        for r in routers:
            b.circuit(f"{code}-LOCAL-{sw[-3:]}-{r[-3:]}", None, "internal", 1000,
                      {"unit": code, "device": sw}, {"unit": code, "device": r}, install=dt.date(2015, 1, 1),
                      contract=None)
    if len(routers) == 2:
        b.circuit(f"{code}-LOCAL-AR", None, "internal", 1000, {"unit": code, "device": routers[0]},
                  {"unit": code, "device": routers[1]}, install=dt.date(2015, 1, 1), contract=None)

    bw = rng.choice([20, 50, 100, 100, 200]) if terminals < 200 else rng.choice([100, 200])
    installed = dt.date(2014 + rng.randint(0, 6), rng.randint(1, 12), 1)
    agg = rng.randint(1, 2)

    def room_end(room: str, k: int) -> dict[str, Any]:
        device = f"QHD-CORE-SW{k}" if room == "CORE" else f"QHD-{room}-AGG{k}"
        return {"room": room, "device": device}

    b.circuit(f"LT-{code}-1", "unicom", "primary", bw, {"unit": code, "device": routers[0]},
              room_end(primary_room, agg), install=installed, contract="LT-2020")
    second = routers[-1]
    if attach == "telecom-same-room":
        b.circuit(f"DX-{code}-1", "telecom", "backup", min(bw, 50), {"unit": code, "device": second},
                  room_end(primary_room, TELECOM_ROOMS[primary_room]), install=installed, contract="DX-BACKUP")
    elif attach == "telecom-other-room":
        other = rng.choice([r for r in telecom_rooms if r != primary_room])
        b.circuit(f"DX-{code}-1", "telecom", "backup", min(bw, 50), {"unit": code, "device": second},
                  room_end(other, TELECOM_ROOMS[other]), install=installed, contract="DX-BACKUP")
    elif attach == "telecom-dead-end":
        other = rng.choice([r for r in dead_end_rooms if r != primary_room])
        b.circuit(f"DX-{code}-1", "telecom", "backup", min(bw, 50), {"unit": code, "device": second},
                  room_end(other, 1), install=installed, contract="DX-BACKUP")
    elif attach == "unicom-dual-room":
        other = rng.choice([r for r in room_codes if r != primary_room])
        b.circuit(f"LT-{code}-2", "unicom", "backup", bw, {"unit": code, "device": second},
                  room_end(other, 3 - agg), install=installed, contract="LT-2020")
    elif attach == "unicom-dual-same-room":
        b.circuit(f"LT-{code}-2", "unicom", "backup", bw, {"unit": code, "device": second},
                  room_end(primary_room, 3 - agg), install=installed, contract="LT-2020")


def _incidents(rng: random.Random, circuits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outages of 2022 as the device logs would show them; the lab replays them as link events.
    Some hit units that have a Telecom backup (the backup carried the traffic), some do not."""
    covered = sorted({c["a"]["unit"] for c in circuits if c["carrier"] == "telecom" and "unit" in c["a"]})
    primaries = {c["a"]["unit"]: c["cid"] for c in circuits
                 if c["carrier"] == "unicom" and c["role"] == "primary" and "unit" in c["a"]}
    uncovered = sorted(u for u in primaries if u not in covered)
    picks = [(u, "unicom") for u in rng.sample(covered, 5)] + [(u, "unicom") for u in rng.sample(uncovered, 2)]
    incidents = []
    for n, (unit, carrier) in enumerate(picks):
        start = dt.datetime(2022, 2 + n, rng.randint(1, 27), rng.randint(0, 23), rng.choice([0, 15, 30, 45]),
                            tzinfo=CHINA_TZ)
        hours = rng.choice([1, 2, 3, 4, 6, 8])
        incidents.append({
            "carrier": carrier, "circuit": primaries[unit], "category": "access_quality",
            "severity": "major" if hours >= 4 else "minor",
            "started_at": start, "ended_at": start + dt.timedelta(hours=hours),
            "description": f"{primaries[unit]} 线路中断 {hours} 小时（设备日志）",
        })
    backup_cid = next(c["cid"] for c in circuits if c["carrier"] == "telecom" and c["role"] == "backup"
                      and "unit" in c["a"])
    start = dt.datetime(2022, 10, 12, 9, 30, tzinfo=CHINA_TZ)
    incidents.append({"carrier": "telecom", "circuit": backup_cid, "category": "operations", "severity": "minor",
                      "started_at": start, "ended_at": start + dt.timedelta(hours=2),
                      "description": f"{backup_cid} 运维割接未提前通知"})
    return incidents


def money() -> dict[str, Any]:
    """Contracts, budget lines and payments exactly as the evaluation reports them (万元)."""
    D = Decimal
    contracts = [
        {"code": "LT-2014", "name": "网络通信服务协议书", "carrier": "unicom", "kind": "contract",
         "signed_on": dt.date(2014, 1, 6), "start_date": dt.date(2014, 1, 6), "end_date": dt.date(2019, 12, 31),
         "procurement": "公开招标", "payment_terms": "当年支付", "assessment_scheme": "100-point",
         "states_quantities": False, "states_unit_prices": False, "carries_on_after_expiry": True,
         "notes": "2020年1月到期；未签新协议前沿用原合同相关规定"},
        {"code": "LT-2020", "name": "网元合作协议", "carrier": "unicom", "kind": "contract",
         "signed_on": dt.date(2020, 12, 29), "start_date": dt.date(2020, 12, 29), "end_date": dt.date(2023, 12, 28),
         "total": D("444.00"), "annual_fee": D("148.00"),
         "procurement": "公开招标（2021年秦皇岛市电子政务外网技术服务项目）",
         "tender_engaged_on": dt.date(2020, 9, 15), "bids_opened_on": dt.date(2020, 9, 29),
         "payment_terms": "当年支付", "assessment_scheme": "100-point",
         "states_quantities": False, "states_unit_prices": False, "carries_on_after_expiry": False,
         "notes": "服务期限3年（2020年12月至2023年12月），合同无服务的具体数量、单价"},
        {"code": "DX-BACKUP", "name": "电信电子政务外网备用网络服务", "carrier": "telecom", "kind": "arrangement",
         "annual_fee": TELECOM_ANNUAL, "procurement": "公开招标（备用网运营商）", "payment_terms": "按年支付",
         "assessment_scheme": "", "states_quantities": False, "states_unit_prices": False,
         "carries_on_after_expiry": False, "notes": "联通主合同未约定备用供应商；未见电信提供服务的内容"},
    ]
    total, lt, dx = "1、电子政务外网服务费", "1.1 联通电子政务外网网络接入服务项目", "1.2 电信电子政务外网网络服务费"
    budget = [
        (2020, total, None, True, "160.00", "150.10", "160.00", "2019年的费用"),
        (2020, lt, "unicom", False, "150.10", "150.10", "150.10", ""),
        (2020, dx, "telecom", False, "9.90", "9.90", "9.90", ""),
        (2021, total, None, True, "194.80", "191.68", "191.68", "24.90万是2019年的费用，148.00万是2020年费用"),
        (2021, lt, "unicom", False, "176.02", "172.90", "172.90", ""),
        (2021, dx, "telecom", False, "18.78", "18.78", "18.78", "2020年费用9.90万，2021年费用8.88万"),
        (2022, total, None, True, "157.90", "156.88", "156.88", ""),
        (2022, lt, "unicom", False, "148.00", "148.00", "148.00", "2021年的费用"),
        (2022, dx, "telecom", False, "9.90", "8.88", "8.88", "2022年费用"),
    ]
    budget_lines = []
    for year, line, carrier, is_total, before, after, actual, note in budget:
        row: dict[str, Any] = {"year": year, "line": line, "is_total": is_total, "before_adjustment": D(before),
                               "after_adjustment": D(after), "actual": D(actual), "note": note}
        if carrier:
            row["carrier"] = carrier
        budget_lines.append(row)

    def year(y: int) -> tuple[dt.date, dt.date]:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)

    pays = [
        ("PZ-2020-031", "unicom", "LT-2014", (2020, lt), "150.10", dt.date(2020, 11, 20), 2019, "2019年联通接入服务费"),
        ("PZ-2020-032", "telecom", "DX-BACKUP", (2020, dx), "9.90", dt.date(2020, 11, 20), 2019, "2019年电信网络服务费"),
        ("PZ-2021-014", "unicom", "LT-2014", (2021, lt), "24.90", dt.date(2021, 6, 25), 2019, "2019年联通接入服务费（余款）"),
        ("PZ-2021-015", "unicom", "LT-2020", (2021, lt), "148.00", dt.date(2021, 6, 25), 2020,
         "2020年联通接入服务费（按新合同年费）"),
        ("PZ-2021-016", "telecom", "DX-BACKUP", (2021, dx), "9.90", dt.date(2021, 6, 25), 2020, "2020年电信网络服务费"),
        ("PZ-2021-041", "telecom", "DX-BACKUP", (2021, dx), "8.88", dt.date(2021, 12, 20), 2021, "2021年电信网络服务费"),
        ("PZ-2022-027", "unicom", "LT-2020", (2022, lt), "148.00", dt.date(2022, 9, 28), 2021, "2021年联通接入服务费"),
        ("PZ-2022-028", "telecom", "DX-BACKUP", (2022, dx), "8.88", dt.date(2022, 9, 28), 2022, "2022年电信网络服务费"),
    ]
    payments = []
    for voucher, carrier, contract, (by, bl), amount, paid_on, service_year, desc in pays:
        start, end = year(service_year)
        payments.append({"voucher": voucher, "carrier": carrier, "contract": contract,
                         "budget_line": {"year": by, "line": bl}, "amount": D(amount), "paid_on": paid_on,
                         "service_start": start, "service_end": end,
                         # The evaluation: vouchers of 2020-2022 lacked the complete approval chain.
                         "approval_state": "incomplete", "description": desc})
    return {"contracts": contracts, "budget_lines": budget_lines, "payments": payments}
