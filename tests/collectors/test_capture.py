"""Pure readers of what other tools saved: captures split at the prompt, typed commands mapped to
profile keys (abbreviations too), RANCID's comment block, platform detection, and config plausibility."""

from __future__ import annotations

import dataclasses

import pytest

from collectors.capture import best_capture, config_hostname, detect, match_command, rancid_config, split_capture
from collectors.platforms import Command, load_profile, names
from collectors.validate import MAX_CONFIG_BYTES, check_config, masked_line
from lab.personalities import personality
from tests.inventory.offline_util import lab_devices, rendered


def prompt(platform: str, host: str) -> str:
    return f"<{host}>" if personality(platform).prompt_style == "angle" else f"{host}#"


def capture_of(dev, typed: dict[str, str], out: dict[str, str] | None = None) -> str:
    """A saved terminal session: the paging command, then each command typed at the prompt, then logout."""
    out, p = out or rendered(dev), prompt(dev.platform, dev.hostname)
    prof = load_profile(dev.platform)
    parts = [f"{p}{prof.paging_off}\n"]
    for key, words in typed.items():
        parts.append(f"{p}{words}\n{out[key]}")
    parts.append(f"{p}{prof.logout}\n")
    return "".join(parts)


@pytest.mark.parametrize("dev", lab_devices(), ids=lambda d: d.platform)
def test_a_capture_splits_into_its_commands(dev) -> None:
    prof = load_profile(dev.platform)
    keys = [c.key for c in prof.collected]
    out = rendered(dev)
    text = capture_of(dev, {k: prof.command(k).command for k in keys}, out)
    cap = split_capture(dev.platform, text)
    assert cap is not None and cap.host == dev.hostname and cap.skipped == []
    assert sorted(cap.outputs) == sorted(keys)
    for k in keys:
        assert cap.outputs[k].strip() == out[k].strip(), k
    # without being told the platform: the capture says which it is
    assert best_capture(text).platform == dev.platform


def test_abbreviations_map_where_they_name_one_command() -> None:
    hw, cisco = load_profile("huawei_vrp"), load_profile("cisco_ios")
    assert match_command(hw, "disp int")[0] == "interfaces"
    assert match_command(hw, "dis cur")[0] == "config"
    assert match_command(hw, "display version | no-more")[0] == "version"
    assert match_command(cisco, "sh ver")[0] == "version"
    assert match_command(cisco, "sh run")[0] == "config"
    assert match_command(cisco, "show ip arp")[0] == "arp"
    assert match_command(cisco, "sh l")[0] == "log"  # `show lldp neighbors` has three words
    assert match_command(cisco, "sh i")[0] == "interfaces"  # `show ip arp` has three
    assert match_command(hw, "dis e")[0] == "serial"
    assert match_command(hw, "display interface brief") == (None, "not a command of the profile")
    assert match_command(hw, "") == (None, "empty")


def test_an_ambiguous_abbreviation_is_refused_with_both_names() -> None:
    hw = load_profile("huawei_vrp")
    more = dataclasses.replace(hw, commands=(*hw.commands, Command("inventory", "display inventory")))
    key, why = match_command(more, "dis in")
    assert key is None and why == "ambiguous: display interface / display inventory"
    assert match_command(more, "dis int")[0] == "interfaces"


def test_five_commands_abbreviated_in_a_vrp_capture() -> None:
    dev = next(d for d in lab_devices() if d.platform == "huawei_vrp")
    typed = {"version": "disp ver", "interfaces": "disp int", "lldp_brief": "dis lldp nei b", "arp": "dis arp all",
             "config": "dis cur"}
    # the brief neighbour screen is offline-only (never collected) but a saved session may hold it
    out = {**rendered(dev), "lldp_brief": personality(dev.platform).render("lldp_brief", dev)}
    text = capture_of(dev, typed, out) + f"<{dev.hostname}>display interface brief\nPHY: Physical\n"
    # a pager remnant and a VRP erase sequence inside an output, as a saved session keeps them
    text = text.replace("\n#\n", "\n  ---- More ----\x1b[42D                                          \x1b[42D#\n", 1)
    cap = split_capture("huawei_vrp", text)
    assert sorted(cap.outputs) == sorted(typed)
    assert cap.typed["lldp_brief"] == "dis lldp nei b"
    assert any("display interface brief" in s for s in cap.skipped)
    assert "More" not in cap.outputs["config"] and "\x1b" not in cap.outputs["config"]
    assert cap.outputs["config"].rstrip().endswith("return")


