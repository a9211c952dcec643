"""H3C/HPE Comware (V5 and V7): line or user-interface views, local-user views, password-control for
complexity, ageing and lock-out, role-based accounts (user-role), `ssh server acl`."""

from __future__ import annotations

import re

from ..config import Line
from ..judge import Outcome, absent, ints, not_undo, q
from ..results import FAIL, PARTIAL, PASS, REVIEW
from .base import AgingJudge, Complexity, Context, LockoutJudge, SysnameDialect, default

ADMIN_ROLES = ("network-admin", "level-15", "mdc-admin", "context-admin")


class HpComware(SysnameDialect):
    name = "hp_comware"
    label = "Comware"
    known_words = frozenset((
        "sysname", "interface", "line", "user-interface", "local-user", "info-center", "snmp-agent", "acl",
        "ntp-service", "ssh", "telnet", "ip", "description", "authentication-mode", "password-control", "protocol",
        "idle-timeout", "rule", "shutdown", "undo", "return", "header", "version", "password", "service-type",
        "authorization-attribute", "user-role", "port", "vlan", "clock"))
    risky_services = (r"^ftp server enable", r"^ip http enable", r"^tftp-server\b")
    cleartext_transfer = (r"^ftp server enable", r"^tftp\b")
    # on Comware the lock-out lives in password-control, and without `password-control enable`
    # complexity and ageing go too
    weakness_extra = {"no_login_lockout": {"CE-04": "不符合", "CE-05": "不符合"}}

    def since_key(self, since: str) -> tuple[int, ...] | None:
        return self.release_key(f"{since}.0")  # the catalogue names a major version ("7")

    def line_views(self, ctx: Context, kinds: str) -> list[Line]:
        return ctx.config.views(rf"^(line|user-interface)\s+(class\s+)?({kinds})\b")

    def accounts(self, ctx: Context) -> dict[str, list[Line]]:
        out: dict[str, list[Line]] = {}
        for v in ctx.config.views(r"^local-user\s+\S+"):
            out.setdefault(v.s.split()[1], []).extend([v, *v.children])
        return out

    def account_class(self, text: str) -> str:
        roles = re.findall(r"user-role\s+(\S+)", text)
        if not roles:
            return "unspecified"
        return "admin" if any(r in ADMIN_ROLES for r in roles) else "other"

    def password_lines(self, ctx: Context) -> list[tuple[Line, str]]:
        out = []
        for ln in ctx.config.find(r"^(password|set authentication password|super password)\s+(\S+\s+)*"
                                  r"(hash|cipher|simple)\b", scope="any"):
            if not re.match(r"^(password|set authentication password|super password)\b", ln.s) or \
                    ln.s.startswith("password-control"):
                continue
            kind = re.search(r"\b(hash|cipher|simple)\b", ln.s).group(1)  # type: ignore[union-attr]
            out.append((ln, {"hash": "strong", "cipher": "reversible", "simple": "clear"}[kind]))
        return out

    def password_complexity(self, ctx: Context) -> Complexity | Outcome:
        c = ctx.config
        en = not_undo(c.find(r"^password-control enable"))
        if not en:
            return absent(FAIL, "未配置 password-control enable，口令复杂度未强制")
        lines = [en[0]]
        length, _ = default(ctx, "password_control_length")
        classes, _ = default(ctx, "password_control_classes")
        by_default = True
        ln = c.first(r"^password-control length\s+")
        if ln:
            length, by_default = ints(ln, r"length\s+(\d+)")[0], False
            lines.append(ln)
        cp = c.first(r"^password-control composition type-number\s+")
        if cp:
            classes, by_default = ints(cp, r"type-number\s+(\d+)")[0], False
            lines.append(cp)
        facts = [f"已启用 {q(en[0])}：最小长度 {length}、至少 {classes}"
                 " 类字符" + ("（未显式配置处取缺省值）" if by_default else "")]
        return Complexity(length, classes, lines, facts, by_default)

    def password_aging(self, ctx: Context, judge: AgingJudge, aaa: list[Line]) -> Outcome:
        c = ctx.config
        en = not_undo(c.find(r"^password-control enable"))
        if not en:
            if aaa:
                return Outcome(REVIEW, [f"未启用 password-control，使用集中认证 {q(aaa[0])}，需提供认证服务器"
                                        "口令策略"], aaa[:1])
            return absent(FAIL, "未启用 password-control，口令无有效期限制")
        ag = c.first(r"^password-control aging\s+")
        if ag:
            return judge(ints(ag, r"aging\s+(\d+)")[0], [en[0], ag], f"配置 {q(ag)}")
        days, note = default(ctx, "password_control_aging_days")
        return judge(days, [en[0]], f"已启用 {q(en[0])}，未配置 aging，按缺省（{note}）", by_default=True)

    def login_lockout(self, ctx: Context, judge: LockoutJudge) -> Outcome:
        c = ctx.config
        en = not_undo(c.find(r"^password-control enable"))
        if not en:
            return absent(FAIL, "未启用 password-control，无登录失败锁定")
        la = c.first(r"^password-control login-attempt\s+")
        if la:
            n = ints(la, r"login-attempt\s+(\d+)")[0]
            if "lock-time" in la.s:
                return judge(n, ints(la, r"lock-time\s+(\d+)")[0], [en[0], la], f"配置 {q(la)}")
            if re.search(r"exceed\s+unlock\b", la.s):
                return Outcome(PARTIAL, [f"配置 {q(la)}：超过次数后不锁定账户"], [en[0], la])
            if re.search(r"exceed\s+lock\b", la.s):
                return judge(n, None, [en[0], la], f"配置 {q(la)}")
            return judge(n, 1, [en[0], la], f"配置 {q(la)}（未指定锁定方式，缺省锁定 1 分钟）", by_default=True)
        val, note = default(ctx, "password_control_lock")
        return judge(val["attempts"], val["minutes"], [en[0]], f"已启用 {q(en[0])}，未配置 login-attempt（{note}）",
                     by_default=True)

    def vty_inbound_default(self, ctx: Context) -> tuple[str, str]:
        return "all", "Comware 缺省 protocol inbound all"

    def global_vty_acl(self, ctx: Context) -> list[Line]:
        return ctx.config.find(r"^ssh server acl\s+\S+")

    def cleartext_management(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^(ip http enable|ftp server enable)\b"))

    def ssh_users(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        users = ctx.config.find(r"^ssh user\s+\S+.*authentication-type\s+")
        return users, [u for u in users if re.search(r"authentication-type\s+password-publickey", u.s)]

    def command_audit(self, ctx: Context) -> Outcome:
        c = ctx.config
        deny = c.find(r"^info-center source SHELL\b.*\bdeny\b")
        if deny:
            return Outcome(PARTIAL, [f"{q(deny[0])} 屏蔽了命令行操作日志"], deny)
        acc = c.find(r"^command accounting\b", scope="any")
        return Outcome(PASS, ["info-center 缺省开启；SHELL 命令日志缺省记录每个用户的命令"
                              + (f"；并配置 {q(acc[0])}" if acc else "")], acc[:1], by_default=True, by_absence=True)


PLATFORM = HpComware()
