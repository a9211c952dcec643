"""Is a backup armed, read from configs in each vendor's own syntax (our configs, written in the layouts of the
vendors' command references: VRP `ip route-static ... track nqa`, Comware `track N nqa entry ... reaction`,
IOS `track N ip sla N reachability`, VRRP/HSRP tracking on the LAN port)."""

from __future__ import annotations

import pytest

from audit.failover import End, StoredConfig, armed
from money.bureau_report import MECHANISM_LABELS, MISSING_LABELS
from topology.arming import ARMED, MECHANISMS, MISSING, NO_CONFIG, NOT_ARMED, PARTIAL

PRIMARY_NH, BACKUP_NH = "172.20.1.2", "172.20.2.2"


def vrp(host: str, *, primary: str = "", backup: str = "", lan: list[str] | None = None,
        extra: list[str] | None = None, backup_shut: bool = False) -> str:
    out = ["!Software Version V200R010C10SPC700", "#", f" sysname {host}", "#",
           "interface GigabitEthernet0/0/1", " description 联通主线路", " ip address 172.20.1.1 255.255.255.252", "#",
           "interface GigabitEthernet0/0/2", " description 电信备线路", " ip address 172.20.2.1 255.255.255.252"]
    out += [" shutdown"] if backup_shut else []
    out += ["#", "interface GigabitEthernet0/0/3", " description 局域网", " ip address 10.60.1.2 255.255.255.0",
            *(lan or []), "#",
            "nqa test-instance wan primary", " test-type icmp", f" destination-address ipv4 {PRIMARY_NH}",
            " start now", "#", *(extra or [])]
    out += [x for x in (primary, backup) if x] + ["#", "return"]
    return "\n".join(out) + "\n"


def comware(host: str, *, primary: str = "", backup: str = "", lan: list[str] | None = None,
            extra: list[str] | None = None, backup_shut: bool = False) -> str:
    out = ["#", " version 7.1.064, Release 0821P11", "#", f" sysname {host}", "#",
           "interface GigabitEthernet1/0/1", " port link-mode route", " ip address 172.20.1.1 255.255.255.252", "#",
           "interface GigabitEthernet1/0/2", " port link-mode route", " ip address 172.20.2.1 255.255.255.252"]
    out += [" shutdown"] if backup_shut else []
    out += ["#", "interface GigabitEthernet1/0/3", " port link-mode route", " ip address 10.60.1.2 255.255.255.0",
            *(lan or []), "#",
            "nqa entry wan primary", " type icmp-echo", f"  destination ip {PRIMARY_NH}",
            "  reaction 1 checked-element probe-fail threshold-type consecutive 3 action-type trigger-only", "#",
            *(extra or [])]
    out += [x for x in (primary, backup) if x] + ["#", "return"]
    return "\n".join(out) + "\n"


def ios(host: str, *, primary: str = "", backup: str = "", lan: list[str] | None = None,
        extra: list[str] | None = None, backup_shut: bool = False) -> str:
    out = ["Building configuration...", "", "Current configuration : 2048 bytes", "!", "version 15.2", "!",
           f"hostname {host}", "!",
           "interface GigabitEthernet0/1", " ip address 172.20.1.1 255.255.255.252", "!",
           "interface GigabitEthernet0/2", " ip address 172.20.2.1 255.255.255.252"]
    out += [" shutdown"] if backup_shut else []
    out += ["!", "interface GigabitEthernet0/3", " ip address 10.60.1.2 255.255.255.0", *(lan or []), "!",
            "ip sla 10", f" icmp-echo {PRIMARY_NH} source-interface GigabitEthernet0/1",
            "ip sla schedule 10 life forever start-time now", "!", *(extra or [])]
    out += [x for x in (primary, backup) if x] + ["!", "end"]
    return "\n".join(out) + "\n"


