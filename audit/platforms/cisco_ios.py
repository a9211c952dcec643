"""Cisco IOS / IOS-XE: the IOS dialect of audit/platforms/base.py, plus what only IOS has: Telnet decided
per VTY by `transport input` (default by release), security passwords / aaa common-criteria policies,
login block-for, archive logging."""

from __future__ import annotations

import re

from ..config import Line
from ..judge import Outcome, Unparseable, absent, child, ints, not_undo, q
from ..results import FAIL, PASS, REVIEW
from .base import AgingJudge, Complexity, Context, LockoutJudge, Platform, default


class CiscoIos(Platform):
    name = "cisco_ios"
    label = "IOS"
    known_words = frozenset((
        "hostname", "interface", "line", "aaa", "username", "logging", "snmp-server", "ip", "ntp", "service",
        "enable", "description", "transport", "exec-timeout", "access-class", "login", "shutdown", "no", "end",
        "banner", "version", "permit", "deny", "password", "boot", "clock", "router", "vrf"))
    risky_services = (r"^service (tcp|udp)-small-servers", r"^ip http server", r"^(ip finger|service finger)",
                      r"^ip bootp server", r"^service pad", r"^ip source-route")
    cleartext_transfer = (r"^path (ftp|tftp):",)

    def telnet_server_on(self, ctx: Context) -> bool:
        return bool(self.telnet_usable(ctx)[0])  # no server switch: a VTY that takes Telnet is the server

    def telnet_usable(self, ctx: Context) -> tuple[bool | None, list[Line], list[str]]:
        facts, lines = [], []
        usable = False
        for v in self.line_views(ctx, "vty"):
            t = child(v, r"^transport input\b")
            if t:
                lines.append(t[-1])
                if re.search(r"\b(telnet|all)\b", t[-1].s):
                    usable = True
                    facts.append(f"{v.s} 配置 {q(t[-1])}，允许 Telnet 明文登录")
            else:
                dflt, note = default(ctx, "transport_input")
                if dflt is None:
                    return None, [v], [f"{v.s} 未配置 transport input，{note}"]
                if dflt == "all":
                    usable = True
                    facts.append(f"{v.s}（第{v.no}行）未配置 transport input，缺省 all（含 Telnet）：{note}")
        return usable, lines, facts

    def password_complexity(self, ctx: Context) -> Complexity | Outcome:
        c = ctx.config
        ml = c.find(r"^security passwords min-length\s+")
        pol = c.views(r"^aaa common-criteria policy\s+\S+")
        if not ml and not pol:
            return absent(FAIL, "未配置 security passwords min-length 或 aaa common-criteria policy，口令复杂度未强制")
        length, classes, lines = 0, 1, ml[-1:] + pol[:1]
        if ml:
            length = ints(ml[-1], r"min-length\s+(\d+)")[0]
        for p in pol:
            for ch in p.children:
                if ch.s.startswith("min-length"):
                    length = max(length, ints(ch, r"min-length\s+(\d+)")[0])
            classes = max(classes, sum(1 for ch in p.children
                                       if re.match(r"^(upper-case|lower-case|numeric-count|special-case)\s+["
                                                    "1-9]", ch.s)))
        return Complexity(length, classes, lines, [f"口令策略：最小长度 {length}、至少 {classes} 类字符"], False)

    def password_aging(self, ctx: Context, judge: AgingJudge, aaa: list[Line]) -> Outcome:
        life = ctx.config.find(r"^lifetime\s+", scope=r"^aaa common-criteria policy")
        if life:
            days = ints(life[-1], r"days\s+(\d+)")[0] if "days" in life[-1].s else -1
            if days < 0:
                raise Unparseable(life[-1], "需要 lifetime days N")
            return judge(days, life[-1:], f"配置 {q(life[-1])}")
        return Outcome(REVIEW, ["经典 IOS 无本地口令有效期机制" + (f"，使用集中认证 {q(aaa[0])}" if aaa else "") +
                                "，需提供 AAA 服务器口令有效期策略或管理制度证据"], aaa[:1])

    def login_lockout(self, ctx: Context, judge: LockoutJudge) -> Outcome:
        c = ctx.config
        bf = not_undo(c.find(r"^login block-for\s+"))
        mf = not_undo(c.find(r"^aaa local authentication attempts max-fail\s+"))
        if not bf and not mf:
            return absent(FAIL, "未配置 login block-for 或 aaa local authentication attempts max-fail，无登录失败处理")
        outs = []
        if mf:
            outs.append(judge(ints(mf[-1], r"max-fail\s+(\d+)")[0], None, [mf[-1]], f"配置 {q(mf[-1])}"))
        if bf:
            secs, n, _w = ints(bf[-1], r"block-for\s+(\d+)\s+attempts\s+(\d+)\s+within\s+(\d+)")
            outs.append(judge(n, secs / 60, [bf[-1]], f"配置 {q(bf[-1])}"))
        best = min(outs, key=lambda o: 0 if o.result == PASS else 1)
        return Outcome(best.result, [f for o in outs for f in o.facts], [ln for o in outs for ln in o.lines])

    def cleartext_management(self, ctx: Context) -> list[Line]:
        c = ctx.config
        return not_undo(c.find(r"^ip http server\b")) + c.find(r"^ip ssh version 1\b")


PLATFORM = CiscoIos()
