"""The money report the answers layer gives is reused while nothing it reads changes, and recomputed
after a money write or new collected evidence; it equals a report computed afresh from the rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from answers import ask
from inventory.db import get_engine, session_scope
from inventory.models import Device, Payment, TerminalCount
from inventory.service import load_sample, prepare

from .conftest import fresh_report


def test_reused_until_a_write_then_equal_to_a_fresh_report(tmp_path: Path) -> None:
    eng = get_engine(f"sqlite:///{tmp_path / 'x.db'}")
    prepare(eng)
    load_sample(eng)
    with session_scope(eng) as s:
        first = ask(s).money()
        assert ask(s).money() is first
        assert ask(s).money(rule="terminals") is not first  # other arguments, other report
        total = sum((a.amount for a in first.ledger.accrual), Decimal(0))

    with session_scope(eng, actor="test") as s:  # a money write leaves a trail row
        pay = s.exec(select(Payment).order_by(Payment.id)).first()
        pay.amount += Decimal("1.00")
        s.add(pay)
    with session_scope(eng) as s:
        after = ask(s).money()
        assert after is not first
        assert sum((a.amount for a in after.ledger.accrual), Decimal(0)) == total + Decimal("1.00")
    fresh = fresh_report(eng)
    assert [u.total for u in after.allocation.units] == [u.total for u in fresh.allocation.units]
    # The protection classes the answers layer passes give what classify(g) of a fresh graph gives.
    assert after.year == fresh.year and after.backup.protection == fresh.backup.protection

    with session_scope(eng, actor="test") as s:  # collected evidence leaves no trail row but a new id
        dev = s.exec(select(Device).where(Device.unit_id.is_not(None))).first()
        s.add(TerminalCount(device_id=dev.id, unit_id=dev.unit_id, mac_count=3, arp_count=3))
    with session_scope(eng) as s:
        assert ask(s).money() is not after
    eng.dispose()
