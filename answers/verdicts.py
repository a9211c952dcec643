"""The backup circuits' verdicts as an answer: the year's ledger and outages (answers/sla.py), what the
backup's fee buys (the money report's backup value), and each circuit's traffic from the record's daily
rollups, put through money.verdicts.verdicts."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from inventory.errors import ExtranetError
from inventory.models import Circuit, InterfaceRollup
from money.backup_value import carriers_by_role
from money.bureau_report import render_pdf, render_xlsx
from money.sla import year_bounds
from money.verdicts import BackupCircuit, VerdictsYear, verdicts

from . import arming, money, sla
from .core import Snapshot

PERIODS = {"annual": 1, "monthly": 12}  # BillingPeriod: periods in a year


def backup_verdicts(a: Snapshot, year: int) -> VerdictsYear:
    """Every backup-carrier circuit in service that year, with its verdict."""
    def compute() -> VerdictsYear:
        r = sla.ledger(a, year).rows
        _primary, backup = carriers_by_role(a.graph())
        if not backup:
            raise ExtranetError("no carrier has the backup role in the inventory: nothing to judge",
                                code="no_backup_carrier")
        code = backup[0]
        try:
            bv = money.report(a, year).backup
            fee = bv.year(year).fee
            protected = set(bv.protection.units)
            dead_end = set(bv.protection.dead_end)
        except (ExtranetError, KeyError):  # no money rows for that year: verdicts without the cost
            fee, protected, dead_end = None, set(), set()
        except (ValueError, ArithmeticError) as exc:
            raise _unusable(exc) from None
        traffic = _year_traffic(a, year, r.unit_end)
        prices = {c.cid: c for c in a.session.exec(select(Circuit).where(col(Circuit.cid).in_(list(r.info))))}
        by_unit: dict[str, list[str]] = defaultdict(list)
        for cid, info in r.info.items():
            if info.role == "primary" and info.unit:
                by_unit[info.unit].append(cid)
        circuits = []
        for cid, info in sorted(r.info.items()):
            if info.role != "backup" or info.carrier != code:
                continue
            primaries = tuple(sorted(by_unit.get(info.unit or "", [])))
            peaks = [traffic[p][1] for p in primaries if p in traffic and traffic[p][1]]
            row = prices.get(cid)
            circuits.append(BackupCircuit(
                cid, code, info.unit, r.names.get("unit", {}).get(info.unit or ""), primaries,
                row.bandwidth_mbps if row else 0, year_octets=traffic.get(cid, (0, 0))[0],
                demand_mbps=max(peaks) / 1e6 if peaks else None, annual_cost_wan=_annual(row)))
        found = arming.findings(a, year, {c.cid: c.primary for c in circuits}, r.unit_end)
        return verdicts(year, code, r.names.get("carrier", {}).get(code, code), circuits, sla.outages(a, year),
                        fee_wan=fee, protected={u: r.terminals.get(u, 0) for u in protected},
                        dead_end=dead_end, armed=found)

    return a._answer("backup_verdicts", (year, sla.record_mark(a)), compute)


def _unusable(exc: Exception) -> ExtranetError:
    # Stored rows the money analysis cannot use (a service year out of range, say): a fee share built around
    # them would be wrong, and leaving the fee out silently would hide it.
    return ExtranetError(f"the stored ledger holds values the money analysis cannot use ({exc}); correct the "
                         "payments/contracts and retry", code="ledger_unusable")


def _annual(row: Circuit | None) -> Decimal | None:
    if row is None or row.cost is None or row.billing_period not in PERIODS:
        return None
    return Decimal(row.cost) * PERIODS[row.billing_period]


def _year_traffic(a: Snapshot, year: int, unit_end: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Circuit → (octets over the year, its busiest hour in bit/s, the larger direction) at its unit end."""
    lo, hi = year_bounds(year)
    R = InterfaceRollup
    cid_of = {iid: cid for cid, iid in unit_end.items()}
    out: dict[str, tuple[int, int]] = {}
    ids = sorted(cid_of)
    for at in range(0, len(ids), 500):
        stmt = (select(R.interface_id, func.sum(R.in_bytes + R.out_bytes),
                       func.max(R.peak_in_bps), func.max(R.peak_out_bps))
                .where(col(R.interface_id).in_(ids[at:at + 500]), R.period == "hour", col(R.start) >= lo,
                       col(R.start) < hi).group_by(R.interface_id))
        for iid, octets, pin, pout in a.session.exec(stmt).all():
            out[cid_of[iid]] = (int(octets or 0), max(int(pin or 0), int(pout or 0)))
    return out


def bureau_report(a: Snapshot, year: int, fmt: str) -> bytes:
    """电信备份线路服务评估 as a file: `fmt` pdf (one A4 page) or xlsx, with the year's indicators."""
    if fmt not in ("pdf", "xlsx"):
        raise ExtranetError(f"report format {fmt!r}: expected pdf or xlsx", code="bad_option")

    def compute() -> bytes:
        vy = backup_verdicts(a, year)
        try:
            inds = money.report(a, year).indicators
        except ExtranetError:  # no money rows for that year: the report without them
            inds = None
        except (ValueError, ArithmeticError) as exc:
            raise _unusable(exc) from None
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"backup-assessment-{year}.{fmt}"
            (render_pdf if fmt == "pdf" else render_xlsx)(vy, path, indicators=inds)
            return path.read_bytes()

    return a._answer("bureau_report", (year, fmt, sla.record_mark(a)), compute)
