"""`extranet costs ledger|units|backup|assessment|contract|indicators`, `extranet export money PATH.xlsx` and
the demo's money step. Thin: ask the answers layer for the report, print its tables (money.tables)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer
from rich.table import Table

from answers import ask
from inventory.db import session_scope
from inventory.errors import ExtranetError
from inventory.service import prepare
from money import tables as T
from money.allocation import RULES
from money.report import MoneyReport
from money.simulator import load_clause_sets
from money.workbook import write_workbook

from .console import console
from .demo import DemoContext, step
from .inventory import export_app

YEAR = typer.Option(None, "--year", "-y", help="service year (default: the latest year paid for)")
RULE = typer.Option("circuits", "--rule", help=f"allocation rule: {', '.join(RULES)}")
BASIS = typer.Option("paid", "--basis", help="fees to allocate: paid (for the service year) or contract")
RULES_FILE = typer.Option(None, "--rules", help="assessment rule table (YAML); default: the shipped one")
AVAIL = typer.Option("99.9", "--availability", help="assumed per-circuit availability %% when nothing is measured")


def _report(year: int | None, rule: str = "circuits", basis: str = "paid", rules: Path | None = None,
            availability: str = "99.9") -> MoneyReport:
    try:
        avail = Decimal(availability)
    except InvalidOperation:
        raise ExtranetError(f"--availability {availability!r}: expected a percentage such as 99.9",
                            code="bad_option") from None
    if not (0 < avail <= 100):
        raise ExtranetError(f"--availability {availability}: expected a percentage in (0, 100]", code="bad_option")
    prepare()
    with session_scope() as s:
        r = ask(s).money(year, rule=rule, basis=basis, availability=avail, rules_path=rules)
    if not r.rows.payments and not r.rows.budget:
        raise ExtranetError("the ledger is empty: load the sample city (`extranet init --sample`) or import "
                            "contracts, budget lines and payments with `extranet import`", code="no_data")
    return r


def print_sheet(sheet: T.Sheet, *, limit: int | None = None, title: str | None = None,
                skip: tuple[str, ...] = ()) -> None:
    """A sheet as a rich table; ``skip`` leaves out long text columns printed elsewhere."""
    keep = [i for i, c in enumerate(sheet.columns) if c.header not in skip]
    table = Table(*[sheet.columns[i].header for i in keep], title=title or sheet.title, caption=sheet.note or None)
    for j, i in enumerate(keep):
        if sheet.columns[i].kind != "text":
            table.columns[j].justify = "right"
    rows = sheet.rows if limit is None else sheet.rows[:limit]
    for row in rows:
        table.add_row(*[T.text(row[i], sheet.columns[i].kind) for i in keep])
    if limit is not None and len(sheet.rows) > limit:
        table.caption = (table.caption or "") + f"  (前 {limit} 行，共 {len(sheet.rows)} 行；完整数据见 export money)"
    console.print(table)


def print_anomalies(r: MoneyReport, year: int | None = None) -> None:
    shown = [a for a in r.ledger.anomalies if year is None or a.year == year]
    console.print(f"[bold]台账异常 Ledger anomalies[/]: {len(shown)}")
    for a in shown:
        colour = "yellow" if a.severity == "warning" else "cyan"
        console.print(f"  [{colour}]{a.title}[/] [dim]({a.code})[/] {a.reason}", highlight=False)


def print_verdicts(r: MoneyReport) -> None:
    for y in r.backup.years:
        colour = {"evidenced": "green", "paper": "yellow", "none": "red"}[y.verdict_code]
        console.print(f"[{colour}]■[/] {y.verdict}", highlight=False)


def register(app: typer.Typer) -> None:
    costs = typer.Typer(help="Money: ledger, cost per unit, what the backup buys, assessment, indicators.",
                        no_args_is_help=True)

    @costs.command("ledger")
    def ledger_cmd(year: int | None = typer.Option(None, "--year", "-y", help="payment year (default: all)")) -> None:
        """Cash view (by payment year) and accrual view (by service year), with every anomaly flagged."""
        r = _report(None)
        print_sheet(T.ledger_cash(r, year), title="现金口径 Cash view (万元)")
        print_sheet(T.ledger_accrual(r), title="权责口径 Accrual view (万元)")
        print_anomalies(r, year)

    @costs.command("units")
    def units_cmd(year: int | None = YEAR, rule: str = RULE, basis: str = BASIS,
                  top: int = typer.Option(20, "--top", help="unit rows to show (0: all)")) -> None:
        """Cost per unit and per terminal for a service year, by carrier and role."""
        r = _report(year, rule, basis)
        print_sheet(T.cost_summary(r), title=f"{r.year} 成本汇总 Cost summary")
        print_sheet(T.cost_roles(r), title=f"{r.year} 按用途 By carrier and role")
        print_sheet(T.unit_costs(r), limit=top or None, title=f"{r.year} 单位成本 Cost per unit")
        print_sheet(T.rule_comparison(r), title="分摊规则对比 Allocation rules compared")

    @costs.command("backup")
    def backup_cmd(year: int | None = YEAR, availability: str = AVAIL) -> None:
        """What the Telecom fee buys: protected units, failovers, backup traffic, outage model, cost, verdict."""
        r = _report(year, availability=availability)
        p = r.backup.protection
        console.print(f"联通全网中断时仅依靠电信保持连通 protected by the backup: [bold]{len(p.units)}[/] 个单位, "
                      f"[bold]{p.terminals:,}[/] 台终端；中断 cut: {len(p.cut)} 个单位 {p.cut_terminals:,} 台终端；"
                      f"电信线路不起作用 dead-end backups: {', '.join(p.dead_end) or '无'}", highlight=False)
        print_sheet(T.backup_years(r), title="备份价值 What the backup fee buys", skip=("结论",))
        print_sheet(T.failover_events(r), title="切换事件 Failover events (device logs)")
        print_sheet(T.backup_usage(r), title="备用线路流量 Backup traffic by month")
        y = r.backup.year(r.year)
        m = y.model
        q = ", ".join(f"{c} {(1 - v) * 100:.4f}% ({m.source[c]})" for c, v in m.unavailability.items())
        console.print(f"可用率模型 availability model {r.year}: {q}", highlight=False)
        print_verdicts(r)

    @costs.command("assessment")
    def assessment_cmd(year: int | None = YEAR, rules: Path | None = RULES_FILE) -> None:
        """The contract's 100-point assessment per carrier and the payable share of the fee."""
        r = _report(year, rules=rules)
        print_sheet(T.assessment(r), title=f"{r.year} 百分百考核 100-point assessment")
        print_sheet(T.deductions(r), title="扣分明细 Deductions")
        print_sheet(T.assessment_fees(r), title="考核与付款 Score and payment (万元)")

    @costs.command("contract")
    def contract_cmd(year: int | None = YEAR,
                     source: str = typer.Option("measured", "--source", help="measured (the record) or typed"),
                     clauses: Path | None = typer.Option(None, "--clauses", help="clause sets (YAML); default: "
                                                         "money/contract_clauses.yaml")) -> None:
        """The 100-point scheme scored from the record, and the simulator's clause sets side by side."""
        if source not in ("measured", "typed"):
            raise ExtranetError(f"--source {source!r}: expected measured or typed", code="bad_option")
        sets = tuple(load_clause_sets(clauses)) if clauses else None
        _report(year)  # the clear "empty ledger" error first
        with session_scope() as s:
            scored, outcomes = ask(s).contract_simulate(year, source, sets)
        table = Table("条款方案 clause set", "运营商 carrier", "得分 score", "应付比例 payable %",
                      "应付 payable (万元)", "可用率赔偿 credits", "触发 triggered",
                      title=f"{scored.year} 合同考核 contract ({source})")
        for col in (2, 3, 4, 5):
            table.columns[col].justify = "right"
        for o in outcomes:
            for c in o.carriers:
                table.add_row(o.clause.name, c.carrier_name, "—" if c.score is None else f"{c.score:g}",
                              "—" if c.payable_percent is None else f"{c.payable_percent:.2f}%",
                              "—" if c.payable is None else f"{c.payable:.4f}",
                              "—" if c.credits is None else f"{c.credits:.4f}", ", ".join(c.triggered) or "—")
        console.print(table)
        for code, why in scored.uncounted:
            console.print(f"  [dim]不计为事件 not an incident: {code} — {why}[/]", highlight=False)

    @costs.command("indicators")
    def indicators_cmd(year: int | None = YEAR, rule: str = RULE, basis: str = BASIS) -> None:
        """Quantity, quality, timeliness and cost indicators for a year."""
        r = _report(year, rule, basis)
        print_sheet(T.indicators(r), title=f"{r.year} 绩效指标 Performance indicators")

    app.add_typer(costs, name="costs")

    @export_app.command("money")
    def export_money(path: Path = typer.Argument(..., help="the workbook to write, e.g. money.xlsx"),
                     year: int | None = YEAR, rule: str = RULE, basis: str = BASIS,
                     rules: Path | None = RULES_FILE, availability: str = AVAIL) -> None:
        """The money workbook: ledger, anomalies, unit costs, backup value, assessment, indicators."""
        r = _report(year, rule, basis, rules, availability)
        written = write_workbook(r, path)
        console.print(f"written: {written} ({len(T.all_sheets(r)) + 1} sheets, {r.year})")


@step("台账与备份价值 Money: ledger anomalies and what the backup buys", order=40)
def _demo(ctx: DemoContext) -> None:
    with session_scope(ctx.engine) as s:
        r = ask(s).money()
    print_sheet(T.ledger_cash(r), title="现金口径 Cash view (万元)")
    print_anomalies(r)
    print_sheet(T.cost_summary(r), title=f"{r.year} 成本汇总 Cost summary")
    print_verdicts(r)
    ctx.state["money_report"] = r
