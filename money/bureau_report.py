"""The one-page bureau report 电信备份线路服务评估: what the backup carrier's fee bought this year, circuit by
circuit, rendered from a `VerdictsYear` (money/verdicts.py) as an A4 PDF and an XLSX workbook.

Pure rendering: every figure on the page is formatted from the object by the `fmt_*` helpers below, so a test
(and a reader) can check the page against the API. The PDF is ONE page whatever the circuit count: the table's
font shrinks to a floor, then the top circuits by fee are listed and the rest summarised in one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.backends.backend_pdf import PdfPages
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from inventory.errors import ExtranetError
from topology.arming import ARMED, NO_CONFIG, NOT_ARMED, PARTIAL

from .indicators import Indicator
from .verdicts import (
    ARMED_UNTESTED,
    DEAD_END,
    FAILED,
    HOLDS,
    OVERLOADED,
    PROVEN,
    UNARMED,
    UNKNOWN,
    UNMEASURED,
    VERDICTS,
    BackupVerdict,
    VerdictsYear,
)

TITLE = "电信备份线路服务评估"
# code -> (中文, English); the web layer reuses these, so they stay plain dicts
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    PROVEN: ("已验证", "Proven"),
    ARMED_UNTESTED: ("就绪未用", "Armed, untested"),
    FAILED: ("未能接管", "Failed"),
    UNARMED: ("未配置切换", "Not armed"),
    DEAD_END: ("不通核心", "Dead end"),
    UNMEASURED: ("无法评估", "Unmeasured"),
}
ARMED_LABELS: dict[str, tuple[str, str]] = {
    ARMED: ("就绪", "Armed"),
    PARTIAL: ("部分", "Partial"),
    NOT_ARMED: ("未就绪", "Not armed"),
    NO_CONFIG: ("无配置", "No config"),
}
MECHANISM_LABELS: dict[str, tuple[str, str]] = {
    "floating_static": ("浮动静态路由", "floating static route"),
    "load_share": ("等价负载分担", "equal-cost load sharing"),
    "nqa": ("NQA 联动", "NQA tracking"),
    "bfd": ("BFD 联动", "BFD tracking"),
    "ip_sla": ("IP SLA 联动", "IP SLA tracking"),
    "track": ("Track 联动", "track object"),
    "interface": ("接口状态联动", "interface tracking"),
    "vrrp_track": ("VRRP 上行联动", "VRRP uplink tracking"),
    "dynamic": ("动态路由", "dynamic routing"),
}
MISSING_LABELS: dict[str, tuple[str, str]] = {
    "no_config": ("未采集到该路由器配置", "no stored config of the router"),
    "platform_unsupported": ("该平台的切换配置尚不能解读", "this platform's failover config is not read yet"),
    "config_unreadable": ("配置无法解析", "the config could not be read"),
    "backup_shutdown": ("备用接口已关闭（shutdown）", "the backup interface is shut down"),
    "backup_route": ("没有经备用线路的路由", "no route over the backup"),
    "primary_untracked": ("主路由未联动探测，仅在端口断开时切换", "the primary route is not tracked: only a port down "
                          "fails over"),
    "track_undefined": ("主路由引用的探测对象未定义", "the primary route tracks an object that is not defined"),
    "backup_preferred": ("备用路由优先级高于主路由", "the backup route is preferred over the primary"),
    "primary_config": ("未采集到主线路路由器配置", "no stored config of the primary's router"),
    "gateway_untracked": ("网关冗余（VRRP/HSRP）未联动上行", "the gateway group (VRRP/HSRP) does not track the uplink"),
    "gateway_handover": ("主备路由器之间没有网关切换", "nothing hands the gateway to the backup's router"),
}
HOLD_LABELS: dict[str, tuple[str, str]] = {
    HOLDS: ("够用", "Holds"),
    OVERLOADED: ("不足", "Overloaded"),
    UNKNOWN: ("未知", "Unknown"),
}
VERDICT_COLORS = {PROVEN: "#2e7d32", ARMED_UNTESTED: "#7cb342", FAILED: "#c62828", UNARMED: "#ef6c00",
                  DEAD_END: "#6a1b9a", UNMEASURED: "#9e9e9e"}
RULES = (
    "已验证：配置就绪，本年主线路中断时实际承载了流量；就绪未用：配置就绪，本年主线路未中断。",
    "未能接管：主线路中断期间单位仍断网；未配置切换：配置不会使其接管；不通核心：拓扑上无法独立到达核心；"
    "无法评估：既无配置也无记录。",
    "承载：主线路中断期间本线路的流量（GiB = 2^30 字节）；容量：本线路带宽对主线路实测峰值是否够用。",
    "费用：本线路分摊的备份运营商服务年度费用（万元），按受保护单位（万元/单位）与终端（元/终端）折算。",
)
EMPTY = "本年度无备份线路"
GIB = 1024**3
A4 = (8.27, 11.69)  # inches, portrait
TABLE_FONT, TABLE_FLOOR = 7.5, 5.0  # points: the table shrinks to the floor before it summarises
TABLE_TOP, TABLE_BOTTOM = 6.35, 10.55  # inches from the top of the page


def label(table: dict[str, tuple[str, str]], code: str, lang: str = "zh") -> str:
    zh, en = table.get(code, (code, code))
    return zh if lang == "zh" else en


# -- the formatting every figure on the page goes through
def fmt_wan(v: Decimal | None) -> str:
    return "—" if v is None else f"{v:,.2f}"


def fmt_yuan(v: Decimal | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def fmt_gib(octets: int) -> str:
    return f"{octets / GIB:,.2f}"


def fmt_hours(seconds: float) -> str:
    return f"{seconds / 3600:,.1f}"


def fmt_headroom(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}×"


def headline(vy: VerdictsYear) -> list[tuple[str, str]]:
    """The headline figures as (label, formatted value): the PDF box and the 摘要 sheet."""
    t = vy.totals
    counts = "，".join(f"{label(VERDICT_LABELS, v)} {t.by_verdict.get(v, 0)}" for v in VERDICTS)
    return [
        ("备份线路（条）", f"{t.circuits}"),
        ("服务费（万元）", fmt_wan(t.fee_wan)),
        ("受保护单位 / 终端", f"{t.protected_units:,} / {t.protected_terminals:,}"),
        ("切换次数 / 时长（小时）", f"{t.failovers:,} / {fmt_hours(t.failover_seconds)}"),
        ("主线路中断时承载（GiB）", fmt_gib(t.carried_octets)),
        ("每单位费用（万元）/ 每终端（元）", f"{fmt_wan(t.per_unit_wan)} / {fmt_yuan(t.per_terminal_yuan)}"),
        ("结论分布", counts),
    ]


TABLE_HEADERS = ("线路", "单位", "配置就绪", "切换 次/小时", "承载 GiB", "全年 GiB", "容量", "费用 万元",
                 "元/终端", "结论")
TABLE_X = (0.0, 0.13, 0.33, 0.42, 0.52, 0.61, 0.70, 0.78, 0.865, 0.93)  # column left edges, fraction of width


def table_row(v: BackupVerdict) -> tuple[str, ...]:
    """One circuit's row exactly as the PDF table prints it."""
    return (v.cid, _short(v.unit_name or "（骨干）", 12), label(ARMED_LABELS, v.armed.state),
            f"{len(v.failovers)}/{fmt_hours(v.failover_seconds)}", fmt_gib(v.carried_octets), fmt_gib(v.year_octets),
            label(HOLD_LABELS, v.would_hold), fmt_wan(v.fee_wan), fmt_yuan(v.per_terminal_yuan),
            label(VERDICT_LABELS, v.verdict))


