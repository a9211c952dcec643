"""The Huawei VRP personality (5.x / 8.x layouts): `<host>` prompts, `display` commands, `#`-separated
configs ending in `return`, newest-first log buffer."""

from __future__ import annotations

import datetime as dt

from lab.model import LabDevice, LabInterface

from .base import CHINA, LOGHOST, LOGIN_NOTICE, NTP_SERVER, PRINT, Personality, mask, newest_first, pk, token


class HuaweiVrp(Personality):
    platform = "huawei_vrp"
    prompt_style = "angle"
    more = "  ---- More ----"
    error_text = "Error: Unrecognized command found at '^' position."
    access_port_name = "GigabitEthernet0/0/24"
    short_names = (("XGigabitEthernet", "XGE"), ("GigabitEthernet", "GE"), ("LoopBack", "Loop"))
    paging_ack = "Info: The configuration takes effect on the current user terminal interface only.\n"
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
        out += self._services(dev) + self._aaa(dev) + self._interfaces(dev) + self._snmp(dev)
        out += self._access(dev)
        return "\n".join(out) + "\n"

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
            if not iface.up:
                out += [" shutdown"]
            out += ["#"]
        return out

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
        base = "8.180" if dev.os_version.startswith("V8") else "5.170"
        return (f"Huawei Versatile Routing Platform Software\n"
                f"VRP (R) software, Version {base} ({dev.model.split('-')[0]} {dev.os_version})\n"
                f"Copyright (C) 2000-2021 HUAWEI TECH Co., Ltd.\n"
                f"HUAWEI {dev.model} uptime is 210 days, 3 hours, 12 minutes\n")

    def render_serial(self, dev: LabDevice) -> str:
        return f"ESN of slot 0: {dev.serial}\n"

    def render_interfaces(self, dev: LabDevice) -> str:
        return "".join(self._iface(dev, i) for i in dev.interfaces)

    def _iface(self, dev: LabDevice, i: LabInterface) -> str:
        st = "UP" if i.up else "DOWN"
        out = [f"{i.name} current state : {st}", f"Line protocol current state : {st}"]
        out += [f"Description:{i.description}" if i.description else "Description:"]
        out += ["Route Port,The Maximum Transmit Unit is 1500"]
        out += [f"Internet Address is {i.ip}" if i.ip else "Internet protocol processing : disabled"]
        out += [f"IP Sending Frames' Format is PKTFMT_ETHNT_2, Hardware address is {self.mac(dev.hostname, i.name)}"]
        if i.speed_mbps:
            out += [f"Port Mode: COMMON COPPER, Speed : {i.speed_mbps}, Duplex: FULL"]
        out += ["Statistics last cleared:never",
                f"    Input:  {pk(i.in_octets)} packets, {i.in_octets} bytes",
                f"    Output:  {pk(i.out_octets)} packets, {i.out_octets} bytes",
                f"    Input errors: {i.in_errors}, Output errors: {i.out_errors}", "", ""]
        return "\n".join(out)

    def render_lldp(self, dev: LabDevice) -> str:
        out = [f"{'Local Intf':<17}{'Neighbor Dev':<25}{'Neighbor Intf':<26}Exptime(s)"]
        out += [f"{self.short(n.local_interface):<17}{n.neighbor:<25}{n.neighbor_interface:<26}102"
                for n in dev.neighbors]
        return "\n".join(out) + "\n"

    def render_mac(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        pname = self.short(port.name) if port else ""
        out = ["-------------------------------------------------------------------------------",
               "MAC Address    VLAN/VSI/BD                       Learned-From        Type",
               "-------------------------------------------------------------------------------"]
        out += [f"{mac:<15}{'10/-/-':<34}{pname:<20}dynamic" for _ip, mac in entries]
        out += ["", "-------------------------------------------------------------------------------",
                f"Total items displayed = {len(entries)}"]
        return "\n".join(out) + "\n"

    def render_arp(self, dev: LabDevice) -> str:
        (port, entries), own = self.learned(dev), self.own_addresses(dev)
        pname = self.short(port.name) if port else ""
        out = ["IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE",
               "                                          VLAN/CEVLAN PVC",
               "------------------------------------------------------------------------------"]
        out += [f"{ip:<16}{mac:<16}{'':<10}{'I -':<12}{self.short(i.name)}" for ip, mac, i in own]
        out += [f"{ip:<16}{mac:<16}{'20':<10}{'D-0':<12}{pname}" for ip, mac in entries]
        out += ["------------------------------------------------------------------------------",
                f"Total:{len(own) + len(entries):<10}Dynamic:{len(entries):<8}Static:0     Interface:{len(own)}"]
        return "\n".join(out) + "\n"

    def render_log(self, dev: LabDevice) -> str:
        lines = newest_first(dev, lambda n, t, e: (
            f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S} {dev.hostname} %%01IFNET/4/LINK_STATE(l)[{n}]:The line protocol "
            f"IP on the interface {e.interface} has entered the {e.state.upper()} state."))
        head = ["Logging buffer configuration and contents : enabled", "Allowed max buffer size : 1024",
                "Actual buffer size : 512", "Channel number : 4 , Channel name : logbuffer",
                "Dropped messages : 0", "Overwritten messages : 0", f"Current messages : {len(lines)}", ""]
        return "\n".join(head + lines) + "\n"


PERSONALITY = HuaweiVrp()