# per platform: the config builder, interface names, and the lines of each case
P = {
    "huawei_vrp": dict(
        build=vrp, ifaces=("GigabitEthernet0/0/1", "GigabitEthernet0/0/2"),
        tracked=f"ip route-static 0.0.0.0 0.0.0.0 {PRIMARY_NH} track nqa wan primary",
        untracked=f"ip route-static 0.0.0.0 0.0.0.0 {PRIMARY_NH}",
        undefined=f"ip route-static 0.0.0.0 0.0.0.0 {PRIMARY_NH} track nqa wan nosuch",
        floating=f"ip route-static 0.0.0.0 0.0.0.0 {BACKUP_NH} preference 100",
        preferred=f"ip route-static 0.0.0.0 0.0.0.0 {BACKUP_NH} preference 10",
        equal=f"ip route-static 0.0.0.0 0.0.0.0 {BACKUP_NH}",
        track_def=[], mech="nqa",
        ospf=["ospf 1", " area 0.0.0.0", "  network 172.20.1.0 0.0.0.3", "  network 172.20.2.0 0.0.0.3", "#"],
        vrrp=[" vrrp vrid 1 virtual-ip 10.60.1.254", " vrrp vrid 1 priority 120"],
        vrrp_track=[" vrrp vrid 1 track nqa wan primary reduced 30"]),
    "hp_comware": dict(
        build=comware, ifaces=("GigabitEthernet1/0/1", "GigabitEthernet1/0/2"),
        tracked=f" ip route-static 0.0.0.0 0 {PRIMARY_NH} track 10",
        untracked=f" ip route-static 0.0.0.0 0 {PRIMARY_NH}",
        undefined=f" ip route-static 0.0.0.0 0 {PRIMARY_NH} track 99",
        floating=f" ip route-static 0.0.0.0 0 {BACKUP_NH} preference 100",
        preferred=f" ip route-static 0.0.0.0 0 {BACKUP_NH} preference 10",
        equal=f" ip route-static 0.0.0.0 0 {BACKUP_NH}",
        track_def=[" track 10 nqa entry wan primary reaction 1", "#"], mech="nqa",
        ospf=["ospf 1", " area 0.0.0.0", "  network 172.20.1.0 0.0.0.3", "  network 172.20.2.0 0.0.0.3", "#"],
        vrrp=[" vrrp vrid 1 virtual-ip 10.60.1.254", " vrrp vrid 1 priority 120"],
        vrrp_track=[" vrrp vrid 1 track 10 priority reduced 30"]),
    "cisco_ios": dict(
        build=ios, ifaces=("GigabitEthernet0/1", "GigabitEthernet0/2"),
        tracked=f"ip route 0.0.0.0 0.0.0.0 {PRIMARY_NH} track 10",
        untracked=f"ip route 0.0.0.0 0.0.0.0 {PRIMARY_NH}",
        undefined=f"ip route 0.0.0.0 0.0.0.0 {PRIMARY_NH} track 99",
        floating=f"ip route 0.0.0.0 0.0.0.0 {BACKUP_NH} 250",
        preferred=f"ip route 0.0.0.0 0.0.0.0 {BACKUP_NH} 250\nip route 0.0.0.0 0.0.0.0 {PRIMARY_NH} 251 track 10",
        equal=f"ip route 0.0.0.0 0.0.0.0 {BACKUP_NH}",
        track_def=["track 10 ip sla 10 reachability", "!"], mech="ip_sla",
        ospf=["router ospf 1", " network 172.20.1.0 0.0.0.3 area 0", " network 172.20.2.0 0.0.0.3 area 0", "!"],
        vrrp=[" vrrp 1 ip 10.60.1.254", " vrrp 1 priority 120"],
        vrrp_track=[" vrrp 1 track 10 decrement 30"]),
}
PLATFORMS = sorted(P)


def _cfg(platform: str, host: str = "T-AR1", **kw) -> dict[str, StoredConfig]:
    p = P[platform]
    extra = list(p["track_def"]) + kw.pop("extra", [])
    return {host: StoredConfig(7, None, platform, p["build"](host, extra=extra, **kw))}


def _ends(platform: str, p_host: str = "T-AR1", b_host: str = "T-AR1") -> tuple[End, list[End]]:
    pi, bi = P[platform]["ifaces"]
    return End(b_host, bi, "172.20.2.1/30"), [End(p_host, pi, "172.20.1.1/30")]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_tracked_primary_and_a_floating_backup_are_armed(platform: str) -> None:
    p = P[platform]
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, primary=p["tracked"], backup=p["floating"]))
    assert (a.state, a.missing) == (ARMED, ())
    assert a.mechanisms == ("floating_static", p["mech"])
    assert a.device == "T-AR1" and a.config_id == 7
    assert any(BACKUP_NH in ln for ln in a.lines) and any(PRIMARY_NH in ln for ln in a.lines)
    assert all(ln.startswith("T-AR1 第") for ln in a.lines)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_untracked_primary_is_armed_only_for_a_port_down(platform: str) -> None:
    p = P[platform]
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, primary=p["untracked"], backup=p["floating"]))
    assert (a.state, a.missing, a.mechanisms) == (PARTIAL, ("primary_untracked",), ("floating_static",))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_track_that_names_nothing_defined(platform: str) -> None:
    p = P[platform]
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, primary=p["undefined"], backup=p["floating"]))
    assert (a.state, a.missing) == (PARTIAL, ("track_undefined",))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_route_over_the_backup_is_not_armed(platform: str) -> None:
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, primary=P[platform]["tracked"]))
    assert (a.state, a.missing, a.lines) == (NOT_ARMED, ("backup_route",), ())


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_shut_backup_port_is_not_armed_whatever_its_routes(platform: str) -> None:
    p = P[platform]
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, primary=p["tracked"], backup=p["floating"], backup_shut=True))
    assert (a.state, a.missing) == (NOT_ARMED, ("backup_shutdown",))
    assert a.lines and "shutdown" in a.lines[0]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_backup_preferred_over_its_primary(platform: str) -> None:
    p = P[platform]
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, primary=p["tracked"] if platform != "cisco_ios" else "",
                            backup=p["preferred"]))
    assert a.state == PARTIAL and "backup_preferred" in a.missing


