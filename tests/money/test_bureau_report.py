"""The bureau report: one page, Chinese, its figures those of the VerdictsYear it renders (PDF text and XLSX cells)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inventory.errors import ExtranetError
from money import bureau_report as br
from money.indicators import Indicator
from money.verdicts import (
    HOLDS,
    OVERLOADED,
    UNKNOWN,
    VERDICTS,
    BackupVerdict,
    Failover,
    VerdictsYear,
    VerdictTotals,
)
from topology.arming import ARMED, NO_CONFIG, NOT_ARMED, PARTIAL, Armed

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) not installed")
STATES = (ARMED, PARTIAL, NOT_ARMED, NO_CONFIG)
HOLD = (HOLDS, OVERLOADED, UNKNOWN)


def _verdict(i: int) -> BackupVerdict:
    state = STATES[i % 4]
    t0 = dt.datetime(2025, 3, 1 + i % 27, 8, tzinfo=dt.UTC)
    fails = tuple(Failover(f"O-{i}-{k}", t0, t0 + dt.timedelta(hours=k + 1), 3600.0 * (k + 1), 4.0 if k else None,
                           (k + 1) * 3 * 1024**3) for k in range(i % 3))
    fee = None if i % 11 == 7 else Decimal(f"{1 + (i * 37) % 50}.{i % 100:02d}")
    terminals = 0 if i % 13 == 5 else 10 + i
    return BackupVerdict(
        cid=f"CT-B{i:03d}", carrier="telecom", unit=None if i == 3 else f"U{i:03d}",
        unit_name=None if i == 3 else f"市第{i}局" + ("信息中心机房" if i % 5 == 0 else ""), primary=(f"CU-P{i:03d}",),
        bandwidth_mbps=20 + i,
        armed=Armed(state, None if state == NO_CONFIG else f"r{i}", None if state == NO_CONFIG else i, None,
                    ("floating_static", "nqa") if state == ARMED else ()),
        failovers=fails, failover_seconds=sum(f.seconds for f in fails),
        carried_octets=sum(f.carried_octets for f in fails),
        year_octets=(i + 1) * 5 * 1024**3 + 12345, demand_mbps=None if i % 6 == 1 else 10.5 + i,
        would_hold=HOLD[i % 3], headroom=None if i % 6 == 1 else (20 + i) / (10.5 + i), fee_wan=fee,
        protected_units=1, protected_terminals=terminals, per_unit_wan=fee,
        per_terminal_yuan=None if fee is None or not terminals else (fee * 10000 / terminals).quantize(Decimal("1")),
        verdict=VERDICTS[i % len(VERDICTS)])


def _year(n: int, notes: tuple[str, ...] = ("2025 年 5 月起电信费用按新合同计。",)) -> VerdictsYear:
    vs = tuple(_verdict(i) for i in range(n))
    fee = sum((v.fee_wan for v in vs if v.fee_wan is not None), Decimal(0))
    units, terms = sum(v.protected_units for v in vs), sum(v.protected_terminals for v in vs)
    totals = VerdictTotals(
        circuits=n, by_verdict={c: sum(v.verdict == c for v in vs) for c in VERDICTS}, fee_wan=fee if n else None,
        protected_units=units, protected_terminals=terms, failovers=sum(len(v.failovers) for v in vs),
        failover_seconds=sum(v.failover_seconds for v in vs), carried_octets=sum(v.carried_octets for v in vs),
        per_unit_wan=(fee / units).quantize(Decimal("0.01")) if units else None,
        per_terminal_yuan=(fee * 10000 / terms).quantize(Decimal("1")) if terms else None)
    return VerdictsYear(2025, "telecom", "中国电信", vs, totals, notes)


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _png(pdf: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
    png = pdf.with_suffix(".png")
    assert png.stat().st_size > 10_000
    return png


def _squash(s: str) -> str:
    return "".join(s.split())


@needs_poppler
def test_pdf_one_page_with_the_objects_figures(tmp_path: Path) -> None:
    vy = _year(30)
    pdf = br.render_pdf(vy, tmp_path / "report.pdf")
    assert _pages(pdf) == 1
    _png(pdf)
    text = _squash(_text(pdf))
    assert _squash(br.TITLE) in text and "中国电信" in text
    for name, value in br.headline(vy):
        assert _squash(name) in text and _squash(value) in text, name
    size, listed, rest = br.plan_table(vy.verdicts)
    assert len(listed) == 30 and not rest and size >= br.TABLE_FLOOR
    lines = [_squash(line) for line in _text(pdf).splitlines()]
    for v in listed:
        row = _squash("".join(br.table_row(v)))
        assert any(row in line for line in lines), v.cid
    assert _squash(vy.notes[0]) in text


@needs_poppler
def test_300_circuits_stay_on_one_page_and_say_so(tmp_path: Path) -> None:
    vy = _year(300)
    pdf = br.render_pdf(vy, tmp_path / "big.pdf")
    assert _pages(pdf) == 1
    _png(pdf)
    size, listed, rest = br.plan_table(vy.verdicts)
    assert size == br.TABLE_FLOOR and rest and len(listed) + len(rest) == 300
    assert min(v.fee_wan or 0 for v in listed) >= max(v.fee_wan or 0 for v in rest)
    text = _squash(_text(pdf))
    assert f"其余{len(rest)}条" in text
    assert _squash("".join(br.rest_row(rest))) in text
    for v in listed:
        assert _squash("".join(br.table_row(v))) in text, v.cid


@needs_poppler
def test_empty_year_is_a_clear_page(tmp_path: Path) -> None:
    vy = _year(0, notes=())
    pdf = br.render_pdf(vy, tmp_path / "empty.pdf")
    assert _pages(pdf) == 1
    assert br.EMPTY in _squash(_text(pdf))
    wb = load_workbook(br.render_xlsx(vy, tmp_path / "empty.xlsx"))
    assert any(r[0] == br.EMPTY for r in wb["摘要"].iter_rows(values_only=True))
    assert wb["逐线路"].max_row == 2


def test_xlsx_cells_equal_the_object(tmp_path: Path) -> None:
    vy = _year(30)
    wb = load_workbook(br.render_xlsx(vy, tmp_path / "report.xlsx"))
    assert wb.sheetnames == ["摘要", "逐线路", "说明"]
    rows = wb["逐线路"]
    assert [c.value for c in rows[1]] == [c[0] for c in br.XLSX_COLUMNS]
    assert [c.value for c in rows[2]] == [c[1] for c in br.XLSX_COLUMNS]
    col = {c[1]: i for i, c in enumerate(br.XLSX_COLUMNS)}
    for v, row in zip(vy.verdicts, rows.iter_rows(min_row=3, values_only=True), strict=True):
        assert row[col["Circuit"]] == v.cid
        assert row[col["Unit name"]] == v.unit_name
        assert row[col["Failovers"]] == len(v.failovers)
        assert row[col["Failover hours"]] == round(v.failover_seconds / 3600, 1)
        assert row[col["Carried while primary down (GiB)"]] == round(v.carried_octets / 1024**3, 2)
        assert row[col["Fee (10k yuan)"]] == (None if v.fee_wan is None else float(v.fee_wan))
        assert row[col["Per terminal (yuan)"]] == (None if v.per_terminal_yuan is None else float(v.per_terminal_yuan))
        assert row[col["Demand (Mbps)"]] == v.demand_mbps
        assert row[col["Verdict code"]] == v.verdict
        assert row[col["Verdict"]] == br.VERDICT_LABELS[v.verdict][0]
        assert row[col["Armed"]] == br.ARMED_LABELS[v.armed.state][0]
        assert isinstance(row[col["Year traffic (GiB)"]], int | float)
        assert list(row) == br.xlsx_row(v)
    summary = {r[0]: r[1] for r in wb["摘要"].iter_rows(min_row=4, values_only=True)}
    t = vy.totals
    assert summary["服务费（万元）"] == float(t.fee_wan)
    assert summary["受保护终端"] == t.protected_terminals
    assert summary["切换次数"] == t.failovers
    assert summary["每终端费用（元）"] == float(t.per_terminal_yuan)
    for code in VERDICTS:
        assert summary[f"结论：{br.VERDICT_LABELS[code][0]}"] == t.by_verdict[code]
    assert wb["摘要"]._charts
    notes = [r[0] for r in wb["说明"].iter_rows(values_only=True)]
    assert vy.notes[0] in notes and br.RULES[0] in notes


def test_bad_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExtranetError, match="no such folder"):
        br.render_pdf(_year(2), tmp_path / "nope" / "r.pdf")
    with pytest.raises(ExtranetError, match=r"\.xlsx"):
        br.render_xlsx(_year(2), tmp_path / "r.pdf")


def test_every_code_has_both_languages() -> None:
    assert set(br.VERDICT_LABELS) == set(VERDICTS)
    assert set(br.ARMED_LABELS) == set(STATES) and set(br.HOLD_LABELS) == set(HOLD)
    assert all(zh and en for zh, en in (*br.VERDICT_LABELS.values(), *br.ARMED_LABELS.values()))


@needs_poppler
def test_long_names_many_notes_and_indicators_stay_on_one_page(tmp_path: Path) -> None:
    vy = _year(12, notes=tuple(f"第 {k} 条说明：样本期内部分月份流量缺测。" for k in range(40)))
    long = replace(vy.verdicts[0], unit_name="某某市人民政府办公厅电子政务外网接入中心二号机房")
    vy = replace(vy, verdicts=(long, *vy.verdicts[1:]))
    ind = Indicator("成本指标", "备份线路每终端费用", "Backup cost per terminal", Decimal("1234.5"), "元", "台账")
    pdf = br.render_pdf(vy, tmp_path / "notes.pdf", indicators=[ind])
    assert _pages(pdf) == 1
    text = _squash(_text(pdf))
    assert _squash(br.table_row(long)[1]) in text and br.table_row(long)[1].endswith("…")
    assert "另有" in text and "说明」页" in text  # the overflow says where the rest is
    wb = load_workbook(br.render_xlsx(vy, tmp_path / "notes.xlsx", indicators=[ind]))
    notes = [r[0] for r in wb["说明"].iter_rows(values_only=True)]
    assert all(n in notes for n in vy.notes)
    summary = {r[0]: r[1] for r in wb["摘要"].iter_rows(min_row=4, values_only=True)}
    assert summary["指标：备份线路每终端费用（元）"] == 1234.5
