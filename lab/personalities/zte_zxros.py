"""The ZTE ZXROS personality's outputs, rendered from a `LabDevice` in the layout of its OS generation.

Generations (`generation()`, from the os_version), as the fixtures of tests/collectors/fixtures/zte_zxros/
show them: ZXR10 ROS V4 (59xx/52xx/89xx switches, `gei_1/1` names) prints its version as a product line
plus `ZXR10 ROS Version V4...`, interfaces as `X is up, line protocol is up` with Input/Output counter
blocks, and MAC rows with stc/per flags; ZXROS V5 (M6000-S, 59xx V5, ZXCTN) the `ifindex:` screens. The
inventory, ARP and alarm-log screens are rendered alike for both (no public V4 capture shows
them differently).

ZXROS groups the running config in `!<section>` ... `!</section>` blocks, closes each nested view with
`$`, and configures the login lines with one-line `line console|telnet ...` commands (the telnet line
also governs SSH sessions). Interface names (gei-/xgei-/loopback) print the same in every table."""

from __future__ import annotations

import datetime as dt

from lab.model import LabDevice, LabInterface, LabLogEvent, LabNeighbor

from .base import B64, CHINA, LOGHOST, LOGIN_NOTICE, NTP_SERVER, Personality, mask, oldest_first, pk, pri, token

GENERATIONS = ("v4", "v5")
# Screens a V4 box is rendered with in the V5 layout: no public V4 capture or manual example shows them.
V4_AS_V5 = ("serial", "arp", "log")


def generation(dev: LabDevice) -> str:
    """ROS V4.x boxes print the V4 screens; V5.x (and the V3 M6000 routers) the V5 ones."""
    return "v4" if dev.os_version.upper().startswith("V4") else "v5"


