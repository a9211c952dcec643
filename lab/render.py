"""Text the lab devices answer with, one function per command, rendered from a `LabDevice`.

Formats follow the real platforms closely enough that ntc-templates parse them where the project
uses ntc-templates; everything is deterministic (hashes of the hostname, never random state)."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress

from .model import LabDevice, LabInterface

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
LOGHOST, NTP_SERVER = "10.255.0.200", "10.255.0.201"
LOGIN_NOTICE = "秦皇岛市电子政务外网 未经授权禁止登录"


def _h(*parts: object) -> bytes:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()


def _token(alphabet: str, n: int, *seed: object) -> str:
    raw = _h(*seed) + _h(*seed, "more") + _h(*seed, "again")
    return "".join(alphabet[b % len(alphabet)] for b in raw[:n])


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
PRINT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#&*=?@^`{|}~"


def secrets_for(dev: LabDevice) -> dict[str, str]:
    """The secret strings the device's config carries (realistic shapes, deterministic per device)."""
    h = dev.hostname
    if dev.platform in VENDORS:
        s = VENDORS[dev.platform].secrets(dev)
    elif dev.platform == "huawei_vrp":
        s = {"admin_password": "$1c$" + _token(PRINT, 44, h, "pw") + "$",
             "snmp_auth": "%^%#" + _token(PRINT, 40, h, "auth") + "%^%#",
             "snmp_priv": "%^%#" + _token(PRINT, 40, h, "priv") + "%^%#"}
    elif dev.platform == "hp_comware":
        s = {"admin_password": "$h$6$" + _token(B64, 16, h, "salt") + "$" + _token(B64, 86, h, "pw") + "==",
             "snmp_auth": "$c$3$" + _token(B64, 44, h, "auth") + "==",
             "snmp_priv": "$c$3$" + _token(B64, 44, h, "priv") + "=="}
    else:
        crypt = B64[:-2] + "./"
        s = {"admin_password": "$9$" + _token(crypt, 14, h, "salt") + "$" + _token(crypt, 43, h, "pw"),
             "enable_secret": "$9$" + _token(crypt, 14, h, "esalt") + "$" + _token(crypt, 43, h, "en"),
             "snmp_auth": "Sn" + _token(B64[:-2], 18, h, "auth")}
    if "weak_snmp" in dev.weaknesses:  # v2c communities instead of SNMPv3 user keys
        s = {k: v for k, v in s.items() if not k.startswith("snmp_")}
    if "weak_password" in dev.weaknesses:
        s["clear_password"] = "Netops@" + _token("0123456789", 4, h, "weak")
    return s


def mac_of(*seed: object, platform: str = "huawei_vrp") -> str:
    b = _h(*seed)[:6]
    hexs = b.hex()
    if platform in ("cisco_ios", "ruijie_os", "zte_zxros"):
        return f"{hexs[0:4]}.{hexs[4:8]}.{hexs[8:12]}"
    return f"{hexs[0:4]}-{hexs[4:8]}-{hexs[8:12]}"


def short_name(platform: str, name: str) -> str:
    """The abbreviation each vendor prints in tables (MAC/ARP/LLDP)."""
    pairs = {
        "huawei_vrp": [("XGigabitEthernet", "XGE"), ("GigabitEthernet", "GE"), ("LoopBack", "Loop")],
        "hp_comware": [("Ten-GigabitEthernet", "XGE"), ("GigabitEthernet", "GE"), ("LoopBack", "Loop")],
        "cisco_ios": [("TenGigabitEthernet", "Te"), ("GigabitEthernet", "Gi"), ("Loopback", "Lo")],
        "ruijie_os": [("TenGigabitEthernet ", "Te"), ("GigabitEthernet ", "Gi"), ("AggregatePort ", "Ag"),
                      ("Loopback ", "Lo")],
        "zte_zxros": [],  # gei-/xgei- names are already short
    }[platform]
    for long, short in pairs:
        if name.startswith(long):
            return short + name[len(long):]
    return name


