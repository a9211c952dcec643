"""The CLI prints the money tables; the workbook re-opened with openpyxl has the same sheets, headers
and numbers; the demo step prints the anomalies and the verdict."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from answers import ask
from cli import app
from cli.console import console
from cli.costs import _demo
from cli.demo import DemoContext
from inventory.db import get_engine, session_scope
from inventory.errors import ExtranetError
from money import tables as T

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fresh_default_engine():  # type: ignore[no-untyped-def]
    """get_engine() caches the default (URL-less) engine: forget it around each test so DATABASE_URL counts."""
    get_engine.cache_clear()
    yield
    get_engine.cache_clear()


@pytest.fixture
def home(evidence_city, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    # The shared console fixed its width when first imported; make tables wide enough not to elide numbers.
    monkeypatch.setattr(console, "width", 400)
    eng, _ = evidence_city
    monkeypatch.setenv("DATABASE_URL", eng.url.render_as_string(hide_password=False))
    return eng


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "400"})


def _numbers_printed(sheet: T.Sheet, output: str, skip: tuple[str, ...] = ()) -> None:
    for row in sheet.rows:
        for value, col in zip(row, sheet.columns, strict=True):
            if col.kind not in ("text", "mixed") and value is not None and col.header not in skip:
                assert T.text(value, col.kind) in output, (sheet.title, col.header, value)


def test_ledger_command(home) -> None:  # type: ignore[no-untyped-def]
    r = run("costs", "ledger")
    assert r.exit_code == 0, r.output
    for figure in ("160.00", "150.10", "194.80", "191.68", "176.02", "172.90", "18.78", "157.90", "156.88", "8.88"):
        assert figure in r.output
    for code in ("total_mismatch", "late_payment", "no_contract_in_force", "no_contract_deed", "incomplete_approval",
                 "contract_without_quantities"):
        assert f"({code})" in r.output
    r21 = run("costs", "ledger", "--year", "2021")
    assert "2020年调整后预算" not in r21.output and "PZ-2021-015" in r21.output


def test_other_commands_and_errors(home) -> None:  # type: ignore[no-untyped-def]
    with session_scope(home) as s:
        rep = ask(s).money(2022)
    r = run("costs", "backup", "--year", "2022")
    assert r.exit_code == 0, r.output
    _numbers_printed(T.backup_years(rep), r.output, skip=("结论",))
    _numbers_printed(T.failover_events(rep), r.output)
    assert "结论" in r.output and "28" in r.output
    r = run("costs", "assessment", "--year", "2022")
    assert r.exit_code == 0, r.output
    _numbers_printed(T.assessment_fees(rep), r.output)
    r = run("costs", "indicators", "--year", "2022")
    assert r.exit_code == 0 and "failover success" in r.output
    r = run("costs", "units", "--rule", "weight")
    assert isinstance(r.exception, ExtranetError) and "circuits, tariff, bandwidth, terminals" in r.exception.message
    r = run("costs", "backup", "--availability", "lots")
    assert isinstance(r.exception, ExtranetError) and "percentage" in r.exception.message


def test_workbook_has_the_sheets_headers_and_numbers_the_cli_prints(home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "money.xlsx"
    r = run("export", "money", str(path), "--year", "2022", "--rule", "terminals")
    assert r.exit_code == 0, r.output
    units_cli = run("costs", "units", "--year", "2022", "--rule", "terminals", "--top", "0")
    ledger_cli = run("costs", "ledger")
    with session_scope(home) as s:
        rep = ask(s).money(2022, rule="terminals")
    sheets = T.all_sheets(rep)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概览", *[s.title for s in sheets]]
    for sheet in sheets:
        ws = wb[sheet.title]
        assert [c.value for c in ws[1]] == sheet.headers, sheet.title
        got = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=len(sheet.rows) + 1)]
        for want_row, got_row in zip(sheet.rows, got, strict=True):
            for want, have in zip(want_row, got_row, strict=True):
                if isinstance(want, Decimal):
                    assert have == pytest.approx(float(want)), (sheet.title, want_row)
                else:
                    assert have == (want if want != "" else None), (sheet.title, want_row)
    # The numbers the CLI printed are the workbook's numbers.
    _numbers_printed(T.unit_costs(rep), units_cli.output)
    _numbers_printed(T.cost_summary(rep), units_cli.output)
    _numbers_printed(T.ledger_cash(rep), ledger_cli.output)
    ledger = wb["现金口径台账"]
    rows = {(row[0], row[2]): row for row in ledger.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows[(2020, "合计")][3:6] == (160.0, 150.1, 160.0)
    assert rows[(2021, "中国电信")][3:7] == (18.78, 18.78, 18.78, 18.78)
    # Charts: cost per unit by carrier, backup traffic by month, the outage model.
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3
    cover = wb["概览"]
    assert any("结论" in str(c.value) for row in cover.iter_rows() for c in row)


def test_export_errors(home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = run("export", "money", str(tmp_path / "nope" / "m.xlsx"))
    assert isinstance(r.exception, ExtranetError) and "no such folder" in r.exception.message
    r = run("export", "money", str(tmp_path / "m.csv"))
    assert isinstance(r.exception, ExtranetError) and ".xlsx" in r.exception.message


def test_demo_step_prints_anomalies_and_verdict(home, capsys) -> None:  # type: ignore[no-untyped-def]
    ctx = DemoContext(engine=home)
    _demo(ctx)
    out = capsys.readouterr().out
    assert "2020年调整后预算合计 150.10" in out and "late_payment" in out and "no_contract_in_force" in out
    assert "结论" in out and "28 个单位" in out
    assert ctx.state["money_report"].year == 2021


def test_empty_ledger_is_a_clear_error(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    r = run("costs", "units")
    assert isinstance(r.exception, ExtranetError) and "extranet init --sample" in r.exception.message


def test_unit_roles_sheet_adds_up(home) -> None:  # type: ignore[no-untyped-def]
    with session_scope(home) as s:
        rep = ask(s).money(2021)
    sheet = T.unit_roles(rep)
    assert sheet.headers[2:] and all("（万元）" in h for h in sheet.headers[2:])
    # Shown to 0.0001 万元 per cell: the cells add up to the fees within that rounding.
    assert abs(sum(sum(row[2:]) for row in sheet.rows) - Decimal("156.88")) < Decimal("0.01")
    exact = sum(v for u in rep.allocation.units for v in u.by_role.values())
    assert exact == Decimal("156.88")


def test_contract_command(home) -> None:  # type: ignore[no-untyped-def]
    # the evidence city: 2022's typed incidents give Unicom 80 points (docs/money.md), Telecom 98
    out = run("costs", "contract", "--year", "2022", "--source", "typed")
    assert out.exit_code == 0, out.output
    assert "118.4000" in out.output and "8.7024" in out.output and "148.0000" in out.output  # cloud tiers: in full
    assert "现行百分制考核" in out.output
    bad = run("costs", "contract", "--source", "guess")
    assert isinstance(bad.exception, ExtranetError) and "expected measured or typed" in bad.exception.message
