"""Shared checks of tests/collectors/test_layouts_<platform>.py: a lab device of one OS generation, rendered
by its personality, parses back into exactly the lab's truth, and each of its screens is read by the same
parser of the command's chain that reads the public-capture fixtures of that layout (so the lab prints the
fixtures' layout, not a third dialect of its own)."""

from __future__ import annotations

from pathlib import Path

import yaml

from collectors.parse import Facts, _one, parse_outputs
from collectors.platforms import load_profile
from lab.model import LabDevice
from lab.personalities import personality
from lab.render import access_port

FIXTURES = Path(__file__).parent / "fixtures"


def winner(platform: str, key: str, text: str) -> str | None:
    """The first parser of the command's chain that reads `text` into rows (None: none does)."""
    cmd = load_profile(platform).command(key)
    for parser in cmd.parsers:
        try:
            if _one(platform, cmd.command, parser, text):
                return parser
        except Exception:  # a failing parser of the chain hands over to the next, as run_template does
            continue
    return None


def fixture_winners(platform: str, key: str, layout: str) -> set[str | None]:
    """Which parsers read the fixtures of one (command, layout)."""
    folder = FIXTURES / platform / load_profile(platform).command(key).command.replace(" ", "_")
    got = set()
    for raw in sorted(folder.glob("*.raw")):
        meta = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
        if meta.get("layout") == layout and meta["parsed_sample"]:
            got.add(winner(platform, key, raw.read_text(encoding="utf-8")))
    return got


def rendered(dev: LabDevice) -> dict[str, str]:
    """What a collection over SSH would bring home: every collected command's output."""
    persona = personality(dev.platform)
    return {c.key: persona.render(c.key, dev) for c in load_profile(dev.platform).collected}


def assert_reads_the_truth(dev: LabDevice) -> Facts:
    f = parse_outputs(dev.platform, rendered(dev))
    assert not f.issues, [i.as_dict() for i in f.issues]
    assert (f.model, f.os_version, f.serial) == (dev.model, dev.os_version, dev.serial)
    assert [i.name for i in f.interfaces] == [i.name for i in dev.interfaces]
    for got, want in zip(f.interfaces, dev.interfaces, strict=True):
        assert (got.up, got.description, got.ip) == (want.up, want.description, want.ip), want.name
        assert (got.in_octets, got.out_octets, got.in_errors, got.out_errors) == \
            (want.in_octets, want.out_octets, want.in_errors, want.out_errors), want.name
    assert [(n.local_interface, n.neighbor, n.neighbor_interface, n.chassis_id, n.mgmt_address)
            for n in f.neighbors] == \
        [(n.local_interface, n.neighbor, n.neighbor_interface, n.chassis_id, n.mgmt_address or None)
         for n in dev.neighbors]
    want = dev.terminals if access_port(dev) else 0
    assert (f.mac_count, f.arp_count) == (want, want)
    assert sorted((e.at, e.interface, e.state) for e in f.events) == \
        sorted((e.at, e.interface, e.state) for e in dev.log_events)
    return f