def _mask(ip: str) -> tuple[str, str]:
    iface = ipaddress.ip_interface(ip)
    return str(iface.ip), str(iface.network.netmask)


def _stamp(dev: LabDevice) -> str:
    # Volatile on purpose: a fresh time on every render, which the profile's scrubbers remove.
    return dt.datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S+08:00")


# ----------------------------------------------------------------------------------------- configs
def render_config(dev: LabDevice) -> str:
    if dev.platform in VENDORS:
        return VENDORS[dev.platform].config(dev)
    return {"huawei_vrp": _vrp_config, "hp_comware": _comware_config, "cisco_ios": _ios_config}[dev.platform](dev)


def _vrp_config(dev: LabDevice) -> str:
    w, s = dev.weaknesses, secrets_for(dev)
    out = [f"!Software Version {dev.os_version}", f"!Last configuration was updated at {_stamp(dev)}", "#",
           f" sysname {dev.hostname}", "#"]
    notice = f'"{"<" + dev.hostname + ">" if dev.fault == "fake_prompt" else LOGIN_NOTICE}"'
    out += [f" header login information {notice}", "#"]
    if "no_remote_syslog" not in w:
        out += [f" info-center loghost {LOGHOST}", "#"]
    if "no_ntp" not in w:
        out += [f" ntp-service unicast-server {NTP_SERVER}", "#"]
    out += ["acl number 2000", " description 网管网段", " rule 5 permit source 10.255.0.0 0.0.255.255", "#", "aaa"]
    out += [f" local-user admin password irreversible-cipher {s['admin_password']}",
            " local-user admin privilege level 15", " local-user admin service-type ssh"]
    if "weak_password" in w:
        out += [f" local-user netops password simple {s['clear_password']}", " local-user netops service-type ssh"]
    if "no_login_lockout" not in w:
        out += [" local-aaa-user wrong-password retry-interval 5 retry-time 5 block-time 15"]
    out += ["#"]
    for iface in dev.interfaces:
        out += [f"interface {iface.name}"]
        if iface.description:
            out += [f" description {iface.description}"]
        if iface.ip:
            out += [" ip address {} {}".format(*_mask(iface.ip))]
        if not iface.up:
            out += [" shutdown"]
        out += ["#"]
    out += ["snmp-agent"]
    if "weak_snmp" in w:
        out += [" snmp-agent community read public", " snmp-agent community write private",
                " snmp-agent sys-info version v2c"]
    else:
        out += [" snmp-agent sys-info version v3", " snmp-agent group v3 nms privacy acl 2000",
                f" snmp-agent usm-user v3 nmsuser group nms authentication-mode sha cipher {s['snmp_auth']}"
                f" privacy-mode aes128 cipher {s['snmp_priv']}"]
    out += ["#"]
    out += [" telnet server enable" if "telnet_enabled" in w else " undo telnet server enable",
            " stelnet server enable",
            " ssh server-source all-interface", " ssh user admin authentication-type password",
            " ssh user admin service-type stelnet", "#"]
    out += dev.extra_config
    out += ["user-interface con 0", " authentication-mode aaa", "user-interface vty 0 4"]
    if "no_vty_acl" not in w:
        out += [" acl 2000 inbound"]
    out += [" authentication-mode aaa", " user privilege level 15",
            " protocol inbound all" if "telnet_enabled" in w else " protocol inbound ssh",
            " idle-timeout 0 0" if "no_idle_timeout" in w else " idle-timeout 10 0", "#", "return"]
    return "\n".join(out) + "\n"