class ZteZxros(Personality):
    platform = "zte_zxros"
    prompt_style = "hash"
    more = " --More-- "
    error_text = "%Error 20200: Invalid input detected at '^' marker."
    access_port_name = "gei-1/1/0/24"
    dotted_mac = True
    short_names = ()  # gei-/xgei- names are already short

    def banner(self) -> str:
        return f"\n{LOGIN_NOTICE}\n"

    def secrets(self, dev: LabDevice) -> dict[str, str]:
        h = dev.hostname
        return {"admin_password": token(B64, 32, h, "pw") + "==",
                "auditor_password": token(B64, 32, h, "apw") + "==",
                "snmp_auth": token(B64, 24, h, "auth") + "=", "snmp_priv": token(B64, 24, h, "priv") + "="}

    def render_config(self, dev: LabDevice) -> str:
        w, s = dev.weaknesses, self.secrets_for(dev)
        out = ["Building configuration...", f"!version {dev.os_version}", "!<system-config>",
               f"hostname {dev.hostname}", "!</system-config>", "!<user>",
               f"username admin password encrypted {s['admin_password']} privilege 15",
               f"username auditor password encrypted {s['auditor_password']} privilege 1"]
        if "weak_password" in w:
            out += [f"username netops password {s['clear_password']} privilege 15"]
        out += ["!</user>", "!<if-intf>"]
        for iface in dev.interfaces:
            out += [f"interface {iface.name}"]
            if iface.description:
                out += [f"  description {iface.description}"]
            if iface.ip:
                out += ["  ip address {} {}".format(*mask(iface.ip))]
            if not iface.up:
                out += ["  shutdown"]
            out += ["$"]
        out += ["!</if-intf>", "!<acl>", "ipv4-access-list VTY-ACL", "  rule 10 permit 10.255.0.0 0.0.255.255", "$",
                "!</acl>", "!<snmp>"]
        if "weak_snmp" in w:
            out += ["snmp-server version v2c enable", "snmp-server community public view AllView ro",
                    "snmp-server community private view AllView rw"]
        else:
            out += ["snmp-server version v3 enable", "snmp-server group nms v3 priv read AllView access VTY-ACL",
                    f"snmp-server user nmsuser group nms v3 encrypted auth sha {s['snmp_auth']} priv aes128 "
                    f"{s['snmp_priv']}", "snmp-server host 10.255.0.202 trap version 3 priv nmsuser"]
        out += ["!</snmp>", "!<logging>", "logging on", "logging buffer 512"]
        if "no_remote_syslog" not in w:
            out += [f"syslog-server host {LOGHOST} fport 514 level informational"]
        out += ["!</logging>"]
        if "no_ntp" not in w:
            out += ["!<ntp>", "ntp enable", f"ntp server {NTP_SERVER}", "!</ntp>"]
        out += ["!<ssh>", "ssh server enable", "ssh server version 2", "!</ssh>"]
        out += ["!<telnet>", "telnet server enable" if "telnet_enabled" in w else "no telnet server enable",
                "!</telnet>"]
        out += [*dev.extra_config]
        notice = f"{dev.hostname}#" if dev.fault == "fake_prompt" else LOGIN_NOTICE
        out += ["!<line>", f"banner incoming @{notice}@", "line console idle-timeout 10",
                "line telnet idle-timeout 0" if "no_idle_timeout" in w else "line telnet idle-timeout 10"]
        if "no_vty_acl" not in w:
            out += ["line telnet access-class ipv4 VTY-ACL"]
        out += ["!</line>", "end"]
        return "\n".join(out) + "\n"

    def render_version(self, dev: LabDevice) -> str:
        short = dev.model.split(None, 1)[-1]
        family = dev.model.split(None, 1)[0]
        if generation(dev) == "v4":  # the product line wraps after RELEASE, the ROS line names the release
            return (f"{dev.model} Software, Version ZXR10 {short[:2]}00 V2.8.23.C.20, RELEASE\nSOFTWARE\n"
                    "Copyright (c) 2000-2014 by ZTE Corporation\nCompiled Apr 17 2014, 10:21:09\n"
                    "ZXR10 Router Operating System Software, ZTE Corporation\n"
                    f"ZXR10 ROS Version {dev.os_version}\n"
                    "System image files are local: //flash//img/zxr10.zar\n"
                    "ZXR10 uptime is 210 days, 3 hours, 12 minutes\n")
        return (f"{dev.model}\n"
                f"ZTE {family} Software, Version: {short} {dev.os_version}, Release software\n"
                "Copyright (c) 2023 by ZTE Corporation\n"
                f"System image file is <sysdisk0:/version/{short}_{dev.os_version}.set>, "
                "file size is 91,234,560 Bytes\n"
                "System image is loaded from local\n"
                "System uptime is 210 day(s), 3 hour(s), 12 minute(s)\n\n"
                f"[MSC, panel 1]:\nBoard Name        : {short}\nDescription       : Main Switch Control Board\n")

    def render_serial(self, dev: LabDevice) -> str:
        return ("Chassis information:\n"
                f"  Product name     : {dev.model}\n"
                f"  Serial number    : {dev.serial}\n"
                "  Manufacture date : 2021-06-01\n"
                "  Vendor           : ZTE\n"
                "Board information:\n"
                "  [MSC, slot 1]\n"
                f"    Board name     : {dev.model.split(None, 1)[-1]}\n"
                f"    Serial number  : {dev.serial}\n")

    def _iface(self, dev: LabDevice, n: int, i: LabInterface) -> str:
        st = "up" if i.up else "down"
        out = [f"{i.name} is {st if i.up else 'administratively down'}, ifindex: {8192 + n}"]
        if i.description:
            out += [f"  Description: {i.description}"]
        if not i.up:
            out += ["  The interface is configured shutdown"]
        out += [f"  Line protocol is {st}, IPv4 protocol is {st}, IPv6 protocol is down,",
                " detected status is RX-OK/TX-OK",
                f"  Hardware is {'Loopback' if i.name.startswith('loopback') else 'Gigabit Ethernet'}, address is "
                f"{self.mac(dev.hostname, i.name)}",
                f"  Internet address is {i.ip}" if i.ip else "  Internet address is unassigned",
                f"  BW {(i.speed_mbps or 1000) // 1000 or 1} Gbit/s", "  IP MTU 1500 bytes", "  MTU 1600 bytes", "",
                "  HardwareCounters:",
                f"  In_Bytes          {i.in_octets:<20} In_Packets         {pk(i.in_octets)}",
                f"  In_Unicasts       {pk(i.in_octets):<20} In_CRC_ERROR       {i.in_errors}",
                f"  E_Bytes           {i.out_octets:<20} E_Packets          {pk(i.out_octets)}",
                f"  E_Unicasts        {pk(i.out_octets):<20} E_CRC_ERROR        {i.out_errors}"]
        return "\n".join(out) + "\n"

    def _iface4(self, dev: LabDevice, i: LabInterface) -> str:
        st = "up" if i.up else "down"
        out = [f"{i.name} is {st if i.up else 'administratively down'}, line protocol is {st}",
               f"  Description is {i.description or 'none'}"]
        if i.ip:
            out += [f"  Internet address is {i.ip}"]
        out += [f"  MAC address is {self.mac(dev.hostname, i.name)}"]
        out += [f"  MTU 1500 bytes BW {(i.speed_mbps or 1000) * 1000} Kbits",
                "  120 seconds input rate :           0 Bps,         0 pps",
                "  120 seconds output rate:           0 Bps,         0 pps",
                "  Input :",
                f"    Packets    : {pk(i.in_octets):<22} Bytes     : {i.in_octets}",
                f"    Oversize   : {0:<22} CRC-ERROR : {i.in_errors}",
                "  Output :",
                f"    Packets    : {pk(i.out_octets):<22} Bytes     : {i.out_octets}",
                f"    LateCollision: {0:<20} Total Error: {i.out_errors}"]
        return "\n".join(out) + "\n"

    def render_interfaces(self, dev: LabDevice) -> str:
        if generation(dev) == "v4":
            return "".join(self._iface4(dev, i) for i in dev.interfaces)
        return "".join(self._iface(dev, n, i) for n, i in enumerate(dev.interfaces, start=1))

    def chassis(self, n: LabNeighbor) -> str:
        """The chassis id the far end announces (the spec's, else one derived from its name)."""
        return n.chassis_id or self.mac(n.neighbor, "base")

    def render_lldp(self, dev: LabDevice) -> str:
        """`show lldp entry`: one block per neighbour, parted by dashes; identifiers carry their subtype."""
        v4 = generation(dev) == "v4"
        out: list[str] = []
        for n in dev.neighbors:
            out += [f"{'Local port' if v4 else 'Local Port':<18}: {n.local_interface}",
                    f"{'Chassis ID':<18}: {self.chassis(n)} (mac address)",
                    f"{'Port ID':<18}: {n.neighbor_interface} (interface name)",
                    f"{'Port description' if v4 else 'Port Description':<18}: {n.neighbor_interface}",
                    f"{'System name' if v4 else 'System Name':<18}: {n.neighbor}",
                    f"{'System description' if v4 else 'System Description'}: Lab neighbour"]
            if n.mgmt_address:
                family = "ipv6" if ":" in n.mgmt_address else "ipv4"
                out += [f"{'Management address' if v4 else 'Management Address'}: {n.mgmt_address} ({family})"]
            out += [f"{'Time to live' if v4 else 'Time To Live':<18}: 120", "-" * 80]
        return "\n".join(out) + ("\n" if out else "")

    def render_lldp_brief(self, dev: LabDevice) -> str:
        """`show lldp neighbor`, offline-only in the profile."""
        out = ["System capability descriptor:(R)Repeater,(B)Bridge,(W)WLAN access point,(r)Router,(T)Telephone,",
               "  (D)DOCSIS cable device,(S)Station only,(C)Customer Bridge,(s)Service Bridge,(O)Other",
               f"{'Local Port':<16}{'Chassis ID':<18}{'Expire':<8}{'Port ID':<24}{'System Name':<24}Capability",
               "-" * 100]
        out += [f"{n.local_interface:<15} {self.chassis(n):<17} {'110':<7} "
                f"{n.neighbor_interface:<23} {n.neighbor:<23} B,r" for n in dev.neighbors]
        return "\n".join(out) + "\n"

    def render_mac(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        if generation(dev) == "v4":
            out = [f"Total MAC address : {len(entries)}", "",
                   "Flags: vid--VLAN id, stc--static, per--permanent, toS--to-static,",
                   "       srF--source filter, dsF--destination filter, time--day:hour:min:sec",
                   "       Frm--mac from where:0,drv;1,config;2,VPN;3,802.1X;4,micro;5,dhcp", "",
                   "MAC_Address    VLAN_id  Port           Frm  Time         stc per toS srF dsF", "-" * 80]
            out += [f"{m:<14} {'10':<8} {port.name if port else '':<14} {'0':<4} {'0:00:05:11':<12} 0   0   0   0   0"
                    for _ip, m in entries]
            return "\n".join(out) + "\n"
        out = [f"Total MAC address : {len(entries)}",
               "Flags: vid--VLAN ID, vsi--VPLS name, Sta--static, Per--permanent,", "       Ser--service, Dyn--dynamic",
               f"{'MAC':<18}{'VID/VSI':<16}{'Outgoing-interface':<24}Flags", "-" * 68]
        out += [f"{m:<17} {'10':<15} {port.name if port else '':<23} Dyn" for _ip, m in entries]
        return "\n".join(out) + "\n"

    def render_arp(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        own = [(ip, m, i.name) for ip, m, i in self.own_addresses(dev)]
        rows = [(ip, "H", m, name) for ip, m, name in own]
        rows += [(ip, "00:14:17", m, port.name if port else "") for ip, m in entries]
        out = ["Arp protect whole is disabled", f"The count is {len(rows)}",
               "IP                       Hardware                    Exter  Inter  Sub",
               "Address         Age      Address        Interface    VlanID VlanID Interface", "-" * 80]
        out += [f"{ip:<15} {age:<8} {m:<14} {name:<12} {'N/A':<6} {'N/A':<6} N/A" for ip, age, m, name in rows]
        return "\n".join(out) + "\n"

    def render_log(self, dev: LabDevice) -> str:
        lines = oldest_first(dev, lambda n, t, e: self._log_line(dev, n, t, e))
        return "\n".join(lines) + ("\n" if lines else "")

    def syslog_line(self, dev: LabDevice, seq: int, at: dt.datetime, kind: str, fields: dict) -> str | None:
        """`logging on` + `syslog-server`: the alarm text on one line behind an RFC 3164 header."""
        t = at.astimezone(CHINA)
        if kind == "link":
            return (f"{pri(5)}{t:%b} {t.day:>2} {t:%H:%M:%S} {dev.hostname} An alarm 16387 ID {1000 + seq} level 5 "
                    f"occurred at {t:%H:%M:%S %m/%d/%Y} sent by MPU-1/1/0 %IFM% Line protocol on interface "
                    f"{fields['interface']} changed to {fields['state']}")
        return None

    def _log_line(self, dev: LabDevice, seq: int, t: dt.datetime, e: LabLogEvent) -> str:
        return (f"An alarm 16387 ID {1000 + seq} level 5 occurred at {t:%H:%M:%S %m/%d/%Y} sent by MPU-1/1/0\n"
                f"  %IFM% Line protocol on interface {e.interface} changed to {e.state}")


PERSONALITY = ZteZxros()
