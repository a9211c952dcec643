"""The Ruijie RGOS personality's outputs, rendered from a `LabDevice` in the layout of its OS generation.

RGOS names interfaces with a space ("GigabitEthernet 0/1") and abbreviates them without one in tables
("Gi0/1"); a privilege-15 user lands in `#`; local-user passwords are type 0 (clear) or 7 (reversible),
`enable secret` is type 5.

Generations (`generation()`, from the device's os_version), as the fixtures of
tests/collectors/fixtures/ruijie_os/ show them: RGOS 10.x prints no Index line and puts a port's
description in its switchport block (`interface's description:"..."`), spells `Chassis ID`/`Port ID` in
the LLDP detail screen, has no `Module information` in `show version` and no Live Time column in the MAC
table; RGOS 11.x/12.x print all of those the newer way."""

from __future__ import annotations

import datetime as dt

from lab.model import LabDevice, LabInterface, LabLogEvent, LabNeighbor

from .base import B64, CHINA, HEX, LOGHOST, LOGIN_NOTICE, NTP_SERVER, Personality, mask, oldest_first, pk, pri, token

GENERATIONS = ("rgos10", "rgos11")


def generation(dev: LabDevice) -> str:
    """The layout family the device prints: RGOS 10.x, or 11.x/12.x (which print alike)."""
    return "rgos10" if dev.os_version.startswith("10.") else "rgos11"


def _soft(dev: LabDevice) -> str:
    series = dev.model.removeprefix("RG-").split("-")[0]
    return f"RGOS {dev.os_version}" if generation(dev) == "rgos10" else f"{series}_RGOS {dev.os_version}"