def _comware_config(dev: LabDevice) -> str:
    w, s = dev.weaknesses, secrets_for(dev)
    out = ["#", f" version {dev.os_version}", "#", f" sysname {dev.hostname}", "#"]
    if "telnet_enabled" in w:
        out += [" telnet server enable", "#"]
    if "no_remote_syslog" not in w:
        out += [f" info-center loghost {LOGHOST}", "#"]
    if "no_ntp" not in w:
        out += [" ntp-service enable", f" ntp-service unicast-server {NTP_SERVER}", "#"]
    if "no_login_lockout" not in w:
        out += [" password-control enable", " password-control login-attempt 5 exceed lock-time 15", "#"]
    out += ["acl basic 2000", " description 网管网段", " rule 5 permit source 10.255.0.0 0.0.255.255", "#"]
    for iface in dev.interfaces:
        out += [f"interface {iface.name}"]
        if not iface.name.startswith("LoopBack"):
            out += [" port link-mode route"]
        if iface.description:
            out += [f" description {iface.description}"]
        if iface.ip:
            out += [" ip address {} {}".format(*_mask(iface.ip))]
        if not iface.up:
            out += [" shutdown"]
        out += ["#"]
    if "weak_snmp" in w:
        out += [" snmp-agent", " snmp-agent community read simple public", " snmp-agent community write simple private",
                " snmp-agent sys-info version v2c", "#"]
    else:
        out += [" snmp-agent", " snmp-agent sys-info version v3", " snmp-agent group v3 nms privacy acl 2000",
                f" snmp-agent usm-user v3 nmsuser nms cipher authentication-mode sha {s['snmp_auth']}"
                f" privacy-mode aes128 {s['snmp_priv']}", "#"]
    out += [" ssh server enable", "#"]
    out += dev.extra_config
    out += ["line vty 0 63", " authentication-mode scheme", " user-role network-admin",
            " protocol inbound all" if "telnet_enabled" in w else " protocol inbound ssh",
            " idle-timeout 0 0" if "no_idle_timeout" in w else " idle-timeout 10 0"]
    if "no_vty_acl" not in w:
        out += [" acl 2000 inbound"]
    out += ["#", "local-user admin class manage", f" password hash {s['admin_password']}", " service-type ssh",
            " authorization-attribute user-role network-admin", "#"]
    if "weak_password" in w:
        out += ["local-user netops class manage", f" password simple {s['clear_password']}", " service-type ssh",
                "#"]
    notice = f"<{dev.hostname}>" if dev.fault == "fake_prompt" else LOGIN_NOTICE
    out += [f" header login %{notice}%", "#", "return"]
    return "\n".join(out) + "\n"


def _ios_config(dev: LabDevice) -> str:
    w, s = dev.weaknesses, secrets_for(dev)
    body = ["!", f"! Last configuration change at {dt.datetime.now(CHINA).strftime('%H:%M:%S CST %a %b %d %Y')}", "!",
            "version " + ".".join(dev.os_version.split(".")[:2]), "service timestamps log datetime localtime year",
            "service password-encryption", "!", f"hostname {dev.hostname}", "!",
            f"enable secret 9 {s['enable_secret']}", "!", "aaa new-model", "aaa authentication login default local"]
    if "no_login_lockout" not in w:
        body += ["aaa local authentication attempts max-fail 5"]
    body += ["!", f"username admin privilege 15 secret 9 {s['admin_password']}"]
    if "weak_password" in w:
        body += [f"username netops privilege 15 password 0 {s['clear_password']}"]
    body += ["!", "ip ssh version 2"]
    if "no_login_lockout" not in w:
        body += ["login block-for 900 attempts 5 within 120"]
    body += ["!"]
    for iface in dev.interfaces:
        body += [f"interface {iface.name}"]
        if iface.description:
            body += [f" description {iface.description}"]
        body += [" ip address {} {}".format(*_mask(iface.ip))] if iface.ip else [" no ip address"]
        if not iface.up:
            body += [" shutdown"]
        body += ["!"]
    body += ["ip access-list standard VTY-ACL", " permit 10.255.0.0 0.0.255.255", "!"]
    if "no_remote_syslog" not in w:
        body += [f"logging host {LOGHOST}"]
    if "weak_snmp" in w:
        body += ["snmp-server community public RO", "snmp-server community private RW"]
    else:
        body += ["snmp-server group NMS v3 priv access VTY-ACL",
                 f"snmp-server user nmsuser NMS v3 auth sha {s['snmp_auth']} priv aes 128 {s['snmp_auth'][::-1]}"]
    if "no_ntp" not in w:
        body += [f"ntp server {NTP_SERVER}"]
    body += ["!", *dev.extra_config]
    notice = f"Authorized {dev.hostname}# users only" if dev.fault == "fake_prompt" else "Authorized users only"
    body += [f"banner login ^C {notice} ^C", "!", "line con 0", " logging synchronous", "line vty 0 4"]
    if "no_vty_acl" not in w:
        body += [" access-class VTY-ACL in"]
    body += [" exec-timeout 0 0" if "no_idle_timeout" in w else " exec-timeout 10 0", " login local",
             " transport input telnet ssh" if "telnet_enabled" in w else " transport input ssh", "!", "end"]
    text = "\n".join(body) + "\n"
    head = ["Building configuration...", "", f"Current configuration : {len(text.encode())} bytes"]
    return "\n".join(head) + "\n" + text


