"""Probe facts (collectors/probes.py) from our own fixtures in the public layouts: what each result says about
reachability, the device's time read as China time (or UTC when the clock line says so), a never-run test
left out, and a target the screen does not print taken from the running config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from collectors.parse import parse_outputs
from collectors.probes import device_time

FIXTURES = Path(__file__).parent / "fixtures"


def _raw(platform: str, folder: str, name: str) -> str:
    return (FIXTURES / platform / folder / f"{name}.raw").read_text(encoding="utf-8")


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_huawei_success_partial_loss_and_a_never_run_test() -> None:
    f = parse_outputs("huawei_vrp", {"probes": _raw("huawei_vrp", "display_nqa_results", "vrp5-two-uplinks")})
    assert not f.issues
    cu, ct = f.probes  # the inactive mgmt-loopback entry never ran: no fact
    assert (cu.test, cu.target, cu.ok, cu.sent, cu.received) == ("wan cu-nexthop", "10.231.31.1", True, 5, 5)
    assert (cu.rtt_min_ms, cu.rtt_avg_ms, cu.rtt_max_ms) == (2.0, 3.0, 7.0)
    assert cu.measured_at == _utc(2026, 11, 30, 2, 15, 42, 300000)  # 10:15:42.3 China time
    assert (ct.ok, ct.sent, ct.received, ct.rtt_avg_ms) == (True, 5, 3, 19.0)  # reached, with 40 % lost


def test_huawei_all_lost_has_no_time_and_no_rtt() -> None:
    f = parse_outputs("huawei_vrp", {"probes": _raw("huawei_vrp", "display_nqa_results", "vrp5-all-lost")})
    (p,) = f.probes
    assert (p.ok, p.sent, p.received, p.measured_at, p.rtt_avg_ms) == (False, 3, 0, None, None)
    assert p.target == "10.232.117.1"


def test_comware_target_from_the_config_and_an_unsent_test_left_out() -> None:
    config = ("#\n sysname sx-u052-msr1\n#\nnqa entry wan cu-nexthop\n type icmp-echo\n  destination ip 10.231.52.1\n"
              "  source interface GigabitEthernet0/1\n#\nnqa entry wan ct-nexthop\n type icmp-echo\n"
              "  destination ip 10.232.52.1\n#\nreturn\n")
    f = parse_outputs("hp_comware", {"probes": _raw("hp_comware", "display_nqa_result", "cw7-down-and-new"),
                                     "config": config})
    (p,) = f.probes
    assert (p.test, p.target, p.ok, p.sent, p.received, p.measured_at) == ("wan cu-nexthop", "10.231.52.1", False,
                                                                           3, 0, None)
    f = parse_outputs("hp_comware", {"probes": _raw("hp_comware", "display_nqa_result", "cw7-two-uplinks")})
    assert [(p.test, p.ok, p.received, p.rtt_max_ms) for p in f.probes] == [
        ("wan cu-nexthop", True, 5, 4.0), ("wan ct-nexthop", True, 4, 31.0)]
    assert f.probes[0].measured_at == _utc(2026, 11, 30, 1, 58, 21, 600000)


def test_cisco_ip_sla_ok_and_timeout_with_targets_from_the_config() -> None:
    config = ("hostname ks-u075-isr1\n!\nip sla 10\n icmp-echo 10.231.75.1 source-interface GigabitEthernet0/0/0\n"
              " frequency 30\nip sla schedule 10 life forever start-time now\nip sla 20\n"
              " icmp-echo 10.232.75.1 source-interface GigabitEthernet0/0/1\n!\nend\n")
    f = parse_outputs("cisco_ios", {"probes": _raw("cisco_ios", "show_ip_sla_statistics", "ios15-two-uplinks"),
                                    "config": config})
    ok, lost = f.probes
    assert (ok.test, ok.target, ok.ok, ok.sent, ok.received, ok.rtt_avg_ms) == ("10", "10.231.75.1", True, 1, 1, 3.0)
    assert ok.measured_at == _utc(2026, 11, 30, 2, 21, 7)  # CST: the device's China time
    assert (lost.test, lost.target, lost.ok, lost.received, lost.rtt_avg_ms) == ("20", "10.232.75.1", False, 0, None)


def test_cisco_12_4_layout_jitter_min_avg_max_and_a_utc_clock() -> None:
    f = parse_outputs("cisco_ios", {"probes": _raw("cisco_ios", "show_ip_sla_statistics", "ios12-jitter-and-echo")})
    echo, jitter = f.probes
    assert (echo.rtt_min_ms, echo.rtt_max_ms, echo.measured_at) == (4.0, 4.0, _utc(2026, 11, 30, 8, 2, 51, 417000))
    assert (jitter.rtt_min_ms, jitter.rtt_avg_ms, jitter.rtt_max_ms) == (9.0, 12.0, 21.0)


def test_device_times() -> None:
    assert device_time("0000-00-00 00:00:00.0") is None
    assert device_time("") is None
    assert device_time("2026-1-5 8:00:00") == _utc(2026, 1, 5, 0, 0, 0)
