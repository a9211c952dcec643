"""Ruijie RGOS: reads like IOS (audit/platforms/base.py); differs in the Telnet server switch
(`enable service telnet-server`), password policy commands, type-7-only local passwords, `logging server`
and aaa lock-out in hours."""

from __future__ import annotations

from ..config import Line
from ..judge import Outcome, absent, ints, not_undo, q
from ..results import FAIL, REVIEW
from .base import AgingJudge, Complexity, Context, LockoutJudge, Platform, default


class RuijieOs(Platform):
    name = "ruijie_os"
    label = "RGOS"
    known_words = frozenset((
        "hostname", "interface", "line", "aaa", "username", "logging", "snmp-server", "ip", "ntp", "service",
        "enable", "description", "transport", "exec-timeout", "access-class", "login", "shutdown", "no", "end",
        "banner", "version", "password", "vlan", "switchport", "router", "clock"))
    risky_services = (r"^enable service web-server\b", r"^ip http server", r"^ftp-server enable", r"^tftp-server\b")
    cleartext_transfer = (r"^ftp-server enable", r"^tftp-server\b")
    # the lab's hardened RGOS configs also send SNMPv3 traps, which v2c communities replace
    weakness_extra = {"weak_snmp": {"SMC-03": "部分符合"}}

    def password_kind(self, word: str, typ: str | None) -> str:
        if word == "password":
            # RGOS stores local-user passwords as type 0 or 7 only: 7 is its reversible encryption
            return "reversible" if typ == "7" else "clear"
        return super().password_kind(word, typ)

    def password_complexity(self, ctx: Context) -> Complexity | Outcome:
        c = ctx.config
        pol = not_undo(c.find(r"^password policy\s+(min-size|strong)\b"))
        if not pol:
            return absent(FAIL, "未配置 password policy min-size / password policy strong，口令复杂度未强制")
        ms = c.first(r"^password policy min-size\s+")
        length = ints(ms, r"min-size\s+(\d+)")[0] if ms else 0
        strong = c.first(r"^password policy strong\b")
        classes_strong, note = default(ctx, "password_strong_classes")
        classes = classes_strong if strong else 1
        lines = [ln for ln in (ms, strong) if ln]
        facts = [f"口令策略：最小长度 {length or '未限制'}、至少 {classes} 类字符"
                 + (f"（password policy strong：{note}）" if strong else "")]
        return Complexity(length, classes, lines, facts, False)

    def password_aging(self, ctx: Context, judge: AgingJudge, aaa: list[Line]) -> Outcome:
        lc = not_undo(ctx.config.find(r"^password policy life-cycle\s+"))
        if lc:
            return judge(ints(lc[-1], r"life-cycle\s+(\d+)")[0], lc[-1:], f"配置 {q(lc[-1])}")
        if aaa:
            return Outcome(REVIEW, [f"本地未配置口令有效期，使用集中认证 {q(aaa[0])}，需提供认证服务器口令策略"],
                           aaa[:1])
        return absent(FAIL, "未配置 password policy life-cycle，RGOS 本地口令缺省永不过期")

    def login_lockout(self, ctx: Context, judge: LockoutJudge) -> Outcome:
        c = ctx.config
        aaa_on = not_undo(c.find(r"^aaa new-model\b"))
        if not aaa_on:
            return absent(FAIL, "未启用 aaa new-model，RGOS 本地登录无失败锁定")
        att = c.first(r"^aaa local authentication attempts\s+")
        lock = c.first(r"^aaa local authentication lockout-time\s+")
        dflt, note = default(ctx, "local_auth_lockout")
        n = ints(att, r"attempts\s+(\d+)")[0] if att else dflt["attempts"]
        hours = ints(lock, r"lockout-time\s+(\d+)")[0] if lock else dflt["hours"]
        cited = [ln for ln in (aaa_on[0], att, lock) if ln]
        how = (f"配置 {q(att or lock)}" if att or lock else f"已启用 {q(aaa_on[0])}，未配置次数与锁定时长") \
            + ("" if att and lock else f"（未配置项按缺省：{note}）")
        o = judge(n, hours * 60, cited, how, by_default=not (att and lock))
        o.by_absence = not (att and lock)
        return o

    def telnet_switch(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        c = ctx.config
        return c.find(r"^enable service telnet-server\b"), c.find(r"^no enable service telnet-server\b")

    def cleartext_management(self, ctx: Context) -> list[Line]:
        c = ctx.config
        return not_undo(c.find(r"^(enable service web-server|ip http server)\b")) + c.find(r"^ip ssh version 1\b")

    def loghosts(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^logging (server\s+\S+|\d+\.\d+\.\d+\.\d+)"))


PLATFORM = RuijieOs()
