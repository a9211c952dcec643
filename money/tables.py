"""The money report as plain tables (title, Chinese headers, rounded values). The CLI prints them
with rich and the workbook writes them with openpyxl, so both show the same numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from inventory.models import CHINA_TZ

from .allocation import ROLE_ZH, RULES
from .assessment import SEVERITY_ZH
from .backup_value import gib
from .report import MoneyReport

# Column kinds → decimals shown (and stored in the workbook).
PLACES = {"year": 0, "wan": 2, "wan4": 4, "yuan": 2, "hours": 2, "pct": 3, "gib": 2, "points": 2, "int": 0,
          "text": None}
KIND_ZH = {"failover": "切换至备用运营商", "reroute": "同运营商冗余", "outage": "中断（无备份）",
           "backup-down": "备用线路中断", "infrastructure": "骨干/上联"}


CASH_COLS = [
    ("支付年度", "year"),
    ("科目", "text"),
    ("运营商", "text"),
    ("调整前预算（万元）", "wan"),
    ("调整后预算（万元）", "wan"),
    ("决算数（万元）", "wan"),
    ("支付凭证合计（万元）", "wan"),
    ("所付服务年度", "text"),
    ("备注", "text"),
]
ACCRUAL_COLS = [
    ("服务年度", "year"),
    ("运营商", "text"),
    ("服务年度费用（万元）", "wan"),
    ("支付年度及金额", "text"),
    ("支付凭证", "text"),
    ("合同年费（万元）", "wan"),
]
ANOMALY_COLS = [
    ("异常类型", "text"),
    ("代码", "text"),
    ("年度", "year"),
    ("运营商", "text"),
    ("对象", "text"),
    ("金额（万元）", "wan"),
    ("原因", "text"),
]
SUMMARY_COLS = [
    ("运营商", "text"),
    ("服务年度费用（万元）", "wan"),
    ("服务单位数", "int"),
    ("服务终端数", "int"),
    ("每单位成本（万元）", "wan4"),
    ("每终端成本（元）", "yuan"),
]
ROLE_COLS = [
    ("运营商", "text"),
    ("费用用途", "text"),
    ("金额（万元）", "wan"),
]
RULE_COLS = [
    ("规则", "text"),
    ("说明", "text"),
    ("服务年度费用（万元）", "wan"),
    ("各单位合计（万元）", "wan"),
    ("每单位成本（万元）", "wan4"),
    ("每终端成本（元）", "yuan"),
    ("最高单位（万元）", "text"),
]
BACKUP_COLS = [
    ("年度", "year"),
    ("备用网费用（万元）", "wan"),
    ("受保护单位", "int"),
    ("受保护终端", "int"),
    ("切换次数", "int"),
    ("切换时长（小时）", "hours"),
    ("无备份中断次数", "int"),
    ("备用线路流量（GiB）", "gib"),
    ("无备份期望中断（单位·小时/年）", "hours"),
    ("有备份期望中断（单位·小时/年）", "hours"),
    ("避免中断（单位·小时/年）", "hours"),
    ("每受保护单位（万元）", "wan4"),
    ("每受保护终端（元）", "yuan"),
    ("每避免中断小时（万元）", "wan4"),
    ("结论", "text"),
]
PROTECTED_COLS = [
    ("单位代码", "text"),
    ("单位名称", "text"),
    ("终端数", "int"),
    ("状态", "text"),
    ("联通中断时承载的电信线路", "text"),
]
EVENT_COLS = [
    ("线路", "text"),
    ("单位代码", "text"),
    ("单位名称", "text"),
    ("类型", "text"),
    ("中断时间", "text"),
    ("恢复时间", "text"),
    ("时长（小时）", "hours"),
    ("承载线路", "text"),
    ("记录设备", "text"),
]
ASSESS_COLS = [
    ("运营商", "text"),
    ("考核类别", "text"),
    ("事件数", "int"),
    ("扣分", "points"),
    ("计入扣分（封顶后）", "points"),
    ("封顶", "points"),
    ("得分", "points"),
    ("应付比例（%）", "points"),
    ("应付金额（万元）", "wan"),
]
FEE_COLS = [
    ("运营商", "text"),
    ("得分", "points"),
    ("应付比例（%）", "points"),
    ("年度费用（万元）", "wan"),
    ("按考核应付（万元）", "wan"),
    ("已付该服务年度（万元）", "wan"),
    ("多付（万元）", "wan"),
]
DEDUCT_COLS = [
    ("运营商", "text"),
    ("类别", "text"),
    ("级别", "text"),
    ("线路", "text"),
    ("开始时间", "text"),
    ("时长（小时）", "hours"),
    ("扣分", "points"),
    ("依据", "text"),
]


@dataclass
class Column:
    header: str
    kind: str = "text"


@dataclass
class Sheet:
    key: str  # ledger | accrual | anomalies | units | cost-summary | backup | ...
    title: str  # the workbook sheet name (Chinese, ≤ 31 characters)
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def rounded(value: Any, kind: str) -> Any:
    """The value as stored and shown: money, hours and percentages rounded to their column's places."""
    if value is None or kind in ("text", "mixed"):
        return value
    places = PLACES[kind]
    if kind in ("int", "year"):
        return int(value)
    q = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(q)


