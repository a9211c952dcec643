"""The money report as an XLSX workbook: one sheet per table (Chinese names and headers, the same
rounded numbers the CLI prints), a cover sheet with the verdicts, and charts where a chart reads
better — cost per unit by carrier, backup-circuit traffic by month, and the outage model."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from inventory.errors import ExtranetError

from .report import MoneyReport
from .tables import PLACES, Sheet, all_sheets

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
COVER = "概览"


def number_format(kind: str) -> str | None:
    places = PLACES.get(kind)
    if places is None:
        return None
    if kind == "year":
        return "0"
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def write_workbook(report: MoneyReport, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ExtranetError(f"{path}: the workbook must be an .xlsx file", code="bad_path")
    if not path.parent.exists():
        raise ExtranetError(f"{path.parent}: no such folder", code="bad_path")
    wb = Workbook()
    cover = wb.active
    cover.title = COVER
    sheets = all_sheets(report)
    _cover(cover, report)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        _table(ws, sheet)
        chart = _chart(ws, sheet)
        if chart is not None:
            ws.add_chart(chart, f"{get_column_letter(len(sheet.columns) + 2)}3")
    try:
        wb.save(path)
    except OSError as exc:
        raise ExtranetError(f"{path}: cannot write the workbook: {exc.strerror or exc}", code="bad_path") from None
    return path


def _cover(ws, report: MoneyReport) -> None:  # type: ignore[no-untyped-def]
    ws["A1"] = f"电子政务外网服务费绩效分析（{report.year} 年）"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["项目", "内容"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    counts: dict[str, int] = {}
    for a in report.ledger.anomalies:
        counts[a.title] = counts.get(a.title, 0) + 1
    ws.append(["台账异常", "；".join(f"{k} {v} 项" for k, v in counts.items()) or "无"])
    for y in report.backup.years:
        ws.append([f"备份价值 {y.year}", y.verdict])
    for c in report.assessment.carriers:
        ws.append([f"考核 {c.carrier_name}", f"得分 {c.score}，应付 {c.payable_percent}%"])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 140
    for row in ws.iter_rows(min_row=4):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _table(ws, sheet: Sheet) -> None:  # type: ignore[no-untyped-def]
    ws.append(sheet.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in sheet.rows:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for i, col in enumerate(sheet.columns, start=1):
        fmt = number_format(col.kind)
        letter = get_column_letter(i)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        longest = max([len(str(col.header))] + [len(str(r[i - 1])) for r in sheet.rows[:200] if r[i - 1] is not None])
        ws.column_dimensions[letter].width = min(60, max(8, longest * 1.6))
    ws.freeze_panes = "A2"
    if sheet.note:
        ws.cell(row=len(sheet.rows) + 3, column=1, value=f"说明：{sheet.note}")


def _chart(ws, sheet: Sheet):  # type: ignore[no-untyped-def]
    """A chart for the sheets where one says it better; rows are 2..n+1 under the header."""
    n = len(sheet.rows)
    if sheet.key == "cost-summary" and n > 1:
        chart = BarChart()
        chart.title = "各运营商每单位成本（万元）"
        chart.y_axis.title = "万元/单位"
        col = sheet.headers.index("每单位成本（万元）") + 1
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=n), titles_from_data=True)  # without 合计
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n))
        return chart
    if sheet.key == "usage" and n:
        chart = LineChart()
        chart.title = "备用线路流量（GiB/月）"
        chart.y_axis.title = "GiB"
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        return chart
    if sheet.key == "backup" and n:
        chart = BarChart()
        chart.title = "期望中断（单位·小时/年）：无备份 vs 有备份"
        first = sheet.headers.index("无备份期望中断（单位·小时/年）") + 1
        chart.add_data(Reference(ws, min_col=first, max_col=first + 1, min_row=1, max_row=n + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        return chart
    return None
