"""Facts from configs: every fixture config (ours, written in each platform's real syntax) read through
parse_outputs with the config alone, as a plain-config import has it, against its hand-written YAML; then
the merge with the running state, and the ways a config degrades without costing the snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.config import load_dialect, read_dialect
from collectors.parse import Facts, InterfaceFact, parse_outputs
from collectors.platforms import REGISTRY, ProfileError, names

HERE = Path(__file__).parent / "config_fixtures"
CASES = sorted(HERE.glob("*/*.cfg"))
ROUTE_KEYS = ("kind", "vrf", "prefix", "next_hop", "interface", "peer", "local_as", "remote_as", "area", "process")


def _iface(i: InterfaceFact) -> dict[str, object]:
    got: dict[str, object] = {"name": i.name, "shutdown": i.shutdown,
                              "addresses": [a.address + (" secondary" if a.secondary else "") for a in i.addresses]}
    if i.description:
        got["description"] = i.description
    if i.vrf:
        got["vrf"] = i.vrf
    return got


def _routes(f: Facts) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple((k, str(getattr(r, k))) for k in ROUTE_KEYS if getattr(r, k) is not None) for r in f.routes)


def _expected_routes(rows: list[dict[str, object]]) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple((k, str(row[k])) for k in ROUTE_KEYS if row.get(k) is not None) for row in rows)


def test_every_platform_has_fixtures_for_every_layout() -> None:
    for platform in names():
        profile = yaml.safe_load(REGISTRY.files()[platform].read_text(encoding="utf-8"))
        covered = {p.stem.split("-")[0] for p in HERE.glob(f"{platform}/*.cfg")}
        layouts = set(profile.get("layouts") or {})
        assert covered, f"{platform}: no config fixture"
        assert layouts <= covered, f"{platform}: no config fixture for layouts {sorted(layouts - covered)}"


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_config_fixture(path: Path) -> None:
    expected = yaml.safe_load(path.with_suffix(".yml").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    f = parse_outputs(path.parent.name, {"config": text})
    assert f.config is not None and f.config_sha256  # the snapshot is kept whatever the facts
    assert f.hostname == expected["hostname"]
    got = {i.name: _iface(i) for i in f.interfaces}
    want = {row["name"]: {"shutdown": False, "addresses": [], **row} for row in expected["interfaces"]}
    assert list(got) == list(want), path.name  # config order, repeated blocks merged
    for name, row in want.items():
        assert got[name] == row, f"{path.name}: {name}"
    assert all(i.sources == {"config"} and i.up is None for i in f.interfaces)
    assert _routes(f) == _expected_routes(expected.get("routes") or []), path.name
    issue = expected.get("issue")
    if issue is None:
        assert f.issues == [], path.name
    else:
        assert [(i.key, i.line) for i in f.issues] == [(issue["key"], issue["line"])], path.name


def test_unterminated_banner_costs_the_facts_not_the_config() -> None:
    text = (HERE / "cisco_ios" / "ios-router.cfg").read_text(encoding="utf-8")
    # a capture cut inside the banner: the closing ^C never comes
    broken = text.split("banner login ^C", 1)[0] + "banner motd ^C\nAuthorised access only\n"
    f = parse_outputs("cisco_ios", {"config": broken})
    assert f.config and "Authorised access only" in f.config
    assert f.interfaces == [] and f.routes == []
    assert [(i.key, i.template, i.line) for i in f.issues] == [("config", "hier_config", "banner motd ^C")]


def test_merge_with_the_running_state() -> None:
    """Per field: config addresses, description, VRF and shutdown; state protocol and counters; an
    interface only the state has keeps its own; one only the config has is kept as config."""
    state = ("GigabitEthernet0/0/1 current state : UP\nLine protocol current state : UP\n"
             "Description:old text on the box\nRoute Port,The Maximum Transmit Unit is 1500\n"
             "Internet Address is 10.0.2.1/30\nStatistics last cleared:never\n"
             "    Input:  10 packets, 7000 bytes\n    Output:  20 packets, 14000 bytes\n"
             "    Input errors: 0, Output errors: 0\n\n"
             "GigabitEthernet0/0/9 current state : DOWN\nLine protocol current state : DOWN\nDescription:spare\n"
             "Route Port,The Maximum Transmit Unit is 1500\nInternet Address is 10.0.9.1/30\n"
             "Statistics last cleared:never\n    Input:  0 packets, 0 bytes\n    Output:  0 packets, 0 bytes\n"
             "    Input errors: 0, Output errors: 0\n\n")
    config = (HERE / "huawei_vrp" / "vrp5-router.cfg").read_text(encoding="utf-8")
    f = parse_outputs("huawei_vrp", {"config": config, "interfaces": state})
    by = {i.name: i for i in f.interfaces}
    both, state_only, config_only = by["GigabitEthernet0/0/1"], by["GigabitEthernet0/0/9"], by["LoopBack0"]
    assert both.sources == {"state", "config"} and both.up is True and both.in_octets == 7000
    assert both.description == "联通专线 CU-QHD-0001"  # the config's, not the state's
    assert [a.address for a in both.addresses] == ["10.0.2.1/30", "2001:db8:2::1/64"]
    assert both.ip == "10.0.2.1/30" and both.shutdown is False
    assert state_only.sources == {"state"} and state_only.description == "spare" and state_only.shutdown is None
    assert config_only.sources == {"config"} and config_only.up is None and config_only.ip == "10.255.10.1/32"
    assert [i.name for i in f.interfaces][:2] == ["GigabitEthernet0/0/1", "GigabitEthernet0/0/9"]


def test_state_description_kept_when_the_config_has_none() -> None:
    state = ("GigabitEthernet0/0/3 current state : UP\nLine protocol current state : UP\nDescription:member of trunk\n"
             "Route Port,The Maximum Transmit Unit is 1500\nInternet protocol processing : disabled\n"
             "Statistics last cleared:never\n    Input:  1 packets, 700 bytes\n    Output:  1 packets, 700 bytes\n"
             "    Input errors: 0, Output errors: 0\n\n")
    config = (HERE / "huawei_vrp" / "vrp5-router.cfg").read_text(encoding="utf-8")
    f = parse_outputs("huawei_vrp", {"config": config, "interfaces": state})
    trunk_member = next(i for i in f.interfaces if i.name == "GigabitEthernet0/0/3")
    assert trunk_member.description == "member of trunk" and trunk_member.addresses == []


def test_names_are_normalised_like_the_state_screens() -> None:
    # Ruijie keeps its space, H3C's abbreviations in route hops come out long, as the state screens give them
    ruijie = parse_outputs("ruijie_os", {"config": (HERE / "ruijie_os" / "rgos11-core.cfg").read_text()})
    assert "GigabitEthernet 0/1" in {i.name for i in ruijie.interfaces}
    h3c = parse_outputs("hp_comware", {"config": "#\n sysname X\n#\ninterface XGE1/0/49\n ip address 10.0.0.1 30\n"
                                                 "#\nip route-static 0.0.0.0 0 XGE1/0/49 10.0.0.2\n#\nreturn\n"})
    assert [i.name for i in h3c.interfaces] == ["Ten-GigabitEthernet1/0/49"]
    assert h3c.routes[0].interface == "Ten-GigabitEthernet1/0/49"


def test_every_profile_has_a_dialect() -> None:
    for platform in names():
        d = load_dialect(platform)
        assert d.interface.head.pattern.startswith("^interface"), platform


def test_a_bad_dialect_names_its_file() -> None:
    with pytest.raises(ProfileError, match=r"x\.yaml: config block lacks 'interface'"):
        read_dialect("x", {"tree": "generic", "hostname": "^hostname (?P<name>\\S+)"}, "x.yaml")
    with pytest.raises(ProfileError, match=r"x\.yaml: no `config:` block"):
        read_dialect("x", None, "x.yaml")
    with pytest.raises(ProfileError, match=r"bad regex"):
        read_dialect("x", {"tree": "generic", "interface": {"section": "^interface (?P<name"}}, "x.yaml")


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(CASES), at=st.integers(min_value=0, max_value=10_000),
       junk=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_no_line_makes_parse_outputs_raise(case: Path, at: int, junk: str) -> None:
    """Whatever line lands anywhere in a config (fact keywords with junk after them included), the snapshot
    is kept and parse_outputs returns."""
    lines = case.read_text(encoding="utf-8").splitlines()
    words = ("ip address ", " ip address ", "ipv6 address ", "ip route-static ", "ip route ", "network ",
             " peer ", "interface ", "banner motd ", "")
    lines.insert(at % (len(lines) + 1), words[at % len(words)] + junk)
    f = parse_outputs(case.parent.name, {"config": "\n".join(lines) + "\n"})
    assert f.config is not None and f.config_sha256
    assert all(i.key == "config" for i in f.issues)