# ----------------------------------------------------------------------------------------- version
def render_version(dev: LabDevice) -> str:
    if dev.platform in VENDORS:
        return VENDORS[dev.platform].version(dev)
    if dev.platform == "huawei_vrp":
        base = "8.180" if dev.os_version.startswith("V8") else "5.170"
        return (f"Huawei Versatile Routing Platform Software\n"
                f"VRP (R) software, Version {base} ({dev.model.split('-')[0]} {dev.os_version})\n"
                f"Copyright (C) 2000-2021 HUAWEI TECH Co., Ltd.\n"
                f"HUAWEI {dev.model} uptime is 210 days, 3 hours, 12 minutes\n")
    if dev.platform == "hp_comware":
        return (f"H3C Comware Software, Version {dev.os_version}\n"
                "Copyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.\n"
                f"H3C {dev.model} uptime is 30 weeks, 1 day, 2 hours, 3 minutes\n"
                "Last reboot reason: User reboot\n")
    train = dev.os_version
    xe = train.startswith("16")
    image = "X86_64_LINUX_IOSD-UNIVERSALK9-M" if xe else "C2960X-UNIVERSALK9-M"
    lines = []
    if xe:
        lines += [f"Cisco IOS XE Software, Version {train}"]
    lines += [f"Cisco IOS Software, {'ISR' if xe else 'C2960X'} Software ({image}), Version {train}, "
              "RELEASE SOFTWARE (fc1)",
              "Technical Support: http://www.cisco.com/techsupport",
              "Copyright (c) 1986-2020 by Cisco Systems, Inc.", "",
              "ROM: IOS-XE ROMMON" if xe else "ROM: Bootstrap program is C2960X boot loader", "",
              f"{dev.hostname} uptime is 1 year, 2 weeks, 3 days, 4 hours, 5 minutes",
              "System returned to ROM by reload",
              f'System image file is "bootflash:{image.lower()}.{train}.bin"', "",
              f"cisco {dev.model} (1RU) processor with 1795979K/6147K bytes of memory.",
              f"Processor board ID {dev.serial}",
              "4 Gigabit Ethernet interfaces", "",
              "Configuration register is 0x2102"]
    return "\n".join(lines) + "\n"


def render_serial(dev: LabDevice) -> str:
    if dev.platform == "zte_zxros":
        return VENDORS[dev.platform].inventory(dev)
    if dev.platform == "huawei_vrp":
        return f"ESN of slot 0: {dev.serial}\n"
    if dev.platform == "hp_comware":
        return (f"Slot 1 CPU 0:\nDEVICE_NAME          : {dev.model}\nDEVICE_SERIAL_NUMBER : {dev.serial}\n"
                f"MAC_ADDRESS          : {mac_of(dev.hostname, 'base')}\nMANUFACTURING_DATE   : 2019-06-01\n"
                "VENDOR_NAME          : H3C\n")
    return render_version(dev)


