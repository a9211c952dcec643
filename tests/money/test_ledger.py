"""The ledger reproduces SEED_FACTS.md's money tables and flags every inconsistency the evaluation found."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

from answers.money_rows import load_rows
from inventory.db import session_scope
from money.ledger import build_ledger, split_by_year
from money.rows import MoneyRows, PaymentRow

# SEED_FACTS.md, cash view: (paid in, line) -> (before, after, actual). "total" is the 1、 line.
CASH = {
    (2020, "total"): ("160.00", "150.10", "160.00"), (2020, "unicom"): ("150.10", "150.10", "150.10"),
    (2020, "telecom"): ("9.90", "9.90", "9.90"),
    (2021, "total"): ("194.80", "191.68", "191.68"), (2021, "unicom"): ("176.02", "172.90", "172.90"),
    (2021, "telecom"): ("18.78", "18.78", "18.78"),
    (2022, "total"): ("157.90", "156.88", "156.88"), (2022, "unicom"): ("148.00", "148.00", "148.00"),
    (2022, "telecom"): ("9.90", "8.88", "8.88"),
}
# SEED_FACTS.md, "Service-year (accrual) attribution implied by the notes".
ACCRUAL = {("unicom", 2019): "175.00", ("unicom", 2020): "148.00", ("unicom", 2021): "148.00",
           ("telecom", 2019): "9.90", ("telecom", 2020): "9.90", ("telecom", 2021): "8.88", ("telecom", 2022): "8.88"}
CENT = D("0.01")


def test_cash_view_equals_the_report_on_both_backends(sample_engine) -> None:
    with session_scope(sample_engine) as s:
        ledger = build_ledger(load_rows(s))
    got = {(c.year, "total" if c.is_total else c.carrier): c for c in ledger.cash}
    assert set(got) == set(CASH)
    for key, (before, after, actual) in CASH.items():
        line = got[key]
        for value, want in ((line.before, before), (line.after, after), (line.actual, actual)):
            assert abs(value - D(want)) < CENT, (key, value, want)
        # The vouchers booked to each line add up to its actual (the total: to the year's payments).
        assert abs(line.paid - D(actual)) < CENT, key
    # The notes: 2021 paid 24.90 for 2019 and 148.00 (Unicom) for 2020; Telecom 9.90 for 2020, 8.88 for 2021.
    assert got[(2021, "unicom")].service_years == {2019: D("24.90"), 2020: D("148.00")}
    assert got[(2021, "telecom")].service_years == {2020: D("9.90"), 2021: D("8.88")}
    assert got[(2020, "total")].service_years == {2019: D("160.00")}
    assert got[(2022, "unicom")].service_years == {2021: D("148.00")}
    assert ledger.cash_by_year_carrier() == {
        (2020, "unicom"): D("150.10"), (2020, "telecom"): D("9.90"), (2021, "unicom"): D("172.90"),
        (2021, "telecom"): D("18.78"), (2022, "unicom"): D("148.00"), (2022, "telecom"): D("8.88")}


def test_accrual_view_equals_the_stated_attribution(ledger) -> None:
    nonzero = {k: v for k, v in ledger.accrual_by_carrier_year().items() if v}
    assert nonzero == {k: D(v) for k, v in ACCRUAL.items()}
    # Unicom 2022 is a contract year with nothing paid for it within the period: shown as 0, not dropped.
    assert ledger.accrual_by_carrier_year()[("unicom", 2022)] == 0
    unicom_2019 = next(a for a in ledger.accrual if (a.carrier, a.service_year) == ("unicom", 2019))
    assert unicom_2019.paid_in == {2020: D("150.10"), 2021: D("24.90")}
    assert unicom_2019.vouchers == ["PZ-2020-031", "PZ-2021-014"]
    assert ledger.service_year_fees(2021) == {"unicom": D("148.00"), "telecom": D("8.88")}


def _codes(ledger, code):  # type: ignore[no-untyped-def]
    return [a for a in ledger.anomalies if a.code == code]


def test_2020_adjusted_total_is_flagged(ledger) -> None:
    flags = _codes(ledger, "total_mismatch")
    assert len(flags) == 1, flags  # only the 2020 after-adjustment total; every other total adds up
    f = flags[0]
    assert f.year == 2020 and f.amount == D("-9.90")
    assert "150.10" in f.reason and "160.00" in f.reason and "调整后" in f.reason


def test_late_payments_are_flagged(ledger) -> None:
    late = {a.subject for a in _codes(ledger, "late_payment")}
    # Everything paid after its service year; the 2021 and 2022 Telecom fees were paid in their own year.
    assert late == {"PZ-2020-031", "PZ-2020-032", "PZ-2021-014", "PZ-2021-015", "PZ-2021-016", "PZ-2022-027"}
    one = next(a for a in _codes(ledger, "late_payment") if a.subject == "PZ-2021-015")
    assert one.amount == D("148.00") and "2021-06-25" in one.reason and "2020-12-31" in one.reason


def test_2020_without_a_contract_is_flagged(ledger) -> None:
    gaps = _codes(ledger, "no_contract_in_force")
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.carrier == "unicom" and gap.year == 2020
    # January to December 2020: the 2014 agreement had lapsed, the new one was signed on 29 December.
    assert "2020-01-01至2020-12-28" in gap.reason and "网络通信服务协议书" in gap.reason
    assert gap.amount == D("148.00")


def test_telecom_paid_without_a_contract_deed(ledger) -> None:
    flags = _codes(ledger, "no_contract_deed")
    assert {a.carrier for a in flags} == {"telecom"}
    assert sum(a.amount for a in flags) == D("9.90") + D("9.90") + D("8.88") + D("8.88")


def test_incomplete_approvals_and_contract_terms(ledger, rows) -> None:
    assert {a.subject for a in _codes(ledger, "incomplete_approval")} == {p.voucher for p in rows.payments}
    terms = {a.subject.split()[0] for a in _codes(ledger, "contract_without_quantities")}
    assert terms == {"LT-2014", "LT-2020", "DX-BACKUP"}
    assert all("数量" in a.reason and "单价" in a.reason for a in _codes(ledger, "contract_without_quantities"))
    unpaid = _codes(ledger, "unpaid_service_year")
    assert [(a.carrier, a.year, a.amount) for a in unpaid] == [("unicom", 2022, D("148.00"))]


def test_every_anomaly_has_a_reason(ledger) -> None:
    assert ledger.anomalies
    for a in ledger.anomalies:
        assert a.reason and a.subject and a.title != a.code


def test_a_clean_ledger_has_no_flags(rows: MoneyRows) -> None:
    """Fix what the evaluation criticised (totals, timing, approvals, terms, deeds) and the flags go."""
    budget = [dataclasses.replace(b, after=D("160.00")) if b.is_total and b.year == 2020 else b for b in rows.budget]
    payments = [dataclasses.replace(p, approval_state="complete", paid_on=p.service_end) for p in rows.payments]
    contracts = [dataclasses.replace(c, states_quantities=True, states_unit_prices=True, kind="contract",
                                     start=c.start or dt.date(2014, 1, 1), end=c.end or dt.date(2030, 1, 1),
                                     carries_on_after_expiry=False)
                 for c in rows.contracts]
    contracts = [dataclasses.replace(c, end=dt.date(2020, 12, 28)) if c.code == "LT-2014" else c for c in contracts]
    # Budget lines follow the money: move each line's actual to where it is now paid.
    clean = build_ledger(dataclasses.replace(rows, budget=budget, payments=payments, contracts=contracts))
    left = {a.code for a in clean.anomalies} - {"actual_vs_payments", "unpaid_service_year"}
    assert left == set(), [a.reason for a in clean.anomalies if a.code in left]


def test_actual_not_matching_vouchers_is_flagged(rows: MoneyRows) -> None:
    extra = PaymentRow("PZ-X", "telecom", "DX-BACKUP", 2022, rows.payments[-1].budget_line, D("1.00"),
                       dt.date(2022, 12, 1), dt.date(2022, 1, 1), dt.date(2022, 12, 31), "complete")
    flags = [a for a in build_ledger(dataclasses.replace(rows, payments=[*rows.payments, extra])).anomalies
             if a.code == "actual_vs_payments"]
    assert [(a.year, a.amount) for a in flags] == [(2022, D("-1.00"))]


def test_multi_year_payment_is_split_by_days_exactly() -> None:
    parts = split_by_year(D("100.00"), dt.date(2020, 7, 1), dt.date(2021, 6, 30))
    assert set(parts) == {2020, 2021} and sum(parts.values()) == D("100.00")
    assert parts[2020] == D("100.00") * 184 / 365 or abs(parts[2020] - D("100.00") * 184 / 365) < D("0.000001")
