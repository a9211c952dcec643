"""TextFSM fixtures the ntc-templates way: tests/collectors/fixtures/<platform>/<command>/<name>.raw and
.yml (parsed_sample). Every command of every profile that has a parser has at least one pair."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from collectors.parse import normalise, parse_outputs, run_template
from collectors.platforms import load_profile, names

FIXTURES = Path(__file__).parent / "fixtures"
PAIRS = sorted(FIXTURES.glob("*/*/*.raw"))


def _command_key(platform: str, folder: str) -> str:
    prof = load_profile(platform)
    for c in prof.commands:
        if c.command.replace(" ", "_") == folder:
            return c.key
    raise AssertionError(f"fixture folder {folder} matches no {platform} command")


@pytest.mark.parametrize("raw", PAIRS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_fixture(raw: Path) -> None:
    platform, folder = raw.parent.parent.name, raw.parent.name
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))["parsed_sample"]
    rows = run_template(load_profile(platform), _command_key(platform, folder), raw.read_text(encoding="utf-8"))
    assert rows == expected


def test_every_parsed_command_has_a_fixture() -> None:
    have = {(p.parent.parent.name, p.parent.name) for p in PAIRS}
    for platform in names():
        for c in load_profile(platform).commands:
            if c.parser != "none":
                assert (platform, c.command.replace(" ", "_")) in have, (platform, c.command)


def test_own_templates_all_used_and_fixtured() -> None:
    own = {p.stem for p in (Path(__file__).parents[2] / "collectors" / "templates").glob("*.textfsm")}
    used = {t for p in names() for c in load_profile(p).commands for t in c.own_templates}
    assert own == used


@pytest.mark.parametrize(("platform", "short", "long"), [
    ("huawei_vrp", "XGE0/0/1", "XGigabitEthernet0/0/1"), ("huawei_vrp", "GE0/0/2", "GigabitEthernet0/0/2"),
    ("hp_comware", "XGE1/0/1", "Ten-GigabitEthernet1/0/1"), ("hp_comware", "GE1/0/3", "GigabitEthernet1/0/3"),
    ("hp_comware", "Ten-GigabitEthernet1/0/1", "Ten-GigabitEthernet1/0/1"),
    ("cisco_ios", "Te0/1/1", "TenGigabitEthernet0/1/1"), ("cisco_ios", "Gi0/0/2", "GigabitEthernet0/0/2"),
])
def test_interface_names_normalised_per_vendor(platform: str, short: str, long: str) -> None:
    assert normalise(load_profile(platform), short) == long


def test_a_parse_error_costs_one_command_and_keeps_a_stable_code() -> None:
    config = "#\n sysname X\n#\nreturn\n"
    f = parse_outputs("huawei_vrp", {"version": "this is not a version\nat all\n", "config": config,
                                     "serial": "ESN of slot 0: 2102351234ABCD\n"})
    assert [(i.key, i.code) for i in f.issues] == [("version", "parse")]
    assert f.issues[0].line == "this is not a version" and f.issues[0].template == "own:huawei_vrp_display_version"
    # the other commands are still read, the config still stands
    assert f.serial == "2102351234ABCD" and f.config is not None and f.config_sha256
