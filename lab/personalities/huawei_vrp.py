"""The Huawei VRP personality: `<host>` prompts, `display` commands, `#`-separated configs ending in `return`,
newest-first log buffer, and the screens of the device's OS generation (`generation()`): VRP5 (S switches,
AR routers, USG), VRP8 (NE routers, V800) and CloudEngine (CE switches), in the layouts of the collector's
fixtures (tests/collectors/fixtures/huawei_vrp, learned from public captures)."""

from __future__ import annotations

import datetime as dt

from lab.model import LabDevice, LabInterface, LabLogEvent, LabNeighbor

from .base import (
    CHINA,
    LOGHOST,
    LOGIN_NOTICE,
    NTP_SERVER,
    PRINT,
    Personality,
    gateways_on,
    mask,
    newest_first,
    pk,
    pri,
    probe_run,
    token,
)

VRP5, VRP8, CE = "vrp5", "vrp8", "ce"  # the profile's layout ids
NOW = "2026-11-25 21:00:00"  # the device clock the screens print (the login banner's)
UP_SINCE = "2026-06-01 08:00:00"


def generation(dev: LabDevice) -> str:
    """The OS generation a device runs, from what the sample city (or a spec) says it is: CloudEngine by its
    model, VRP8 by its V800 release, VRP5 otherwise (V200/V300 S and AR, V600 USG)."""
    if dev.model.upper().startswith("CE"):
        return CE
    if dev.os_version.upper().startswith("V8"):
        return VRP8
    return VRP5


def _logical(name: str) -> bool:
    """Interfaces VRP prints with the short per-packet block of virtual interfaces (no per-kind counts)."""
    return name.startswith(("LoopBack", "NULL", "Vlanif", "Eth-Trunk", "Tunnel")) or "." in name