class RuijieOs(Personality):
    platform = "ruijie_os"
    prompt_style = "hash"
    more = " --More-- "
    error_text = "% Invalid input detected at '^' marker."
    access_port_name = "GigabitEthernet 0/24"
    dotted_mac = True
    short_names = (("TenGigabitEthernet ", "Te"), ("GigabitEthernet ", "Gi"), ("AggregatePort ", "Ag"),
                   ("Loopback ", "Lo"))
    other_ok = ("terminal width 256",)

    def secrets(self, dev: LabDevice) -> dict[str, str]:
        h = dev.hostname
        return {"admin_password": token(HEX, 24, h, "pw7"),
                "enable_secret": "$1$" + token(B64[:-2] + "./", 4, h, "es") + "$"
                                 + token(B64[:-2] + "./", 22, h, "en"),
                "snmp_auth": token(HEX, 32, h, "auth"), "snmp_priv": token(HEX, 32, h, "priv")}

    def render_config(self, dev: LabDevice) -> str:
        w, s = dev.weaknesses, self.secrets_for(dev)
        out = ["!", f"version {dev.os_version}", "!", f"hostname {dev.hostname}", "!"]
        out += ["service password-encryption" if "weak_password" not in w else "no service password-encryption", "!"]
        out += [f"enable secret 5 {s['enable_secret']}", "!", f"username admin password 7 {s['admin_password']}",
                "username admin privilege 15"]
        if "weak_password" in w:
            out += [f"username netops password 0 {s['clear_password']}", "username netops privilege 15"]
        out += ["!", "password policy strong", "password policy min-size 8", "password policy life-cycle 90", "!",
                "aaa new-model", "aaa authentication login default local"]
        if "no_login_lockout" not in w:
            out += ["aaa local authentication attempts 5", "aaa local authentication lockout-time 1"]
        else:  # RGOS locks by default (3 tries); what weak boxes carry is a loosened count
            out += ["aaa local authentication attempts 10"]
        out += ["!", "ip access-list standard VTY-ACL", " 10 permit 10.255.0.0 0.0.255.255", "!"]
        for iface in dev.interfaces:
            out += [f"interface {iface.name}"]
            if iface.description:
                out += [f" description {iface.description}"]
            if not iface.name.startswith(("Loopback", "VLAN")):
                out += [" no switchport"]
            if iface.ip:
                out += [" ip address {} {}".format(*mask(iface.ip))]
            if not iface.up:
                out += [" shutdown"]
            out += ["!"]
        if "weak_snmp" in w:
            out += ["snmp-server community public ro", "snmp-server community private rw"]
        else:
            out += ["snmp-server group nms v3 priv read default write default access VTY-ACL",
                    f"snmp-server user nmsuser nms v3 auth sha {s['snmp_auth']} priv aes128 {s['snmp_priv']}",
                    "snmp-server host 10.255.0.202 traps version 3 priv nmsuser"]
        out += ["!"]
        if "no_remote_syslog" not in w:
            out += [f"logging server {LOGHOST}"]
        out += ["service timestamps log datetime year", "!"]
        if "no_ntp" not in w:
            out += [f"ntp server {NTP_SERVER}", "!"]
        if "telnet_enabled" not in w:
            out += ["no enable service telnet-server"]
        out += ["enable service ssh-server", "ip ssh version 2", "!", *dev.extra_config]
        notice = f"{dev.hostname}#" if dev.fault == "fake_prompt" else LOGIN_NOTICE
        out += [f"banner login ^C{notice}^C", "!", "line con 0", " exec-timeout 10 0", "line vty 0 4"]
        if "no_vty_acl" not in w:
            out += [" access-class VTY-ACL in"]
        out += [" login authentication default",
                " transport input all" if "telnet_enabled" in w else " transport input ssh",
                " exec-timeout 0 0" if "no_idle_timeout" in w else " exec-timeout 10 0", "!", "end"]
        text = "\n".join(out) + "\n"
        return f"Building configuration...\nCurrent configuration : {len(text.encode())} bytes\n\n" + text

    def render_version(self, dev: LabDevice) -> str:
        start = dt.datetime(2026, 4, 29, 18, 0, 0)
        if generation(dev) == "rgos10":  # no patch line, a CTRL version, no module list
            return (f"System description      : Ruijie Switch({dev.model}) By Ruijie Networks\n"
                    f"System start time       : {start:%Y-%m-%d %H:%M:%S}\n"
                    "System uptime           : 210:03:12:00\n"
                    "System hardware version : 3.20\n"
                    f"System software version : {_soft(dev)} Release(185813)\n"
                    "System boot version     : 10.4.185813\n"
                    "System CTRL version     : 10.4.185813\n"
                    f"System serial number    : {dev.serial}\n")
        return (f"System description      : Ruijie Switch({dev.model}) By Ruijie Networks\n"
                f"System start time       : {start:%Y-%m-%d %H:%M:%S}\n"
                "System uptime           : 210:03:12:00\n"
                "System hardware version : 1.00\n"
                f"System software version : {_soft(dev)}\n"
                "System patch number     : NA\n"
                f"System serial number    : {dev.serial}\n"
                "System boot version     : 1.3.8\n"
                "Module information:\n"
                f"  Slot 0 : {dev.model}\n"
                "    Hardware version    : 1.00\n"
                "    Boot version        : 1.3.8\n"
                f"    Software version    : {_soft(dev)}\n"
                f"    Serial number       : {dev.serial}\n")

    def _iface10(self, dev: LabDevice, i: LabInterface) -> str:
        """RGOS 10: no Index line, the description inside the attributes block of every non-loopback port."""
        st = "UP" if i.up else "DOWN"
        loop = i.name.startswith("Loopback")
        out = [f"{i.name} is {st}  , line protocol is {st}",
               "Hardware is Loopback" if loop else "Hardware is marvell GigabitEthernet",
               f"Interface address is: {i.ip}" if i.ip else "Interface address is: no ip address",
               f"  MTU 1500 bytes, BW {(i.speed_mbps or 1000) * 1000} Kbit",
               "  Encapsulation protocol is Ethernet-II, loopback not set",
               "  Keepalive interval is 10 sec , no set", "  Carrier delay is 2 sec", "  RXload is 1 ,Txload is 1"]
        if not loop:
            out += ["  Switchport attributes:", f"    interface's description:\"{i.description}\"",
                    "    medium-type is copper", "    Priority is 0",
                    f"    admin duplex mode is AUTO, oper duplex is {'Full' if i.up else 'Unknown'}"]
        elif i.description:  # a loopback has no attributes block; the router form carries its description
            out.insert(2, f"Description: {i.description}")
        out += ["  5 minutes input rate 0 bits/sec, 0 packets/sec",
                "  5 minutes output rate 0 bits/sec, 0 packets/sec",
                f"    {pk(i.in_octets)} packets input, {i.in_octets} bytes, 0 no buffer, 0 dropped",
                "    Received 0 broadcasts, 0 runts, 0 giants",
                f"    {i.in_errors} input errors, 0 CRC, 0 frame, 0 overrun, 0 abort",
                f"    {pk(i.out_octets)} packets output, {i.out_octets} bytes, 0 underruns, 0 dropped",
                f"    {i.out_errors} output errors, 0 collisions, 0 interface resets"]
        return "\n".join(out) + "\n"

    def _iface(self, dev: LabDevice, n: int, i: LabInterface) -> str:
        st = "UP" if i.up else "DOWN"
        mac = self.mac(dev.hostname, i.name)
        out = [f"Index(dec):{n} (hex):{n:x}", f"{i.name} is {st}  , line protocol is {st}",
               f"Hardware is {'Loopback' if i.name.startswith('Loopback') else 'GigabitEthernet'}, address is {mac}"
               f" (bia {mac})"]
        if i.description:
            out += [f"Description: {i.description}"]
        out += [f"Interface address is: {i.ip}" if i.ip else "Interface address is: no ip address",
                f"  MTU 1500 bytes, BW {(i.speed_mbps or 1000) * 1000} Kbit",
                "  Encapsulation protocol is Ethernet-II, loopback not set",
                "  Rxload is 1/255,Txload is 1/255",
                "    5 minutes input rate 0 bits/sec, 0 packets/sec",
                "    5 minutes output rate 0 bits/sec, 0 packets/sec",
                f"    {pk(i.in_octets)} packets input, {i.in_octets} bytes, 0 no buffer, 0 dropped",
                "    Received 0 broadcasts, 0 runts, 0 giants",
                f"    {i.in_errors} input errors, 0 CRC, 0 frame, 0 overrun, 0 abort",
                f"    {pk(i.out_octets)} packets output, {i.out_octets} bytes, 0 underruns , 0 dropped",
                f"    {i.out_errors} output errors, 0 collisions, 0 interface resets", ""]
        return "\n".join(out) + "\n"

    def render_interfaces(self, dev: LabDevice) -> str:
        if generation(dev) == "rgos10":
            return "".join(self._iface10(dev, i) for i in dev.interfaces)
        return "".join(self._iface(dev, n, i) for n, i in enumerate(dev.interfaces, start=1))

    def chassis(self, n: LabNeighbor) -> str:
        """The chassis id the far end announces (the spec's, else one derived from its name)."""
        return n.chassis_id or self.mac(n.neighbor, "base")

    def render_lldp(self, dev: LabDevice) -> str:
        """`show lldp neighbors detail`: one block per neighbour; without a management address the far end
        announces its MAC under subtype 802, as RGOS boxes do by default."""
        old = generation(dev) == "rgos10"
        ident = "ID" if old else "id"
        out: list[str] = []
        for k, n in enumerate(dev.neighbors, start=1):
            rule = [] if old else ["-" * 60]
            out += ["", *rule, f"  LLDP neighbor-information of port [{n.local_interface}]", *rule,
                    f"  Neighbor index                    : {k}",
                    "  Device type                       : LLDP Device",
                    "  Update time                       : 0days 2hours 11minutes 7seconds",
                    "  Aging time                        : 104 seconds", "",
                    "  Chassis ID type                   : MAC address",
                    f"  Chassis {ident}                        : {self.chassis(n)}",
                    f"  System name                       : {n.neighbor}",
                    "  System description                : Lab neighbour",
                    "  System capabilities supported     : Bridge, Router",
                    "  System capabilities enabled       : Bridge, Router", ""]
            if n.mgmt_address:
                family = "ipv6" if ":" in n.mgmt_address else "ipv4"
                out += [f"  Management address subtype        : {family}",
                        f"  Management address                : {n.mgmt_address}"]
            else:
                out += ["  Management address subtype        : 802",
                        f"  Management address                : {self.chassis(n)}"]
            out += ["  Interface numbering subtype       : ifIndex", f"  Interface number                  : {k}",
                    "  Object identifier                 :", "",
                    "  Port ID type                      : Interface name",
                    f"  Port {ident}                           : {n.neighbor_interface}",
                    f"  Port description                  : {n.neighbor_interface}",
                    "  Port VLAN ID                      : 1", "  Maximum frame Size                : 1500"]
        return "\n".join(out) + "\n"

    def render_lldp_brief(self, dev: LabDevice) -> str:
        """`show lldp neighbors`, offline-only in the profile; one table in both generations."""
        out = ["Capability codes:", "    (R) Router, (B) Bridge, (C) DOCSIS Cable Device, (T) Telephone",
               "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
               f"{'System Name':<21}{'Local Intf':<21}{'Port ID':<23}{'Capability':<11}Aging-time"]
        out += [f"{n.neighbor:<20} {self.short(n.local_interface):<20} {n.neighbor_interface:<22} "
                f"{'B, R':<10} 1m 45s" for n in dev.neighbors]
        out += ["", f"Total entries displayed: {len(dev.neighbors)}"]
        return "\n".join(out) + "\n"

    def render_mac(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        if generation(dev) == "rgos10":  # no Live Time column
            out = [f"{'Vlan':<11} {'MAC Address':<20} {'Type':<8} Interface",
                   f"{'-' * 10} {'-' * 20} {'-' * 8} {'-' * 19}"]
            out += [f"{'10':>10} {m:<20} {'DYNAMIC':<8} {port.name if port else ''}" for _ip, m in entries]
            return "\n".join(out) + "\n"
        out = [f"{'Vlan':<11} {'MAC Address':<20} {'Type':<8} {'Interface':<30} Live Time",
               f"{'-' * 10} {'-' * 20} {'-' * 8} {'-' * 30} {'-' * 13}"]
        out += [f"{'10':>10} {m:<20} {'DYNAMIC':<8} {port.name if port else '':<30} 0d 00:05:11" for _ip, m in entries]
        return "\n".join(out) + "\n"

    def render_arp(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        own = [(ip, m, i.name) for ip, m, i in self.own_addresses(dev)]
        rows = [(ip, "--", m, name) for ip, m, name in own]
        rows += [(ip, "3", m, port.name if port else "") for ip, m in entries]
        out = [f"Total Numbers of Arp: {len(rows)}",
               f"{'Protocol':<10}{'Address':<17}{'Age(min)':<10}{'Hardware':<17}{'Type':<7}Interface"]
        out += [f"{'Internet':<10}{ip:<17}{age:<10}{m:<17}{'arpa':<7}{name}" for ip, age, m, name in rows]
        return "\n".join(out) + "\n"

    def render_log(self, dev: LabDevice) -> str:
        lines = oldest_first(dev, lambda n, t, e: self._log_line(dev, n, t, e))
        head = ["Syslog logging: enabled", "    Console logging: level informational, 0 messages logged",
                "    Monitor logging: level debugging, 0 messages logged",
                f"    Buffer logging: level debugging, {len(lines)} messages logged",
                "    File logging: level informational, 0 messages logged",
                f"    Trap logging: level informational, {len(lines)} message lines logged, 0 fail",
                f"Log Buffer (Total 131072 Bytes): have written {sum(len(x) + 1 for x in lines)},  Overwritten 0"]
        return "\n".join(head + lines) + "\n"

    def syslog_line(self, dev: LabDevice, seq: int, at: dt.datetime, kind: str, fields: dict) -> str | None:
        """`logging server`: the log buffer's own line behind a PRI."""
        t = at.astimezone(CHINA)
        if kind == "link":
            e = LabLogEvent(at=at, interface=fields["interface"], state=fields["state"])
            return f"{pri(5)}{self._log_line(dev, seq, t, e)}"
        if kind == "config_change":
            return (f"{pri(5)}{seq:06d}: *{t:%b} {t.day:>2} {t:%Y %H:%M:%S}: {dev.hostname} %SYS-5-CONFIG_I: "
                    f"Configured from console by {fields.get('user', 'admin')} on vty0 ({LOGHOST})")
        return None

    def _log_line(self, dev: LabDevice, seq: int, t: dt.datetime, e: LabLogEvent) -> str:
        return (f"{seq:06d}: *{t:%b} {t.day:>2} {t:%Y %H:%M:%S}: {dev.hostname} %LINEPROTO-5-UPDOWN: Line protocol on "
                f"Interface {e.interface}, changed state to {e.state.upper()}.")


PERSONALITY = RuijieOs()
