"""Decision rules, one function per catalogue `rule`, written once for every platform.

A rule reads a parsed config (and, for a few checks, the archive, inventory or topology facts in the
context) and returns an `Outcome` (audit/judge.py): the result, the facts for the 结果记录 draft and the
config lines that decide it. Where configs differ between platforms a rule asks the device's platform
(`ctx.dialect`, audit/platforms/NAME.py); nothing here names a platform."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from .config import Line
from .judge import Outcome, Unparseable, absent, child, not_undo, q
from .platforms.base import Context, default, remote_aaa
from .results import FAIL, NA, PARTIAL, PASS, REVIEW

RULES: dict[str, Callable[[Context], Outcome]] = {}


def rule(fn: Callable[[Context], Outcome]) -> Callable[[Context], Outcome]:
    RULES[fn.__name__] = fn
    return fn


# ------------------------------------------------------------------ what the platform answers, by name
def line_views(ctx: Context, kinds: str = "con|vty|aux|tty") -> list[Line]:
    return ctx.dialect.line_views(ctx, kinds)


def accounts(ctx: Context) -> dict[str, list[Line]]:
    return ctx.dialect.accounts(ctx)


def snmp_versions(ctx: Context) -> tuple[set[str], list[Line]]:
    return ctx.dialect.snmp_versions(ctx)


def telnet_server_on(ctx: Context) -> bool:
    return ctx.dialect.telnet_server_on(ctx)


def telnet_usable(ctx: Context) -> tuple[bool | None, list[Line], list[str]]:
    return ctx.dialect.telnet_usable(ctx)


def acl_restricts(ctx: Context, acl: str) -> tuple[bool, list[Line]]:
    return ctx.dialect.acl_restricts(ctx, acl)


def ntp_servers(ctx: Context) -> list[Line]:
    return ctx.dialect.ntp_servers(ctx)


def loghosts(ctx: Context) -> list[Line]:
    return ctx.dialect.loghosts(ctx)


def _password_lines(ctx: Context) -> list[tuple[Line, str]]:
    return ctx.dialect.password_lines(ctx)


# ------------------------------------------------------------------------------------------- rules
@rule
def login_authentication(ctx: Context) -> Outcome:
    return ctx.dialect.login_authentication(ctx)


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
    t = ctx.thresholds
    need_len, need_cls = t["password_min_length"], t["password_min_classes"]
    policy = ctx.dialect.password_complexity(ctx)
    if isinstance(policy, Outcome):
        return policy
    length, classes, lines, facts, by_default = policy
    ok_len, ok_cls = length >= need_len, classes >= need_cls
    verdict = PASS if ok_len and ok_cls else PARTIAL if ok_len or ok_cls else FAIL
    facts.append(f"阈值：长度≥{need_len}、字符类别≥{need_cls}")
    return Outcome(verdict, facts, lines, by_default=by_default)


@rule
def password_aging(ctx: Context) -> Outcome:
    max_age = ctx.thresholds["password_max_age_days"]

    def judge(days: int, lines: list[Line], how: str, by_default: bool = False) -> Outcome:
        if days == 0:
            return Outcome(FAIL, [f"{how}：口令永不过期"], lines, by_default=by_default)
        ok = days <= max_age
        return Outcome(PASS if ok else PARTIAL, [f"{how}：口令有效期 {days} 天（阈值≤{max_age} 天）"], lines,
                       by_default=by_default)

    return ctx.dialect.password_aging(ctx, judge, remote_aaa(ctx))


@rule
def login_lockout(ctx: Context) -> Outcome:
    t = ctx.thresholds
    max_att, min_min = t["lockout_max_attempts"], t["lockout_min_minutes"]

    def judge(attempts: int, minutes: float | None, lines: list[Line], how: str, by_default: bool = False) -> Outcome:
        lock = "永久锁定（需管理员解锁）" if minutes is None else f"锁定 {minutes:g} 分钟"
        ok = attempts <= max_att and (minutes is None or minutes >= min_min)
        return Outcome(PASS if ok else PARTIAL, [f"{how}：连续 {attempts} 次失败后{lock}（阈值：≤{max_att} 次、"
                                                 f"≥{min_min} 分钟）"],
                       lines, by_default=by_default)

    return ctx.dialect.login_lockout(ctx, judge)


@rule
def idle_timeout(ctx: Context) -> Outcome:
    views = line_views(ctx, "con|vty|aux")
    limit = ctx.thresholds["idle_timeout_max_minutes"]
    if not views:
        return absent(REVIEW, "配置中未见 console/vty 线路视图，需现场核查会话超时")
    dflt, note = default(ctx, ctx.dialect.timeout_default)
    word = ctx.dialect.timeout_word
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
    extra = ctx.dialect.cleartext_management(ctx)
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
    users, strong = ctx.dialect.ssh_users(ctx)
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
    """True when every VTY is bound to a restricting ACL (or the platform's one global management ACL)."""
    vtys = line_views(ctx, "vty")
    if not vtys:
        return False, []
    lines, ok = [], True
    glob = ctx.dialect.global_vty_acl(ctx)
    for v in vtys:
        a, name = ctx.dialect.vty_acl(v)
        if not a and glob:
            a, name = glob[-1:], glob[-1].s.split()[-1]
        if not a:
            ok = False
            lines.append(v)
            continue
        restricts, acl_lines = acl_restricts(ctx, name)  # type: ignore[arg-type]
        lines += a[-1:] + acl_lines[:1]
        ok = ok and restricts
    return ok, lines


@rule
def default_accounts(ctx: Context) -> Outcome:
    t = ctx.thresholds
    comms = set(x.lower() for x in t["default_communities"])
    cl = ctx.dialect.default_communities(ctx, comms)
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
        kind = ctx.dialect.account_class(text)
        (admin if kind == "admin" else other if kind == "other" else unspecified).append(name)
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
    off = ctx.config.find(r"^(undo info-center enable|no logging on)\b")
    if off:
        return Outcome(FAIL, [f"关闭了日志功能 {q(off[0])}"], off)
    return ctx.dialect.command_audit(ctx)


@rule
def audit_timestamps(ctx: Context) -> Outcome:
    c, facts, lines = ctx.config, [], []
    if ctx.dialect.timestamps_configurable:
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
    found, lines = [], []
    for p in ctx.dialect.risky_services:
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
    snmp = not_undo(c.find(rf"^{ctx.dialect.snmp_prefix} (community|group)\s+"))
    open_snmp = [ln for ln in snmp if not ctx.dialect.snmp_has_acl(ln)]
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
    for p in ctx.dialect.cleartext_transfer:
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
    plain_keys = ctx.dialect.plain_snmp_keys(ctx)
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
    trap = c.find(ctx.dialect.trap_pattern)
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
    protos, auth = ctx.dialect.routing(ctx)
    if not protos:
        return absent(NA, "未运行 OSPF/BGP/IS-IS/VRRP/HSRP 等动态路由或网关冗余协议")
    if auth:
        return Outcome(PASS, [f"运行 {q(protos[0])}，已配置认证 {q(auth[0])}"], protos[:1] + auth[:1])
    return Outcome(FAIL, [f"运行 {q(protos[0])}，未配置协议认证"], protos[:1])


PHYS = re.compile(r"^interface\s+(GigabitEthernet|XGigabitEthernet|Ten-GigabitEthernet|TenGigabitEthernet|"
                  r"FastEthernet|Ethernet|25GE|40GE|100GE|FortyGigE|HundredGigE|gei-|xgei-|xxvgei-|cgei-|"
                  r"gei_|fei_|xgei_)"
                  r" ?\S*$")  # RGOS: `interface GigabitEthernet 0/1`; ZXR10 ROS V4: `interface gei_1/1`


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