# -------------------------------------------------------------------------------------- interfaces
def render_interfaces(dev: LabDevice) -> str:
    if dev.platform in VENDORS:
        return VENDORS[dev.platform].interfaces(dev)
    fn = {"huawei_vrp": _vrp_iface, "hp_comware": _comware_iface, "cisco_ios": _ios_iface}[dev.platform]
    return "".join(fn(dev, i) for i in dev.interfaces)


def _pk(octets: int) -> int:
    return octets // 700


def _vrp_iface(dev: LabDevice, i: LabInterface) -> str:
    st = "UP" if i.up else "DOWN"
    out = [f"{i.name} current state : {st}", f"Line protocol current state : {st}"]
    out += [f"Description:{i.description}" if i.description else "Description:"]
    out += ["Route Port,The Maximum Transmit Unit is 1500"]
    out += [f"Internet Address is {i.ip}" if i.ip else "Internet protocol processing : disabled"]
    out += [f"IP Sending Frames' Format is PKTFMT_ETHNT_2, Hardware address is {mac_of(dev.hostname, i.name)}"]
    if i.speed_mbps:
        out += [f"Port Mode: COMMON COPPER, Speed : {i.speed_mbps}, Duplex: FULL"]
    out += ["Statistics last cleared:never",
            f"    Input:  {_pk(i.in_octets)} packets, {i.in_octets} bytes",
            f"    Output:  {_pk(i.out_octets)} packets, {i.out_octets} bytes",
            f"    Input errors: {i.in_errors}, Output errors: {i.out_errors}", "", ""]
    return "\n".join(out)


def _comware_iface(dev: LabDevice, i: LabInterface) -> str:
    st = "UP" if i.up else "DOWN"
    out = [i.name, f"Current state: {st}", f"Line protocol state: {st}"]
    out += [f"Description: {i.description}" if i.description else f"Description: {i.name} Interface"]
    out += ["Maximum transmission unit: 1500"]
    out += [f"Internet address: {i.ip} (primary)" if i.ip else "Internet protocol processing: Disabled"]
    out += [f"IP packet frame type: Ethernet II, hardware address: {mac_of(dev.hostname, i.name)}"]
    out += [f" Input (total):  {_pk(i.in_octets)} packets, {i.in_octets} bytes",
            f" Output (total): {_pk(i.out_octets)} packets, {i.out_octets} bytes",
            f" Input:  {i.in_errors} input errors, 0 runts, 0 giants, 0 throttles",
            f" Output: {i.out_errors} output errors, 0 underruns, 0 buffer failures", "", ""]
    return "\n".join(out)


def _ios_iface(dev: LabDevice, i: LabInterface) -> str:
    st = "up" if i.up else "down"
    out = [f"{i.name} is {st}, line protocol is {st}",
           f"  Hardware is {dev.model.split('/')[0]}, address is {mac_of(dev.hostname, i.name, platform='cisco_ios')}"]
    if i.description:
        out += [f"  Description: {i.description}"]
    if i.ip:
        out += [f"  Internet address is {i.ip}"]
    out += [f"  MTU 1500 bytes, BW {(i.speed_mbps or 1000) * 1000} Kbit/sec, DLY 10 usec,",
            f"     {_pk(i.in_octets)} packets input, {i.in_octets} bytes, 0 no buffer",
            f"     {i.in_errors} input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
            f"     {_pk(i.out_octets)} packets output, {i.out_octets} bytes, 0 underruns",
            f"     {i.out_errors} output errors, 0 collisions, 0 interface resets", ""]
    return "\n".join(out)


