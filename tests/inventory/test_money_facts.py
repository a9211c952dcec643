"""The sample's ledger reproduces every figure of SEED_FACTS.md's money table to 0.01 万元."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal as D

from sqlmodel import Session, select

from inventory.models import BudgetLine, Carrier, Contract, Payment

# (year, line prefix) -> (before, after, actual), straight from the report's tables.
REPORT = {
    (2020, "1、"): ("160.00", "150.10", "160.00"),
    (2020, "1.1"): ("150.10", "150.10", "150.10"),
    (2020, "1.2"): ("9.90", "9.90", "9.90"),
    (2021, "1、"): ("194.80", "191.68", "191.68"),
    (2021, "1.1"): ("176.02", "172.90", "172.90"),
    (2021, "1.2"): ("18.78", "18.78", "18.78"),
    (2022, "1、"): ("157.90", "156.88", "156.88"),
    (2022, "1.1"): ("148.00", "148.00", "148.00"),
    (2022, "1.2"): ("9.90", "8.88", "8.88"),
}
ACCRUAL = {("unicom", 2019): "175.00", ("unicom", 2020): "148.00", ("unicom", 2021): "148.00",
           ("telecom", 2019): "9.90", ("telecom", 2020): "9.90", ("telecom", 2021): "8.88", ("telecom", 2022): "8.88"}


def test_budget_lines_equal_the_report(sample_engine) -> None:
    with Session(sample_engine) as s:
        lines = list(s.exec(select(BudgetLine)))
        assert len(lines) == 9
        for b in lines:
            prefix = "1、" if b.is_total else b.line[:3]
            before, after, actual = REPORT[(b.year, prefix)]
            assert (b.before_adjustment, b.after_adjustment, b.actual) == (D(before), D(after), D(actual)), b.line


def test_payments_by_paid_year_equal_the_actuals(sample_engine) -> None:
    with Session(sample_engine) as s:
        codes = {c.id: c.code for c in s.exec(select(Carrier))}
        paid = defaultdict(D)
        for p in s.exec(select(Payment)):
            paid[(p.paid_on.year, codes[p.carrier_id])] += p.amount
        assert paid == {(2020, "unicom"): D("150.10"), (2020, "telecom"): D("9.90"),
                        (2021, "unicom"): D("172.90"), (2021, "telecom"): D("18.78"),
                        (2022, "unicom"): D("148.00"), (2022, "telecom"): D("8.88")}


def test_service_year_attribution(sample_engine) -> None:
    with Session(sample_engine) as s:
        codes = {c.id: c.code for c in s.exec(select(Carrier))}
        accrued = defaultdict(D)
        for p in s.exec(select(Payment)):
            assert p.service_start.year == p.service_end.year
            accrued[(codes[p.carrier_id], p.service_start.year)] += p.amount
        assert accrued == {k: D(v) for k, v in ACCRUAL.items()}


def test_contracts(sample_engine) -> None:
    with Session(sample_engine) as s:
        c = s.exec(select(Contract).where(Contract.code == "LT-2020")).one()
        assert (c.total, c.annual_fee, str(c.signed_on)) == (D("444.00"), D("148.00"), "2020-12-29")
        assert not c.states_quantities and not c.states_unit_prices
        assert c.assessment_scheme == "100-point"
        old = s.exec(select(Contract).where(Contract.code == "LT-2014")).one()
        assert old.carries_on_after_expiry
        backup = s.exec(select(Contract).where(Contract.code == "DX-BACKUP")).one()
        assert backup.kind == "arrangement"
