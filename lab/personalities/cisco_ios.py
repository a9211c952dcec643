"""The Cisco IOS / IOS XE personality: `host#` prompts, `show` commands, `!`-separated configs after
"Building configuration...", and a log buffer printed oldest first."""

from __future__ import annotations

import datetime as dt

from lab.model import LabDevice, LabInterface

from .base import (
    B64,
    CHINA,
    LOGHOST,
    NTP_SERVER,
    Personality,
    gateways_on,
    mask,
    newest_first,
    pk,
    pri,
    probe_named,
    probe_run,
    token,
    tracked_probes,
)

CRYPT = B64[:-2] + "./"


class CiscoIos(Personality):
    platform = "cisco_ios"
    prompt_style = "hash"
    more = " --More-- "
    error_text = "% Invalid input detected at '^' marker."
    access_port_name = "GigabitEthernet0/0/24"
    dotted_mac = True
    short_names = (("TenGigabitEthernet", "Te"), ("GigabitEthernet", "Gi"), ("Loopback", "Lo"))
    other_ok = ("terminal width 511",)
    floating_preference = 250
    weak_picks = (2, 6, 5)

    def secrets(self, dev: LabDevice) -> dict[str, str]:
        h = dev.hostname
        return {"admin_password": "$9$" + token(CRYPT, 14, h, "salt") + "$" + token(CRYPT, 43, h, "pw"),
                "enable_secret": "$9$" + token(CRYPT, 14, h, "esalt") + "$" + token(CRYPT, 43, h, "en"),
                "snmp_auth": "Sn" + token(B64[:-2], 18, h, "auth")}

    # ------------------------------------------------------------------------------------- config
    def render_config(self, dev: LabDevice) -> str:
        body = self._head(dev) + self._interfaces(dev) + self._ip_sla(dev) + self._routes(dev) + self._services(dev)
        body += self._lines(dev)
        text = "\n".join(body) + "\n"
        head = ["Building configuration...", "", f"Current configuration : {len(text.encode())} bytes"]
        return "\n".join(head) + "\n" + text

    def _head(self, dev: LabDevice) -> list[str]:
        w, s = dev.weaknesses, self.secrets_for(dev)
        changed = dt.datetime.now(CHINA).strftime('%H:%M:%S CST %a %b %d %Y')  # volatile: the scrubbers remove it
        body = ["!", f"! Last configuration change at {changed}", "!",
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
        return [*body, "!"]

    def _interfaces(self, dev: LabDevice) -> list[str]:
        body = []
        for iface in dev.interfaces:
            body += [f"interface {iface.name}"]
            if iface.description:
                body += [f" description {iface.description}"]
            body += [" ip address {} {}".format(*mask(iface.ip))] if iface.ip else [" no ip address"]
            for g in gateways_on(dev, iface.name):
                body += [f" vrrp {g.group} ip {g.virtual_ip}", f" vrrp {g.group} priority {g.priority}"]
                probe = probe_named(dev, g.track)
                if probe is not None:
                    body += [f" vrrp {g.group} track {probe.number} decrement 30"]
            if not iface.up:
                body += [" shutdown"]
            body += ["!"]
        return body

    def _ip_sla(self, dev: LabDevice) -> list[str]:
        body = []
        for p in dev.probes:
            body += [f"ip sla {p.number}", f" icmp-echo {p.target} source-interface {p.interface}", f" tag {p.name}",
                     " frequency 60", f"ip sla schedule {p.number} life forever start-time now"]
        return body + (["!"] if body else [])

    def _routes(self, dev: LabDevice) -> list[str]:
        # `track N ip sla N reachability`, then `ip route prefix mask next-hop [distance] [track N]`
        body = [line for p in tracked_probes(dev) for line in (f"track {p.number} ip sla {p.number} reachability",
                                                               " delay down 10 up 30")]
        if body:
            body.append("!")
        for r in dev.routes:
            probe = probe_named(dev, r.track)
            dest, netmask = mask(r.prefix)
            body.append(f"ip route {dest} {netmask} {r.next_hop}"
                        + (f" {self.floating_preference}" if r.floating else "")
                        + (f" track {probe.number}" if probe is not None else ""))
        return body + (["!"] if dev.routes else [])

    def _services(self, dev: LabDevice) -> list[str]:
        w, s = dev.weaknesses, self.secrets_for(dev)
        body = ["ip access-list standard VTY-ACL", " permit 10.255.0.0 0.0.255.255", "!"]
        if "no_remote_syslog" not in w:
            body += [f"logging host {LOGHOST}"]
        if "weak_snmp" in w:
            body += ["snmp-server community public RO", "snmp-server community private RW"]
        else:
            body += ["snmp-server group NMS v3 priv access VTY-ACL",
                     f"snmp-server user nmsuser NMS v3 auth sha {s['snmp_auth']} priv aes 128 {s['snmp_auth'][::-1]}"]
        if "no_ntp" not in w:
            body += [f"ntp server {NTP_SERVER}"]
        return body

    def _lines(self, dev: LabDevice) -> list[str]:
        w = dev.weaknesses
        body = ["!", *dev.extra_config]
        notice = f"Authorized {dev.hostname}# users only" if dev.fault == "fake_prompt" else "Authorized users only"
        body += [f"banner login ^C {notice} ^C", "!", "line con 0", " logging synchronous", "line vty 0 4"]
        if "no_vty_acl" not in w:
            body += [" access-class VTY-ACL in"]
        body += [" exec-timeout 0 0" if "no_idle_timeout" in w else " exec-timeout 10 0", " login local",
                 " transport input telnet ssh" if "telnet_enabled" in w else " transport input ssh", "!", "end"]
        return body

    # ------------------------------------------------------------------------------------- show
    # Each screen in the layout of the device's generation (see `generation`), as the parser fixtures
    # tests/collectors/fixtures/cisco_ios/<command>/<generation>-*.raw show it.
    def render_version(self, dev: LabDevice) -> str:
        train = dev.os_version
        xe = generation(dev) == "iosxe"
        cat9k = dev.model.startswith("C9")
        if cat9k:
            image, family = "CAT9K_IOSXE", "Catalyst L3 Switch"
        elif xe:
            image, family = "X86_64_LINUX_IOSD-UNIVERSALK9-M", "ISR"
        else:
            image, family = "C2960X-UNIVERSALK9-M", "C2960X"
        lines = []
        if xe:  # IOS XE names its release zero-padded first ("16.09.05"), then as IOS does
            lines += ["Cisco IOS XE Software, Version " + ".".join(f"{int(p):02d}" if p.isdigit() else p
                                                                   for p in train.split("."))]
        lines += [f"Cisco IOS Software, {family} Software ({image}), Version {train}, RELEASE SOFTWARE (fc1)",
                  "Technical Support: http://www.cisco.com/techsupport",
                  "Copyright (c) 1986-2020 by Cisco Systems, Inc.", "",
                  "ROM: IOS-XE ROMMON" if xe else "ROM: Bootstrap program is C2960X boot loader", "",
                  f"{dev.hostname} uptime is 1 year, 2 weeks, 3 days, 4 hours, 5 minutes",
                  "System returned to ROM by reload",
                  f'System image file is "bootflash:{image.lower()}.{train}.bin"', ""]
        if xe:
            lines += [f"cisco {dev.model} ({'X86' if cat9k else '1RU'}) processor with 1795979K/6147K bytes of memory."]
        else:
            lines += [f"cisco {dev.model} (APM86XXX) processor (revision B0) with 524288K bytes of memory."]
        lines += [f"Processor board ID {dev.serial}", "4 Gigabit Ethernet interfaces", "",
                  "Configuration register is 0x2102"]
        return "\n".join(lines) + "\n"

    def render_serial(self, dev: LabDevice) -> str:
        return self.render_version(dev)  # IOS prints the board ID in `show version`

    def render_interfaces(self, dev: LabDevice) -> str:
        return "".join(self._iface(dev, i) for i in dev.interfaces)

    def _hardware(self, dev: LabDevice, i: LabInterface) -> str:
        for prefix, hw in (("Loopback", "Loopback"), ("Vlan", "EtherSVI"), ("Port-channel", "EtherChannel"),
                           ("Tunnel", "Tunnel")):
            if i.name.startswith(prefix):
                return hw
        if generation(dev) == "iosxe" and not dev.model.startswith("C9"):
            return f"{dev.model.split('/')[0]}-4x1GE"
        return "Ten Gigabit Ethernet" if i.name.startswith("Ten") else "Gigabit Ethernet"

    def _iface(self, dev: LabDevice, i: LabInterface) -> str:
        hw = self._hardware(dev, i)
        switchport = generation(dev) == "ios" and hw.endswith("Ethernet")  # a switch port says why it is up/down
        st = "up" if i.up else "administratively down"
        proto = "up" if i.up else "down"
        if switchport:
            proto += " (connected)" if i.up else " (disabled)"
        out = [f"{i.name} is {st}, line protocol is {proto} "]
        out += ["  Hardware is Loopback"] if hw == "Loopback" else [
            f"  Hardware is {hw}, address is {self.mac(dev.hostname, i.name)} (bia {self.mac(dev.hostname, i.name)})"]
        if i.description:
            out += [f"  Description: {i.description}"]
        if i.ip:
            out += [f"  Internet address is {i.ip}"]
        out += [f"  MTU {1514 if hw == 'Loopback' else 1500} bytes, BW {(i.speed_mbps or 8000) * 1000} Kbit/sec, "
                "DLY 10 usec, ", "     reliability 255/255, txload 1/255, rxload 1/255",
                '  Last clearing of "show interface" counters never',
                "  5 minute input rate 0 bits/sec, 0 packets/sec",
                f"     {pk(i.in_octets)} packets input, {i.in_octets} bytes, 0 no buffer",
                "     Received 0 broadcasts (0 IP multicasts)",
                f"     {i.in_errors} input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
                f"     {pk(i.out_octets)} packets output, {i.out_octets} bytes, 0 underruns",
                f"     {i.out_errors} output errors, 0 collisions, 0 interface resets",
                "     0 output buffer failures, 0 output buffers swapped out"]
        return "\n".join(out) + "\n"

    def render_lldp(self, dev: LabDevice) -> str:
        xe = generation(dev) == "iosxe"
        out = []
        for n in dev.neighbors:
            out += ["------------------------------------------------", f"Local Intf: {self.short(n.local_interface)}"]
            out += ["Local Intf service instance: -"] if xe else []
            out += [f"Chassis id: {self.mac(n.neighbor, 'base')}", f"Port id: {n.neighbor_interface}",
                    f"Port Description: {n.neighbor_interface}", f"System Name: {n.neighbor}", "",
                    "System Description - not advertised", "",  # the lab knows no far end's software
                    "Time remaining: 98 seconds", "System Capabilities: B,R", "Enabled Capabilities: B,R"]
            out += ["Management Addresses:", f"    IP: {n.mgmt_address}"] if n.mgmt_address else [
                "Management Addresses - not advertised"]
            out += ["Auto Negotiation - supported, enabled", "Physical media capabilities:", "    1000baseT(FD)",
                    "Media Attachment Unit type: 30", "Vlan ID: - not advertised"]
            out += [f"Peer Source MAC: {self.mac(n.neighbor, n.neighbor_interface)}"] if xe else []
            out += [""]
        out += ["", f"Total entries displayed: {len(dev.neighbors)}"]
        return "\n".join(out) + "\n"

    def render_cdp(self, dev: LabDevice) -> str:
        # The lab announces CDP for every neighbour (real CDP only hears Cisco ones); LabNeighbor knows no far model.
        out = []
        for n in dev.neighbors:
            out += ["-------------------------", f"Device ID: {n.neighbor}", "Entry address(es): "]
            out += [f"  IP address: {n.mgmt_address}"] if n.mgmt_address else []
            out += ["Platform: unknown,  Capabilities: Router Switch IGMP ",
                    f"Interface: {n.local_interface},  Port ID (outgoing port): {n.neighbor_interface}",
                    "Holdtime : 151 sec", "", "Version :", "(software version not known to the lab)", "",
                    "advertisement version: 2", "Duplex: full", "Management address(es): "]
            out += [f"  IP address: {n.mgmt_address}"] if n.mgmt_address else []
            out += [""]
        out += ["", f"Total cdp entries displayed : {len(dev.neighbors)}"]
        return "\n".join(out) + "\n"

    def render_mac(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        pname = self.short(port.name) if port else ""
        out = ["          Mac Address Table", "-------------------------------------------", "",
               "Vlan    Mac Address       Type        Ports", "----    -----------       --------    -----"]
        out += [f"{'  10':<8}{mac:<18}{'DYNAMIC':<12}{pname}" for _ip, mac in entries]
        out += [f"Total Mac Addresses for this criterion: {len(entries)}"]
        return "\n".join(out) + "\n"

    def render_arp(self, dev: LabDevice) -> str:
        (port, entries), own = self.learned(dev), self.own_addresses(dev)
        out = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
        out += [f"{'Internet':<10}{ip:<17}{'-':<11}{mac:<16}{'ARPA':<7}{i.name}" for ip, mac, i in own]
        out += [f"{'Internet':<10}{ip:<17}{'5':<11}{mac:<16}{'ARPA':<7}{port.name if port else ''}"
                for ip, mac in entries]
        return "\n".join(out) + "\n"

    def render_log(self, dev: LabDevice) -> str:
        lines = newest_first(dev, lambda n, t, e: (
            f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S}.000 CST: %LINEPROTO-5-UPDOWN: Line protocol on "
            f"Interface {e.interface}, changed state to {e.state}"))
        head = ["Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns)",
                f"    Buffer logging:  level debugging, {len(lines)} messages logged", "", "Log Buffer (8192 bytes):"]
        return "\n".join(head + list(reversed(lines))) + "\n"  # IOS prints oldest first

    def syslog_line(self, dev: LabDevice, seq: int, at: dt.datetime, kind: str, fields: dict) -> str | None:
        """`logging host` with `service sequence-numbers`, `service timestamps log datetime msec localtime
        show-timezone year` and `logging origin-id hostname` (the header then names the device)."""
        t = at.astimezone(CHINA)
        head = f"{seq}: {dev.hostname}: {t:%b} {t.day:>2} {t:%Y %H:%M:%S}.{t.microsecond // 1000:03d} CST:"
        if kind == "link":
            iface, state = fields["interface"], fields["state"]
            return f"{pri(3)}{head} %LINK-3-UPDOWN: Interface {iface}, changed state to {state}"
        if kind == "config_change":
            return (f"{pri(5)}{head} %SYS-5-CONFIG_I: Configured from console by {fields.get('user', 'admin')} "
                    f"on vty0 ({LOGHOST})")
        if kind == "reboot":
            return f"{pri(5)}{head} %SYS-5-RESTART: System restarted --"
        return None

    def render_probes(self, dev: LabDevice) -> str:
        """`show ip sla statistics` in the IOS 15 / IOS XE layout (both print it alike)."""
        out = ["IPSLAs Latest Operation Statistics", ""]
        for p in dev.probes:
            r = probe_run(dev, p)
            rtt = f"{r.rtts[1]} milliseconds" if r.received else "NoConnection/Busy/Timeout"
            out += [f"IPSLA operation id: {p.number}", f"\tLatest RTT: {rtt}",
                    f"Latest operation start time: {r.at:%H:%M:%S} CST {r.at:%a %b} {r.at.day} {r.at:%Y}",
                    f"Latest operation return code: {'OK' if r.received else 'Timeout'}",
                    f"Number of successes: {60 if r.received else 59}", f"Number of failures: {0 if r.received else 1}",
                    "Operation time to live: Forever", "", ""]
        return "\n".join(out) + "\n"


GENERATIONS = ("ios", "iosxe")  # the profile's layouts this personality renders


def generation(dev: LabDevice) -> str:
    """IOS XE from release 16 on (Everest and later trains); 12.x and 15.x are classic IOS."""
    return "iosxe" if dev.os_version.split(".")[0] in {"16", "17"} else "ios"


PERSONALITY = CiscoIos()