# -------------------------------------------------------------------------------------------- lldp
def render_lldp(dev: LabDevice) -> str:
    p = dev.platform
    if p in VENDORS:
        return VENDORS[p].lldp(dev)
    if p == "huawei_vrp":
        out = [f"{'Local Intf':<17}{'Neighbor Dev':<25}{'Neighbor Intf':<26}Exptime(s)"]
        out += [f"{short_name(p, n.local_interface):<17}{n.neighbor:<25}{n.neighbor_interface:<26}102"
                for n in dev.neighbors]
        return "\n".join(out) + "\n"
    if p == "hp_comware":
        out = [f"{'System Name':<21}{'Local Interface':<16}{'Chassis ID':<16}Port ID"]
        out += [f"{n.neighbor:<21}{short_name(p, n.local_interface):<16}{mac_of(n.neighbor, 'base'):<16}"
                f"{n.neighbor_interface}" for n in dev.neighbors]
        return "\n".join(out) + "\n"
    out = ["Capability codes:", "    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
           "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other", "",
           f"{'Device ID':<20}{'Local Intf':<15}{'Hold-time':<11}{'Capability':<16}Port ID"]
    out += [f"{n.neighbor[:20]:<20}{short_name(p, n.local_interface):<15}{'120':<11}{'B,R':<16}{n.neighbor_interface}"
            for n in dev.neighbors]
    out += ["", f"Total entries displayed: {len(dev.neighbors)}"]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------ terminals
def access_port(dev: LabDevice) -> LabInterface | None:
    """Where the terminals are learned: the interface whose description marks it as the LAN/access side."""
    for iface in dev.interfaces:
        if "局域网" in iface.description or "终端接入" in iface.description:
            return iface
    return None


def terminal_entries(dev: LabDevice) -> list[tuple[str, str]]:
    """(ip, mac) of each terminal, addresses counted up from .10 of the unit LAN; the MAC format is the platform's."""
    first = ipaddress.ip_address(f"{dev.lan_prefix or '10.200.0'}.10")
    return [(str(first + n), mac_of(dev.hostname, "term", n, platform=dev.platform)) for n in range(dev.terminals)]


def learned(dev: LabDevice) -> tuple[LabInterface | None, list[tuple[str, str]]]:
    """The access port and the (ip, mac) of each terminal learned on it (none without an access port)."""
    port = access_port(dev)
    return port, terminal_entries(dev) if port else []


def own_addresses(dev: LabDevice) -> list[tuple[str, str, LabInterface]]:
    """(ip, mac, interface) of the device's own addressed interfaces, loopbacks excepted: its ARP entries."""
    return [(str(ipaddress.ip_interface(i.ip).ip), mac_of(dev.hostname, i.name, platform=dev.platform), i)
            for i in dev.interfaces if i.ip and not i.name.lower().startswith("loopback")]


def render_mac(dev: LabDevice) -> str:
    if dev.platform in VENDORS:
        return VENDORS[dev.platform].mac(dev)
    p, (port, entries) = dev.platform, learned(dev)
    pname = short_name(p, port.name) if port else ""
    if p == "huawei_vrp":
        out = ["-------------------------------------------------------------------------------",
               "MAC Address    VLAN/VSI/BD                       Learned-From        Type",
               "-------------------------------------------------------------------------------"]
        out += [f"{mac:<15}{'10/-/-':<34}{pname:<20}dynamic" for _ip, mac in entries]
        out += ["", "-------------------------------------------------------------------------------",
                f"Total items displayed = {len(entries)}"]
    elif p == "hp_comware":
        out = ["MAC Address    VLAN ID  State            Port/Nickname            Aging"]
        out += [f"{mac:<15}{'10':<9}{'Learned':<17}{pname:<25}Y" for _ip, mac in entries]
    else:
        out = ["          Mac Address Table", "-------------------------------------------", "",
               "Vlan    Mac Address       Type        Ports", "----    -----------       --------    -----"]
        out += [f"{'  10':<8}{mac:<18}{'DYNAMIC':<12}{pname}" for _ip, mac in entries]
        out += [f"Total Mac Addresses for this criterion: {len(entries)}"]
    return "\n".join(out) + "\n"


