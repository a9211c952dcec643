"""A small lab of Ruijie RGOS and ZTE ZXROS devices, built directly (the sample city stays as it is):
one hardened and one weak device per vendor, links between them and to a Huawei core, and the OS
generations mixed as a real city mixes them: RGOS 10.x and 11.x, ZXR10 ROS V4 and ZXROS V5, each with a
router carrying a sub-interface. Each neighbour carries the chassis id and management address the far end
announces, so the LLDP detail screens have something true to print."""

from __future__ import annotations

import datetime as dt

from lab.model import LabDevice, LabInterface, LabLogEvent, LabNeighbor, LabSpec

T0 = dt.datetime(2026, 11, 20, 1, 2, 3, tzinfo=dt.UTC)


def _ifaces(names: list[tuple[str, str, str | None, bool]], seed: int) -> list[LabInterface]:
    return [LabInterface(name=n, description=d, ip=ip, up=up, speed_mbps=10000 if "Ten" in n or "xgei" in n else 1000,
                         # busy ports pass 2^32 bytes: the counters must come through as 64-bit
                         in_octets=(seed + 1) * 7_340_033_019 * (k + 1), out_octets=(seed + 3) * 5_242_877 * (k + 1),
                         in_errors=(seed * k) % 5, out_errors=k % 3)
            for k, (n, d, ip, up) in enumerate(names)]


