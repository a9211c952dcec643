"""ZTE ZXROS: reads like IOS (audit/platforms/base.py) but sets each login line with one-line global
commands (`line telnet idle-timeout 10`), names ACLs ipv4-access-list, stores `password encrypted`, and
answers SNMP versions switched on one by one. Password complexity, ageing and lock-out commands are not
in the pack yet (syntax not checked against a real config): those checks need review."""

from __future__ import annotations

import re

from ..config import Line
from ..judge import Outcome, absent, child, not_undo, q
from ..results import PASS, REVIEW
from .base import Context, Platform, remote_aaa


class ZteZxros(Platform):
    name = "zte_zxros"
    label = "ZXROS"
    known_words = frozenset((
        "hostname", "interface", "line", "username", "logging", "snmp-server", "syslog-server", "ip", "ntp", "ssh",
        "telnet", "description", "shutdown", "no", "end", "banner", "ipv4-access-list", "rule", "enable", "router",
        "vlan", "switchport"))
    risky_services = (r"^ftp-server enable", r"^tftp-server enable", r"^http server enable")
    cleartext_transfer = (r"^ftp-server enable", r"^tftp-server enable")
    timeout_word = "idle-timeout"
    timeout_default = "idle_timeout_minutes"
    timestamps_configurable = False
    not_judged = frozenset({"CE-04", "CE-05", "CE-06"})
    # the lab's hardened ZXROS configs also send SNMPv3 traps, which v2c communities replace
    weakness_extra = {"weak_snmp": {"SMC-03": "部分符合"}}

    def line_views(self, ctx: Context, kinds: str) -> list[Line]:
        """The one-line `line <kind> ...` commands grouped into one view per line kind whose children keep
        their own line numbers, so the IOS-style per-view logic reads them. The telnet line also governs
        SSH sessions (it is the VTY)."""
        want = {"con": "console", "vty": "telnet", "aux": "aux", "tty": "tty"}
        kinds_zte = {want[k] for k in kinds.split("|") if k in want}
        views: dict[str, Line] = {}
        for ln in ctx.config.lines:
            m = re.match(r"^line\s+(console|telnet|ssh|aux|tty)\s+(\S.*)$", ln.s) if ln.indent == 0 else None
            if not m:
                continue
            kind = "telnet" if m.group(1) == "ssh" else m.group(1)
            if kind not in kinds_zte:
                continue
            view = views.setdefault(kind, Line(no=ln.no, text=f"line {kind}", indent=0, platform=self.name))
            view.children.append(Line(no=ln.no, text=" " + m.group(2), indent=1, platform=self.name, parent=view))
        return list(views.values())

    def login_authentication(self, ctx: Context) -> Outcome:
        # ZXROS has no password-only or open login line: every login checks a user (local or AAA)
        accs, aaa = self.accounts(ctx), remote_aaa(ctx)
        if not accs and not aaa:
            return absent(REVIEW, "配置中未见本地用户或认证模板，需现场核查登录鉴别方式")
        cited = [v[0] for v in accs.values()][:2] + aaa[:1]
        return Outcome(PASS, [f"ZXROS 所有登录入口均按用户名/口令鉴别：{q(cited[0])}"], cited)

    def password_lines(self, ctx: Context) -> list[tuple[Line, str]]:
        # `password encrypted <x>` is ZXROS's stored (reversible) form; a bare `password <x>` is clear text
        out = []
        for ln in ctx.config.find(r"^(username\s+\S+\s+password\b|enable secret\b)"):
            if ln.s.startswith("enable secret"):
                out.append((ln, "reversible"))
            else:
                out.append((ln, "reversible" if re.search(r"\bpassword\s+encrypted\s+\S", ln.s) else "clear"))
        return out

    def telnet_switch(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        c = ctx.config
        return c.find(r"^telnet server enable\b"), c.find(r"^(no telnet server enable|telnet server disable)\b")

    def vtys_take_telnet(self, ctx: Context, vtys: list[Line], lines: list[Line],
                         facts: list[str]) -> tuple[bool | None, list[Line], list[str]]:
        return True, lines, facts  # no per-line protocol: the telnet line takes whatever the server accepts

    def cleartext_management(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^(http server enable|ssh server version 1)\b"))

    def vty_acl(self, v: Line) -> tuple[list[Line], str | None]:
        a = child(v, r"^access-class\s+(ipv4\s+)?\S+\s*$")  # `line telnet access-class ipv4 <acl>`
        return a, (a[-1].s.split()[-1] if a else None)

    def acl_restricts(self, ctx: Context, acl: str) -> tuple[bool, list[Line]]:
        views = ctx.config.views(rf"^(ipv4-access-list|ipv6-access-list|acl (standard|extended|basic) (number|name)) "
                                 rf"{re.escape(acl)}$")
        rules = [ch for v in views for ch in v.children if ch.s.startswith("rule")]
        permit_any = [r for r in rules if re.search(r"\bpermit\s+(ip\s+)?any(\s|$)", r.s)]
        if not rules:
            return False, views
        return not permit_any, views + (permit_any or rules[:1])

    def snmp_has_acl(self, ln: Line) -> bool:
        # `community X view V ro` has no ACL; ZXROS binds one by name
        return bool(re.search(r"\b(access|ipv4-access-list|acl)\s+\S+", ln.s))

    def snmp_versions(self, ctx: Context) -> tuple[set[str], list[Line]]:
        vers, lines = set(), []  # `snmp-server version v2c enable`, then the IOS community / v3 lines
        for ln in not_undo(ctx.config.find(r"^snmp-server version\s+(v1|v2c|v3)\b")):
            vers.add(ln.s.split()[2])
            lines.append(ln)
        more, more_lines = super().snmp_versions(ctx)
        return vers | more, lines + more_lines

    def loghosts(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^(syslog-server host|logging host)\s+\S+"))


PLATFORM = ZteZxros()