def render_arp(dev: LabDevice) -> str:
    if dev.platform in VENDORS:
        return VENDORS[dev.platform].arp(dev)
    p, (port, entries), own = dev.platform, learned(dev), own_addresses(dev)
    pname = short_name(p, port.name) if port else ""
    if p == "huawei_vrp":
        out = ["IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE",
               "                                          VLAN/CEVLAN PVC",
               "------------------------------------------------------------------------------"]
        out += [f"{ip:<16}{mac:<16}{'':<10}{'I -':<12}{short_name(p, i.name)}" for ip, mac, i in own]
        out += [f"{ip:<16}{mac:<16}{'20':<10}{'D-0':<12}{pname}" for ip, mac in entries]
        out += ["------------------------------------------------------------------------------",
                f"Total:{len(own) + len(entries):<10}Dynamic:{len(entries):<8}Static:0     Interface:{len(own)}"]
    elif p == "hp_comware":
        out = ["  Type: S-Static   D-Dynamic   O-Openflow   R-Rule   M-Multiport  I-Invalid",
               "IP address      MAC address    VLAN/VSI name Interface                Aging Type"]
        out += [f"{ip:<16}{mac:<15}{'10':<14}{pname:<25}{'20':<6}D" for ip, mac in entries]
    else:
        out = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
        out += [f"{'Internet':<10}{ip:<17}{'-':<11}{mac:<16}{'ARPA':<7}{i.name}" for ip, mac, i in own]
        out += [f"{'Internet':<10}{ip:<17}{'5':<11}{mac:<16}{'ARPA':<7}{port.name if port else ''}"
                for ip, mac in entries]
    return "\n".join(out) + "\n"


# -------------------------------------------------------------------------------------------- logs
def render_log(dev: LabDevice) -> str:
    lines = []
    events = sorted(dev.log_events, key=lambda e: e.at)
    if dev.platform in VENDORS:  # both print oldest first
        mod = VENDORS[dev.platform]
        lines = [mod.log_line(dev, n, e.at.astimezone(CHINA), e.interface, e.state) for n, e in enumerate(events, 1)]
        return mod.log(dev, lines + list(dev.extra_log))
    for e in reversed(events):  # log buffers print the newest first
        t = e.at.astimezone(CHINA)
        if dev.platform == "huawei_vrp":
            lines.append(f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S} {dev.hostname} "
                         f"%%01IFNET/4/LINK_STATE(l)[{len(lines)}]:The line protocol IP on the interface "
                         f"{e.interface} has entered the {e.state.upper()} state.")
        elif dev.platform == "hp_comware":
            lines.append(f"%{t:%b} {t.day:>2} {t:%H:%M:%S}:{t.microsecond // 1000:03d} {t:%Y} {dev.hostname} "
                         f"IFNET/5/LINK_UPDOWN: Line protocol state on the interface {e.interface} changed to "
                         f"{e.state}.")
        else:
            lines.append(f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S}.000 CST: %LINEPROTO-5-UPDOWN: Line protocol on "
                         f"Interface {e.interface}, changed state to {e.state}")
    lines = list(reversed(dev.extra_log)) + lines
    if dev.platform == "huawei_vrp":
        head = ["Logging buffer configuration and contents : enabled", "Allowed max buffer size : 1024",
                "Actual buffer size : 512", "Channel number : 4 , Channel name : logbuffer",
                "Dropped messages : 0", "Overwritten messages : 0", f"Current messages : {len(lines)}", ""]
    elif dev.platform == "hp_comware":
        head = ["Log buffer: Enabled", "Max buffer size: 1024", "Actual buffer size: 512", "Dropped messages: 0",
                "Overwritten messages: 0", f"Current messages: {len(lines)}"]
    else:
        head = ["Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns)",
                f"    Buffer logging:  level debugging, {len(lines)} messages logged", "", "Log Buffer (8192 bytes):"]
        lines = list(reversed(lines))  # IOS prints oldest first
    return "\n".join(head + lines) + "\n"


RENDERERS = {
    "config": render_config, "version": render_version, "serial": render_serial, "interfaces": render_interfaces,
    "lldp": render_lldp, "arp": render_arp, "mac": render_mac, "log": render_log,
}


# Personalities kept in their own modules (they read the helpers above, hence the import at the end).
from . import render_ruijie, render_zte  # noqa: E402

VENDORS = {"ruijie_os": render_ruijie, "zte_zxros": render_zte}