def text(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "text":
        return str(value)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "year":
        return str(int(value))
    if kind == "mixed":  # a column whose rows were rounded each to its own places
        return f"{value:,}" if isinstance(value, int | Decimal) else f"{value:,.2f}"
    return f"{rounded(value, kind):,.{PLACES[kind]}f}"


def _sheet(key: str, title: str, cols: list[tuple[str, str]], rows: list[list[Any]], note: str = "") -> Sheet:
    columns = [Column(h, k) for h, k in cols]
    return Sheet(key, title, columns, [[rounded(v, c.kind) for v, c in zip(r, columns, strict=True)] for r in rows],
                 note)


def ledger_cash(r: MoneyReport, year: int | None = None) -> Sheet:
    rows = []
    for c in r.ledger.cash:
        if year is not None and c.year != year:
            continue
        served = "、".join(f"{y}年 {v:.2f}" for y, v in c.service_years.items())
        rows.append([c.year, c.line, "合计" if c.is_total else r.rows.carrier_name(c.carrier), c.before, c.after,
                     c.actual, c.paid, served, c.note])
    return _sheet("ledger", "现金口径台账", CASH_COLS, rows,
                  "按支付年度（收付实现制）")


def ledger_accrual(r: MoneyReport) -> Sheet:
    rows = [[a.service_year, r.rows.carrier_name(a.carrier), a.amount,
             "、".join(f"{y}年 {v:.2f}" for y, v in a.paid_in.items()) or "未支付", "、".join(a.vouchers),
             a.contract_fee] for a in r.ledger.accrual]
    return _sheet("accrual", "权责口径台账", ACCRUAL_COLS,
                  rows, "按服务年度（权责发生制）")


def anomalies(r: MoneyReport, year: int | None = None) -> Sheet:
    rows = [[a.title, a.code, a.year, r.rows.carrier_name(a.carrier) if a.carrier else "", a.subject, a.amount,
             a.reason] for a in r.ledger.anomalies if year is None or a.year == year]
    return _sheet("anomalies", "台账异常", ANOMALY_COLS, rows)


def _carriers(r: MoneyReport, codes: list[str]) -> list[str]:
    """Primary carrier first, the way the bureau's tables list them."""
    return sorted(codes, key=lambda c: (r.rows.carriers[c].role != "primary" if c in r.rows.carriers else True, c))


def unit_costs(r: MoneyReport) -> Sheet:
    a = r.allocation
    carriers = _carriers(r, list(a.fees))
    cols = [("单位代码", "text"), ("单位名称", "text"), ("分组", "text"), ("终端数", "int")]
    cols += [(f"{r.rows.carrier_name(c)}（万元）", "wan4") for c in carriers]
    cols += [("合计（万元）", "wan4"), ("每终端（元）", "yuan")]
    rows = []
    for u in sorted(a.units, key=lambda u: (-u.total, u.unit)):
        pt = None if u.per_terminal is None else u.per_terminal * 10000
        rows.append([u.unit, u.name, u.group, u.terminals, *[u.by_carrier.get(c, Decimal(0)) for c in carriers],
                     u.total, pt])
    return _sheet("units", "单位成本", cols, rows,
                  f"{a.year} 年服务费按「{a.rule}」规则分摊：{RULES[a.rule]}")


def unit_roles(r: MoneyReport) -> Sheet:
    """Per unit, by carrier and cost role (access primary/backup, room backbone share, uplink share)."""
    a = r.allocation
    keys = sorted({k for u in a.units for k in u.by_role},
                  key=lambda k: (_carriers(r, list(a.fees)).index(k[0]) if k[0] in a.fees else 9, k[1]))
    cols = [("单位代码", "text"), ("单位名称", "text")]
    cols += [(f"{r.rows.carrier_name(c)}·{ROLE_ZH.get(role, role)}（万元）", "wan4") for c, role in keys]
    rows = [[u.unit, u.name, *[u.by_role.get(k, Decimal(0)) for k in keys]]
            for u in sorted(a.units, key=lambda u: u.unit)]
    return _sheet("unit-roles", "单位分用途成本", cols, rows, f"{a.year} 年，分摊规则「{a.rule}」")


def cost_summary(r: MoneyReport) -> Sheet:
    a = r.allocation
    rows = []
    for c in _carriers(r, list(a.fees)):
        fee = a.fees[c]
        served = [u for u in a.units if u.by_carrier.get(c)]
        pt = a.per_terminal(c)
        rows.append([r.rows.carrier_name(c), fee, len(served), sum(u.terminals for u in served), a.per_unit(c),
                     None if pt is None else pt * 10000])
    pt = a.per_terminal()
    rows.append(["合计", a.total, len(a.units), a.terminals, a.per_unit(), None if pt is None else pt * 10000])
    return _sheet("cost-summary", "成本汇总", SUMMARY_COLS,
                  rows, f"{a.year} 年，分摊规则「{a.rule}」，终端加权")


def cost_roles(r: MoneyReport) -> Sheet:
    rows = [[r.rows.carrier_name(c), ROLE_ZH.get(role, role), v]
            for (c, role), v in r.allocation.by_carrier_role().items()]
    return _sheet("cost-roles", "按用途成本", ROLE_COLS, rows)


def rule_comparison(r: MoneyReport) -> Sheet:
    rows = []
    for name, a in r.allocations.items():
        top = max(a.units, key=lambda u: (u.total, u.unit)) if a.units and a.total else None
        pt = a.per_terminal()
        rows.append([name, RULES.get(name, ""), a.total, sum(u.total for u in a.units), a.per_unit(),
                     None if pt is None else pt * 10000, f"{top.name} {top.total:.4f}" if top else ""])
    return _sheet("rules", "分摊规则对比", RULE_COLS, rows)


def backup_years(r: MoneyReport) -> Sheet:
    rows = []
    for y in r.backup.years:
        m = y.model
        rows.append([y.year, y.fee, y.protected_units, y.protected_terminals, y.failovers, y.failover_hours,
                     y.outages, gib(y.backup_octets), m.unit_hours_without, m.unit_hours_with,
                     m.avoided_unit_hours, y.per_unit, y.per_terminal_yuan, y.per_avoided_hour, y.verdict])
    return _sheet("backup", "备份价值", BACKUP_COLS, rows,
        "联通全网中断时仅依靠电信保持连通的单位；切换与流量来自设备日志和接口计数器")


def protected_units(r: MoneyReport) -> Sheet:
    p = r.backup.protection
    units = r.rows.units
    rows = [[u, units[u].name if u in units else u, units[u].terminals if u in units else 0, "受保护",
             "、".join(p.via.get(u, []))] for u in p.units]
    rows += [[u, units[u].name if u in units else u, units[u].terminals if u in units else 0, "电信线路不起作用", ""]
             for u in p.dead_end]
    return _sheet("protected", "受保护单位", PROTECTED_COLS, rows)


def failover_events(r: MoneyReport) -> Sheet:
    until = max((i.end or i.start for i in r.backup.intervals), default=None)
    rows = [[i.cid, i.unit or "", r.rows.units[i.unit].name if i.unit in r.rows.units else "",
             KIND_ZH.get(i.kind, i.kind), i.start.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"),
             i.end.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if i.end else "未恢复", i.hours(until),
             "、".join(i.via), "、".join(i.devices)] for i in r.backup.intervals]
    return _sheet("events", "切换事件", EVENT_COLS, rows, "设备日志（北京时间）")


def backup_usage(r: MoneyReport) -> Sheet:
    u = r.backup.usage
    cids = sorted({c for per in u.by_month.values() for c in per})
    rows = [[m, gib(sum(per.values())), *[gib(per.get(c, 0)) for c in cids]] for m, per in u.by_month.items()]
    cols = [("月份", "text"), ("合计（GiB）", "gib"), *[(f"{c}（GiB）", "gib") for c in cids]]
    return _sheet("usage", "备用线路流量", cols, rows, "接口计数器增量（入+出）")


def assessment(r: MoneyReport) -> Sheet:
    source = r.assessment.rules.source if r.assessment.rules else ""
    rows = []
    for c in r.assessment.carriers:
        for cat in c.categories:
            rows.append([c.carrier_name, cat.name, cat.incidents, cat.raw, cat.deducted, cat.cap, None, None, None])
        rows.append([c.carrier_name, "合计", sum(x.incidents for x in c.categories),
                     sum((x.raw for x in c.categories), Decimal(0)),
                     sum((x.deducted for x in c.categories), Decimal(0)), None, c.score, c.payable_percent, c.payable])
    return _sheet("assessment", "运营商考核", ASSESS_COLS,
                  rows, f"{r.assessment.year} 年百分百考核，规则表 {source}")


def assessment_fees(r: MoneyReport) -> Sheet:
    rows = [[c.carrier_name, c.score, c.payable_percent, c.fee, c.payable, c.paid, c.overpaid]
            for c in r.assessment.carriers]
    return _sheet("assessment-fees", "考核与付款", FEE_COLS, rows)


def deductions(r: MoneyReport) -> Sheet:
    names = r.assessment.rules.categories if r.assessment.rules else {}
    rows = [[r.rows.carrier_name(d.carrier), names[d.category].name if d.category in names else d.category,
             SEVERITY_ZH.get(d.severity, d.severity), d.circuit or "", d.started_at, d.hours, d.points, d.why]
            for c in r.assessment.carriers for d in c.deductions]
    return _sheet("deductions", "考核扣分明细", DEDUCT_COLS, rows)


def indicators(r: MoneyReport) -> Sheet:
    kinds = {"%": "pct", "万元": "wan4", "元": "yuan", "小时": "hours"}
    rows = []
    for i in r.indicators:
        kind = kinds.get(i.unit, "int")
        value = i.value if kind != "int" or i.value is None else int(i.value)
        rows.append([i.kind, i.name, i.name_en, rounded(value, kind) if value is not None else None, i.unit, i.source])
    return Sheet("indicators", "绩效指标", [Column("指标类别"), Column("指标"), Column("英文"), Column("数值", "mixed"),
                                         Column("单位"), Column("来源")], rows, f"{r.year} 年")


def all_sheets(r: MoneyReport) -> list[Sheet]:
    return [ledger_cash(r), ledger_accrual(r), anomalies(r), cost_summary(r), unit_costs(r), unit_roles(r),
            cost_roles(r), rule_comparison(r), backup_years(r), protected_units(r), failover_events(r), backup_usage(r),
            assessment(r), assessment_fees(r), deductions(r), indicators(r)]
