"""The lab's H3C personality renders each Comware generation in the layout of the parser fixtures
(tests/collectors/fixtures/hp_comware/*/<generation>-*.raw), and the collector reads it back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from collectors.parse import run_template
from collectors.platforms import REGISTRY, load_profile
from inventory.sample import MODELS
from lab.model import LabDevice
from lab.personalities import personality
from lab.personalities.hp_comware import GENERATIONS, generation

from .layout_check import assert_reads_the_truth, device, served_and_read

FIXTURES = Path(__file__).parent / "fixtures" / "hp_comware"
SWITCH = ("Ten-GigabitEthernet1/0/25", "GigabitEthernet1/0/24", "LoopBack0")
ROUTER = ("GigabitEthernet0/0", "GigabitEthernet0/1", "LoopBack0")
CASES = [("cw5", "S5120-28P-SI", "5.20.99, Release 1512", SWITCH), ("cw5", "MSR30-20", "5.20, Release 2513P07", ROUTER),
         ("cw7", "S5130S-28S-EI", "7.1.070, Release 3507P10", SWITCH),
         ("cw7", "MSR3620", "7.1.064, Release 0821P16", ROUTER),
         ("hpe", "5130-24G-4SFP+ EI", "7.1.070, Release 3208P10", SWITCH),
         ("hpe", "FF 5940 48SFP+ 6QSFP28", "7.1.070, Release 2612", SWITCH)]


@pytest.mark.parametrize(("gen", "model", "release", "ports"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_generation_is_read_back_exactly(gen: str, model: str, release: str, ports: tuple[str, str, str]) -> None:
    dev = device("hp_comware", model, release, ports, CASES.index((gen, model, release, ports)))
    assert generation(dev) == gen
    assert_reads_the_truth(dev, served_and_read(dev))


def test_generations_are_the_profile_layouts_and_all_are_tested() -> None:
    layouts = yaml.safe_load(REGISTRY.files()["hp_comware"].read_text(encoding="utf-8"))["layouts"]
    assert set(GENERATIONS) == set(layouts) == {c[0] for c in CASES}


def test_the_sample_city_mixes_every_generation() -> None:
    seen = {generation(LabDevice("x", "hp_comware", model, "", release))
            for (platform, _role), pairs in MODELS.items() if platform == "hp_comware" for model, release in pairs}
    assert seen == set(GENERATIONS)


def test_comware5_screens_are_comware5_and_hpe_says_hpe() -> None:
    persona = personality("hp_comware")
    cw5 = device("hp_comware", *CASES[1][1:], 1)
    hpe = device("hp_comware", *CASES[4][1:], 4)
    assert " current state: UP" in persona.render("interfaces", cw5)
    assert "Line protocol current state: UP (spoofing)" in persona.render("interfaces", cw5)
    assert persona.render("version", cw5).startswith("H3C Comware Platform Software\nComware Software, Version 5.20")
    assert persona.render("version", hpe).startswith("HPE Comware Software, Version 7.1.070")
    assert "LLDP agent nearest-bridge:" in persona.render("lldp", hpe)
    assert "LLDP agent" not in persona.render("lldp", cw5)


@pytest.mark.parametrize("name", ["cw5-router", "cw7-router", "cw7-switch", "cw5-switch"])
def test_display_interface_needs_no_blank_line_between_interfaces(name: str) -> None:
    # a capture pasted from a terminal log often loses its blank lines; the counter blocks must still end
    raw = (FIXTURES / "display_interface" / f"{name}.raw").read_text(encoding="utf-8")
    prof = load_profile("hp_comware")
    assert run_template(prof, "interfaces", raw.replace("\n\n", "\n")) == run_template(prof, "interfaces", raw)
