"""The cached money report is reused while nothing it reads changes, and recomputed after a money write
or new collected evidence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from inventory.db import get_engine, session_scope
from inventory.models import Device, Payment, TerminalCount
from inventory.service import load_sample, prepare
from topology.money.report import cached_money_report, money_report


def test_reused_until_a_write_then_equal_to_a_fresh_report(tmp_path: Path) -> None:
    eng = get_engine(f"sqlite:///{tmp_path / 'x.db'}")
    prepare(eng)
    load_sample(eng)
    with session_scope(eng) as s:
        first = cached_money_report(s)
        assert cached_money_report(s) is first
        assert cached_money_report(s, rule="terminals") is not first  # other arguments, other report
        total = sum((a.amount for a in first.ledger.accrual), Decimal(0))

    with session_scope(eng, actor="test") as s:  # a money write leaves a trail row
        pay = s.exec(select(Payment).order_by(Payment.id)).first()
        pay.amount += Decimal("1.00")
        s.add(pay)
    with session_scope(eng) as s:
        after = cached_money_report(s)
        assert after is not first
        assert sum((a.amount for a in after.ledger.accrual), Decimal(0)) == total + Decimal("1.00")
        fresh = money_report(s)
        assert [u.total for u in after.allocation.units] == [u.total for u in fresh.allocation.units]

    with session_scope(eng, actor="test") as s:  # collected evidence leaves no trail row but a new id
        dev = s.exec(select(Device).where(Device.unit_id.is_not(None))).first()
        s.add(TerminalCount(device_id=dev.id, unit_id=dev.unit_id, mac_count=3, arp_count=3))
    with session_scope(eng) as s:
        assert cached_money_report(s) is not after
    eng.dispose()