class HuaweiVrp(Personality):
    platform = "huawei_vrp"
    prompt_style = "angle"
    more = "  ---- More ----"
    location_line = "snmp-agent sys-info location {text}"
    error_text = "Error: Unrecognized command found at '^' position."
    access_port_name = "GigabitEthernet0/0/24"
    short_names = (("XGigabitEthernet", "XGE"), ("GigabitEthernet", "GE"), ("LoopBack", "Loop"))
    paging_ack = "Info: The configuration takes effect on the current user terminal interface only.\n"
    floating_preference = 100
    weak_picks = (0, 8, 0)

    def banner(self) -> str:
        return ("\nInfo: The max number of VTY users is 10, and the number\n"
                "      of current VTY users on line is 1.\n"
                "      The current login time is 2026-11-25 21:00:00+08:00.\n")

    def secrets(self, dev: LabDevice) -> dict[str, str]:
        h = dev.hostname
        return {"admin_password": "$1c$" + token(PRINT, 44, h, "pw") + "$",
                "snmp_auth": "%^%#" + token(PRINT, 40, h, "auth") + "%^%#",
                "snmp_priv": "%^%#" + token(PRINT, 40, h, "priv") + "%^%#"}

    # ------------------------------------------------------------------------------------- config
    def render_config(self, dev: LabDevice) -> str:
        # Volatile on purpose: a fresh time on every render, which the profile's scrubbers remove.
        stamp = dt.datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S+08:00")
        out = [f"!Software Version {dev.os_version}", f"!Last configuration was updated at {stamp}", "#",
               f" sysname {dev.hostname}", "#"]
        notice = f'"{"<" + dev.hostname + ">" if dev.fault == "fake_prompt" else LOGIN_NOTICE}"'
        out += [f" header login information {notice}", "#"]
        out += self._services(dev) + self._aaa(dev) + self._interfaces(dev) + self._snmp(dev) + self._nqa(dev)
        out += self._routes(dev) + self._access(dev)
        return "\n".join(out) + "\n"

    def _nqa(self, dev: LabDevice) -> list[str]:
        out = []
        for p in dev.probes:
            out += [f"nqa test-instance wan {p.name}", " test-type icmp", f" destination-address ipv4 {p.target}",
                    f" source-interface {p.interface}", " frequency 60", " probe-count 5", " start now", "#"]
        return out

    def _services(self, dev: LabDevice) -> list[str]:
        w = dev.weaknesses
        out = []
        if "no_remote_syslog" not in w:
            out += [f" info-center loghost {LOGHOST}", "#"]
        if "no_ntp" not in w:
            out += [f" ntp-service unicast-server {NTP_SERVER}", "#"]
        return [*out, "acl number 2000", " description 网管网段", " rule 5 permit source 10.255.0.0 0.0.255.255", "#"]

    def _aaa(self, dev: LabDevice) -> list[str]:
        w, s = dev.weaknesses, self.secrets_for(dev)
        out = ["aaa", f" local-user admin password irreversible-cipher {s['admin_password']}",
               " local-user admin privilege level 15", " local-user admin service-type ssh"]
        if "weak_password" in w:
            out += [f" local-user netops password simple {s['clear_password']}", " local-user netops service-type ssh"]
        if "no_login_lockout" not in w:
            out += [" local-aaa-user wrong-password retry-interval 5 retry-time 5 block-time 15"]
        return [*out, "#"]

    def _interfaces(self, dev: LabDevice) -> list[str]:
        out = []
        for iface in dev.interfaces:
            out += [f"interface {iface.name}"]
            if iface.description:
                out += [f" description {iface.description}"]
            if iface.ip:
                out += [" ip address {} {}".format(*mask(iface.ip))]
            for g in gateways_on(dev, iface.name):
                out += [f" vrrp vrid {g.group} virtual-ip {g.virtual_ip}",
                        f" vrrp vrid {g.group} priority {g.priority}"]
                if g.track:
                    out += [f" vrrp vrid {g.group} track nqa wan {g.track} reduced 30"]
            if not iface.up:
                out += [" shutdown"]
            out += ["#"]
        return out

    def _routes(self, dev: LabDevice) -> list[str]:
        # `ip route-static ip mask nexthop [preference p] [track nqa admin test]`, at the left margin as VRP
        # prints global routes
        out = []
        for r in dev.routes:
            dest, netmask = mask(r.prefix)
            out.append(f"ip route-static {dest} {netmask} {r.next_hop}"
                       + (f" preference {self.floating_preference}" if r.floating else "")
                       + (f" track nqa wan {r.track}" if r.track else ""))
        return [*out, "#"] if out else []

    def _snmp(self, dev: LabDevice) -> list[str]:
        s = self.secrets_for(dev)
        out = ["snmp-agent"]
        if "weak_snmp" in dev.weaknesses:
            out += [" snmp-agent community read public", " snmp-agent community write private",
                    " snmp-agent sys-info version v2c"]
        else:
            out += [" snmp-agent sys-info version v3", " snmp-agent group v3 nms privacy acl 2000",
                    f" snmp-agent usm-user v3 nmsuser group nms authentication-mode sha cipher {s['snmp_auth']}"
                    f" privacy-mode aes128 cipher {s['snmp_priv']}"]
        return [*out, "#"]

    def _access(self, dev: LabDevice) -> list[str]:
        w = dev.weaknesses
        out = [" telnet server enable" if "telnet_enabled" in w else " undo telnet server enable",
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
        return out

    # ------------------------------------------------------------------------------------- show
    def render_version(self, dev: LabDevice) -> str:
        gen, family = generation(dev), dev.model.split("-")[0]
        if gen == VRP5:
            # S switches name their family after the model (`Routing Switch`; S12700 `Terabit Routing
            # Switch`), AR routers `Router`; USG firewalls nothing.
            kind = (" Terabit Routing Switch" if dev.model.startswith("S127") else " Routing Switch"
                    if dev.model.startswith("S") else " Router" if dev.model.startswith("AR") else "")
            vendor = "Huawei" if dev.model.startswith("AR") else "HUAWEI"
            return ("Huawei Versatile Routing Platform Software\n"
                    f"VRP (R) software, Version 5.170 ({family} {dev.os_version})\n"
                    "Copyright (C) 2000-2021 HUAWEI TECH Co., Ltd.\n"
                    f"{vendor} {dev.model}{kind} uptime is 30 weeks, 0 day, 3 hours, 12 minutes\n\n"
                    f"{dev.model} 0(Master) : uptime is 30 weeks, 0 day, 3 hours, 11 minutes\n")
        return ("Huawei Versatile Routing Platform Software\n"
                f"VRP (R) software, Version 8.180 ({family} {dev.os_version})\n"
                "Copyright (C) 2012-2021 Huawei Technologies Co., Ltd.\n"
                f"HUAWEI {dev.model} uptime is 210 days, 3 hours, 12 minutes\n\n"
                f"{dev.model} version information:\n")

    def render_serial(self, dev: LabDevice) -> str:
        gen = generation(dev)
        if gen == VRP8:
            return f" ESN of master: {dev.serial}\n"
        return f"ESN of slot {1 if gen == CE else 0}: {dev.serial}\n"

    # ------------------------------------------------------------------------------------- display interface
    def render_interfaces(self, dev: LabDevice) -> str:
        gen = generation(dev)
        return "\n".join(self._iface(dev, i, gen) for i in dev.interfaces)

    def _iface(self, dev: LabDevice, i: LabInterface, gen: str) -> str:
        index = f" (ifindex: {dev.interfaces.index(i) + 3})" if gen != VRP5 else ""
        loop = i.name.startswith(("LoopBack", "NULL"))
        if not i.up:
            link, proto = "Administratively DOWN", "DOWN"
        else:
            link, proto = "UP", "UP (spoofing)" if loop else "UP"
        out = [f"{i.name} current state : {link}{index}", f"Line protocol current state : {proto}"]
        if i.up and not loop:
            out += [f"Last line protocol up time : {UP_SINCE}"]
        out += [f"Description:{i.description}", "Route Port,The Maximum Transmit Unit is 1500"]
        out += [f"Internet Address is {i.ip}" if i.ip else "Internet protocol processing : disabled"]
        if not loop:
            out += ["IP Sending Frames' Format is PKTFMT_ETHNT_2, Hardware address is "
                    + self.mac(dev.hostname, i.name)]
        if _logical(i.name):
            return "\n".join(out + self._logical_counters(i, gen)) + "\n"
        if gen == VRP5:
            return "\n".join(out + self._vrp5_port(i)) + "\n"
        return "\n".join(out + self._vrp8_port(i, gen)) + "\n"

    def _logical_counters(self, i: LabInterface, gen: str) -> list[str]:
        # VRP5 prints no counters for a Vlanif; VRP8 and CE count every logical interface.
        if gen == VRP5 and i.name.startswith("Vlanif"):
            return [f"Current system time: {NOW}", "    Input bandwidth utilization  : --",
                    "    Output bandwidth utilization : --"]
        physical = ("Loopback" if i.name.startswith("LoopBack") else "NULL DEV" if i.name.startswith("NULL")
                    else "ETH_TRUNK" if i.name.startswith("Eth-Trunk") else "VLANIF" if i.name.startswith("Vlanif")
                    else "")
        tail = "0 unknownprotocol" if gen == VRP5 else "0 drops"
        out = [f"Current system time: {NOW}"] + ([f"Physical is {physical}"] if physical else [])
        out += ["    Last 300 seconds input rate 0 bits/sec, 0 packets/sec",
                "    Last 300 seconds output rate 0 bits/sec, 0 packets/sec",
                f"    Input: {pk(i.in_octets)} packets,{i.in_octets} bytes",
                f"           {pk(i.in_octets)} unicast,0 broadcast,0 multicast",
                f"           {i.in_errors} errors,{tail}",
                f"    Output:{pk(i.out_octets)} packets,{i.out_octets} bytes",
                f"           {pk(i.out_octets)} unicast,0 broadcast,0 multicast",
                f"           {i.out_errors} errors" + (",0 drops" if gen != VRP5 else ""),
                "    Input bandwidth utilization  :    0%", "    Output bandwidth utilization :    0%"]
        if i.name.startswith("Eth-Trunk"):
            out += ["-----------------------------------------------------",
                    "PortName                      Status      Weight",
                    "-----------------------------------------------------",
                    "-----------------------------------------------------",
                    "The Number of Ports in Trunk : 0", "The Number of UP Ports in Trunk : 0"]
        return out

    def _vrp5_port(self, i: LabInterface) -> list[str]:
        speed = i.speed_mbps or 1000
        fiber = "COMMON FIBER" if speed >= 10000 else "COMMON COPPER"
        return [
            f"Last physical up time   : {UP_SINCE}" if i.up else "Last physical up time   : -",
            "Last physical down time : 2026-05-31 23:10:42", f"Current system time: {NOW}",
            f"Port Mode: {fiber}", f"Speed : {speed},  Loopback: NONE",
            f"Duplex: FULL,   Negotiation: {'DISABLE' if speed >= 10000 else 'ENABLE'}",
            "Mdi   : -,      Flow-control: DISABLE",
            "Last 300 seconds input rate 0 bits/sec, 0 packets/sec",
            "Last 300 seconds output rate 0 bits/sec, 0 packets/sec",
            "Input peak rate 0 bits/sec, Record time: -", "Output peak rate 0 bits/sec, Record time: -", "",
            # column 0, packets before bytes: the VRP5 port layout
            f"Input:  {pk(i.in_octets)} packets, {i.in_octets} bytes",
            f"  Unicast:            {pk(i.in_octets):>14},  Multicast:                           0",
            "  Broadcast:                        0,  Jumbo:                               0",
            "  Discard:                          0,  Pause:                               0",
            "  Frames:                           0", "",
            f"  Total Error:            {i.in_errors:>10}",
            f"  CRC:                    {i.in_errors:>10},  Giants:                              0",
            "  Runts:                            0,  Fragments:                           0",
            "  Alignments:                       0,  Symbols:                             0",
            "  Ignoreds:                         0", "",
            f"Output:  {pk(i.out_octets)} packets, {i.out_octets} bytes",
            f"  Unicast:            {pk(i.out_octets):>14},  Multicast:                           0",
            "  Broadcast:                        0,  Jumbo:                               0",
            "  Discard:                          0,  Pause:                               0", "",
            f"  Total Error:            {i.out_errors:>10}",
            "  Collisions:                       0,  ExcessiveCollisions:                 0",
            "  Late Collisions:                  0,  Deferreds:                           0", "",
            "    Input bandwidth utilization threshold : 80.00%",
            "    Output bandwidth utilization threshold: 80.00%",
            "    Input bandwidth utilization  :    0%", "    Output bandwidth utilization :    0%"]

    def _vrp8_port(self, i: LabInterface, gen: str) -> list[str]:
        speed = i.speed_mbps or 1000
        if gen == CE:
            media = [f"Port Mode: {'COMMON FIBER' if speed >= 10000 else 'COMMON COPPER'}, Port Split/Aggregate: -",
                     f"Speed: {speed},  Loopback: NONE", "Duplex: FULL,  Negotiation: DISABLE",
                     "Input Flow-control: DISABLE,  Output Flow-control: DISABLE", "Mdi: -,  Fec: NONE"]
        else:  # an NE port reports its optics and bandwidth, no Speed line
            media = [f"Port BW: {max(speed // 1000, 1)}G, Transceiver max BW: {max(speed // 1000, 1)}G, "
                     "Transceiver Mode: SingleMode", "WaveLength: 1310nm, Transmission Distance: 10km",
                     "Loopback: none, full-duplex mode, negotiation: disable, "
                     "Pause Flowcontrol: Receive Enable and Send Enable"]
        return [
            *media,
            f"Last physical up time   : {UP_SINCE}" if i.up else "Last physical up time   : -",
            "Last physical down time : 2026-05-31 23:10:42", f"Current system time: {NOW}",
            "Statistics last cleared:never",
            "    Last 300 seconds input rate: 0 bits/sec, 0 packets/sec",
            "    Last 300 seconds output rate: 0 bits/sec, 0 packets/sec",
            "    Input peak rate 0 bits/sec, Record time: -", "    Output peak rate 0 bits/sec, Record time: -",
            # bytes before packets, indented: the VRP8 / CloudEngine layout
            f"    Input: {i.in_octets} bytes, {pk(i.in_octets)} packets",
            f"    Output: {i.out_octets} bytes, {pk(i.out_octets)} packets",
            "    Input:",
            f"      Unicast: {pk(i.in_octets)} packets, Multicast: 0 packets",
            "      Broadcast: 0 packets, JumboOctets: 0 packets",
            f"      CRC: {i.in_errors} packets, Symbol: 0 packets",
            "      Overrun: 0 packets, InRangeLength: 0 packets",
            "      LongPacket: 0 packets, Jabber: 0 packets, Alignment: 0 packets",
            "      Fragment: 0 packets, Undersized Frame: 0 packets", "      RxPause: 0 packets",
            "    Output:",
            f"      Unicast: {pk(i.out_octets)} packets, Multicast: 0 packets",
            "      Broadcast: 0 packets, JumboOctets: 0 packets",
            f"      Lost: {i.out_errors} packets, Overflow: 0 packets, Underrun: 0 packets",
            "      System: 0 packets, Overruns: 0 packets", "      TxPause: 0 packets",
            "    Last 300 seconds input utility rate:  0.00%", "    Last 300 seconds output utility rate: 0.00%"]

    # ------------------------------------------------------------------------------------- LLDP
    def chassis_id(self, hostname: str) -> str:
        """The bridge MAC a device announces as its LLDP chassis id (deterministic per hostname)."""
        return self.mac(hostname, "chassis")

    def render_lldp(self, dev: LabDevice) -> str:
        """`display lldp neighbor`: a block per physical port, neighbours or not."""
        gen, by_port = generation(dev), {}
        for n in dev.neighbors:
            by_port.setdefault(n.local_interface, []).append(n)
        ports = [i.name for i in dev.interfaces if not _logical(i.name)]
        ports += [p for p in by_port if p not in ports]
        out: list[str] = []
        for port in ports:
            found = by_port.get(port, [])
            if not found:
                out += [f"{port} has 0 neighbor(s)", ""]
                continue
            out += [f"{port} has {len(found)} neighbor(s):", ""]
            for k, n in enumerate(found, 1):
                out += self._lldp_vrp5(n, k) if gen == VRP5 else self._lldp_vrp8(n, k, gen)
        return "\n".join(out) + "\n"

    def _lldp_vrp5(self, n: LabNeighbor, k: int) -> list[str]:
        out = [f"Neighbor index :{k}", "Chassis type   :MAC address", f"Chassis ID     :{self.chassis_id(n.neighbor)}",
               "Port ID type   :Interface name", f"Port ID        :{n.neighbor_interface}",
               f"Port description    :{n.neighbor_interface}", f"System name         :{n.neighbor}",
               f"System description  :{n.platform or '--'}",
               "System capabilities supported   :bridge router", "System capabilities enabled     :bridge router"]
        if n.mgmt_address:
            out += ["Management address type  :ipv4", f"Management address value :{n.mgmt_address}",
                    "OID  :0.6.15.43.6.1.4.1.2011.5.25.41.1.2.1.1.1."]
        return [*out, "Expired time   :105s", "", "Port VLAN ID(PVID)  :1",
                "Port and Protocol VLAN ID(PPVID) : unsupported", "Protocol identity   :--",
                "Auto-negotiation supported    :Yes", "Auto-negotiation enabled      :Yes",
                "OperMau  :speed (1000) /duplex (Full)", "Link aggregation supported:Yes",
                "Link aggregation enabled  :No", "Aggregation port ID       :0",
                "Maximum frame Size        :9216", ""]

    def _lldp_vrp8(self, n: LabNeighbor, k: int, gen: str) -> list[str]:
        def row(key: str, value: object) -> str:
            return f"{key:<35}:{value}"
        subtype = ("Port ID subtype", "Interface name") if gen == CE else ("Port ID type", "interfaceName")
        out = [row("Neighbor index", k), row("Chassis type", "MAC address" if gen == CE else "macAddress"),
               row("Chassis ID", self.chassis_id(n.neighbor)), row(*subtype), row("Port ID", n.neighbor_interface),
               row("Port description", "--"), row("System name", n.neighbor),
               row("System description", n.platform or "--"), "",
               row("System capabilities supported", "bridge router"),
               row("System capabilities enabled", "bridge router")]
        if n.mgmt_address:
            out += [row("Management address type", "ipv4"), row("Management address", n.mgmt_address)]
        return [*out, row("Expired time", "104s"), "", row("Port VLAN ID(PVID)", 0),
                row("VLAN name of VLAN", "--"), row("Protocol identity", ""),
                row("Auto-negotiation supported", "Yes"), row("Auto-negotiation enabled", "No"),
                row("OperMau", "speed (10000) /duplex (Full)"), row("Link aggregation supported", "Yes"),
                row("Link aggregation enabled", "No"), row("Aggregation port ID", 0),
                row("Maximum frame Size", 9216), ""]

    def render_lldp_brief(self, dev: LabDevice) -> str:
        """`display lldp neighbor brief` (offline-only in the profile; rendered for the layout tests)."""
        if generation(dev) == VRP5:
            out = [f"{'Local Intf':<17}{'Neighbor Dev':<25}{'Neighbor Intf':<26}Exptime(s)"]
            out += [f"{self.short(n.local_interface):<17}{n.neighbor:<25}{n.neighbor_interface:<26}102"
                    for n in dev.neighbors]
            return "\n".join(out) + "\n"
        out = ["Local Interface         Exptime(s) Neighbor Interface      Neighbor Device",
               "-------------------------------------------------------------------------------"]
        out += [f"{n.local_interface:<30}{104:>3}  {n.neighbor_interface:<23} {n.neighbor}" for n in dev.neighbors]
        return "\n".join(out) + "\n"

    # ------------------------------------------------------------------------------------- MAC / ARP
    def render_mac(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        pname = self.short(port.name) if port else ""
        rule = "-------------------------------------------------------------------------------"
        if generation(dev) == VRP5:
            out = [rule, "MAC Address    VLAN/VSI/BD                       Learned-From        Type", rule]
            out += [f"{mac:<15}{'10/-/-':<34}{pname:<20}dynamic" for _ip, mac in entries]
            return "\n".join([*out, "", rule, f"Total items displayed = {len(entries)}"]) + "\n"
        out = ["Flags: * - Backup  ",
               "       # - forwarding logical interface, operations cannot be performed based ",
               "           on the interface.",
               "BD   : bridge-domain   Age : dynamic MAC learned time in seconds", rule,
               "MAC Address    VLAN/VSI/BD   Learned-From        Type                Age", rule]
        out += [f"{mac:<15}{'10/-/-':<14}{pname:<20}{'dynamic':<12}{600 + 37 * n:>11}"
                for n, (_ip, mac) in enumerate(entries)]
        return "\n".join([*out, rule, f"Total items: {len(entries)}"]) + "\n"

    def render_arp(self, dev: LabDevice) -> str:
        (port, entries), own, gen = self.learned(dev), self.own_addresses(dev), generation(dev)
        pname = self.short(port.name) if port else ""
        total = (f"Total:{len(own) + len(entries):<10}Dynamic:{len(entries):<8}Static:0    "
                 f"Interface:{len(own)}")
        if gen == CE:
            rule = "------------------------------------------------------------------------------"
            out = ["ARP Entry Types: D - Dynamic, S - Static, I - Interface, O - OpenFlow, RD - Redirect",
                   "EXP: Expire-time VLAN:VLAN or Bridge Domain", "",
                   "IP ADDRESS      MAC ADDRESS    EXP(M) TYPE/VLAN       INTERFACE        VPN-INSTANCE", rule]
            out += [f"{ip:<16}{mac:<15}{'':<7}{'I':<16}{self.short(i.name)}" for ip, mac, i in own]
            out += [f"{ip:<16}{mac:<15}{'20':>4}   {'D':<16}{pname}" for ip, mac in entries]
            return "\n".join([*out, rule, total + "    OpenFlow:0", "Redirect:0"]) + "\n"
        wide = gen == VRP8  # NE prints a wider table
        rule = "-" * (88 if wide else 78)
        iw = 17 if wide else 12
        out = ["IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE",
               "                                          VLAN/CEVLAN PVC", rule]
        out += [f"{ip:<16}{mac:<16}{'':<10}{'I -':<12}{self.short(i.name):<{iw}}".rstrip() for ip, mac, i in own]
        out += [f"{ip:<16}{mac:<16}{'20':<10}{'D-0':<12}{pname:<{iw}}".rstrip() for ip, mac in entries]
        return "\n".join([*out, rule, total]) + "\n"

    # ------------------------------------------------------------------------------------- log buffer
    def render_log(self, dev: LabDevice) -> str:
        if generation(dev) == VRP5:
            lines = newest_first(dev, lambda n, t, e: (
                f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S} {dev.hostname} %%01IFNET/4/LINK_STATE(l)[{n}]:The line "
                f"protocol IP on the interface {e.interface} has entered the {e.state.upper()} state."))
        else:
            def alarm(n: int, t: dt.datetime, e: LabLogEvent) -> str:
                down = e.state == "down"
                clear = "" if down else "-clearType=service_resume"
                return (f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S} {dev.hostname} %%01IFNET/2/linkDown_"
                        f"{'active' if down else 'clear'}(l):CID=0x807a{n:04x}-alarmID=0x08520003{clear};"
                        f"The interface status changes. (ifName={e.interface}, AdminStatus=UP, "
                        f"OperStatus={e.state.upper()}, Reason=Interface physical link is {e.state}, "
                        f"mainIfname={e.interface})")
            lines = newest_first(dev, alarm)
        head = ["Logging buffer configuration and contents : enabled", "Allowed max buffer size : 1024",
                "Actual buffer size : 512", "Channel number : 4 , Channel name : logbuffer",
                "Dropped messages : 0", "Overwritten messages : 0", f"Current messages : {len(lines)}", ""]
        return "\n".join(head + lines) + "\n"

    def syslog_line(self, dev: LabDevice, seq: int, at: dt.datetime, kind: str, fields: dict) -> str | None:
        """`info-center loghost`: the log buffer's line behind a PRI (the year inside the timestamp)."""
        t = at.astimezone(CHINA)
        head = f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S} {dev.hostname}"
        if kind == "link":
            e = LabLogEvent(at=at, interface=fields["interface"], state=fields["state"])
            if generation(dev) == VRP5:
                return (f"{pri(4)}{head} %%01IFNET/4/LINK_STATE(l)[{seq}]:The line protocol IP on the interface "
                        f"{e.interface} has entered the {e.state.upper()} state.")
            down = e.state == "down"
            clear = "" if down else "-clearType=service_resume"
            return (f"{pri(2 if down else 4)}{head} %%01IFNET/{2 if down else 4}/linkDown_"
                    f"{'active' if down else 'clear'}(l):CID=0x807a{seq:04x}-alarmID=0x08520003{clear};The interface "
                    f"status changes. (ifName={e.interface}, AdminStatus=UP, OperStatus={e.state.upper()}, "
                    f"Reason=Interface physical link is {e.state}, mainIfname={e.interface})")
        if kind == "config_change":
            return (f"{pri(6)}{head} %%01CONFIGURATION/6/CFG_FILE_CHANGE(l)[{seq}]:Configuration file was changed. "
                    f"(LogIndex={seq}, SrcCmd=1, SrcData=3, DestData=2, TerUser=\"{fields.get('user', 'admin')}\", "
                    f"SrcAddr={LOGHOST}, ConfigChangeId={seq}, LogTime={seq * 100}, "
                    f"CfgBaselineTime=\"{t:%Y-%m-%d %H:%M:%S}\")")
        return None

    def render_probes(self, dev: LabDevice) -> str:
        """`display nqa results`: the VRP5 ICMP block on every generation (no public VRP8/CE ICMP capture)."""
        out = [""]
        for n, p in enumerate(dev.probes):
            r = probe_run(dev, p)
            ok = r.received == r.sent
            good = f"{r.at:%Y-%m-%d %H:%M:%S}.0" if r.received else "0000-00-00 00:00:00.0"
            loss = 100 * (r.sent - r.received) // r.sent
            lo, avg, hi = r.rtts
            square = r.received * avg * avg
            out += [f" NQA entry(wan, {p.name}) :testflag is active ,testtype is icmp",
                    f"  1 . Test {200 + n} result   The test is finished",
                    f"   Send operation times: {r.sent:<15}Receive response times: {r.received}",
                    f"   {'Completion:' + ('success' if ok else 'no result'):<37}RTD OverThresholds number: 0",
                    f"   {'Attempts number:1':<37}Drop operation number:{r.sent - r.received}",
                    f"   {'Disconnect operation number:0':<37}Operation timeout number:0",
                    f"   {'System busy operation number:0':<37}Connection fail number:0",
                    f"   {'Operation sequence errors number:0':<37}RTT Stats errors number:0",
                    f"   Destination ip address:{p.target}",
                    f"   Min/Max/Average Completion Time: {lo}/{hi}/{avg}",
                    f"   Sum/Square-Sum  Completion Time: {r.received * avg}/{square}",
                    f"   Last Good Probe Time: {good}", f"   Lost packet ratio: {loss} %", ""]
        return "\n".join(out) + "\n"


PERSONALITY = HuaweiVrp()
