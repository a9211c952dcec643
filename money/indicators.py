"""Annual performance indicators, the ones the 2020 targets lacked: quantity, quality, timeliness and
cost, each computed from the system's own data with its source stated.

- quantity: node rooms, units attached (an access circuit in service that year), terminals served
  (declared by those units; the measured count from the devices where collected), circuits in
  service per carrier.
- quality: measured availability per carrier (1 − incident hours / (circuits × hours in the year)),
  unit availability (1 − unit-hours cut off in outages seen in the link logs / (units × hours)) and
  failover success (outages of a unit's access circuit where the unit kept the core / all of them,
  counted over units with more than one access circuit).
- timeliness: incident restore time (count, mean, longest, share restored within the target; the
  target is the grace period of the assessment's access-quality rule, 4 h by default).
- cost: the year's service-year fees per unit and per terminal (terminals-weighted), per carrier, and the
  payable share the contract's 100-point assessment leaves per carrier.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from inventory.models import CHINA_TZ

from .allocation import Allocation
from .assessment import Assessment
from .backup_value import BackupValue
from .rows import MoneyRows, measured_availability

QUANTITY, QUALITY, TIMELINESS, COST = "数量指标", "质量指标", "时效指标", "成本指标"


@dataclass(frozen=True)
class Indicator:
    kind: str  # 数量指标 | 质量指标 | 时效指标 | 成本指标
    name: str  # Chinese label
    name_en: str
    value: float | int | Decimal | None  # None: no data for that year
    unit: str
    source: str

    def text(self) -> str:
        v = self.value
        if v is None:
            return "无数据"
        if isinstance(v, int):
            return f"{v:,}"
        if self.unit == "%":
            return f"{float(v):.3f}"
        if isinstance(v, Decimal):
            return f"{v:,.4f}" if abs(v) < 10 else f"{v:,.2f}"
        return f"{v:,.2f}"


def indicators(rows: MoneyRows, year: int, allocation: Allocation, backup: BackupValue | None = None, *,
               rooms: int | None = None, measured_terminals: int | None = None,
               restore_target_hours: float = 4.0, assessment: Assessment | None = None) -> list[Indicator]:
    hours_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * 24
    in_service = [c for c in rows.circuits if c.in_service(year)]
    attached = sorted({c.unit for c in in_service if c.unit and c.carrier})  # type: ignore[type-var]
    terminals = sum(rows.units[u].terminals for u in attached if u in rows.units)
    out = [
        Indicator(QUANTITY, "骨干节点机房", "node rooms", rooms, "个", "机房台账"),
        Indicator(QUANTITY, "接入单位", "units attached", len(attached), "个", "年内在用接入线路"),
        Indicator(QUANTITY, "服务终端（申报）", "terminals served (declared)", terminals, "台", "单位申报终端数"),
        Indicator(QUANTITY, "服务终端（实测）", "terminals served (measured)", measured_terminals, "台",
                  "设备 MAC/ARP 表"),
    ]
    for code, carrier in rows.carriers.items():
        n = sum(1 for c in in_service if c.carrier == code)
        out.append(Indicator(QUANTITY, f"在用线路（{carrier.name}）", f"circuits in service ({code})", n, "条",
                             "线路台账"))
    # Quality: availability per carrier from incidents.
    start, end = dt.datetime(year, 1, 1, tzinfo=CHINA_TZ), dt.datetime(year + 1, 1, 1, tzinfo=CHINA_TZ)
    incidents = [i for i in rows.incidents if start <= i.started_at < end]
    for code, carrier in rows.carriers.items():
        out.append(Indicator(QUALITY, f"线路可用率（{carrier.name}）", f"circuit availability ({code})",
                             measured_availability(rows, code, year), "%", "事件记录的中断时长"))
    spans = [] if backup is None else [i for i in backup.intervals if start <= i.start < end]
    until = max((i.end or i.start for i in backup.intervals), default=None) if backup else None
    cut_hours = sum(i.hours(until) for i in spans if i.kind == "outage")
    out.append(Indicator(QUALITY, "单位可用率", "unit availability",
                         None if backup is None or not attached
                         else 100 * (1 - cut_hours / (len(attached) * hours_in_year)), "%", "设备日志中的中断"))
    lines = Counter(c.unit for c in in_service if c.unit and c.carrier)  # one pass: quadratic at province scale
    multi = {u for u in attached if lines[u] > 1}
    tries = [i for i in spans if i.unit in multi and i.kind in ("failover", "reroute", "outage")]
    ok = [i for i in tries if i.kind in ("failover", "reroute")]
    out.append(Indicator(QUALITY, "切换成功率", "failover success", 100 * len(ok) / len(tries) if tries else None, "%",
                         f"多线路单位的 {len(tries)} 次接入中断"))
    # Timeliness: restore times of the year's closed incidents.
    closed = [i.hours for i in incidents if i.hours is not None]
    out += [
        Indicator(TIMELINESS, "故障事件数", "incidents", len(incidents), "次", "事件记录"),
        Indicator(TIMELINESS, "平均恢复时长", "mean restore time", sum(closed) / len(closed) if closed else None,
                  "小时", "事件记录"),
        Indicator(TIMELINESS, "最长恢复时长", "longest restore time", max(closed) if closed else None, "小时",
                  "事件记录"),
        Indicator(TIMELINESS, f"{restore_target_hours:g} 小时内恢复比例", "restored within target",
                  100 * sum(1 for h in closed if h <= restore_target_hours) / len(closed) if closed else None, "%",
                  "考核规则的时限"),
    ]
    # Cost.
    out += [
        Indicator(COST, "服务费（权责年度）", "service-year fees", allocation.total, "万元", "权责发生制台账"),
        Indicator(COST, "每单位成本", "cost per unit", allocation.per_unit(), "万元", f"分摊规则 {allocation.rule}"),
        Indicator(COST, "每终端成本", "cost per terminal", _yuan(allocation.per_terminal()), "元", "按终端加权"),
    ]
    for code, carrier in rows.carriers.items():
        out.append(Indicator(COST, f"每单位成本（{carrier.name}）", f"cost per unit ({code})",
                             allocation.per_unit(code), "万元", "该运营商服务的单位"))
        out.append(Indicator(COST, f"每终端成本（{carrier.name}）", f"cost per terminal ({code})",
                             _yuan(allocation.per_terminal(code)), "元", "该运营商服务的终端"))
    if backup is not None:
        try:
            y = backup.year(year)
        except KeyError:
            y = None
        if y is not None:
            out.append(Indicator(COST, "每受保护单位备份成本", "backup cost per protected unit", y.per_unit, "万元",
                                 "备份价值分析"))
    # What the contract lets the bureau pay: the 100-point assessment's payable share per carrier (from the
    # incident rows; the contract page scores the measured record the same way).
    for ca in assessment.carriers if assessment is not None else ():
        out.append(Indicator(COST, f"应付比例（{ca.carrier_name}）", f"payable share ({ca.carrier})",
                             ca.payable_percent, "%", f"百分制考核 {ca.score} 分"))
    return out


def _yuan(wan: Decimal | None) -> Decimal | None:
    return None if wan is None else (wan * 10000).quantize(Decimal("0.01"))
