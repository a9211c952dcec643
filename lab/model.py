"""Plain dataclasses describing what the SSH lab plays. Built by `lab.spec` from the database, or read
from a JSON file: the lab's server needs no database, only these and the collector profiles."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

# Faults the lab can inject, one per device (see docs/collection.md for the error code each one must give).
FAULTS = ("auth_fail", "no_banner", "refused", "hang", "reset", "paging_stuck", "garbage", "fake_prompt", "slow")

WEAKNESS_CODES = ("telnet_enabled", "no_idle_timeout", "weak_snmp", "no_login_lockout", "no_remote_syslog",
                  "no_ntp", "weak_password", "no_vty_acl")


@dataclass
class LabInterface:
    name: str
    description: str = ""
    ip: str | None = None  # "a.b.c.d/len"
    speed_mbps: int | None = None
    up: bool = True
    in_octets: int = 0
    out_octets: int = 0
    in_errors: int = 0
    out_errors: int = 0
    mac: str = ""


@dataclass
class LabNeighbor:
    local_interface: str
    neighbor: str  # the far end's hostname (LLDP system name)
    neighbor_interface: str
    # What a neighbour detail screen shows of the far end besides its name (empty: not known to the lab).
    chassis_id: str = ""  # what the far end announces as its chassis id ("": a personality derives one)
    mgmt_address: str = ""  # its management address TLV ("": none announced)
    platform: str = ""  # the far end's model, the first line of its system description


@dataclass
class LabLogEvent:
    at: dt.datetime  # timezone-aware; rendered in the device's local time (China)
    interface: str
    state: str  # up | down


@dataclass
class LabProbe:
    """A reachability probe the device runs (NQA test instance / IP SLA operation) toward a circuit's next hop."""

    name: str  # NQA test name / IP SLA tag: the circuit's role, "primary" | "backup"
    number: int  # the IP SLA operation number (10, 20, ...)
    target: str  # the next hop's address
    interface: str  # the uplink it goes out of: its state decides the result


@dataclass
class LabRoute:
    """A static route the device's config carries (lab/spec.py arms the units' backups with these)."""

    prefix: str  # "0.0.0.0/0"
    next_hop: str
    floating: bool = False  # a preference worse than the default (each personality writes its own value)
    track: str | None = None  # the probe (LabProbe.name) whose failure withdraws the route


@dataclass
class LabGateway:
    """A first-hop redundancy group on the unit LAN (VRRP), tracking an uplink's probe or not."""

    interface: str
    group: int
    virtual_ip: str
    priority: int = 120
    track: str | None = None  # LabProbe.name


@dataclass
class LabDevice:
    hostname: str
    platform: str  # a name in collectors.platforms.names(), played by lab/personalities/<platform>.py
    model: str
    serial: str
    os_version: str
    role: str = ""
    room: str | None = None
    unit: str | None = None
    encoding: str = "utf-8"
    legacy_crypto: bool = False
    mgmt_address: str = ""
    interfaces: list[LabInterface] = field(default_factory=list)
    neighbors: list[LabNeighbor] = field(default_factory=list)
    terminals: int = 0  # MAC/ARP entries on access ports
    lan_prefix: str = ""  # e.g. "10.100.1" for ARP addresses
    log_events: list[LabLogEvent] = field(default_factory=list)
    probes: list[LabProbe] = field(default_factory=list)  # one per circuit end with an address (lab/spec.py)
    routes: list[LabRoute] = field(default_factory=list)
    gateways: list[LabGateway] = field(default_factory=list)
    extra_log: list[str] = field(default_factory=list)  # lines appended by the control interface
    extra_config: list[str] = field(default_factory=list)  # lines added by the control interface
    weaknesses: set[str] = field(default_factory=set)
    fault: str | None = None
    # Secrets the rendered config contains, so tests can grep for them (cipher strings, communities, keys).
    secrets: dict[str, str] = field(default_factory=dict)
    # When the device last booted, in model time (collectors.clock): its SNMP sysUpTime counts from here.
    # None: the SNMP agent sets it at start (a month before "now").
    booted_at: dt.datetime | None = None
    # The management plane is cut (a timeline's `silence`): the SNMP agent answers nothing and the syslog it
    # sends is lost on the way; the data plane, its links and its traffic go on.
    mute: bool = False

    def interface(self, name: str) -> LabInterface:
        for iface in self.interfaces:
            if iface.name == name:
                return iface
        raise KeyError(f"{self.hostname} has no interface {name!r}; known: {[i.name for i in self.interfaces]}")


@dataclass
class LabSpec:
    devices: list[LabDevice]
    seed: int = 2020

    def device(self, hostname: str) -> LabDevice:
        for dev in self.devices:
            if dev.hostname == hostname:
                return dev
        raise KeyError(f"no lab device {hostname!r}")

    def to_dict(self) -> dict[str, Any]:
        def enc(obj: Any) -> Any:
            if isinstance(obj, dt.datetime):
                return obj.isoformat()
            if isinstance(obj, set):
                return sorted(obj)
            if isinstance(obj, dict):
                return {k: enc(v) for k, v in obj.items()}
            if isinstance(obj, list):
                return [enc(v) for v in obj]
            return obj

        return enc(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabSpec:
        devices = []
        for d in data["devices"]:
            d = dict(d)
            d["interfaces"] = [LabInterface(**i) for i in d.get("interfaces", [])]
            d["neighbors"] = [LabNeighbor(**n) for n in d.get("neighbors", [])]
            d["probes"] = [LabProbe(**p) for p in d.get("probes", [])]
            d["routes"] = [LabRoute(**r) for r in d.get("routes", [])]
            d["gateways"] = [LabGateway(**g) for g in d.get("gateways", [])]
            d["log_events"] = [LabLogEvent(at=dt.datetime.fromisoformat(e["at"]), interface=e["interface"],
                                           state=e["state"]) for e in d.get("log_events", [])]
            d["weaknesses"] = set(d.get("weaknesses", []))
            if d.get("booted_at"):
                d["booted_at"] = dt.datetime.fromisoformat(d["booted_at"])
            devices.append(LabDevice(**d))
        return cls(devices=devices, seed=data.get("seed", 2020))