def test_a_line_that_looks_like_a_prompt_does_not_split_an_output() -> None:
    dev = next(d for d in lab_devices() if d.platform == "cisco_ios")
    text = capture_of(dev, {"version": "show version", "config": "show running-config"})
    text = text.replace("!\nend", "!\nbanner exec ^C\nOTHER-R9#show tech\n^C\n!\nend", 1)
    cap = split_capture("cisco_ios", text)
    assert cap.host == dev.hostname and "OTHER-R9#show tech" in cap.outputs["config"]


@pytest.mark.parametrize("dev", lab_devices(), ids=lambda d: d.platform)
def test_detection_and_hostname_from_the_config(dev) -> None:
    out = rendered(dev)
    assert detect(out["config"]) == dev.platform
    assert detect(out["version"]) == dev.platform
    assert config_hostname(dev.platform, out["config"]) == dev.hostname


def test_detection_refuses_to_guess() -> None:
    assert detect("hello world\n") is None
    assert detect("#\n sysname X\n#\nreturn\n") is None  # VRP or Comware: nothing tells them apart


def test_rancid_block_is_cut_off() -> None:
    dev = next(d for d in lab_devices() if d.platform == "cisco_ios")
    body = rendered(dev)["config"].split("\n", 3)[3]  # without `Building configuration...`
    text = ("!RANCID-CONTENT-TYPE: cisco\n!\n!Chassis type: ISR4331/K9 - a ISR4331/K9 router\n"
            "!Memory: main 3756000K/6147K\n!Serial Number: FDO2207A1XY\n!\n" + body)
    kind, config = rancid_config(text)
    assert kind == "cisco" and "Serial Number" not in config and "Chassis" not in config
    assert f"hostname {dev.hostname}" in config and config.rstrip().endswith("end")
    assert rancid_config(body) is None
    assert detect(text) == "cisco_ios"


@pytest.mark.parametrize("dev", lab_devices(), ids=lambda d: d.platform)
def test_config_plausibility(dev) -> None:
    prof = load_profile(dev.platform)
    good = rendered(dev)["config"]
    assert check_config(prof, good) is None
    assert check_config(prof, "").reason == "empty"
    assert check_config(prof, " \n\n").reason == "empty"
    half = good[: len(good) // 2]
    r = check_config(prof, half)
    assert r.reason == "truncated" and prof.config_terminator.pattern in r.detail
    assert check_config(prof, good + "x" * (MAX_CONFIG_BYTES + 1)).reason == "too_large"
    assert check_config(prof, good, limit=len(good) - 1).reason == "too_large"
    assert check_config(prof, good.replace("\n", "\n\x00", 1)).reason == "binary"
    from inventory.redact import redact

    masked = redact(good, dev.platform)
    assert masked != good  # every lab config carries at least one secret
    r = check_config(prof, masked)
    assert r.reason == "masked" and "line" in r.detail


def test_a_banner_of_asterisks_is_not_a_mask() -> None:
    assert masked_line("banner motd ^C\n******************************\n* no entry *\n^C\n") is None
    assert masked_line(" snmp-agent community read ******\n") == 1
    # the redacted config views' fingerprint form is a mask too
    assert masked_line("#\n snmp-agent community read <secret:3fa2b1>\n") == 2
    assert masked_line("a\n local-user x password irreversible-cipher ******(3fa2)\n") == 2


def test_every_profile_detects_and_names() -> None:
    for name in names():
        prof = load_profile(name)
        assert prof.detect and prof.config_hostname is not None, name