def build_spec() -> LabSpec:
    rj1 = LabDevice(
        hostname="qhd-rj-agg1", platform="ruijie_os", model="RG-S5750-48GT4XS-HP-H", serial="G1PD50U001234",
        os_version="11.0(5)B9P59", role="aggregation", mgmt_address="10.255.3.1",
        interfaces=_ifaces([("TenGigabitEthernet 0/49", "至核心 qhd-core-sw1", "10.2.3.2/30", True),
                            ("TenGigabitEthernet 0/50", "至 qhd-zte-agg1", "10.2.3.5/30", True),
                            ("GigabitEthernet 0/24", "终端接入 局域网", "10.100.31.1/24", True),
                            ("GigabitEthernet 0/23", "", None, False),
                            ("Loopback 0", "", "10.255.3.1/32", True)], 1),
        neighbors=[LabNeighbor("TenGigabitEthernet 0/49", "qhd-core-sw1", "XGigabitEthernet0/0/7",
                               "00e0.fc21.7a10", "10.255.0.11"),
                   LabNeighbor("TenGigabitEthernet 0/50", "qhd-zte-agg1", "xgei-1/1/0/50",
                               "744a.a42b.1fe8", "2001:db8:3::2")],
        terminals=23, lan_prefix="10.100.31",
        log_events=[LabLogEvent(T0, "GigabitEthernet 0/23", "down"),
                    LabLogEvent(T0 + dt.timedelta(minutes=7), "TenGigabitEthernet 0/50", "down"),
                    LabLogEvent(T0 + dt.timedelta(minutes=9), "TenGigabitEthernet 0/50", "up")])
    rj2 = LabDevice(
        hostname="u061-rj-sw1", platform="ruijie_os", model="RG-S2928G-E", serial="1234942570021",
        os_version="10.4(3b19)p2", role="access-switch", unit="U061", mgmt_address="10.255.3.61",
        interfaces=_ifaces([("GigabitEthernet 0/25", "上联 qhd-rj-agg1", "10.2.3.10/30", True),
                            ("GigabitEthernet 0/1", "终端接入 局域网", "10.100.61.1/24", True)], 2),
        # the aggregation switch announces no management address: RGOS then sends its MAC (subtype 802)
        neighbors=[LabNeighbor("GigabitEthernet 0/25", "qhd-rj-agg1", "GigabitEthernet 0/22", "5869.6c0a.0001")],
        terminals=7, lan_prefix="10.100.61",
        weaknesses={"telnet_enabled", "no_idle_timeout", "weak_snmp", "weak_password"},
        log_events=[LabLogEvent(T0 + dt.timedelta(hours=2), "GigabitEthernet 0/25", "down")])
    zte1 = LabDevice(
        hostname="qhd-zte-agg1", platform="zte_zxros", model="ZXR10 5960-52TM-HC", serial="219581234567",
        os_version="V5.00.10.40", role="aggregation", mgmt_address="10.255.3.2",
        interfaces=_ifaces([("xgei-1/1/0/49", "至核心 qhd-core-sw2", "10.2.3.14/30", True),
                            ("xgei-1/1/0/50", "至 qhd-rj-agg1", "10.2.3.6/30", True),
                            ("gei-1/1/0/24", "终端接入 局域网", "10.100.32.1/24", True),
                            ("gei-1/1/0/23", "", None, False),
                            ("loopback1", "", "10.255.3.2/32", True)], 3),
        neighbors=[LabNeighbor("xgei-1/1/0/49", "qhd-core-sw2", "XGigabitEthernet0/0/7",
                               "00e0.fc21.7a20", "10.255.0.12"),
                   LabNeighbor("xgei-1/1/0/50", "qhd-rj-agg1", "TenGigabitEthernet 0/50",
                               "5869.6c0a.0001", "10.255.3.1")],
        terminals=41, lan_prefix="10.100.32",
        log_events=[LabLogEvent(T0 + dt.timedelta(minutes=7), "xgei-1/1/0/50", "down"),
                    LabLogEvent(T0 + dt.timedelta(minutes=9), "xgei-1/1/0/50", "up")])
    zte2 = LabDevice(  # ROS V4: gei_<slot>/<port> names, the V4 screens
        hostname="u062-zte-sw1", platform="zte_zxros", model="ZXR10 5928", serial="219570099881",
        os_version="V4.08.23", role="access-switch", unit="U062", mgmt_address="10.255.3.62",
        interfaces=_ifaces([("gei_1/28", "上联 qhd-zte-agg1", "10.2.3.18/30", True),
                            ("gei_1/1", "终端接入 局域网", "10.100.62.1/24", True),
                            ("gei_1/3", "", None, False),
                            ("smartgroup1", "至 u063 汇聚", None, True),
                            ("loopback1", "", "10.255.3.62/32", True)], 4),
        neighbors=[LabNeighbor("gei_1/28", "qhd-zte-agg1", "gei-1/1/0/22", "744a.a42b.1fe8", "10.255.3.2")],
        terminals=5, lan_prefix="10.100.62",
        weaknesses={"no_vty_acl", "no_remote_syslog", "no_ntp", "no_login_lockout"},
        log_events=[LabLogEvent(T0 + dt.timedelta(hours=3), "gei_1/28", "down"),
                    LabLogEvent(T0 + dt.timedelta(hours=3, minutes=1), "gei_1/28", "up")])
    rj3 = LabDevice(  # an RGOS 11 branch router: a dot1q sub-interface towards the county
        hostname="u071-rj-rt1", platform="ruijie_os", model="RG-RSR20-14E", serial="G1K80L500321A",
        os_version="11.1(1)B1P6", role="router", unit="U071", mgmt_address="10.255.3.71",
        interfaces=_ifaces([("GigabitEthernet 0/0", "至 qhd-rj-agg1 上联", None, True),
                            ("GigabitEthernet 0/0.100", "政务外网 VLAN100", "10.2.7.14/30", True),
                            ("Loopback 0", "", "10.255.3.71/32", True)], 5),
        neighbors=[LabNeighbor("GigabitEthernet 0/0", "qhd-rj-agg1", "GigabitEthernet 0/21",
                               "5869.6c0a.0001", "10.255.3.1")])
    zte3 = LabDevice(  # a ZXROS V5 router: sub-interface and smartgroup
        hostname="qhd-zte-rt1", platform="zte_zxros", model="ZXR10 M6000-8S Plus", serial="702310045512",
        os_version="V5.00.10.60", role="router", mgmt_address="10.255.3.3",
        interfaces=_ifaces([("xgei-0/2/0/1", "至 qhd-core-rt1", None, True),
                            ("xgei-0/2/0/1.201", "政务外网 VPN 互联 vlan201", "10.2.20.1/30", True),
                            ("smartgroup2", "至 qhd-zte-agg1", "10.2.20.5/30", True),
                            ("loopback0", "网管 Router-ID", "10.255.3.3/32", True)], 6),
        neighbors=[LabNeighbor("xgei-0/2/0/1", "qhd-core-rt1", "GigabitEthernet0/3/0/1", "00e0.fc33.0101",
                               "10.255.0.21"),
                   LabNeighbor("smartgroup2", "qhd-zte-agg1", "smartgroup2", "744a.a42b.1fe8", "10.255.3.2")])
    return LabSpec(devices=[rj1, rj2, zte1, zte2, rj3, zte3])
