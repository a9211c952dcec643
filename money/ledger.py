"""The ledger: what was paid in each year (cash view), what each service year cost (accrual view),
and every inconsistency the evaluation found, each flagged with its reason.

Anomaly codes (stable; the CLI, the workbook and the tests use them):
- ``total_mismatch``        a budget total that is not the sum of its lines (per column)
- ``actual_vs_payments``    a budget line whose actual differs from the payments booked to it
- ``late_payment``          a fee paid after the end of its service period (cash instead of accrual)
- ``no_contract_in_force``  part of a paid service period with no signed contract in force
- ``no_contract_deed``      a carrier paid under an arrangement with no signed contract at all
- ``incomplete_approval``   a payment voucher without the complete approval chain
- ``contract_without_quantities`` a contract that states no quantities and/or no unit prices
- ``unpaid_service_year``   a service year inside the ledger's period with a contract fee but no payment
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .rows import MoneyRows
from .split import split_exact

ZERO = Decimal(0)

ANOMALY_ZH = {
    "total_mismatch": "合计数与分项之和不符",
    "actual_vs_payments": "决算数与支付凭证不符",
    "late_payment": "跨年支付（收付实现制）",
    "no_contract_in_force": "服务期无有效合同",
    "no_contract_deed": "无合同支付",
    "incomplete_approval": "支付审批手续不全",
    "contract_without_quantities": "合同未约定数量或单价",
    "unpaid_service_year": "服务年度费用未支付",
}


@dataclass(frozen=True)
class Anomaly:
    code: str
    subject: str  # what it is about: a budget line, a voucher, a contract, a carrier and period
    reason: str
    year: int | None = None  # the year it belongs to (payment year, budget year or service year)
    carrier: str | None = None
    amount: Decimal | None = None
    severity: str = "warning"  # warning | info

    @property
    def title(self) -> str:
        return ANOMALY_ZH.get(self.code, self.code)


@dataclass
class CashLine:
    year: int
    line: str
    carrier: str | None
    is_total: bool
    before: Decimal
    after: Decimal
    actual: Decimal
    paid: Decimal  # sum of payment vouchers booked to this line (for a total: to the year)
    note: str
    service_years: dict[int, Decimal] = field(default_factory=dict)  # what the money paid for


@dataclass
class AccrualLine:
    service_year: int
    carrier: str
    amount: Decimal
    paid_in: dict[int, Decimal]  # payment year → amount
    vouchers: list[str]
    contract_fee: Decimal | None  # the annual fee of a contract in force that year, if any


@dataclass
class Ledger:
    cash: list[CashLine]
    accrual: list[AccrualLine]
    anomalies: list[Anomaly]

    def cash_by_year_carrier(self) -> dict[tuple[int, str], Decimal]:
        return {(c.year, c.carrier): c.paid for c in self.cash if not c.is_total and c.carrier}

    def accrual_by_carrier_year(self) -> dict[tuple[str, int], Decimal]:
        return {(a.carrier, a.service_year): a.amount for a in self.accrual}

    def service_year_fees(self, year: int) -> dict[str, Decimal]:
        """Carrier → what was paid for service in ``year`` (the accrual view)."""
        return {a.carrier: a.amount for a in self.accrual if a.service_year == year}

    def for_year(self, year: int) -> list[Anomaly]:
        return [a for a in self.anomalies if a.year == year]


def build_ledger(rows: MoneyRows) -> Ledger:
    return Ledger(cash=cash_view(rows), accrual=accrual_view(rows), anomalies=anomalies(rows))


def cash_view(rows: MoneyRows) -> list[CashLine]:
    """The budget lines by payment year, each with the vouchers booked to it and the service years
    they paid for. Lines with payments but no budget row get a synthetic line so no money is lost."""
    paid: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    served: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for p in rows.payments:
        key = (p.budget_year or p.paid_on.year, p.budget_line or f"（未列预算）{rows.carrier_name(p.carrier)}")
        paid[key] += p.amount
        served[key][p.service_start.year] += p.amount
    out: list[CashLine] = []
    seen = set()
    for b in sorted(rows.budget, key=lambda b: (b.year, not b.is_total, b.line)):
        key = (b.year, b.line)
        seen.add(key)
        if b.is_total:
            year_paid = sum((v for (y, _), v in paid.items() if y == b.year), ZERO)
            years: dict[int, Decimal] = defaultdict(Decimal)
            for (y, _), sv in served.items():
                if y == b.year:
                    for sy, v in sv.items():
                        years[sy] += v
            out.append(CashLine(b.year, b.line, None, True, b.before, b.after, b.actual, year_paid, b.note,
                                dict(sorted(years.items()))))
        else:
            out.append(CashLine(b.year, b.line, b.carrier, False, b.before, b.after, b.actual, paid.get(key, ZERO),
                                b.note, dict(sorted(served.get(key, {}).items()))))
    for key, amount in sorted(paid.items()):
        if key not in seen:
            carrier = next(p.carrier for p in rows.payments
                           if (p.budget_year or p.paid_on.year, p.budget_line
                               or f"（未列预算）{rows.carrier_name(p.carrier)}") == key)
            out.append(CashLine(key[0], key[1], carrier, False, ZERO, ZERO, ZERO, amount, "无预算行",
                                dict(sorted(served[key].items()))))
    out.sort(key=lambda c: (c.year, not c.is_total, c.line))
    return out


def accrual_view(rows: MoneyRows) -> list[AccrualLine]:
    """What each service year cost per carrier. A payment whose period spans several years is
    attributed to them in proportion to days served (the sample's periods are whole years)."""
    amount: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    paid_in: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    vouchers: dict[tuple[int, str], list[str]] = defaultdict(list)
    for p in rows.payments:
        for year, part in split_by_year(p.amount, p.service_start, p.service_end).items():
            key = (year, p.carrier)
            amount[key] += part
            paid_in[key][p.paid_on.year] += part
            vouchers[key].append(p.voucher)
    # Service years a contract covers inside the ledger's period show up even when nothing was paid.
    years = rows.years()
    if years:
        for c in rows.contracts:
            if c.kind == "contract" and c.annual_fee and c.start:
                for y in range(years[0], years[-1] + 1):
                    if c.in_force(dt.date(y, 12, 31)):
                        amount.setdefault((y, c.carrier), ZERO)
    out = []
    for (year, carrier), value in sorted(amount.items(), key=lambda kv: (kv[0][1] != "unicom", kv[0][1], kv[0][0])):
        out.append(AccrualLine(year, carrier, value, dict(sorted(paid_in.get((year, carrier), {}).items())),
                               vouchers.get((year, carrier), []), contract_fee(rows, carrier, year)))
    primary_first = sorted(rows.carriers, key=lambda c: rows.carriers[c].role != "primary")
    carrier_order = {c: i for i, c in enumerate(primary_first)}
    out.sort(key=lambda a: (carrier_order.get(a.carrier, 99), a.service_year))
    return out


def contract_fee(rows: MoneyRows, carrier: str, year: int) -> Decimal | None:
    """The annual fee of the carrier's contract (or arrangement) for ``year``: a signed contract in
    force on the last day of the year first, else an arrangement's stated fee."""
    for c in rows.contracts:
        if c.carrier == carrier and c.in_force(dt.date(year, 12, 31)) and c.annual_fee is not None:
            return c.annual_fee
    for c in rows.contracts:
        if c.carrier == carrier and c.kind != "contract" and c.annual_fee is not None:
            return c.annual_fee
    return None


def split_by_year(amount: Decimal, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """An amount spread over the calendar years of [start, end] by days, exact to the fen."""
    if end < start:
        start, end = end, start
    days: dict[int, int] = {}
    for year in range(start.year, end.year + 1):
        lo, hi = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
        days[year] = (hi - lo).days + 1
    if len(days) == 1:
        return {start.year: amount}
    return dict(zip(days, split_exact(amount, list(days.values())), strict=True))


def anomalies(rows: MoneyRows) -> list[Anomaly]:
    out: list[Anomaly] = []
    out += _total_mismatch(rows)
    out += _actual_vs_payments(rows)
    out += _late_payments(rows)
    out += _uncovered_periods(rows)
    out += _approvals(rows)
    out += _contract_terms(rows)
    out += _unpaid_years(rows)
    return out


def _total_mismatch(rows: MoneyRows) -> list[Anomaly]:
    out = []
    for year in sorted({b.year for b in rows.budget}):
        lines = [b for b in rows.budget if b.year == year and not b.is_total]
        for total in (b for b in rows.budget if b.year == year and b.is_total):
            for column, label in (("before", "调整前预算"), ("after", "调整后预算"), ("actual", "决算数")):
                stated = getattr(total, column)
                summed = sum((getattr(b, column) for b in lines), ZERO)
                if stated != summed:
                    parts = " + ".join(f"{getattr(b, column):.2f}" for b in lines)
                    out.append(Anomaly(
                        "total_mismatch", f"{year} {total.line} {label}",
                        f"{year}年{label}合计 {stated:.2f} 万元 ≠ 分项之和 {parts} = {summed:.2f} 万元"
                        f"（差 {stated - summed:+.2f}）",
                        year=year, amount=stated - summed))
    return out


def _actual_vs_payments(rows: MoneyRows) -> list[Anomaly]:
    paid: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for p in rows.payments:
        if p.budget_line is not None and p.budget_year is not None:
            paid[(p.budget_year, p.budget_line)] += p.amount
    out = []
    for b in rows.budget:
        if b.is_total:
            continue
        got = paid.get((b.year, b.line), ZERO)
        if got != b.actual:
            out.append(Anomaly("actual_vs_payments", f"{b.year} {b.line}",
                               f"决算数 {b.actual:.2f} 万元，而记入该科目的支付凭证合计 {got:.2f} 万元",
                               year=b.year, carrier=b.carrier, amount=b.actual - got))
    return out


def _late_payments(rows: MoneyRows) -> list[Anomaly]:
    out = []
    for p in rows.payments:
        if p.paid_on > p.service_end:
            days = (p.paid_on - p.service_end).days
            out.append(Anomaly(
                "late_payment", p.voucher,
                f"{rows.carrier_name(p.carrier)} {p.service_start:%Y-%m-%d}至{p.service_end:%Y-%m-%d} 的服务费 "
                f"{p.amount:.2f} 万元于 {p.paid_on:%Y-%m-%d} 支付，晚于服务期末 {days} 天"
                "（应按权责发生制在服务年度内列支）",
                year=p.paid_on.year, carrier=p.carrier, amount=p.amount))
    return out


def _uncovered_periods(rows: MoneyRows) -> list[Anomaly]:
    """Paid service periods with no signed contract in force. Carriers with no signed contract at
    all get one ``no_contract_deed`` flag per payment instead of a gap for every day."""
    out = []
    for carrier in sorted({p.carrier for p in rows.payments}):
        deeds = [c for c in rows.contracts if c.carrier == carrier and c.kind == "contract"]
        pays = [p for p in rows.payments if p.carrier == carrier]
        if not deeds:
            arrangement = next((c for c in rows.contracts if c.carrier == carrier), None)
            for p in pays:
                out.append(Anomaly(
                    "no_contract_deed", p.voucher,
                    f"向{rows.carrier_name(carrier)}支付 {p.amount:.2f} 万元"
                    f"（服务期 {p.service_start:%Y-%m-%d}至{p.service_end:%Y-%m-%d}），无签订的合同"
                    + (f"，仅有安排「{arrangement.name}」" if arrangement else "")
                    + "；主合同未约定备用供应商，亦无服务内容的证据",
                    year=p.paid_on.year, carrier=carrier, amount=p.amount))
            continue
        days = sorted({p.service_start + dt.timedelta(d) for p in pays
                       for d in range((p.service_end - p.service_start).days + 1)})
        gap: list[dt.date] = [d for d in days if not any(c.in_force(d) for c in deeds)]
        for start, end in _runs(gap):
            lapsed = [c for c in deeds if c.end and c.end < start and c.carries_on_after_expiry]
            paid = sum((p.amount for p in pays if p.service_start <= end and p.service_end >= start), ZERO)
            reason = (f"{rows.carrier_name(carrier)} {start:%Y-%m-%d}至{end:%Y-%m-%d} 无有效合同"
                      f"（{(end - start).days + 1} 天），该期间的服务费 {paid:.2f} 万元仍被支付")
            if lapsed:
                reason += (f"；原合同「{lapsed[-1].name}」已于 {lapsed[-1].end:%Y-%m-%d} 到期，"
                           "仅按其条款延续，未履行采购程序")
            out.append(Anomaly("no_contract_in_force", f"{rows.carrier_name(carrier)} {start:%Y-%m}–{end:%Y-%m}",
                               reason, year=start.year, carrier=carrier, amount=paid))
    return out


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    runs: list[tuple[dt.date, dt.date]] = []
    for d in days:
        if runs and d == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def _approvals(rows: MoneyRows) -> list[Anomaly]:
    return [Anomaly("incomplete_approval", p.voucher,
                    f"支付凭证 {p.voucher}（{p.amount:.2f} 万元，{p.paid_on:%Y-%m-%d}）"
                    f"审批状态为「{p.approval_state}」，缺少完整的审批手续",
                    year=p.paid_on.year, carrier=p.carrier, amount=p.amount)
            for p in rows.payments if p.approval_state != "complete"]


def _contract_terms(rows: MoneyRows) -> list[Anomaly]:
    out = []
    for c in rows.contracts:
        missing = [label for ok, label in ((c.states_quantities, "服务数量"), (c.states_unit_prices, "单价"))
                   if not ok]
        if missing:
            year = c.start.year if c.start else None
            out.append(Anomaly("contract_without_quantities", f"{c.code} {c.name}",
                               f"{'合同' if c.kind == 'contract' else '服务安排'}「{c.name}」未约定"
                               + "、".join(missing) + "，无法按量核算费用",
                               year=year, carrier=c.carrier, amount=c.total))
    return out


def _unpaid_years(rows: MoneyRows) -> list[Anomaly]:
    years = rows.years()
    if not years:
        return []
    out = []
    paid = {(y, p.carrier) for p in rows.payments for y in split_by_year(p.amount, p.service_start, p.service_end)}
    for carrier in sorted({c.carrier for c in rows.contracts}):
        for year in range(years[0], years[-1] + 1):
            fee = contract_fee(rows, carrier, year)
            in_force = any(c.carrier == carrier and c.kind == "contract" and c.in_force(dt.date(year, 12, 31))
                           for c in rows.contracts)
            if fee and in_force and (year, carrier) not in paid:
                out.append(Anomaly("unpaid_service_year", f"{rows.carrier_name(carrier)} {year}",
                                   f"{rows.carrier_name(carrier)} {year} 年服务（合同年费 {fee:.2f} 万元）"
                                   "在台账期间内未支付",
                                   year=year, carrier=carrier, amount=fee, severity="info"))
    return out
