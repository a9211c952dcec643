"""Huawei VRP: the lab plays each OS generation (VRP5, VRP8, CloudEngine) in the layouts of the fixtures,
and the collector reads every generation's screens back to exactly what the lab was told to serve."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from collectors.parse import TemplateFailed, _one, normalise, parse_outputs
from collectors.platforms import load_profile
from inventory.sample import build_sample
from lab.model import LabDevice, LabInterface, LabLogEvent, LabNeighbor
from lab.personalities import personality
from lab.personalities.huawei_vrp import CE, VRP5, VRP8, generation
from tests.collectors.test_coverage import uncovered

PLATFORM = "huawei_vrp"
FIXTURES = Path(__file__).parent / "fixtures" / PLATFORM
T0 = dt.datetime(2026, 11, 20, 1, 2, 3, tzinfo=dt.UTC)
BIG = 2**32  # counters are 64-bit: the lab serves values above it and they must come back exact

# (model, release) of each generation the personality knows, as the sample city names them.
DEVICES = {
    "S5735": ("S5735-L24T4S-A1", "V200R021C00SPC100", VRP5),
    "AR2220": ("AR2220", "V200R010C10SPC700", VRP5),
    "S12708": ("S12708", "V200R019C10SPC500", VRP5),
    "NE20E": ("NE20E-S8", "V800R011C10SPC100", VRP8),
    "CE6881": ("CE6881-48S6CQ", "V200R005C20SPC800", CE),
}


def _device(key: str) -> LabDevice:
    model, release, gen = DEVICES[key]
    host = f"QHD-T-{key}"
    ifaces = [
        LabInterface("LoopBack0", "management", "10.255.77.1/32"),
        LabInterface("NULL0"),
        LabInterface("XGigabitEthernet0/0/1", "LT 上联 QHD-CORE-SW1", "10.250.77.1/30", 10000, True,
                     7 * BIG + 12345, 3 * BIG + 999, 4, 1),
        LabInterface("XGigabitEthernet0/0/2", "DX 备份 QHD-CORE-SW2", "10.250.77.5/30", 10000, True,
                     BIG + 1, 2 * BIG + 2, 0, 2),
        LabInterface("GigabitEthernet0/0/3", "", None, 1000, False),
        LabInterface("GigabitEthernet0/0/5", "printer switch", None, 1000, True, 1234, 5678, 0, 0),
        LabInterface("GigabitEthernet0/0/4.100", "U077 视频 VLAN 100", "10.100.77.129/26", None, True,
                     88_120_012, 61_012_334, 3, 0),
        LabInterface("Eth-Trunk1", "server rack", None, None, True, 5 * BIG, 6 * BIG, 0, 0),
        LabInterface("GigabitEthernet0/0/24", "终端接入 局域网", "10.100.77.1/24", 1000, True,
                     31_820_955_108, 70_125_541_977, 0, 0),
        # VRP5 prints no counters for a Vlanif, so only the later generations can serve them
        LabInterface("Vlanif20", "U077 打印机", "10.100.78.1/24", None, True,
                     *((0, 0) if gen == VRP5 else (41_202_211_900, 99_812_003_441)), 0, 0),
    ]
    neighbours = [
        LabNeighbor("XGigabitEthernet0/0/1", "QHD-CORE-SW1", "XGigabitEthernet0/0/7", mgmt_address="10.255.0.1",
                    platform="S12708"),
        LabNeighbor("XGigabitEthernet0/0/2", "QHD-CORE-SW2", "Ten-GigabitEthernet1/0/3", mgmt_address="10.255.0.2",
                    platform="MSR5680"),
        LabNeighbor("GigabitEthernet0/0/5", "u077-printer", "Gi1/0/48"),  # no management address announced
    ]
    events = [LabLogEvent(T0, "XGigabitEthernet0/0/2", "down"),
              LabLogEvent(T0 + dt.timedelta(minutes=7), "XGigabitEthernet0/0/2", "up"),
              LabLogEvent(T0 + dt.timedelta(hours=3), "GigabitEthernet0/0/3", "down")]
    return LabDevice(hostname=host, platform=PLATFORM, model=model, serial=f"2102351931DMK{len(key):03d}1234",
                     os_version=release, interfaces=ifaces, neighbors=neighbours, terminals=9,
                     lan_prefix="10.100.77", log_events=events)


def _outputs(dev: LabDevice) -> dict[str, str]:
    """Every command of the profile as the lab prints it (the offline-only brief screen too)."""
    persona = personality(PLATFORM)
    return {c.key: persona.render(c.key, dev) for c in load_profile(PLATFORM).commands}


@pytest.mark.parametrize("key", sorted(DEVICES))
def test_each_generation_reads_back_exactly(key: str) -> None:
    dev = _device(key)
    assert generation(dev) == DEVICES[key][2]
    f = parse_outputs(PLATFORM, _outputs(dev))
    assert f.issues == []
    assert (f.model, f.os_version, f.serial) == (dev.model, dev.os_version, dev.serial)
    assert [i.name for i in f.interfaces] == [i.name for i in dev.interfaces]
    for got, want in zip(f.interfaces, dev.interfaces, strict=True):
        assert (got.up, got.description, got.ip) == (want.up, want.description, want.ip), want.name
        assert (got.in_octets, got.out_octets, got.in_errors, got.out_errors) == \
            (want.in_octets, want.out_octets, want.in_errors, want.out_errors), want.name
    chassis = personality(PLATFORM).chassis_id
    assert [(n.local_interface, n.neighbor, n.neighbor_interface, n.chassis_id, n.mgmt_address, n.platform)
            for n in f.neighbors] == \
        [(n.local_interface, n.neighbor, n.neighbor_interface, chassis(n.neighbor), n.mgmt_address or None,
          n.platform or None) for n in dev.neighbors]
    # the MAC count leaves out ports LLDP names as uplinks; the access port is not one of them here
    assert (f.mac_count, f.arp_count) == (dev.terminals, dev.terminals)
    assert sorted((e.at, e.interface, e.state) for e in f.events) == \
        sorted((e.at, e.interface, e.state) for e in dev.log_events)


def _winner(key: str, text: str) -> str:
    """The parser of the command's chain that reads `text`: the first giving rows, as run_template picks, or
    for a screen with no entries the first that reads it without error."""
    cmd = load_profile(PLATFORM).command(key)
    clean = []
    for parser in cmd.parsers:
        try:
            if _one(PLATFORM, cmd.command, parser, text):
                return parser
        except TemplateFailed:
            continue
        clean.append(parser)
    assert clean, f"no parser of {key} reads it"
    return clean[0]


def _fixtures() -> dict[tuple[str, str], list[str]]:
    """(command key, layout) -> the raw texts of the fixtures written in that layout."""
    prof = load_profile(PLATFORM)
    keys = {c.command.replace(" ", "_"): c.key for c in prof.commands}
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for raw in sorted(FIXTURES.glob("*/*.raw")):
        layout = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))["layout"]
        found[(keys[raw.parent.name], layout)].append(raw.read_text(encoding="utf-8"))
    return found


def test_every_command_has_a_fixture_per_layout() -> None:
    prof = load_profile(PLATFORM)
    layouts = set(yaml.safe_load((Path(__file__).parents[2] / "collectors" / "platforms" /
                                  f"{PLATFORM}.yaml").read_text(encoding="utf-8"))["layouts"])
    assert layouts == {VRP5, VRP8, CE}
    have = set(_fixtures())
    # a layout the profile lists under `uncovered:` (no public capture found) is said so, not filled in
    said = uncovered(PLATFORM)
    missing = [(c.key, lay) for c in prof.commands if c.parser != "none" for lay in sorted(layouts)
               if (c.key, lay) not in have and lay not in said.get(c.key, {})]
    assert missing == []


@pytest.mark.parametrize("key", sorted(DEVICES))
def test_the_lab_prints_the_layout_of_the_fixtures(key: str) -> None:
    """Not a third dialect: each screen the lab prints for a generation is read by the same parser, and
    starts with the same header line, as the public-capture-shaped fixtures of that generation."""
    dev, gen = _device(key), DEVICES[key][2]
    fixtures = _fixtures()
    for cmd_key, text in _outputs(dev).items():
        if cmd_key == "config":
            continue
        samples = fixtures[(cmd_key, gen)]
        if not samples and gen in uncovered(PLATFORM).get(cmd_key, {}):
            continue  # no public capture of this generation's screen: nothing to hold the lab to
        assert _winner(cmd_key, text) in {_winner(cmd_key, s) for s in samples}, cmd_key
        if cmd_key in ("lldp_brief", "arp", "mac", "log"):
            heads = {s.strip().splitlines()[0].split()[0] for s in samples}
            assert text.strip().splitlines()[0].split()[0] in heads, cmd_key


def test_the_sample_city_mixes_the_generations() -> None:
    devices = [d for d in build_sample()["devices"] if d["platform"] == PLATFORM]
    seen = {generation(LabDevice(hostname=d["hostname"], platform=PLATFORM, model=d["model"], serial=d["serial"],
                                 os_version=d["os_version"])) for d in devices}
    assert seen == {VRP5, VRP8, CE}


@pytest.mark.parametrize(("name", "long"), [
    ("GE0/0/1", "GigabitEthernet0/0/1"), ("10GE1/0/1", "10GE1/0/1"), ("MEth0/0/0", "MEth0/0/0"),
    ("Eth-Trunk1.100", "Eth-Trunk1.100"), ("GigabitEthernet0/0/1.100", "GigabitEthernet0/0/1.100"),
    ("Vlanif300", "Vlanif300"), ("NULL0", "NULL0"),
])
def test_interface_names_of_every_generation_keep_their_form(name: str, long: str) -> None:
    assert normalise(load_profile(PLATFORM), name) == long
