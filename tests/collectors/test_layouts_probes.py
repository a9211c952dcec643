"""Probe results as the lab plays them (display nqa results / display nqa result / show ip sla statistics, in the
layouts of our fixtures): the collector reads back each probe, its target (from the screen or the rendered
config), and a probe out of an interface that is down comes back failed with nothing received."""

from __future__ import annotations

import pytest

from collectors.parse import parse_outputs
from lab.model import LabDevice, LabInterface, LabProbe
from lab.personalities import personality
from lab.personalities.base import PROBE_COUNT, probe_run

MODELS = {"huawei_vrp": ("AR2220", "V200R010C10SPC700", "GigabitEthernet0/0/"),
          "hp_comware": ("MSR3620", "7.1.064, Release 0821P11", "GigabitEthernet0/"),
          "cisco_ios": ("ISR4331/K9", "16.9.4", "GigabitEthernet0/0/")}


def _device(platform: str) -> LabDevice:
    model, release, port = MODELS[platform]
    ifaces = [LabInterface(f"{port}1", "LT 上联", "10.231.61.2/30", 1000, True),
              LabInterface(f"{port}2", "DX 备份", "10.232.61.2/30", 1000, False)]  # the backup is down
    probes = [LabProbe("primary", 10, "10.231.61.1", f"{port}1"), LabProbe("backup", 20, "10.232.61.1", f"{port}2")]
    return LabDevice(hostname="hz-u061-r1", platform=platform, model=model, serial="LAB0061PROBE", os_version=release,
                     interfaces=ifaces, probes=probes)


@pytest.mark.parametrize("platform", sorted(MODELS))
def test_probes_read_back_with_the_down_uplink_failing(platform: str) -> None:
    dev, persona = _device(platform), personality(platform)
    f = parse_outputs(platform, {"probes": persona.render("probes", dev), "config": persona.render("config", dev)})
    assert not [i for i in f.issues if i.key == "probes"], f.issues
    assert [p.target for p in f.probes] == ["10.231.61.1", "10.232.61.1"]
    up, down = f.probes
    truth = probe_run(dev, dev.probes[0])
    assert up.ok and up.received == up.sent and up.rtt_avg_ms == float(truth.rtts[1])
    assert up.measured_at == truth.at  # the device printed its China time; read back as the same instant
    assert not down.ok and down.received == 0 and down.rtt_avg_ms is None
    if up.sent != 1:  # IP SLA counts operations, NQA counts probe packets
        assert up.sent == PROBE_COUNT
