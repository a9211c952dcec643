"""Huawei VRP: releases VxxxRyyy, user-interface views, local-user lines under aaa, release-dependent
defaults (catalogue.yaml `defaults.huawei_vrp`: lock-out, password expiry, Telnet, VTY protocols)."""

from __future__ import annotations

import re

from ..config import Line
from ..judge import Outcome, absent, ints, not_undo, q
from ..results import FAIL, PARTIAL, PASS, REVIEW
from .base import AgingJudge, Complexity, Context, LockoutJudge, SysnameDialect, default


class HuaweiVrp(SysnameDialect):
    name = "huawei_vrp"
    label = "VRP"
    known_words = frozenset((
        "sysname", "interface", "user-interface", "aaa", "local-user", "info-center", "snmp-agent", "acl",
        "ntp-service", "ntp", "stelnet", "ssh", "telnet", "ip", "description", "authentication-mode", "protocol",
        "idle-timeout", "rule", "shutdown", "undo", "return", "header", "vlan", "clock", "user"))
    risky_services = (r"^ftp server enable", r"^FTP server enable", r"^tftp-server\b", r"^http server enable",
                      r"^(ntdp|ndp|cluster) enable")
    cleartext_transfer = (r"^(ftp|FTP) server enable", r"transport-type (ftp|tftp)\b")

    def release_key(self, release: str) -> tuple[int, ...] | None:
        m = re.search(r"V(\d{3})R(\d{3})", release)
        return (int(m.group(1)), int(m.group(2))) if m else None

    def line_views(self, ctx: Context, kinds: str) -> list[Line]:
        return ctx.config.views(rf"^user-interface\s+(maxvty\s+)?({kinds})\b") if kinds else []

    def accounts(self, ctx: Context) -> dict[str, list[Line]]:
        out: dict[str, list[Line]] = {}
        for ln in ctx.config.find(r"^local-user\s+\S+", scope="any"):
            if ln.s.startswith("local-user") and not ln.s.startswith("local-user password policy"):
                out.setdefault(ln.s.split()[1], []).append(ln)
        return out

    def account_class(self, text: str) -> str:
        m = re.search(r"privilege level\s+(\d+)", text)
        level = int(m.group(1)) if m else None
        return "unspecified" if level is None else "admin" if level >= 3 else "other"

    def password_lines(self, ctx: Context) -> list[tuple[Line, str]]:
        c = ctx.config
        out = []
        for ln in c.find(r"\bpassword\s+(irreversible-cipher|cipher|simple)\b", scope="any") + \
                c.find(r"^set authentication password\s+(cipher|simple)\b", scope="any"):
            kind = re.search(r"\b(irreversible-cipher|cipher|simple)\b", ln.s).group(1)  # type: ignore[union-attr]
            out.append((ln, {"irreversible-cipher": "strong", "cipher": "reversible", "simple": "clear"}[kind]))
        return out

    def password_complexity(self, ctx: Context) -> Complexity | Outcome:
        c = ctx.config
        off = c.find(r"^undo (user-password complexity-check|local-user policy security-enhance)", scope="any")
        if off:
            return Outcome(FAIL, [f"关闭了口令复杂度检查 {q(off[0])}"], off)
        (dflt, note) = default(ctx, "complexity")
        length, classes, lines = dflt["length"], dflt["classes"], []
        ml = c.find(r"^set password min-length\s+", scope="any")
        if ml:
            length = ints(ml[-1], r"min-length\s+(\d+)")[0]
            lines.append(ml[-1])
        facts = [f"口令复杂度：最小长度 {length}、至少 {classes} 类字符" + ("" if lines else f"（缺省：{note}）")]
        return Complexity(length, classes, lines, facts, not lines)

    def password_aging(self, ctx: Context, judge: AgingJudge, aaa: list[Line]) -> Outcome:
        ex = ctx.config.find(r"^password expire\s+", scope="any")
        if ex:
            return judge(ints(ex[-1], r"expire\s+(\d+)")[0], [ex[-1]], f"配置 {q(ex[-1])}")
        if aaa:
            return Outcome(REVIEW, [f"本地未配置口令有效期，使用集中认证 {q(aaa[0])}，需提供认证服务器"
                                    "口令策略"], aaa[:1])
        _val, note = default(ctx, "password_expire")
        o = absent(FAIL, f"未配置 local-aaa-user password policy administrator / password expire：{note}")
        o.by_default = True
        return o

    def login_lockout(self, ctx: Context, judge: LockoutJudge) -> Outcome:
        c = ctx.config
        off = c.find(r"^undo local-aaa-user wrong-password", scope="any")
        if off:
            return Outcome(FAIL, [f"关闭了登录失败锁定 {q(off[0])}"], off)
        on = c.find(r"^local-aaa-user wrong-password\b", scope="any")
        if on:
            ln = on[-1]
            n = ints(ln, r"retry-time\s+(\d+)")[0] if "retry-time" in ln.s else 3
            m = ints(ln, r"block-time\s+(\d+)")[0] if "block-time" in ln.s else 5
            return judge(n, m, [ln], f"配置 {q(ln)}")
        val, note = default(ctx, "wrong_password_lock")
        if val is None:
            return Outcome(REVIEW, [f"未配置 local-aaa-user wrong-password；{note}"], [], by_absence=True)
        if not val:
            return Outcome(FAIL, [f"未配置 local-aaa-user wrong-password，版本 {ctx.release} 缺省不锁定（{note}）"], [],
                           by_absence=True, by_default=True)
        o = judge(val["attempts"], val["minutes"], [], f"未显式配置，版本 {ctx.release} 按缺省"
                                                       f"（{note}）", by_default=True)
        o.by_absence = True
        return o

    def telnet_switch(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        c = ctx.config
        return (c.find(r"^(telnet server enable|undo telnet server disable|telnet server-source)"),
                c.find(r"^(undo telnet server enable|telnet server disable|undo telnet server-source all-interface)"))

    def cleartext_management(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^(http server enable|ftp server enable|FTP server enable)\b"))

    def ssh_users(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        users = ctx.config.find(r"^ssh user\s+\S+\s+authentication-type\s+")
        strong = [u for u in users if re.search(r"authentication-type\s+password-(rsa|ecc|dsa|x509v3-rsa|sm2)", u.s)]
        return users, strong

    def command_audit(self, ctx: Context) -> Outcome:
        cmd = ctx.config.find(r"^(cmd recording-scheme|recording-scheme)\s+\S+", scope="any")
        if cmd:
            return Outcome(PASS, [f"日志功能缺省开启；已配置命令行审计 {q(cmd[0])}"], cmd)
        return Outcome(PARTIAL, ["info-center 缺省开启（未见 undo info-center enable）；未配置 HWTACACS 命令行审"
                                    "计（recording-scheme）"], [], by_absence=True)


PLATFORM = HuaweiVrp()