def rest_row(rest: Sequence[BackupVerdict]) -> tuple[str, ...]:
    fee = sum((v.fee_wan for v in rest if v.fee_wan is not None), Decimal(0))
    return (f"其余 {len(rest)} 条", "（按费用排序未列出）", "", f"{sum(len(v.failovers) for v in rest)}/"
            f"{fmt_hours(sum(v.failover_seconds for v in rest))}", fmt_gib(sum(v.carried_octets for v in rest)),
            fmt_gib(sum(v.year_octets for v in rest)), "", fmt_wan(fee), "", "")


def plan_table(verdicts: Sequence[BackupVerdict]) -> tuple[float, list[BackupVerdict], list[BackupVerdict]]:
    """(font size, circuits listed, circuits summarised): the largest font that fits the table area, down to the
    floor; below it the top circuits by fee and one summary row."""
    height_pt = (TABLE_BOTTOM - TABLE_TOP) * 72
    rows = len(verdicts) + 1  # + the header
    size = TABLE_FONT
    while size > TABLE_FLOOR and rows * size * 1.45 > height_pt:
        size -= 0.25
    if rows * size * 1.45 <= height_pt:
        return size, list(verdicts), []
    fit = int(height_pt // (size * 1.45)) - 2  # header and the summary row
    by_fee = sorted(verdicts, key=lambda v: (-(v.fee_wan or Decimal(0)), v.cid))
    return size, by_fee[:fit], by_fee[fit:]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _font() -> str:
    """An installed CJK family, Noto Sans CJK SC preferred (the same choice as the audit diagram's)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for want in ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei"):
        if want in names:
            return want
    path = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if path.exists():
        font_manager.fontManager.addfont(str(path))
        return "Noto Sans CJK JP"
    raise ExtranetError("no CJK font installed: apt-get install fonts-noto-cjk", code="money.no_cjk_font")


def _y(inches: float) -> float:
    return 1 - inches / A4[1]


def _check_path(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        raise ExtranetError(f"{path}: the report must be a {suffix} file", code="bad_path")
    if not path.parent.exists():
        raise ExtranetError(f"{path.parent}: no such folder", code="bad_path")


# -- PDF ------------------------------------------------------------------------------------------------------------
def render_pdf(vy: VerdictsYear, path: str | Path, indicators: Sequence[Indicator] | None = None) -> Path:
    """Write the one-page A4 report for `vy` to `path` (.pdf) and return it. `indicators` (money/indicators.py,
    the same year) add one footnote line each. A year without backup circuits gives a one-page 本年度无备份线路."""
    path = Path(path)
    _check_path(path, ".pdf")
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": [_font(), "DejaVu Sans"],
                         "pdf.fonttype": 3, "axes.unicode_minus": False}):
        fig = plt.figure(figsize=A4)
        try:
            _page(fig, vy, indicators or ())
            tmp = path.with_suffix(".pdf.part")
            with PdfPages(tmp, metadata={"Title": f"{TITLE} {vy.year}"}) as pdf:
                pdf.savefig(fig)
            tmp.replace(path)  # nothing half-written
        except OSError as exc:
            raise ExtranetError(f"{path}: cannot write the report: {exc.strerror or exc}", code="bad_path") from None
        finally:
            plt.close(fig)
    return path


def _page(fig: Any, vy: VerdictsYear, indicators: Sequence[Indicator]) -> None:
    fig.text(0.5, _y(0.55), f"{TITLE}（{vy.year} 年）", ha="center", fontsize=17, weight="bold")
    fig.text(0.5, _y(0.85), f"备份运营商：{vy.carrier_name}　　逐线路评估本年度服务费所得", ha="center", fontsize=9,
             color="#444444")
    if not vy.verdicts:
        fig.text(0.5, _y(3.0), EMPTY, ha="center", fontsize=20, weight="bold", color="#9e9e9e")
        fig.text(0.5, _y(3.5), "没有可评估的备份线路：请检查台账中的备份运营商线路。", ha="center", fontsize=10)
        _footnotes(fig, vy, indicators, top=4.2)
        return
    _headline(fig, vy)
    _charts(fig, vy)
    end = _table(fig, vy)
    _footnotes(fig, vy, indicators, top=min(end, TABLE_BOTTOM) + 0.2)  # a short table leaves the notes more room


def _headline(fig: Any, vy: VerdictsYear) -> None:
    box = fig.add_axes((0.06, _y(2.75), 0.88, (2.75 - 1.05) / A4[1]))
    box.set_xticks([])
    box.set_yticks([])
    box.set_facecolor("#f3f7fb")
    for s in box.spines.values():
        s.set_color("#90a4ae")
    items = headline(vy)
    for i, (name, value) in enumerate(items):
        y = 1 - (i + 0.75) / (len(items) + 0.2)
        box.text(0.03, y, name, fontsize=9, color="#37474f", va="center", transform=box.transAxes)
        box.text(0.36, y, value, fontsize=9.5 if i < len(items) - 1 else 8.5, weight="bold", va="center",
                 transform=box.transAxes)


def _charts(fig: Any, vy: VerdictsYear) -> None:
    ax = fig.add_axes((0.12, _y(5.7), 0.33, 2.4 / A4[1]))
    counts = [vy.totals.by_verdict.get(v, 0) for v in VERDICTS]
    names = [label(VERDICT_LABELS, v) for v in VERDICTS]
    ax.barh(names[::-1], counts[::-1], color=[VERDICT_COLORS[v] for v in VERDICTS][::-1])
    for i, c in enumerate(counts[::-1]):
        ax.text(c, i, f" {c}", va="center", fontsize=7)
    ax.set_title("结论分布（条）", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.set_xlim(0, max([*counts, 1]) * 1.2)
    ax.spines[["top", "right"]].set_visible(False)

    ax2 = fig.add_axes((0.64, _y(5.7), 0.31, 2.4 / A4[1]))
    top = sorted(vy.verdicts, key=lambda v: (-v.carried_octets, v.cid))[:8]
    top = [v for v in top if v.carried_octets > 0 or v.failover_seconds > 0]
    if top:
        ax2.barh([v.cid for v in top][::-1], [v.carried_octets / GIB for v in top][::-1],
                 color=[VERDICT_COLORS.get(v.verdict, "#607d8b") for v in top][::-1])
    else:
        ax2.text(0.5, 0.5, "本年主线路无中断", ha="center", va="center", fontsize=9, transform=ax2.transAxes)
        ax2.set_yticks([])
    ax2.set_title("主线路中断时承载（GiB，前 8 条）", fontsize=9)
    ax2.tick_params(labelsize=6.5)
    ax2.spines[["top", "right"]].set_visible(False)


def _table(fig: Any, vy: VerdictsYear) -> float:
    """Draw the table; return where it ends (inches from the top)."""
    size, listed, rest = plan_table(vy.verdicts)
    left, width = 0.05, 0.90
    step = size * 1.45 / 72  # inches per row
    y = TABLE_TOP
    fig.text(left, _y(y - 0.12), "逐线路评估" + (f"（共 {len(vy.verdicts)} 条，按费用列出前 {len(listed)} 条，"
             f"其余 {len(rest)} 条合并为一行）" if rest else f"（共 {len(vy.verdicts)} 条）"), fontsize=9,
             weight="bold")
    rows: list[tuple[tuple[str, ...], bool]] = [(TABLE_HEADERS, True)]
    rows += [(table_row(v), False) for v in listed]
    if rest:
        rows.append((rest_row(rest), True))
    for i, (cells, bold) in enumerate(rows):
        y = TABLE_TOP + (i + 1) * step
        if i % 2 == 1:
            fig.patches.append(plt.Rectangle((left, _y(y + step * 0.3)), width, step / A4[1], transform=fig.transFigure,
                                             color="#eef3f7", zorder=0))
        for x, cell in zip(TABLE_X, cells, strict=True):
            fig.text(left + x * width, _y(y), cell, fontsize=size, weight="bold" if bold else "normal")
    return y


def _footnotes(fig: Any, vy: VerdictsYear, indicators: Sequence[Indicator], top: float) -> None:
    lines = ["说明：" + RULES[0], *RULES[1:]]
    lines += [f"注：{n}" for n in vy.notes]
    lines += [f"指标 {i.name}：{i.text()} {i.unit}（{i.source}）" for i in indicators]
    room = int((A4[1] - 0.25 - top) * 72 // (6 * 1.4))
    if len(lines) > room:
        lines = [*lines[: room - 1], f"……另有 {len(lines) - room + 1} 条说明见 XLSX「说明」页"]
    for i, line in enumerate(lines):
        fig.text(0.05, _y(top + 0.1 + i * 6 * 1.4 / 72), _short(line, 95), fontsize=6, color="#455a64")


# -- XLSX -----------------------------------------------------------------------------------------------------------
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# (中文, English, kind): kind picks the number format
XLSX_COLUMNS = (
    ("线路", "Circuit", "text"), ("单位", "Unit", "text"), ("单位名称", "Unit name", "text"),
    ("主线路", "Primary circuits", "text"), ("带宽（Mbps）", "Bandwidth (Mbps)", "int"),
    ("配置就绪", "Armed", "text"), ("切换机制", "Mechanisms", "text"), ("配置欠缺", "Lacks", "text"),
    ("配置设备", "Device", "text"),
    ("切换次数", "Failovers", "int"), ("切换时长（小时）", "Failover hours", "hours"),
    ("中断时承载（GiB）", "Carried while primary down (GiB)", "gib"), ("全年流量（GiB）", "Year traffic (GiB)", "gib"),
    ("主线路峰值（Mbps）", "Demand (Mbps)", "float"), ("容量", "Would hold", "text"),
    ("带宽/峰值", "Headroom", "float"), ("费用（万元）", "Fee (10k yuan)", "money"),
    ("受保护单位", "Protected units", "int"), ("受保护终端", "Protected terminals", "int"),
    ("每单位（万元）", "Per unit (10k yuan)", "money"), ("每终端（元）", "Per terminal (yuan)", "yuan"),
    ("结论", "Verdict", "text"), ("结论代码", "Verdict code", "text"),
)
FORMATS = {"int": "0", "hours": "#,##0.0", "gib": "#,##0.00", "float": "0.00", "money": "#,##0.00", "yuan": "#,##0"}


def xlsx_row(v: BackupVerdict) -> list[Any]:
    """One circuit's row in 逐线路, numbers as numbers (None stays an empty cell)."""
    return [v.cid, v.unit, v.unit_name, "、".join(v.primary) or None, v.bandwidth_mbps,
            label(ARMED_LABELS, v.armed.state),
            "、".join(label(MECHANISM_LABELS, m) for m in v.armed.mechanisms) or None,
            "；".join(label(MISSING_LABELS, m) for m in v.armed.missing) or None, v.armed.device,
            len(v.failovers), round(v.failover_seconds / 3600, 1),
            round(v.carried_octets / GIB, 2), round(v.year_octets / GIB, 2), v.demand_mbps,
            label(HOLD_LABELS, v.would_hold), None if v.headroom is None else round(v.headroom, 2), _num(v.fee_wan),
            v.protected_units, v.protected_terminals, _num(v.per_unit_wan), _num(v.per_terminal_yuan),
            label(VERDICT_LABELS, v.verdict), v.verdict]


def _num(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def render_xlsx(vy: VerdictsYear, path: str | Path, indicators: Sequence[Indicator] | None = None) -> Path:
    """Write the report's workbook to `path` (.xlsx) and return it: 摘要 (the headline figures, indicators),
    逐线路 (every circuit, every field, Chinese header over an English one) with a verdict chart, 说明 (rules,
    notes)."""
    path = Path(path)
    _check_path(path, ".xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = "摘要"
    ws.append([f"{TITLE}（{vy.year} 年）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["备份运营商", vy.carrier_name])
    t = vy.totals
    ws.append(["项目", "数值"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    ws.append(["备份线路（条）", t.circuits])
    ws.append(["服务费（万元）", _num(t.fee_wan)])
    ws.append(["受保护单位", t.protected_units])
    ws.append(["受保护终端", t.protected_terminals])
    ws.append(["切换次数", t.failovers])
    ws.append(["切换时长（小时）", round(t.failover_seconds / 3600, 1)])
    ws.append(["主线路中断时承载（GiB）", round(t.carried_octets / GIB, 2)])
    ws.append(["每单位费用（万元）", _num(t.per_unit_wan)])
    ws.append(["每终端费用（元）", _num(t.per_terminal_yuan)])
    first = ws.max_row + 1
    for v in VERDICTS:
        ws.append([f"结论：{label(VERDICT_LABELS, v)}", t.by_verdict.get(v, 0)])
    if not vy.verdicts:
        ws.append([EMPTY])
    for ind in indicators or ():
        ws.append([f"指标：{ind.name}（{ind.unit}）", _num(ind.value) if isinstance(ind.value, Decimal) else ind.value])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 20
    chart = BarChart()
    chart.title = "结论分布（条）"
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=first + len(VERDICTS) - 1))
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=first + len(VERDICTS) - 1))
    chart.legend = None
    ws.add_chart(chart, "D3")

    rows = wb.create_sheet("逐线路")
    rows.append([c[0] for c in XLSX_COLUMNS])
    rows.append([c[1] for c in XLSX_COLUMNS])
    for r in (1, 2):
        for cell in rows[r]:
            cell.font = Font(bold=r == 1, italic=r == 2)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for v in vy.verdicts:
        rows.append(xlsx_row(v))
    for i, (_, _, kind) in enumerate(XLSX_COLUMNS, start=1):
        if kind in FORMATS:
            for (cell,) in rows.iter_rows(min_row=3, min_col=i, max_col=i):
                cell.number_format = FORMATS[kind]
        rows.column_dimensions[rows.cell(row=1, column=i).column_letter].width = 14
    rows.freeze_panes = "B3"

    notes = wb.create_sheet("说明")
    notes.append(["说明"])
    notes["A1"].font = Font(bold=True)
    for line in (*RULES, *vy.notes):
        notes.append([line])
    for ind in indicators or ():
        notes.append([f"指标 {ind.name}（{ind.name_en}）：{ind.text()} {ind.unit}；来源 {ind.source}"])
    notes.column_dimensions["A"].width = 120
    tmp = path.with_suffix(".xlsx.part")
    try:
        wb.save(tmp)
        tmp.replace(path)
    except OSError as exc:
        raise ExtranetError(f"{path}: cannot write the workbook: {exc.strerror or exc}", code="bad_path") from None
    return path
