"""ZTE ZXROS: the lab renders each OS generation in the layout of its public-capture fixtures, and the
parsers read each back into the lab's truth (interfaces and 64-bit counters, neighbours with chassis id and
management address, identity, MAC/ARP counts, events), without a ParseIssue."""

from __future__ import annotations

import pytest
import yaml

from collectors.parse import parse_outputs, run_template
from collectors.platforms import HERE, load_profile
from lab.model import LabDevice
from lab.personalities import personality
from lab.personalities.zte_zxros import GENERATIONS, V4_AS_V5, generation

from .extra_spec import build_spec
from .layout_truth import assert_reads_the_truth, fixture_winners, rendered, winner

PLATFORM = "zte_zxros"
DEVICES = [d for d in build_spec().devices if d.platform == PLATFORM]


def test_the_spec_mixes_every_generation() -> None:
    assert {generation(d) for d in DEVICES} == set(GENERATIONS)
    profile = yaml.safe_load((HERE / f"{PLATFORM}.yaml").read_text(encoding="utf-8"))
    assert set(GENERATIONS) == set(profile["layouts"])  # the personality knows every layout the profile names


@pytest.mark.parametrize("dev", DEVICES, ids=lambda d: f"{generation(d)}-{d.hostname}")
def test_lab_output_parses_into_the_truth(dev: LabDevice) -> None:
    assert_reads_the_truth(dev)
    assert any(i.in_octets > 2**32 for i in dev.interfaces)  # the 64-bit case is exercised


@pytest.mark.parametrize("dev", DEVICES, ids=lambda d: f"{generation(d)}-{d.hostname}")
def test_each_screen_is_read_like_the_fixtures_of_its_layout(dev: LabDevice) -> None:
    for key, text in rendered(dev).items():
        if key == "config":
            continue
        layout = "v5" if key in V4_AS_V5 else generation(dev)
        expected = fixture_winners(PLATFORM, key, layout)
        assert expected, f"no fixture of layout {layout} for {key}"
        read_by = winner(PLATFORM, key, text)
        if read_by is None:  # an empty table (a router learns no terminals): read, and nothing in it
            assert run_template(load_profile(PLATFORM), key, text) == [], key
            continue
        assert read_by in expected, key


@pytest.mark.parametrize("dev", DEVICES, ids=lambda d: f"{generation(d)}-{d.hostname}")
def test_the_offline_brief_screen_names_the_same_neighbours(dev: LabDevice) -> None:
    f = parse_outputs(PLATFORM, {"lldp_brief": personality(PLATFORM).render("lldp_brief", dev)})
    assert not f.issues
    assert [(n.local_interface, n.neighbor, n.neighbor_interface) for n in f.neighbors] == \
        [(n.local_interface, n.neighbor, n.neighbor_interface) for n in dev.neighbors]


def test_v4_names_and_screens() -> None:
    dev = next(d for d in DEVICES if generation(d) == "v4")
    text = personality(PLATFORM).render("interfaces", dev)
    assert "ifindex" not in text and ", line protocol is " in text
    assert all("_" in i.name or i.name.startswith(("loopback", "smartgroup", "vlan")) for i in dev.interfaces)
