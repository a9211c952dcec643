"""What every platform's rule pack answers, and the default answers.

The rules (audit/rules.py) are written once and ask the device's platform (`ctx.dialect`) wherever
configs differ: which lines are the login lines, how a password is stored, which services are
cleartext. `Platform` answers in the IOS dialect (hostname / username / snmp-server / line vty /
`end`), which most platforms speak; `SysnameDialect` answers in the sysname / local-user /
snmp-agent / user-interface / `return` dialect. A platform module (audit/platforms/NAME.py)
subclasses one of them and overrides only what its platform does differently, netmiko style.

A check the platform's pack cannot judge yet answers 需人工核查 here, naming the platform (`label`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..config import Config, Line
from ..judge import Outcome, Unparseable, absent, child, not_undo, q
from ..results import FAIL, PARTIAL, PASS, REVIEW

# judge(days/attempts..., lines, how, by_default) as the rules build them for one check
AgingJudge = Callable[..., Outcome]
LockoutJudge = Callable[..., Outcome]


@dataclass
class Context:
    config: Config
    dialect: Platform
    release: str  # OS release string (config header or inventory)
    thresholds: dict[str, Any]
    defaults: dict[str, Any]
    hostname: str = ""
    role: str = ""
    room: str | None = None
    unit: str | None = None
    snapshot_at: dt.datetime | None = None
    now: dt.datetime | None = None
    runtime: dict[str, str] = field(default_factory=dict)  # command -> output
    spof: dict[str, int] | None = None  # hostname -> terminals lost when it fails (None: no topology)
    peers: list[str] = field(default_factory=list)  # same-role devices in the same room

    @property
    def platform(self) -> str:
        return self.dialect.name


def default(ctx: Context, name: str) -> tuple[Any, str]:
    """(value, note) of a platform default, resolved for the release; None value = release unknown."""
    spec = ctx.defaults.get(ctx.platform, {}).get(name)
    if spec is None:
        raise KeyError(f"no default {name} for {ctx.platform}")
    if "since" not in spec:
        return spec["value"], spec.get("note", "")
    have = ctx.dialect.release_key(ctx.release)
    since = ctx.dialect.since_key(str(spec["since"]))
    if have is None or since is None:
        return None, spec.get("note", "") + f"（版本 {ctx.release or '未知'} 无法判定缺省值）"
    return (spec["value"] if have >= since else spec.get("before")), spec.get("note", "")


def remote_aaa(ctx: Context) -> list[Line]:
    """Lines that send logins to a TACACS+/RADIUS server."""
    return ctx.config.find(r"^(hwtacacs-server template|hwtacacs scheme|radius-server template|radius scheme|"
                           r"tacacs server|tacacs-server host|radius server|aaa authentication login \S+ group)",
                           scope="any")


class Complexity(NamedTuple):
    """The password policy a config enforces, before it is held against the thresholds."""

    length: int
    classes: int
    lines: list[Line]
    facts: list[str]
    by_default: bool


class Platform:
    name: str = ""
    label: str = ""  # how records name the OS
    terminator_word = "end"
    hostname_word = "hostname"
    known_words: frozenset[str] = frozenset()
    # service / protocol patterns the rules look for
    risky_services: tuple[str, ...] = ()  # CE-17: services that should be off
    cleartext_transfer: tuple[str, ...] = ()  # CE-20: cleartext file/config transfer
    snmp_prefix = "snmp-server"
    trap_pattern = r"^snmp-server host\s+"
    timeout_word = "exec-timeout"  # CE-07: the login-line timeout command, and its default's name
    timeout_default = "exec_timeout_minutes"
    timestamps_configurable = True  # CE-14: log timestamps can be set to uptime only
    # checks this pack does not judge yet (always 需人工核查); lab weakness code -> extra checks it worsens
    not_judged: frozenset[str] = frozenset()
    weakness_extra: dict[str, dict[str, str]] = {}

    def __init__(self) -> None:
        self.terminator = re.compile(rf"^\s*{self.terminator_word}\s*$")
        self.hostname = re.compile(rf"^\s*{self.hostname_word}\s+(\S+)")

    # -- releases --------------------------------------------------------------------------------------
    def release_key(self, release: str) -> tuple[int, ...] | None:
        m = re.match(r"\s*(\d+)\.(\d+)", release)
        return (int(m.group(1)), int(m.group(2))) if m else None

    def since_key(self, since: str) -> tuple[int, ...] | None:
        """The key of a catalogue default's `since:` release."""
        return self.release_key(since)

    # -- login lines and accounts ----------------------------------------------------------------------
    def line_views(self, ctx: Context, kinds: str) -> list[Line]:
        return ctx.config.views(rf"^line\s+({kinds})\b")

    def accounts(self, ctx: Context) -> dict[str, list[Line]]:
        """Local account name -> the lines that configure it."""
        out: dict[str, list[Line]] = {}
        for ln in ctx.config.find(r"^username\s+\S+"):
            out.setdefault(ln.s.split()[1], []).append(ln)
        return out

    def account_class(self, text: str) -> str:
        """admin | other | unspecified, from the lines that configure one account (joined)."""
        m = re.search(r"privilege\s+(\d+)", text)
        level = int(m.group(1)) if m else 1
        return "admin" if level >= 15 else "other"

    def login_authentication(self, ctx: Context) -> Outcome:
        """CE-01: every login line identifies and authenticates the user."""
        views = self.line_views(ctx, "con|vty|aux|tty")
        if not views:
            return absent(REVIEW, "配置中未见 console/vty 线路视图，需现场核查各登录入口的鉴别方式")
        return self.judge_login_lines(ctx, views)

    def judge_login_lines(self, ctx: Context, views: list[Line]) -> Outcome:
        """CE-01 over the console/vty lines: login authentication / login local, else the aaa default list."""
        worst, facts, lines = PASS, [], []
        aaa = ctx.config.first(r"^aaa new-model")
        for v in views:
            la = child(v, r"^login authentication\s+\S+")
            ll = child(v, r"^login local$")
            nologin = child(v, r"^no login$")
            plain = child(v, r"^login$")
            if nologin:
                worst = FAIL
                facts.append(f"{v.s} 配置 {q(nologin[0])}，无需鉴别即可登录")
                lines += nologin
            elif la or ll:
                lines += la + ll
                facts.append(f"{v.s} 配置 {q((la + ll)[0])}，按用户鉴别")
            elif plain:
                worst = PARTIAL if worst == PASS else worst
                lines += plain
                facts.append(f"{v.s} 配置 {q(plain[0])}，仅线路口令，无用户身份")
            elif aaa is not None and ctx.config.first(r"^aaa authentication login default\s+(?!none\b)\S"):
                dflt = ctx.config.first(r"^aaa authentication login default")
                lines += [aaa, dflt] if dflt else [aaa]
                facts.append(f"{v.s}（第{v.no}行）未单独配置，适用 {q(aaa)} 与 {q(dflt)}，按用户鉴别" if dflt else "")
            elif v.s.startswith("line vty"):
                return Outcome(REVIEW, [f"{v.s}（第{v.no}行）未配置 login，需现场确认是否可登录"], [v])
            else:
                worst = FAIL
                facts.append(f"{v.s}（第{v.no}行）未配置任何登录鉴别")
                lines.append(v)
        return Outcome(worst, [f for f in facts if f], lines)

    # -- passwords -------------------------------------------------------------------------------------
    def password_kind(self, word: str, typ: str | None) -> str:
        """strong | reversible | clear of an IOS `secret`/`password` with its type number."""
        if word == "secret":
            return "strong" if typ in ("8", "9") else "reversible" if typ in ("5", None) else "clear"
        return "clear" if typ in ("0", None, "7") else "reversible"

    def password_lines(self, ctx: Context) -> list[tuple[Line, str]]:
        """(line, strength) for every stored password: strong | reversible | clear."""
        out = []
        c = ctx.config
        for ln in c.find(r"^(username\s+\S+.*\b(secret|password)\b|enable (secret|password)\b)") + \
                c.find(r"^password\b", scope=r"^line\b"):
            m = re.search(r"\b(secret|password)\s+(?:(\d)\s+)?\S+", ln.s)
            if not m:
                raise Unparseable(ln, "无法识别的口令格式")
            out.append((ln, self.password_kind(m.group(1), m.group(2))))
        return out

    def password_complexity(self, ctx: Context) -> Complexity | Outcome:
        return Outcome(REVIEW, [f"{self.label} 口令复杂度策略命令未纳入规则包（语法未经真实配置核实），需现场核查"
                                "口令策略"], [])

    def password_aging(self, ctx: Context, judge: AgingJudge, aaa: list[Line]) -> Outcome:
        return Outcome(REVIEW, [f"{self.label} 口令有效期命令未纳入规则包（语法未经真实配置核实）"
                                + (f"，使用集中认证 {q(aaa[0])}" if aaa else "") + "，需现场核查"], aaa[:1])

    def login_lockout(self, ctx: Context, judge: LockoutJudge) -> Outcome:
        return Outcome(REVIEW, [f"{self.label} 登录失败处理命令未纳入规则包（语法未经真实配置核实），需现场测试"
                                "连续错误口令登录的处理"], [])

    def plain_snmp_keys(self, ctx: Context) -> list[Line]:
        """SNMP communities stored in clear text."""
        return [ln for ln in not_undo(ctx.config.find(r"^snmp-server community\s+")) if " encrypted " not in ln.s]

    def default_communities(self, ctx: Context, names: set[str]) -> list[Line]:
        """Community lines whose community is one of the vendor defaults (lower-case `names`)."""
        return [ln for ln in not_undo(ctx.config.find(r"^snmp-server community\s+\S+"))
                if ln.s.split()[2].lower() in names]

    # -- Telnet ----------------------------------------------------------------------------------------
    def telnet_switch(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        """(on, off) lines of the Telnet server switch (the last one wins)."""
        c = ctx.config
        return c.find(r"^telnet server enable"), c.find(r"^undo telnet server enable")

    def telnet_server_on(self, ctx: Context) -> bool:
        """Whether the Telnet server itself listens (explicitly or by the release's default)."""
        on, off = self.telnet_switch(ctx)
        if on and not (off and off[-1].no > on[-1].no):
            return True
        if off:
            return False
        return bool(default(ctx, "telnet_server")[0])

    def telnet_usable(self, ctx: Context) -> tuple[bool | None, list[Line], list[str]]:
        """Can a user log in with Telnet? (None: cannot tell.) Cited lines and facts: the server
        switch, then every VTY's protocols."""
        facts: list[str] = []
        lines: list[Line] = []
        vtys = self.line_views(ctx, "vty")
        on, off = self.telnet_switch(ctx)
        if on and not (off and off[-1].no > on[-1].no):
            server, lines = True, [on[-1]]
            facts.append(f"已开启 Telnet 服务 {q(on[-1])}")
        elif off:
            server, lines = False, [off[-1]]
            facts.append(f"已关闭 Telnet 服务 {q(off[-1])}")
        else:
            server, note = default(ctx, "telnet_server")
            if server is None:
                return None, [], [f"未配置 Telnet 服务开关，{note}"]
            facts.append(f"未配置 Telnet 服务开关，按缺省{'开启' if server else '关闭'}（{note}）")
        if not server:
            return False, lines, facts
        return self.vtys_take_telnet(ctx, vtys, lines, facts)

    def vtys_take_telnet(self, ctx: Context, vtys: list[Line], lines: list[Line],
                         facts: list[str]) -> tuple[bool | None, list[Line], list[str]]:
        """With the server on: does some VTY accept Telnet?"""
        vty_telnet = False
        for v in vtys:
            takes, cited, fact = self.vty_takes_telnet(ctx, v)
            if takes is None:
                return None, [*lines, v], [*facts, fact]
            if cited is not None:
                lines.append(cited)
            if takes:
                vty_telnet = True
                facts.append(fact)
        if not vtys:
            vty_telnet = True
        if not vty_telnet:
            facts.append("所有 VTY 均仅允许 SSH，Telnet 服务虽开启但不能用于登录")
        return vty_telnet, lines, facts

    def vty_takes_telnet(self, ctx: Context, v: Line) -> tuple[bool | None, Line | None, str]:
        """(accepts Telnet or None: cannot tell, the line that says so, the fact) for one VTY."""
        t = child(v, r"^transport input\b")
        if t:
            if re.search(r"\b(telnet|all)\b", t[-1].s):
                return True, t[-1], f"{v.s} 配置 {q(t[-1])}，VTY 接受 Telnet"
            return False, t[-1], ""
        proto, note = default(ctx, "transport_input")
        if proto is None:
            return None, None, f"{v.s} 未配置 transport input，{note}"
        return proto == "all", None, f"{v.s}（第{v.no}行）未配置 transport input，缺省 all（{note}）"

    # -- management access -----------------------------------------------------------------------------
    def cleartext_management(self, ctx: Context) -> list[Line]:
        """CE-08: cleartext management services besides Telnet (HTTP, SSHv1...)."""
        return []

    def ssh_users(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        """CE-11: (SSH users, those needing a password and a key)."""
        return [], []

    def global_vty_acl(self, ctx: Context) -> list[Line]:
        """An ACL bound to every management login at once (none in the IOS dialect)."""
        return []

    def vty_acl(self, v: Line) -> tuple[list[Line], str | None]:
        """(the lines binding an ACL to the VTY, the ACL's name)."""
        a = child(v, r"^access-class\s+\S+\s+in\b")
        return a, (a[-1].s.split()[1] if a else None)

    def acl_restricts(self, ctx: Context, acl: str) -> tuple[bool, list[Line]]:
        """Whether ACL `acl` exists and is not a plain permit-any."""
        c = ctx.config
        views = c.views(rf"^ip access-list (standard|extended) {re.escape(acl)}$")
        rules = [ch for v in views for ch in v.children] + c.find(rf"^access-list {re.escape(acl)}\s")
        permit_any = [r for r in rules if re.search(r"\bpermit\s+(ip\s+)?any(\s|$)", r.s)]
        if not rules:
            return False, views
        return not permit_any, views + (permit_any or rules[:1])

    def snmp_has_acl(self, ln: Line) -> bool:
        """Whether one SNMP community/group line restricts its sources (`community X ro [acl]`)."""
        return bool(re.search(r"\baccess\s+\S+", ln.s) or (ln.s.startswith("snmp-server community")
                                                           and len(ln.s.split()) >= 5))

    # -- SNMP, logging, time, routing ------------------------------------------------------------------
    def snmp_versions(self, ctx: Context) -> tuple[set[str], list[Line]]:
        """SNMP versions the agent answers (v1/v2c/v3) and the lines that say so."""
        c, vers, lines = ctx.config, set(), []
        comm = not_undo(c.find(r"^snmp-server community"))
        if comm:
            vers |= {"v1", "v2c"}
            lines += comm
        v3 = c.find(r"^snmp-server (group \S+ v3|user \S+ \S+ v3)")
        if v3:
            vers.add("v3")
            lines += v3[:1]
        return vers, lines

    def ntp_servers(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^ntp server\s+\S+"))

    def loghosts(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^logging (host\s+\S+|\d+\.\d+\.\d+\.\d+)"))

    def command_audit(self, ctx: Context) -> Outcome:
        """CE-13 once logging is on: are the commands each user types recorded?"""
        c = ctx.config
        arch = c.find(r"^logging enable$", scope=r"^archive")
        acct = c.find(r"^aaa accounting commands\s+\d+")
        if arch or acct:
            return Outcome(PASS, [f"已配置逐用户命令审计 {q((arch + acct)[0])}"], arch + acct)
        return Outcome(PARTIAL, ["日志功能开启；未配置 archive log config 或 aaa accounting commands 命令审计"], [],
                       by_absence=True)

    def routing(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        """CE-22: (routing / gateway-redundancy protocols run, authentication lines)."""
        c = ctx.config
        protos = c.views(r"^router (ospf|bgp|eigrp|isis)\b") + c.find(r"^(standby|vrrp)\s+\d+\s+ip\b", scope="any")
        auth = c.find(r"(authentication message-digest|message-digest-key|\bpassword\b|authentication md5|"
                      r"authentication (text|key-chain))", scope="any")
        return protos, auth


class SysnameDialect(Platform):
    """sysname / local-user / snmp-agent / info-center / user-interface, configs ending in `return`."""

    terminator_word = "return"
    hostname_word = "sysname"
    snmp_prefix = "snmp-agent"
    trap_pattern = r"^snmp-agent target-host\s+"
    timeout_word = "idle-timeout"
    timeout_default = "idle_timeout_minutes"
    timestamps_configurable = False

    def judge_login_lines(self, ctx: Context, views: list[Line]) -> Outcome:
        """CE-01 over the user-interface/line views: authentication-mode aaa|scheme, password or none."""
        worst, facts, lines = PASS, [], []
        for v in views:
            modes = child(v, r"^authentication-mode\b")
            if not modes:
                return Outcome(REVIEW, [f"{v.s}（第{v.no}行）未配置 authentication-mode，缺省值因版本而异，需"
                                        "现场核查"], [v])
            m = modes[-1]
            lines.append(m)
            words = m.s.split()
            mode = words[1] if len(words) > 1 else ""
            if mode in ("aaa", "scheme"):
                facts.append(f"{v.s} 配置 {q(m)}，按用户鉴别")
            elif mode == "password":
                worst = PARTIAL if worst == PASS else worst
                facts.append(f"{v.s} 配置 {q(m)}，仅线路口令，无用户身份")
            elif mode == "none":
                worst = FAIL
                facts.append(f"{v.s} 配置 {q(m)}，无需鉴别即可登录")
            else:
                raise Unparseable(m, "未知的鉴别方式")
        return Outcome(worst, [f for f in facts if f], lines)

    def plain_snmp_keys(self, ctx: Context) -> list[Line]:
        return [ln for ln in not_undo(ctx.config.find(r"^snmp-agent community\s+(read|write)\s+"))
                if not re.search(r"\s(cipher)\s", ln.s)]

    def default_communities(self, ctx: Context, names: set[str]) -> list[Line]:
        cl = []
        for ln in not_undo(ctx.config.find(r"^snmp-agent community\s+(read|write)\s+")):
            words = ln.s.split()
            rest = words[3:]
            value = rest[1] if len(rest) > 1 and rest[0] in ("simple", "cipher") else rest[0] if rest else ""
            if words[3:4] != ["cipher"] and value.lower() in names:
                cl.append(ln)
        return cl

    def vty_inbound_default(self, ctx: Context) -> tuple[Any, str]:
        """(protocols a VTY accepts without `protocol inbound`, note)."""
        return default(ctx, "vty_protocol_inbound")

    def vty_takes_telnet(self, ctx: Context, v: Line) -> tuple[bool | None, Line | None, str]:
        p = child(v, r"^protocol inbound\b")
        if p:
            if re.search(r"\b(telnet|all)\b", p[-1].s):
                return True, p[-1], f"{v.s} 配置 {q(p[-1])}，VTY 接受 Telnet"
            return False, p[-1], ""
        proto, note = self.vty_inbound_default(ctx)
        if proto is None:
            return None, None, f"{v.s} 未配置 protocol inbound，{note}"
        return proto == "all", None, f"{v.s}（第{v.no}行）未配置 protocol inbound，缺省 {proto}（{note}）"

    def vty_acl(self, v: Line) -> tuple[list[Line], str | None]:
        a = child(v, r"^acl\s+(ipv6\s+)?(\S+\s+)?\S+\s+inbound\b")
        return a, (a[-1].s.split()[-2] if a else None)

    def acl_restricts(self, ctx: Context, acl: str) -> tuple[bool, list[Line]]:
        views = ctx.config.views(rf"^acl\s+(number\s+|basic\s+|advanced\s+|name\s+)?{re.escape(acl)}\b")
        rules = [ch for v in views for ch in v.children if ch.s.startswith("rule")]
        permit_any = [r for r in rules if re.search(r"\bpermit\b", r.s) and "source" not in r.s]
        if not rules:
            return False, views
        return not permit_any, views + (permit_any or rules[:1])

    def snmp_has_acl(self, ln: Line) -> bool:
        return bool(re.search(r"\bacl\s+\S+", ln.s))

    def snmp_versions(self, ctx: Context) -> tuple[set[str], list[Line]]:
        c, vers, lines = ctx.config, set(), []
        for ln in not_undo(c.find(r"^snmp-agent sys-info version")):
            words = ln.s.split()[3:]
            vers |= {"v1", "v2c", "v3"} if "all" in words else {w for w in words if w in ("v1", "v2c", "v3")}
            lines.append(ln)
        comm = not_undo(c.find(r"^snmp-agent community"))
        if comm and not lines:
            vers |= {"v2c"}  # a community with no version line: v1/v2c answered (pre-V200R010 default all)
            lines += comm
        v3 = c.find(r"^snmp-agent (usm-user v3|group v3)")
        if v3:
            vers.add("v3")
            lines += v3[:1]
        return vers, lines

    def ntp_servers(self, ctx: Context) -> list[Line]:
        return not_undo(ctx.config.find(r"^(ntp-service unicast-server|ntp unicast-server|ntp server)\s+\S+"))

    def loghosts(self, ctx: Context) -> list[Line]:
        return [ln for ln in ctx.config.find(r"^info-center loghost\s+\S+")
                if not re.match(r"^info-center loghost (source|threshold)\b", ln.s)]

    def routing(self, ctx: Context) -> tuple[list[Line], list[Line]]:
        c = ctx.config
        protos = c.views(r"^(ospf|bgp|isis)\b") + c.find(r"^vrrp vrid\s+\d+\s+virtual-ip\b", scope="any")
        auth = c.find(r"(authentication-mode\s+(md5|hmac|simple|keychain)|peer\s+\S+\s+password|vrrp vrid\s+\d+\s+"
                      r"authentication-mode)", scope="any")
        return protos, auth


__all__ = ["AgingJudge", "Complexity", "Context", "LockoutJudge", "Platform", "SysnameDialect", "default", "remote_aaa"]