@pytest.mark.parametrize("platform", PLATFORMS)
def test_equal_routes_share_the_load(platform: str) -> None:
    p = P[platform]
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, primary=p["tracked"], backup=p["equal"]))
    assert a.state == ARMED and "load_share" in a.mechanisms


@pytest.mark.parametrize("platform", PLATFORMS)
def test_one_routing_protocol_over_both_carriers_is_armed(platform: str) -> None:
    b, prim = _ends(platform)
    a = armed(b, prim, _cfg(platform, extra=P[platform]["ospf"]))
    assert (a.state, a.mechanisms) == (ARMED, ("dynamic",))


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize(("lan", "state", "missing"), [
    ("tracked", ARMED, ()), ("untracked", PARTIAL, ("gateway_untracked",)), ("none", PARTIAL, ("gateway_handover",)),
])
def test_two_routers_hand_over_the_lan_gateway(platform: str, lan: str, state: str, missing: tuple) -> None:
    p = P[platform]
    lines = {"tracked": p["vrrp"] + p["vrrp_track"], "untracked": p["vrrp"], "none": []}[lan]
    configs = {**_cfg(platform, "T-AR1", primary=p["tracked"], lan=lines),
               **_cfg(platform, "T-AR2", backup=p["floating"].replace("preference 100", "").rstrip())}
    b, prim = _ends(platform, p_host="T-AR1", b_host="T-AR2")
    a = armed(b, prim, configs)
    assert (a.state, a.missing) == (state, missing)
    assert a.device == "T-AR2"
    if state == ARMED:
        assert "vrrp_track" in a.mechanisms and any(ln.startswith("T-AR1 ") for ln in a.lines)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_primary_routers_config_missing(platform: str) -> None:
    p = P[platform]
    b, prim = _ends(platform, p_host="T-AR1", b_host="T-AR2")
    a = armed(b, prim, _cfg(platform, "T-AR2", backup=p["floating"]))
    assert (a.state, a.missing) == (PARTIAL, ("primary_config",))


def test_no_config_and_a_platform_not_read_yet_say_so() -> None:
    b, prim = _ends("huawei_vrp")
    assert armed(b, prim, {}).state == NO_CONFIG and armed(b, prim, {}).missing == ("no_config",)
    ruijie = {"T-AR1": StoredConfig(3, None, "ruijie_os", "hostname T-AR1\nip route 0.0.0.0 0.0.0.0 172.20.2.2\n")}
    a = armed(b, prim, ruijie)
    assert (a.state, a.missing, a.config_id) == (NO_CONFIG, ("platform_unsupported",), 3)


def test_secrets_never_appear_in_the_cited_lines() -> None:
    p = P["huawei_vrp"]
    secret = "%^%#Qz7Wn0PpVd1Lx8Rk2Ms9Tg3Jf4Hb5Yc6Ne%^%#"
    extra = ["aaa", f" local-user admin password irreversible-cipher {secret}", "#"]
    b, prim = _ends("huawei_vrp")
    a = armed(b, prim, _cfg("huawei_vrp", primary=p["tracked"], backup=p["floating"], extra=extra))
    assert a.state == ARMED and not any(secret in ln for ln in a.lines)


def test_every_code_has_both_labels() -> None:
    assert set(MECHANISM_LABELS) == set(MECHANISMS)
    assert set(MISSING_LABELS) == set(MISSING)
    assert all(zh and en and zh != en for zh, en in [*MECHANISM_LABELS.values(), *MISSING_LABELS.values()])


def test_which_findings_carry_the_unit_when_the_primary_link_goes_down() -> None:
    from topology.arming import Armed, takes_over

    def a(state, *missing):
        return Armed(state, "U-AR1", 1, None, missing=missing)

    assert takes_over(a(ARMED)) and takes_over(a(NO_CONFIG, "no_config"))
    assert takes_over(a(PARTIAL, "primary_untracked")) and takes_over(a(PARTIAL, "backup_preferred"))
    assert not takes_over(a(NOT_ARMED, "backup_route"))
    assert not takes_over(a(PARTIAL, "gateway_untracked")) and not takes_over(a(PARTIAL, "gateway_handover"))
