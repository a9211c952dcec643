"""The lab's Cisco personality renders classic IOS and IOS XE in the layouts of the parser fixtures
(tests/collectors/fixtures/cisco_ios/*/<generation>-*.raw), LLDP and CDP detail included, and the collector
reads them back exactly."""

from __future__ import annotations

import pytest
import yaml

from collectors.parse import normalise
from collectors.platforms import REGISTRY, load_profile
from inventory.sample import MODELS
from lab.model import LabDevice
from lab.personalities.cisco_ios import GENERATIONS, generation

from .layout_check import assert_reads_the_truth, device, served_and_read

CASES = [("ios", "WS-C2960X-24TS-L", "15.2(7)E4", ("TenGigabitEthernet1/0/1", "GigabitEthernet1/0/24", "Loopback0")),
         ("iosxe", "ISR4331/K9", "16.12.4", ("GigabitEthernet0/0/0", "GigabitEthernet0/0/1", "Loopback0")),
         ("iosxe", "C9300-48P", "17.6.5", ("TenGigabitEthernet1/1/1", "GigabitEthernet1/0/24", "Loopback0"))]


@pytest.mark.parametrize(("gen", "model", "release", "ports"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_generation_is_read_back_exactly(gen: str, model: str, release: str, ports: tuple[str, str, str]) -> None:
    dev = device("cisco_ios", model, release, ports, CASES.index((gen, model, release, ports)))
    assert generation(dev) == gen
    f = served_and_read(dev)
    assert_reads_the_truth(dev, f)
    prof = load_profile("cisco_ios")
    cdp = {(n.local_interface, n.neighbor, n.neighbor_interface, n.mgmt_address) for n in f.neighbors
           if n.protocol == "cdp"}
    assert cdp == {(normalise(prof, n.local_interface), n.neighbor, n.neighbor_interface, n.mgmt_address)
                   for n in dev.neighbors}


def test_generations_are_the_profile_layouts_and_all_are_tested() -> None:
    layouts = yaml.safe_load(REGISTRY.files()["cisco_ios"].read_text(encoding="utf-8"))["layouts"]
    assert set(GENERATIONS) == set(layouts) == {c[0] for c in CASES}


def test_the_sample_city_mixes_every_generation() -> None:
    seen = {generation(LabDevice("x", "cisco_ios", model, "", release))
            for (platform, _role), pairs in MODELS.items() if platform == "cisco_ios" for model, release in pairs}
    assert seen == set(GENERATIONS)


def test_the_detail_screens_are_collected_and_the_brief_ones_only_read() -> None:
    prof = load_profile("cisco_ios")
    assert {c.key for c in prof.collected} >= {"lldp", "cdp"}
    assert not prof.command("lldp_brief").collect and not prof.command("cdp_brief").collect
