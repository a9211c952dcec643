"""Decision rules, one function per catalogue `rule`, each handling huawei_vrp / hp_comware / cisco_ios.

A rule reads a parsed config (and, for a few checks, the archive, inventory or topology facts in the
context) and returns an `Outcome`: the result, the facts for the 结果记录 draft and the config lines
that decide it. A rule never guesses: a value it cannot read raises `Unparseable(line)`, and a
result concluded from something being *absent* is flagged `by_absence` so that a truncated config
turns it into 需人工核查 instead of a verdict."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .catalogue import FAIL, NA, PARTIAL, PASS, REVIEW
from .config import Config, Line


class Unparseable(Exception):
    def __init__(self, line: Line, why: str = "") -> None:
        super().__init__(f"{line.cite()} {why}")
        self.line, self.why = line, why


@dataclass
class Outcome:
    result: str
    facts: list[str]
    lines: list[Line] = field(default_factory=list)
    by_absence: bool = False  # concluded because a command is missing: needs the whole config
    by_default: bool = False  # decided by a platform default not shown in the config


@dataclass
class Context:
    config: Config
    platform: str
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


RULES: dict[str, Callable[[Context], Outcome]] = {}
# Ruijie RGOS and ZTE ZXROS read like IOS (hostname, username … privilege, snmp-server, ntp server, access
# lists); where their syntax differs the rules below branch on the platform.
IOS_LIKE = ("cisco_ios", "ruijie_os", "zte_zxros")


def rule(fn: Callable[[Context], Outcome]) -> Callable[[Context], Outcome]:
    RULES[fn.__name__] = fn
    return fn


# ------------------------------------------------------------------------------------------ helpers
def q(ln: Line) -> str:
    """A config line as quoted in 结果记录 (secrets are masked later, on the whole record)."""
    return f"`{ln.masked()}`（第{ln.no}行）"


def ints(ln: Line, pattern: str) -> tuple[int, ...]:
    m = re.search(pattern, ln.s)
    if not m:
        raise Unparseable(ln, "无法识别的参数")
    try:
        return tuple(int(g) if g is not None else -1 for g in m.groups())
    except ValueError as exc:
        raise Unparseable(ln, "参数不是数字") from exc


def release_key(platform: str, release: str) -> tuple[int, ...] | None:
    if platform == "huawei_vrp":
        m = re.search(r"V(\d{3})R(\d{3})", release)
        return (int(m.group(1)), int(m.group(2))) if m else None
    if platform == "hp_comware":
        m = re.match(r"\s*(\d+)\.(\d+)", release)
        return (int(m.group(1)), int(m.group(2))) if m else None
    if platform == "zte_zxros":
        m = re.search(r"V(\d+)\.(\d+)", release)
        return (int(m.group(1)), int(m.group(2))) if m else None
    m = re.match(r"\s*(\d+)\.(\d+)", release)
    return (int(m.group(1)), int(m.group(2))) if m else None


def default(ctx: Context, name: str) -> tuple[Any, str]:
    """(value, note) of a platform default, resolved for the release; None value = release unknown."""
    spec = ctx.defaults.get(ctx.platform, {}).get(name)
    if spec is None:
        raise KeyError(f"no default {name} for {ctx.platform}")
    if "since" not in spec:
        return spec["value"], spec.get("note", "")
    have = release_key(ctx.platform, ctx.release)
    since = release_key(ctx.platform, spec["since"] if ctx.platform != "hp_comware" else f"{spec['since']}.0")
    if have is None or since is None:
        return None, spec.get("note", "") + f"（版本 {ctx.release or '未知'} 无法判定缺省值）"
    return (spec["value"] if have >= since else spec.get("before")), spec.get("note", "")


def line_views(ctx: Context, kinds: str = "con|vty|aux|tty") -> list[Line]:
    if ctx.platform == "huawei_vrp":
        return ctx.config.views(rf"^user-interface\s+(maxvty\s+)?({kinds})\b") if kinds else []
    if ctx.platform == "hp_comware":
        return ctx.config.views(rf"^(line|user-interface)\s+(class\s+)?({kinds})\b")
    if ctx.platform == "zte_zxros":
        return _zte_line_views(ctx, kinds)
    return ctx.config.views(rf"^line\s+({kinds})\b")


def _zte_line_views(ctx: Context, kinds: str) -> list[Line]:
    """ZXROS sets each login line with one-line global commands (`line telnet idle-timeout 10`). They are
    grouped into one view per line kind whose children keep their own line numbers, so the IOS-style
    per-view logic reads them. The telnet line also governs SSH sessions (it is the VTY)."""
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
        view = views.setdefault(kind, Line(no=ln.no, text=f"line {kind}", indent=0, platform=ctx.platform))
        view.children.append(Line(no=ln.no, text=" " + m.group(2), indent=1, platform=ctx.platform, parent=view))
    return list(views.values())


def child(view: Line, pattern: str) -> list[Line]:
    rx = re.compile(pattern)
    return [c for c in view.children if rx.search(c.s)]


def not_undo(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if not ln.s.startswith(("undo ", "no "))]


def accounts(ctx: Context) -> dict[str, list[Line]]:
    """Local account name -> the lines that configure it."""
    out: dict[str, list[Line]] = {}
    c = ctx.config
    if ctx.platform == "huawei_vrp":
        for ln in c.find(r"^local-user\s+\S+", scope="any"):
            if ln.s.startswith("local-user") and not ln.s.startswith("local-user password policy"):
                out.setdefault(ln.s.split()[1], []).append(ln)
    elif ctx.platform == "hp_comware":
        for v in c.views(r"^local-user\s+\S+"):
            out.setdefault(v.s.split()[1], []).extend([v, *v.children])
    else:
        for ln in c.find(r"^username\s+\S+"):
            out.setdefault(ln.s.split()[1], []).append(ln)
    return out


def remote_aaa(ctx: Context) -> list[Line]:
    return ctx.config.find(r"^(hwtacacs-server template|hwtacacs scheme|radius-server template|radius scheme|"
                           r"tacacs server|tacacs-server host|radius server|aaa authentication login \S+ group)",
                           scope="any")


def snmp_versions(ctx: Context) -> tuple[set[str], list[Line]]:
    """SNMP versions the agent answers (v1/v2c/v3) and the lines that say so."""
    c, vers, lines = ctx.config, set(), []
    if ctx.platform == "zte_zxros":  # `snmp-server version v2c enable`
        for ln in not_undo(c.find(r"^snmp-server version\s+(v1|v2c|v3)\b")):
            vers.add(ln.s.split()[2])
            lines.append(ln)
    if ctx.platform in ("huawei_vrp", "hp_comware"):
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
    else:
        comm = not_undo(c.find(r"^snmp-server community"))
        if comm:
            vers |= {"v1", "v2c"}
            lines += comm
        v3 = c.find(r"^snmp-server (group \S+ v3|user \S+ \S+ v3)")
        if v3:
            vers.add("v3")
            lines += v3[:1]
    return vers, lines


def _telnet_switch(ctx: Context) -> tuple[list[Line], list[Line]]:
    """(on, off) lines of the Telnet server switch (the last one wins)."""
    c = ctx.config
    if ctx.platform == "huawei_vrp":
        return (c.find(r"^(telnet server enable|undo telnet server disable|telnet server-source)"),
                c.find(r"^(undo telnet server enable|telnet server disable|undo telnet server-source all-interface)"))
    if ctx.platform == "ruijie_os":
        return c.find(r"^enable service telnet-server\b"), c.find(r"^no enable service telnet-server\b")
    if ctx.platform == "zte_zxros":
        return c.find(r"^telnet server enable\b"), c.find(r"^(no telnet server enable|telnet server disable)\b")
    return c.find(r"^telnet server enable"), c.find(r"^undo telnet server enable")


def telnet_server_on(ctx: Context) -> bool:
    """Whether the Telnet server itself listens (explicitly or by the release's default)."""
    if ctx.platform == "cisco_ios":
        return bool(telnet_usable(ctx)[0])
    on, off = _telnet_switch(ctx)
    if on and not (off and off[-1].no > on[-1].no):
        return True
    if off:
        return False
    return bool(default(ctx, "telnet_server")[0])


def telnet_usable(ctx: Context) -> tuple[bool | None, list[Line], list[str]]:
    """Can a user log in with Telnet? (None: cannot tell.) Cited lines and facts."""
    facts, lines = [], []
    vtys = line_views(ctx, "vty")
    if ctx.platform == "cisco_ios":
        usable = False
        for v in vtys:
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
    # VRP / Comware / RGOS / ZXROS: the server switch, then every VTY's protocol inbound / transport input.
    on, off = _telnet_switch(ctx)
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
    if ctx.platform == "zte_zxros":  # no per-line protocol: the telnet line takes whatever the server accepts
        return True, lines, facts
    vty_telnet = False
    for v in vtys:
        if ctx.platform == "ruijie_os":
            t = child(v, r"^transport input\b")
            if t:
                lines.append(t[-1])
                if re.search(r"\b(telnet|all)\b", t[-1].s):
                    vty_telnet = True
                    facts.append(f"{v.s} 配置 {q(t[-1])}，VTY 接受 Telnet")
                continue
            proto, note = default(ctx, "transport_input")
            if proto is None:
                return None, [*lines, v], [*facts, f"{v.s} 未配置 transport input，{note}"]
            if proto == "all":
                vty_telnet = True
                facts.append(f"{v.s}（第{v.no}行）未配置 transport input，缺省 all（{note}）")
            continue
        p = child(v, r"^protocol inbound\b")
        if p:
            lines.append(p[-1])
            if re.search(r"\b(telnet|all)\b", p[-1].s):
                vty_telnet = True
                facts.append(f"{v.s} 配置 {q(p[-1])}，VTY 接受 Telnet")
        else:
            if ctx.platform == "huawei_vrp":
                proto, note = default(ctx, "vty_protocol_inbound")
            else:
                proto, note = ("all", "Comware 缺省 protocol inbound all")
            if proto is None:
                return None, [*lines, v], [*facts, f"{v.s} 未配置 protocol inbound，{note}"]
            if proto == "all":
                vty_telnet = True
                facts.append(f"{v.s}（第{v.no}行）未配置 protocol inbound，缺省 {proto}（{note}）")
    if not vtys:
        vty_telnet = True
    if not vty_telnet:
        facts.append("所有 VTY 均仅允许 SSH，Telnet 服务虽开启但不能用于登录")
    return vty_telnet, lines, facts


def acl_restricts(ctx: Context, acl: str) -> tuple[bool, list[Line]]:
    """Whether ACL `acl` exists and is not a plain permit-any."""
    c = ctx.config
    if ctx.platform == "zte_zxros":
        views = c.views(rf"^(ipv4-access-list|ipv6-access-list|acl (standard|extended|basic) (number|name)) "
                        rf"{re.escape(acl)}$")
        rules = [ch for v in views for ch in v.children if ch.s.startswith("rule")]
        permit_any = [r for r in rules if re.search(r"\bpermit\s+(ip\s+)?any(\s|$)", r.s)]
    elif ctx.platform in ("cisco_ios", "ruijie_os"):
        views = c.views(rf"^ip access-list (standard|extended) {re.escape(acl)}$")
        rules = [ch for v in views for ch in v.children] + c.find(rf"^access-list {re.escape(acl)}\s")
        permit_any = [r for r in rules if re.search(r"\bpermit\s+(ip\s+)?any(\s|$)", r.s)]
    else:
        views = c.views(rf"^acl\s+(number\s+|basic\s+|advanced\s+|name\s+)?{re.escape(acl)}\b")
        rules = [ch for v in views for ch in v.children if ch.s.startswith("rule")]
        permit_any = [r for r in rules if re.search(r"\bpermit\b", r.s) and "source" not in r.s]
    if not rules:
        return False, views
    return not permit_any, views + (permit_any or rules[:1])


def ntp_servers(ctx: Context) -> list[Line]:
    if ctx.platform in IOS_LIKE:
        return not_undo(ctx.config.find(r"^ntp server\s+\S+"))
    return not_undo(ctx.config.find(r"^(ntp-service unicast-server|ntp unicast-server|ntp server)\s+\S+"))


def loghosts(ctx: Context) -> list[Line]:
    if ctx.platform == "ruijie_os":
        return not_undo(ctx.config.find(r"^logging (server\s+\S+|\d+\.\d+\.\d+\.\d+)"))
    if ctx.platform == "zte_zxros":
        return not_undo(ctx.config.find(r"^(syslog-server host|logging host)\s+\S+"))
    if ctx.platform == "cisco_ios":
        return not_undo(ctx.config.find(r"^logging (host\s+\S+|\d+\.\d+\.\d+\.\d+)"))
    return [ln for ln in ctx.config.find(r"^info-center loghost\s+\S+")
            if not re.match(r"^info-center loghost (source|threshold)\b", ln.s)]


def absent(result: str, fact: str) -> Outcome:
    return Outcome(result, [fact], [], by_absence=True)


# ------------------------------------------------------------------------------------------- rules
@rule
def login_authentication(ctx: Context) -> Outcome:
    if ctx.platform == "zte_zxros":
        # ZXROS has no password-only or open login line: every login checks a user (local or AAA)
        accs, aaa = accounts(ctx), remote_aaa(ctx)
        if not accs and not aaa:
            return absent(REVIEW, "配置中未见本地用户或认证模板，需现场核查登录鉴别方式")
        cited = [v[0] for v in accs.values()][:2] + aaa[:1]
        return Outcome(PASS, [f"ZXROS 所有登录入口均按用户名/口令鉴别：{q(cited[0])}"], cited)
    views = line_views(ctx)
    if not views:
        return absent(REVIEW, "配置中未见 console/vty 线路视图，需现场核查各登录入口的鉴别方式")
    worst, facts, lines = PASS, [], []
    aaa = ctx.config.first(r"^aaa new-model") if ctx.platform in IOS_LIKE else None
    for v in views:
        if ctx.platform in IOS_LIKE:
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
            continue
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


@rule
def unique_accounts(ctx: Context) -> Outcome:
    accs, aaa = accounts(ctx), remote_aaa(ctx)
    if not accs and not aaa:
        return absent(FAIL, "未配置任何本地用户或集中认证，无法区分管理员身份")
    generic = sorted(n for n in accs if n.lower() in {g.lower() for g in ctx.thresholds["generic_account_names"]})
    facts = [f"本地账户：{', '.join(sorted(accs)) or '无'}" + (f"；集中认证 {q(aaa[0])}" if aaa else "")]
    lines = [accs[n][0] for n in sorted(accs)] + aaa[:1]
    if generic:
        facts.append(f"存在通用账户名 {', '.join(generic)}，需对照人员岗位表确认一人一号、无共享账户")
        return Outcome(REVIEW, facts, lines)
    facts.append("账户名均非通用名，需与人员岗位表核对一一对应")
    return Outcome(PASS, facts, lines)


def _password_lines(ctx: Context) -> list[tuple[Line, str]]:
    """(line, strength) for every stored password: strong | reversible | clear."""
    out = []
    c = ctx.config
    if ctx.platform == "huawei_vrp":
        for ln in c.find(r"\bpassword\s+(irreversible-cipher|cipher|simple)\b", scope="any") + \
                c.find(r"^set authentication password\s+(cipher|simple)\b", scope="any"):
            kind = re.search(r"\b(irreversible-cipher|cipher|simple)\b", ln.s).group(1)
            out.append((ln, {"irreversible-cipher": "strong", "cipher": "reversible", "simple": "clear"}[kind]))
    elif ctx.platform == "hp_comware":
        for ln in c.find(r"^(password|set authentication password|super password)\s+(\S+\s+)*(hash|cipher|simple)\b",
                         scope="any"):
            if not re.match(r"^(password|set authentication password|super password)\b", ln.s) or \
                    ln.s.startswith("password-control"):
                continue
            kind = re.search(r"\b(hash|cipher|simple)\b", ln.s).group(1)
            out.append((ln, {"hash": "strong", "cipher": "reversible", "simple": "clear"}[kind]))
    elif ctx.platform == "zte_zxros":
        # `password encrypted <x>` is ZXROS's stored (reversible) form; a bare `password <x>` is clear text
        for ln in c.find(r"^(username\s+\S+\s+password\b|enable secret\b)"):
            if ln.s.startswith("enable secret"):
                out.append((ln, "reversible"))
            else:
                out.append((ln, "reversible" if re.search(r"\bpassword\s+encrypted\s+\S", ln.s) else "clear"))
    else:
        for ln in c.find(r"^(username\s+\S+.*\b(secret|password)\b|enable (secret|password)\b)") + \
                c.find(r"^password\b", scope=r"^line\b"):
            m = re.search(r"\b(secret|password)\s+(?:(\d)\s+)?\S+", ln.s)
            if not m:
                raise Unparseable(ln, "无法识别的口令格式")
            word, typ = m.group(1), m.group(2)
            if ctx.platform == "ruijie_os" and word == "password":
                # RGOS stores local-user passwords as type 0 or 7 only: 7 is its reversible encryption
                out.append((ln, "reversible" if typ == "7" else "clear"))
            elif word == "secret":
                out.append((ln, "strong" if typ in ("8", "9") else "reversible" if typ in ("5", None) else "clear"))
            else:
                out.append((ln, "clear" if typ in ("0", None, "7") else "reversible"))
    return out


@rule
def password_storage(ctx: Context) -> Outcome:
    pw = _password_lines(ctx)
    if not pw:
        return absent(NA if remote_aaa(ctx) else REVIEW, "配置中未见本地口令（可能仅集中认证），需核查认证服务器"
                                                         "口令存储")
    clear = [ln for ln, k in pw if k == "clear"]
    rev = [ln for ln, k in pw if k == "reversible"]
    if clear:
        return Outcome(FAIL, [f"口令明文或可逆弱加密保存：{'；'.join(q(ln) for ln in clear)}"], clear)
    if rev:
        return Outcome(PARTIAL, [f"口令以可逆方式保存：{'；'.join(q(ln) for ln in rev)}"], rev)
    return Outcome(PASS, [f"全部 {len(pw)} 处口令以不可逆散列保存，如 {q(pw[0][0])}"], [ln for ln, _ in pw])


@rule
def password_complexity(ctx: Context) -> Outcome:
    c, t = ctx.config, ctx.thresholds
    need_len, need_cls = t["password_min_length"], t["password_min_classes"]
    if ctx.platform == "huawei_vrp":
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
        by_default = not lines
    elif ctx.platform == "hp_comware":
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
    elif ctx.platform == "zte_zxros":
        return Outcome(REVIEW, ["ZXROS 口令复杂度策略命令未纳入规则包（语法未经真实配置核实），需现场核查"
                                "口令策略"], [])
    elif ctx.platform == "ruijie_os":
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
        by_default = False
    else:
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
        facts = [f"口令策略：最小长度 {length}、至少 {classes} 类字符"]
        by_default = False
    ok_len, ok_cls = length >= need_len, classes >= need_cls
    verdict = PASS if ok_len and ok_cls else PARTIAL if ok_len or ok_cls else FAIL
    facts.append(f"阈值：长度≥{need_len}、字符类别≥{need_cls}")
    return Outcome(verdict, facts, lines, by_default=by_default)


@rule
def password_aging(ctx: Context) -> Outcome:
    c, max_age = ctx.config, ctx.thresholds["password_max_age_days"]
    aaa = remote_aaa(ctx)

    def judge(days: int, lines: list[Line], how: str, by_default: bool = False) -> Outcome:
        if days == 0:
            return Outcome(FAIL, [f"{how}：口令永不过期"], lines, by_default=by_default)
        ok = days <= max_age
        return Outcome(PASS if ok else PARTIAL, [f"{how}：口令有效期 {days} 天（阈值≤{max_age} 天）"], lines,
                       by_default=by_default)

    if ctx.platform == "huawei_vrp":
        ex = c.find(r"^password expire\s+", scope="any")
        if ex:
            return judge(ints(ex[-1], r"expire\s+(\d+)")[0], [ex[-1]], f"配置 {q(ex[-1])}")
        if aaa:
            return Outcome(REVIEW, [f"本地未配置口令有效期，使用集中认证 {q(aaa[0])}，需提供认证服务器"
                                    "口令策略"], aaa[:1])
        _val, note = default(ctx, "password_expire")
        o = absent(FAIL, f"未配置 local-aaa-user password policy administrator / password expire：{note}")
        o.by_default = True
        return o
    if ctx.platform == "hp_comware":
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
    if ctx.platform == "zte_zxros":
        return Outcome(REVIEW, ["ZXROS 口令有效期命令未纳入规则包（语法未经真实配置核实）"
                                + (f"，使用集中认证 {q(aaa[0])}" if aaa else "") + "，需现场核查"], aaa[:1])
    if ctx.platform == "ruijie_os":
        lc = not_undo(c.find(r"^password policy life-cycle\s+"))
        if lc:
            return judge(ints(lc[-1], r"life-cycle\s+(\d+)")[0], lc[-1:], f"配置 {q(lc[-1])}")
        if aaa:
            return Outcome(REVIEW, [f"本地未配置口令有效期，使用集中认证 {q(aaa[0])}，需提供认证服务器口令策略"],
                           aaa[:1])
        return absent(FAIL, "未配置 password policy life-cycle，RGOS 本地口令缺省永不过期")
    life = c.find(r"^lifetime\s+", scope=r"^aaa common-criteria policy")
    if life:
        days = ints(life[-1], r"days\s+(\d+)")[0] if "days" in life[-1].s else -1
        if days < 0:
            raise Unparseable(life[-1], "需要 lifetime days N")
        return judge(days, life[-1:], f"配置 {q(life[-1])}")
    return Outcome(REVIEW, ["经典 IOS 无本地口令有效期机制" + (f"，使用集中认证 {q(aaa[0])}" if aaa else "") +
                            "，需提供 AAA 服务器口令有效期策略或管理制度证据"], aaa[:1])


@rule
def login_lockout(ctx: Context) -> Outcome:
    c, t = ctx.config, ctx.thresholds
    max_att, min_min = t["lockout_max_attempts"], t["lockout_min_minutes"]

    def judge(attempts: int, minutes: float | None, lines: list[Line], how: str, by_default: bool = False) -> Outcome:
        lock = "永久锁定（需管理员解锁）" if minutes is None else f"锁定 {minutes:g} 分钟"
        ok = attempts <= max_att and (minutes is None or minutes >= min_min)
        return Outcome(PASS if ok else PARTIAL, [f"{how}：连续 {attempts} 次失败后{lock}（阈值：≤{max_att} 次、"
                                                 f"≥{min_min} 分钟）"],
                       lines, by_default=by_default)

    if ctx.platform == "huawei_vrp":
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
    if ctx.platform == "hp_comware":
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
    if ctx.platform == "zte_zxros":
        return Outcome(REVIEW, ["ZXROS 登录失败处理命令未纳入规则包（语法未经真实配置核实），需现场测试"
                                "连续错误口令登录的处理"], [])
    if ctx.platform == "ruijie_os":
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


@rule
def idle_timeout(ctx: Context) -> Outcome:
    views = line_views(ctx, "con|vty|aux")
    limit = ctx.thresholds["idle_timeout_max_minutes"]
    if not views:
        return absent(REVIEW, "配置中未见 console/vty 线路视图，需现场核查会话超时")
    name = "exec_timeout_minutes" if ctx.platform in ("cisco_ios", "ruijie_os") else "idle_timeout_minutes"
    dflt, note = default(ctx, name)
    word = "exec-timeout" if ctx.platform in ("cisco_ios", "ruijie_os") else "idle-timeout"
    worst, facts, lines, by_default = PASS, [], [], False
    for v in views:
        off = child(v, r"^no exec-timeout$") if word == "exec-timeout" else []
        it = child(v, rf"^{word}\b")
        if off:
            worst = FAIL
            facts.append(f"{v.s} 配置 {q(off[0])}，会话永不超时")
            lines += off
            continue
        if not it and dflt is None:  # the default is not known for this platform/release
            return Outcome(REVIEW, [*facts, f"{v.s}（第{v.no}行）未配置 {word}：{note}"], [*lines, v])
        if not it:
            by_default = True
            facts.append(f"{v.s}（第{v.no}行）未配置 {word}，缺省 {dflt} 分钟（{note}）")
            if dflt > limit:
                worst = PARTIAL if worst == PASS else worst
            continue
        ln = it[-1]
        lines.append(ln)
        m = re.match(rf"^{word}\s+(\d+)(?:\s+(\d+))?\s*$", ln.s)
        if not m:
            raise Unparseable(ln, "无法识别的超时参数")
        minutes = int(m.group(1)) + int(m.group(2) or 0) / 60
        if minutes == 0:
            worst = FAIL
            facts.append(f"{v.s} 配置 {q(ln)}，会话永不超时")
        elif minutes > limit:
            worst = PARTIAL if worst == PASS else worst
            facts.append(f"{v.s} 配置 {q(ln)}，超时 {minutes:g} 分钟，超过阈值 {limit} 分钟")
        else:
            facts.append(f"{v.s} 配置 {q(ln)}，{minutes:g} 分钟无操作自动退出")
    return Outcome(worst, facts, lines, by_default=by_default)


@rule
def encrypted_management(ctx: Context) -> Outcome:
    c = ctx.config
    telnet, lines, facts = telnet_usable(ctx)
    telnet_lines = list(lines)
    bad = []
    if telnet is None:
        return Outcome(REVIEW, [*facts, "无法据配置判定 Telnet 是否可用，需端口扫描确认"], lines)
    if telnet:
        bad.append("Telnet")
    if ctx.platform == "huawei_vrp":
        extra = not_undo(c.find(r"^(http server enable|ftp server enable|FTP server enable)\b"))
    elif ctx.platform == "hp_comware":
        extra = not_undo(c.find(r"^(ip http enable|ftp server enable)\b"))
    elif ctx.platform == "ruijie_os":
        extra = not_undo(c.find(r"^(enable service web-server|ip http server)\b")) + c.find(r"^ip ssh version 1\b")
    elif ctx.platform == "zte_zxros":
        extra = not_undo(c.find(r"^(http server enable|ssh server version 1)\b"))
    else:
        extra = not_undo(c.find(r"^ip http server\b"))
        v1 = c.find(r"^ip ssh version 1\b")
        extra += v1
    for ln in extra:
        bad.append(ln.s)
        facts.append(f"开启明文管理服务 {q(ln)}")
    lines += extra
    vers, snmp_lines = snmp_versions(ctx)
    if vers & {"v1", "v2c"}:
        bad.append("SNMPv1/v2c")
        facts.append(f"SNMP 使用明文团体字（{'/'.join(sorted(vers & {'v1', 'v2c'}))}）：{q(snmp_lines[0])}")
        lines += snmp_lines[:2]
    elif "v3" in vers:
        facts.append(f"SNMP 仅 v3：{q(snmp_lines[0])}")
        lines += snmp_lines[:1]
    ssh = c.find(r"^(stelnet server enable|ssh server enable|ip ssh version 2|enable service ssh-server)\b")
    if ssh:
        facts.append(f"已启用 SSH：{q(ssh[0])}")
        lines += ssh[:1]
    if bad:
        o = Outcome(FAIL, [*facts, f"存在明文远程管理方式：{', '.join(bad)}（高风险项候选）"], lines)
        # Telnet concluded from a default alone (no switch, no VTY line seen) needs the whole config
        o.by_absence = bad == ["Telnet"] and not telnet_lines
        return o
    o = Outcome(PASS, [*facts, "远程管理仅使用加密协议"], lines)
    o.by_absence = True  # "no cleartext service" rests on the whole config having been read
    return o


@rule
def two_factor(ctx: Context) -> Outcome:
    c = ctx.config
    if ctx.platform == "huawei_vrp":
        users = c.find(r"^ssh user\s+\S+\s+authentication-type\s+")
        strong = [u for u in users if re.search(r"authentication-type\s+password-(rsa|ecc|dsa|x509v3-rsa|sm2)", u.s)]
    elif ctx.platform == "hp_comware":
        users = c.find(r"^ssh user\s+\S+.*authentication-type\s+")
        strong = [u for u in users if re.search(r"authentication-type\s+password-publickey", u.s)]
    else:
        users, strong = [], []
    if users and len(strong) == len(users):
        return Outcome(PASS, [f"SSH 用户均要求口令+公钥：{q(strong[0])}"], strong)
    facts = [f"SSH 用户仅单因素：{q(u)}" for u in users if u not in strong] or ["设备本地仅口令鉴别"]
    vty_ok, lines = _vty_acl(ctx)
    if vty_ok:
        return Outcome(REVIEW, [*facts, "VTY 已绑定 ACL 限制管理源地址，需确认仅双因素堡垒机可达设备管理地址（需结合"
                                        "访谈/现场测试确认）"],
                       lines + users[:1])
    o = Outcome(FAIL, [*facts, "管理面未限制来源，任何地址均可仅凭口令登录"], lines + users[:1])
    o.by_absence = True
    return o


def _vty_acl(ctx: Context) -> tuple[bool, list[Line]]:
    """True when every VTY is bound to a restricting ACL (Comware also: ssh server acl)."""
    vtys = line_views(ctx, "vty")
    if not vtys:
        return False, []
    lines, ok = [], True
    glob = ctx.config.find(r"^ssh server acl\s+\S+") if ctx.platform == "hp_comware" else []
    for v in vtys:
        if ctx.platform in ("cisco_ios", "ruijie_os"):
            a = child(v, r"^access-class\s+\S+\s+in\b")
            name = a[-1].s.split()[1] if a else None
        elif ctx.platform == "zte_zxros":  # `line telnet access-class ipv4 <acl>`
            a = child(v, r"^access-class\s+(ipv4\s+)?\S+\s*$")
            name = a[-1].s.split()[-1] if a else None
        else:
            a = child(v, r"^acl\s+(ipv6\s+)?(\S+\s+)?\S+\s+inbound\b")
            name = a[-1].s.split()[-2] if a else None
        if not a and glob:
            a, name = glob[-1:], glob[-1].s.split()[-1]
        if not a:
            ok = False
            lines.append(v)
            continue
        restricts, acl_lines = acl_restricts(ctx, name)
        lines += a[-1:] + acl_lines[:1]
        ok = ok and restricts
    return ok, lines


@rule
def default_accounts(ctx: Context) -> Outcome:
    c, t = ctx.config, ctx.thresholds
    comms = set(x.lower() for x in t["default_communities"])
    if ctx.platform in IOS_LIKE:
        cl = [ln for ln in not_undo(c.find(r"^snmp-server community\s+\S+"))
              if ln.s.split()[2].lower() in comms]
    else:
        cl = []
        for ln in not_undo(c.find(r"^snmp-agent community\s+(read|write)\s+")):
            words = ln.s.split()
            rest = words[3:]
            value = rest[1] if len(rest) > 1 and rest[0] in ("simple", "cipher") else rest[0] if rest else ""
            if words[3:4] != ["cipher"] and value.lower() in comms:
                cl.append(ln)
    if cl:
        return Outcome(FAIL, [f"使用默认 SNMP 团体字 {q(cl[0])}，默认口令可用（高风险项候选）"], cl)
    names = set(x.lower() for x in t["default_account_names"])
    accs = accounts(ctx)
    dflt = sorted(n for n in accs if n.lower() in names)
    if dflt:
        return Outcome(PARTIAL, [f"保留厂商默认账户名 {', '.join(dflt)}（{q(accs[dflt[0]][0])}），口令已修改为非默认"
                                 "值（散列保存），"
                                 "需现场确认默认口令不可登录"], [accs[n][0] for n in dflt])
    o = Outcome(PASS, [f"未发现默认账户名与默认团体字；本地账户：{', '.join(sorted(accs)) or '无'}"],
                [v[0] for v in accs.values()])
    o.by_absence = True
    return o


@rule
def least_privilege(ctx: Context) -> Outcome:
    accs = accounts(ctx)
    if not accs:
        return absent(REVIEW, "无本地账户，权限由集中认证授权，需提供 AAA 授权策略与角色矩阵")
    admin, other, unspecified = [], [], []
    for name, lines in accs.items():
        text = " ".join(ln.s for ln in lines)
        if ctx.platform == "huawei_vrp":
            m = re.search(r"privilege level\s+(\d+)", text)
            level = int(m.group(1)) if m else None
            (unspecified if level is None else admin if level >= 3 else other).append(name)
        elif ctx.platform == "hp_comware":
            roles = re.findall(r"user-role\s+(\S+)", text)
            if not roles:
                unspecified.append(name)
            elif any(r in ("network-admin", "level-15", "mdc-admin", "context-admin") for r in roles):
                admin.append(name)
            else:
                other.append(name)
        else:
            m = re.search(r"privilege\s+(\d+)", text)
            level = int(m.group(1)) if m else 1
            (admin if level >= 15 else other).append(name)
    facts = [f"管理员级账户：{', '.join(sorted(admin)) or '无'}；非管理员角色账户：{', '.join(sorted(other)) or '无'}"
             + (f"；未显式授权账户：{', '.join(sorted(unspecified))}" if unspecified else "")]
    lines = [accs[n][0] for n in sorted(accs)]
    if admin and other:
        return Outcome(PASS, [*facts, "存在与管理员分离的审计/只读角色账户"], lines)
    if len(accs) >= 2:
        return Outcome(PARTIAL, [*facts, "有多个账户，但未实现系统/审计/安全管理员权限分离"], lines)
    return Outcome(FAIL, [*facts, "仅一个全权账户，未实现权限分离"], lines)


@rule
def audit_enabled(ctx: Context) -> Outcome:
    c = ctx.config
    off = c.find(r"^(undo info-center enable|no logging on)\b")
    if off:
        return Outcome(FAIL, [f"关闭了日志功能 {q(off[0])}"], off)
    if ctx.platform == "huawei_vrp":
        cmd = c.find(r"^(cmd recording-scheme|recording-scheme)\s+\S+", scope="any")
        if cmd:
            return Outcome(PASS, [f"日志功能缺省开启；已配置命令行审计 {q(cmd[0])}"], cmd)
        o = Outcome(PARTIAL, ["info-center 缺省开启（未见 undo info-center enable）；未配置 HWTACACS 命令行审计（reco"
                              "rding-scheme）"], [])
    elif ctx.platform == "hp_comware":
        deny = c.find(r"^info-center source SHELL\b.*\bdeny\b")
        if deny:
            return Outcome(PARTIAL, [f"{q(deny[0])} 屏蔽了命令行操作日志"], deny)
        acc = c.find(r"^command accounting\b", scope="any")
        o = Outcome(PASS, ["info-center 缺省开启；SHELL 命令日志缺省记录每个用户的命令"
                           + (f"；并配置 {q(acc[0])}" if acc else "")], acc[:1], by_default=True)
    else:
        arch = c.find(r"^logging enable$", scope=r"^archive")
        acct = c.find(r"^aaa accounting commands\s+\d+")
        if arch or acct:
            return Outcome(PASS, [f"已配置逐用户命令审计 {q((arch + acct)[0])}"], arch + acct)
        o = Outcome(PARTIAL, ["日志功能开启；未配置 archive log config 或 aaa accounting commands 命令审计"], [])
    o.by_absence = True
    return o


@rule
def audit_timestamps(ctx: Context) -> Outcome:
    c, facts, lines = ctx.config, [], []
    if ctx.platform in ("cisco_ios", "ruijie_os"):
        ts = c.find(r"^(no )?service timestamps log\b")
        if ts and (ts[-1].s.startswith("no ") or "uptime" in ts[-1].s):
            return Outcome(FAIL, [f"{q(ts[-1])}：日志时间戳仅为运行时长，无日期时间"], ts[-1:])
        if not ts:
            return absent(PARTIAL, "未显式配置 service timestamps log datetime，需确认日志包含日期时间")
        facts.append(f"日志时间戳含日期时间 {q(ts[-1])}")
        lines += ts[-1:]
    else:
        facts.append("日志时间戳缺省包含日期和时间")
    ntp = ntp_servers(ctx)
    if ntp:
        return Outcome(PASS, [*facts, f"时钟经 NTP 同步 {q(ntp[0])}"], lines + ntp[:1])
    return Outcome(PARTIAL, [*facts, "未配置 NTP，设备时钟未与统一时间源同步，审计记录时间可"
                                     "能不准确"], lines, by_absence=True)


@rule
def remote_syslog(ctx: Context) -> Outcome:
    hosts = loghosts(ctx)
    if hosts:
        return Outcome(PASS, [f"日志发送至远程日志服务器"
                              f" {q(hosts[0])}" + (f" 等 {len(hosts)} 台" if len(hosts) > 1 else ""),
                              "日志平台接收与留存情况见 SMC-04"], hosts)
    return absent(FAIL, "未配置远程日志服务器，审计记录仅保存在设备本地缓存，可被覆盖")


@rule
def unneeded_services(ctx: Context) -> Outcome:
    c = ctx.config
    telnet, tl, tf = telnet_usable(ctx)
    found, lines, _facts = [], [], []
    if ctx.platform == "huawei_vrp":
        pats = [r"^ftp server enable", r"^FTP server enable", r"^tftp-server\b", r"^http server enable",
                r"^(ntdp|ndp|cluster) enable"]
    elif ctx.platform == "hp_comware":
        pats = [r"^ftp server enable", r"^ip http enable", r"^tftp-server\b"]
    elif ctx.platform == "ruijie_os":
        pats = [r"^enable service web-server\b", r"^ip http server", r"^ftp-server enable", r"^tftp-server\b"]
    elif ctx.platform == "zte_zxros":
        pats = [r"^ftp-server enable", r"^tftp-server enable", r"^http server enable"]
    else:
        pats = [r"^service (tcp|udp)-small-servers", r"^ip http server", r"^(ip finger|service finger)",
                r"^ip bootp server", r"^service pad", r"^ip source-route"]
    for p in pats:
        for ln in not_undo(c.find(p)):
            found.append(ln.s)
            lines.append(ln)
    vers, sl = snmp_versions(ctx)
    if vers & {"v1", "v2c"}:
        found.append("SNMPv1/v2c")
        lines += sl[:1]
    if telnet is None:
        return Outcome(REVIEW, [*tf, "需端口扫描确认 Telnet 端口状态"], tl)
    server_on = telnet_server_on(ctx)
    if telnet:
        found.append("Telnet")
        lines += tl
    if found:
        return Outcome(FAIL, [f"开启高危/不必要服务：{'、'.join(found)}"] + [f"{q(ln)}" for ln in lines[:4]], lines)
    if server_on:
        return Outcome(PARTIAL, [*tf, "Telnet 服务处于开启状态但 VTY 仅允许 SSH，建议关闭服务"], tl)
    o = Outcome(PASS, ["未发现 Telnet/FTP/TFTP/HTTP/SNMPv1-v2c 等高危服务", *tf], tl)
    o.by_absence = True
    return o


@rule
def management_acl(ctx: Context) -> Outcome:
    c = ctx.config
    if not line_views(ctx, "vty"):
        return absent(REVIEW, "配置中未见 VTY 线路，需现场核查管理接入限制")
    vty_ok, lines = _vty_acl(ctx)
    facts = [("所有 VTY 已绑定 ACL 限制管理源地址：" if vty_ok else "VTY 未绑定有效 ACL，任何地址均可发起管理连接：")
             + "；".join(q(ln) for ln in lines[:3])]
    snmp = (not_undo(c.find(r"^snmp-server (community|group)\s+")) if ctx.platform in IOS_LIKE
            else not_undo(c.find(r"^snmp-agent (community|group)\s+")))
    open_snmp = []
    for ln in snmp:
        if ctx.platform == "zte_zxros":  # `community X view V ro` has no ACL; ZXROS binds one by name
            has = re.search(r"\b(access|ipv4-access-list|acl)\s+\S+", ln.s)
        elif ctx.platform == "ruijie_os":  # `community X ro [acl]`
            has = re.search(r"\baccess\s+\S+", ln.s) or (ln.s.startswith("snmp-server community")
                                                         and len(ln.s.split()) >= 5)
        else:
            has = re.search(r"\bacl\s+\S+", ln.s) if ctx.platform != "cisco_ios" else (
                re.search(r"\baccess\s+\S+", ln.s) or (ln.s.startswith("snmp-server community")
                                                       and len(ln.s.split()) >= 5))
        if not has:
            open_snmp.append(ln)
    if open_snmp:
        facts.append(f"SNMP 未绑定 ACL：{q(open_snmp[0])}")
        lines += open_snmp[:2]
    elif snmp:
        facts.append(f"SNMP 已绑定 ACL：{q(snmp[0])}")
    if not vty_ok:
        return Outcome(FAIL, facts, lines)
    return Outcome(PARTIAL if open_snmp else PASS, facts, lines)


@rule
def known_vulnerabilities(ctx: Context) -> Outcome:
    rel = ctx.release.strip()
    if not rel:
        return Outcome(REVIEW, ["未取得软件版本，需执行 display version / show version"], [])
    listed = [v for v in ctx.thresholds["vulnerable_releases"] if v and v in rel]
    if listed:
        return Outcome(FAIL, [f"软件版本 {rel} 在评估机构列出的高危漏洞版本清单中（{listed[0]}）"], [])
    return Outcome(REVIEW, [f"软件版本 {rel}，需对照厂商安全公告（PSIRT）与漏洞扫描报告确认无未修补高危漏洞（需结合访"
                            "谈/现场测试确认）"], [])


@rule
def transfer_crypto(ctx: Context) -> Outcome:
    c = ctx.config
    telnet, tl, tf = telnet_usable(ctx)
    if telnet is None:
        return Outcome(REVIEW, tf, tl)
    bad, lines = [], []
    if telnet:
        bad.append("Telnet")
        lines += tl
    pats = {"huawei_vrp": [r"^(ftp|FTP) server enable", r"transport-type (ftp|tftp)\b"],
            "hp_comware": [r"^ftp server enable", r"^tftp\b"],
            "cisco_ios": [r"^path (ftp|tftp):"], "ruijie_os": [r"^ftp-server enable", r"^tftp-server\b"],
            "zte_zxros": [r"^ftp-server enable", r"^tftp-server enable"]}[ctx.platform]
    for p in pats:
        for ln in not_undo(c.find(p, scope="any")):
            bad.append(ln.s)
            lines.append(ln)
    vers, sl = snmp_versions(ctx)
    if vers & {"v1", "v2c"}:
        bad.append("SNMPv1/v2c")
        lines += sl[:1]
    if bad:
        return Outcome(FAIL, [f"鉴别/配置数据以明文协议传输：{'、'.join(bad)}"] + [q(ln) for ln in lines[:3]], lines)
    ssh = c.find(r"^(stelnet server enable|ssh server enable|sftp server enable|ip ssh version 2|ip scp server enable|"
                 r"enable service ssh-server)")
    o = Outcome(PASS, ["管理与配置传输仅使用加密协议" + (f"：{q(ssh[0])}" if ssh else "")]
                + ([f"SNMPv3：{q(sl[0])}"] if "v3" in vers and sl else []), ssh[:1] + sl[:1])
    o.by_absence = True
    return o


@rule
def at_rest_secrets(ctx: Context) -> Outcome:
    pw = _password_lines(ctx)
    c = ctx.config
    plain_keys = []
    if ctx.platform in IOS_LIKE:  # ZXROS may store it `encrypted`
        plain_keys = [ln for ln in not_undo(c.find(r"^snmp-server community\s+")) if " encrypted " not in ln.s]
    else:
        for ln in not_undo(c.find(r"^snmp-agent community\s+(read|write)\s+")):
            if not re.search(r"\s(cipher)\s", ln.s):
                plain_keys.append(ln)
    clear = [ln for ln, k in pw if k == "clear"] + plain_keys
    rev = [ln for ln, k in pw if k == "reversible"]
    if clear:
        return Outcome(FAIL, [f"鉴别数据明文存储：{'；'.join(q(ln) for ln in clear[:3])}"], clear)
    if rev:
        return Outcome(PARTIAL, [f"鉴别数据可逆加密存储：{'；'.join(q(ln) for ln in rev[:3])}"], rev)
    if not pw:
        return absent(REVIEW, "配置中未见本地鉴别数据，需核查认证服务器存储方式")
    o = Outcome(PASS, [f"口令均以散列保存（{q(pw[0][0])}），密钥以密文保存"], [ln for ln, _ in pw][:3])
    o.by_absence = True
    return o


@rule
def config_backup(ctx: Context) -> Outcome:
    if ctx.snapshot_at is None:
        return Outcome(FAIL, ["本系统未归档该设备配置"], [])
    now = ctx.now or dt.datetime.now(dt.UTC)
    at = ctx.snapshot_at if ctx.snapshot_at.tzinfo else ctx.snapshot_at.replace(tzinfo=dt.UTC)
    hours = (now - at).total_seconds() / 3600
    limit = ctx.thresholds["backup_max_age_hours"]
    when = at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    if hours > limit:
        return Outcome(FAIL, [f"最近一次配置归档于 {when}（{hours:.0f} 小时前），超过 {limit} 小时"], [])
    return Outcome(PARTIAL, [f"本系统于 {when} 归档当前配置（含 SHA-256 校验值），归档库位于管理区",
                             "需补充配置恢复测试记录与异地（另一节点机房）副本证据"], [])


@rule
def hot_redundancy(ctx: Context) -> Outcome:
    if ctx.unit:
        return Outcome(NA, [f"单位侧设备（{ctx.unit}），不属于边界路由器/边界防火墙/核心交换机"], [])
    if ctx.spof is None:
        return Outcome(REVIEW, ["未取得拓扑分析结果，需核查冗余部署"], [])
    lost = ctx.spof.get(ctx.hostname, 0)
    if lost:
        return Outcome(FAIL, [f"N-1 仿真：{ctx.hostname} 单独故障将导致 {lost} 台终端中断，为单点故障"], [])
    if ctx.peers:
        return Outcome(PARTIAL, [f"同机房同角色冗余设备：{', '.join(ctx.peers)}；N-1 仿真该设备故障不中断终端",
                                 "需补充切换演练记录（8.1.10.13）"], [])
    return Outcome(PARTIAL, ["N-1 仿真该设备故障不中断终端，但未识别同角色冗余对端，需补充冗余机制与演练证据"], [])


@rule
def central_monitoring(ctx: Context) -> Outcome:
    c = ctx.config
    vers, sl = snmp_versions(ctx)
    trap = (c.find(r"^snmp-agent target-host\s+") if ctx.platform not in IOS_LIKE
            else c.find(r"^snmp-server host\s+"))
    if not vers:
        return absent(FAIL, "未开启 SNMP，设备未纳入集中监测")
    v3_trap = bool(trap) and ("v3" in trap[0].s.split() or "version 3" in trap[0].s)
    if "v3" in vers and v3_trap:
        return Outcome(PASS, [f"SNMPv3 采集与告警：{q(sl[0])}；{q(trap[0])}"], sl[:1] + trap[:1])
    return Outcome(PARTIAL, [f"已开启 SNMP（{'/'.join(sorted(vers))}）：{q(sl[0])}" if sl else "已开启 SNMP",
                             "未配置 SNMPv3 告警目标主机，需提供网管系统对该设备与线路的监测"
                             "覆盖报告"], sl[:1] + trap[:1])


@rule
def central_log_retention(ctx: Context) -> Outcome:
    hosts = loghosts(ctx)
    if not hosts:
        return absent(FAIL, "设备未向日志平台发送日志，无法集中分析与留存")
    return Outcome(REVIEW, [f"设备日志发送至 {q(hosts[0])}",
                            "需提供日志平台留存策略截图与该设备最早一条记录（≥180 天，网络安全法第二十一条）（需结合"
                            "访谈/现场测试确认）"],
                   hosts)


@rule
def time_sync(ctx: Context) -> Outcome:
    c = ctx.config
    ntp = ntp_servers(ctx)
    if not ntp:
        return absent(FAIL, "未配置 NTP 时钟源")
    auth = c.find(r"^(ntp-service authentication enable|ntp authenticate)\b")
    status = next((out for cmd, out in ctx.runtime.items() if "ntp" in cmd), "")
    synced = bool(re.search(r"clock status:\s*synchronized|Clock is synchronized", status, re.I))
    facts = [f"配置 NTP 时钟源 {q(ntp[0])}"]
    if auth and synced:
        return Outcome(PASS, [*facts, f"已启用 NTP 认证 {q(auth[0])}，运行状态已同步"], ntp[:1] + auth[:1])
    if auth:
        return Outcome(PASS, [*facts, f"已启用 NTP 认证 {q(auth[0])}"], ntp[:1] + auth[:1])
    return Outcome(PARTIAL, [*facts, "未启用 NT"
                                     "P 认证" + ("，运行状态已同步" if synced else "，未取得同步状态输出")], ntp[:1])


@rule
def routing_auth(ctx: Context) -> Outcome:
    c = ctx.config
    if ctx.platform in IOS_LIKE:
        protos = c.views(r"^router (ospf|bgp|eigrp|isis)\b") + c.find(r"^(standby|vrrp)\s+\d+\s+ip\b", scope="any")
        auth = c.find(r"(authentication message-digest|message-digest-key|\bpassword\b|authentication md5|"
                      r"authentication (text|key-chain))", scope="any")
    else:
        protos = c.views(r"^(ospf|bgp|isis)\b") + c.find(r"^vrrp vrid\s+\d+\s+virtual-ip\b", scope="any")
        auth = c.find(r"(authentication-mode\s+(md5|hmac|simple|keychain)|peer\s+\S+\s+password|vrrp vrid\s+\d+\s+"
                      r"authentication-mode)", scope="any")
    if not protos:
        return absent(NA, "未运行 OSPF/BGP/IS-IS/VRRP/HSRP 等动态路由或网关冗余协议")
    if auth:
        return Outcome(PASS, [f"运行 {q(protos[0])}，已配置认证 {q(auth[0])}"], protos[:1] + auth[:1])
    return Outcome(FAIL, [f"运行 {q(protos[0])}，未配置协议认证"], protos[:1])


PHYS = re.compile(r"^interface\s+(GigabitEthernet|XGigabitEthernet|Ten-GigabitEthernet|TenGigabitEthernet|"
                  r"FastEthernet|Ethernet|25GE|40GE|100GE|FortyGigE|HundredGigE|gei-|xgei-|xxvgei-|cgei-)"
                  r" ?\S*$")  # RGOS: `interface GigabitEthernet 0/1`


@rule
def idle_ports(ctx: Context) -> Outcome:
    ports = [v for v in ctx.config.lines if v.indent == 0 and PHYS.match(v.s)]
    if not ports:
        return absent(REVIEW, "配置中无物理端口，需现场核查闲置端口")
    idle = [v for v in ports if not child(v, r"^(description|ip address|shutdown|port|switchport|channel-group|"
                                             r"eth-trunk|port link-aggregation)\b")]
    idle = [v for v in idle if not child(v, r"^(description|ip address \d)") and not child(v, r"^shutdown$")]
    if idle:
        return Outcome(PARTIAL, [f"{len(idle)} 个物理端口无描述、无地址且未 shutdown"
                                 f"：{'、'.join(v.s.split()[1] for v in idle[:5])}"],
                       idle[:5])
    o = Outcome(PASS, [f"{len(ports)} 个物理端口均有用途描述/地址或已关闭"], ports[:1])
    o.by_absence = True
    return o
