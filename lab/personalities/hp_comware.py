"""The H3C Comware 5/7 personality: `<host>` prompts, `display` commands, routed ports with
`port link-mode route`, the login notice in a box of stars, newest-first log buffer."""

from __future__ import annotations

from lab.model import LabDevice, LabInterface

from .base import B64, LOGHOST, LOGIN_NOTICE, NTP_SERVER, Personality, mask, newest_first, pk, token


class HpComware(Personality):
    platform = "hp_comware"
    prompt_style = "angle"
    more = "  ---- More ----"
    error_text = "Error: Unrecognized command found at '^' position."
    access_port_name = "GigabitEthernet1/0/24"
    short_names = (("Ten-GigabitEthernet", "XGE"), ("GigabitEthernet", "GE"), ("LoopBack", "Loop"))
    weak_picks = (1, 8, 3)

    def banner(self) -> str:
        return ("\n******************************************************************************\n"
                f"* {LOGIN_NOTICE}\n"
                "******************************************************************************\n")

    def secrets(self, dev: LabDevice) -> dict[str, str]:
        h = dev.hostname
        return {"admin_password": "$h$6$" + token(B64, 16, h, "salt") + "$" + token(B64, 86, h, "pw") + "==",
                "snmp_auth": "$c$3$" + token(B64, 44, h, "auth") + "==",
                "snmp_priv": "$c$3$" + token(B64, 44, h, "priv") + "=="}

    # ------------------------------------------------------------------------------------- config
    def render_config(self, dev: LabDevice) -> str:
        out = ["#", f" version {dev.os_version}", "#", f" sysname {dev.hostname}", "#"]
        out += self._services(dev) + self._interfaces(dev) + self._snmp(dev) + self._access(dev)
        notice = f"<{dev.hostname}>" if dev.fault == "fake_prompt" else LOGIN_NOTICE
        out += [f" header login %{notice}%", "#", "return"]
        return "\n".join(out) + "\n"

    def _services(self, dev: LabDevice) -> list[str]:
        w = dev.weaknesses
        out = []
        if "telnet_enabled" in w:
            out += [" telnet server enable", "#"]
        if "no_remote_syslog" not in w:
            out += [f" info-center loghost {LOGHOST}", "#"]
        if "no_ntp" not in w:
            out += [" ntp-service enable", f" ntp-service unicast-server {NTP_SERVER}", "#"]
        if "no_login_lockout" not in w:
            out += [" password-control enable", " password-control login-attempt 5 exceed lock-time 15", "#"]
        return [*out, "acl basic 2000", " description 网管网段", " rule 5 permit source 10.255.0.0 0.0.255.255", "#"]

    def _interfaces(self, dev: LabDevice) -> list[str]:
        out = []
        for iface in dev.interfaces:
            out += [f"interface {iface.name}"]
            if not iface.name.startswith("LoopBack"):
                out += [" port link-mode route"]
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
        if "weak_snmp" in dev.weaknesses:
            return [" snmp-agent", " snmp-agent community read simple public",
                    " snmp-agent community write simple private", " snmp-agent sys-info version v2c", "#"]
        return [" snmp-agent", " snmp-agent sys-info version v3", " snmp-agent group v3 nms privacy acl 2000",
                f" snmp-agent usm-user v3 nmsuser nms cipher authentication-mode sha {s['snmp_auth']}"
                f" privacy-mode aes128 {s['snmp_priv']}", "#"]

    def _access(self, dev: LabDevice) -> list[str]:
        w, s = dev.weaknesses, self.secrets_for(dev)
        out = [" ssh server enable", "#", *dev.extra_config]
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
        return out

    # ------------------------------------------------------------------------------------- show
    def render_version(self, dev: LabDevice) -> str:
        return (f"H3C Comware Software, Version {dev.os_version}\n"
                "Copyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.\n"
                f"H3C {dev.model} uptime is 30 weeks, 1 day, 2 hours, 3 minutes\n"
                "Last reboot reason: User reboot\n")

    def render_serial(self, dev: LabDevice) -> str:
        return (f"Slot 1 CPU 0:\nDEVICE_NAME          : {dev.model}\nDEVICE_SERIAL_NUMBER : {dev.serial}\n"
                f"MAC_ADDRESS          : {self.mac(dev.hostname, 'base')}\nMANUFACTURING_DATE   : 2019-06-01\n"
                "VENDOR_NAME          : H3C\n")

    def render_interfaces(self, dev: LabDevice) -> str:
        return "".join(self._iface(dev, i) for i in dev.interfaces)

    def _iface(self, dev: LabDevice, i: LabInterface) -> str:
        st = "UP" if i.up else "DOWN"
        out = [i.name, f"Current state: {st}", f"Line protocol state: {st}"]
        out += [f"Description: {i.description}" if i.description else f"Description: {i.name} Interface"]
        out += ["Maximum transmission unit: 1500"]
        out += [f"Internet address: {i.ip} (primary)" if i.ip else "Internet protocol processing: Disabled"]
        out += [f"IP packet frame type: Ethernet II, hardware address: {self.mac(dev.hostname, i.name)}"]
        out += [f" Input (total):  {pk(i.in_octets)} packets, {i.in_octets} bytes",
                f" Output (total): {pk(i.out_octets)} packets, {i.out_octets} bytes",
                f" Input:  {i.in_errors} input errors, 0 runts, 0 giants, 0 throttles",
                f" Output: {i.out_errors} output errors, 0 underruns, 0 buffer failures", "", ""]
        return "\n".join(out)

    def render_lldp(self, dev: LabDevice) -> str:
        out = [f"{'System Name':<21}{'Local Interface':<16}{'Chassis ID':<16}Port ID"]
        out += [f"{n.neighbor:<21}{self.short(n.local_interface):<16}{self.mac(n.neighbor, 'base'):<16}"
                f"{n.neighbor_interface}" for n in dev.neighbors]
        return "\n".join(out) + "\n"

    def render_mac(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        pname = self.short(port.name) if port else ""
        out = ["MAC Address    VLAN ID  State            Port/Nickname            Aging"]
        out += [f"{mac:<15}{'10':<9}{'Learned':<17}{pname:<25}Y" for _ip, mac in entries]
        return "\n".join(out) + "\n"

    def render_arp(self, dev: LabDevice) -> str:
        port, entries = self.learned(dev)
        pname = self.short(port.name) if port else ""
        out = ["  Type: S-Static   D-Dynamic   O-Openflow   R-Rule   M-Multiport  I-Invalid",
               "IP address      MAC address    VLAN/VSI name Interface                Aging Type"]
        out += [f"{ip:<16}{mac:<15}{'10':<14}{pname:<25}{'20':<6}D" for ip, mac in entries]
        return "\n".join(out) + "\n"

    def render_log(self, dev: LabDevice) -> str:
        lines = newest_first(dev, lambda n, t, e: (
            f"%{t:%b} {t.day:>2} {t:%H:%M:%S}:{t.microsecond // 1000:03d} {t:%Y} {dev.hostname} "
            f"IFNET/5/LINK_UPDOWN: Line protocol state on the interface {e.interface} changed to {e.state}."))
        head = ["Log buffer: Enabled", "Max buffer size: 1024", "Actual buffer size: 512", "Dropped messages: 0",
                "Overwritten messages: 0", f"Current messages: {len(lines)}"]
        return "\n".join(head + lines) + "\n"


PERSONALITY = HpComware()
