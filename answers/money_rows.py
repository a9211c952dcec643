"""Reading what the money analyses need from the database: detached copies of the inventory and
ledger rows (money.rows.MoneyRows) and the devices' evidence tied to circuits (money.evidence.Evidence).
The analyses in money/ never see a session; this is the only place that reads for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from netutils.interface import canonical_interface_name
from sqlmodel import Session, select

from inventory.models import (
    CHINA_TZ,
    BudgetLine,
    Carrier,
    Circuit,
    Contract,
    CounterSample,
    Device,
    Incident,
    Interface,
    LinkEvent,
    Payment,
    Room,
    TerminalCount,
    Unit,
)
from money.evidence import CounterRow, EventRow, Evidence
from money.rows import (
    BudgetRow,
    CarrierRow,
    CircuitRow,
    ContractRow,
    IncidentRow,
    MoneyRows,
    PaymentRow,
    UnitRow,
)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; the database stores UTC.
    return value if value.utcoffset() is not None else value.replace(tzinfo=dt.UTC)


# -- the ledger and the inventory rows it is allocated over ---------------------------------------------
def load_rows(session: Session) -> MoneyRows:
    carriers = {c.id: c for c in session.exec(select(Carrier))}
    code = {i: c.code for i, c in carriers.items()}
    contracts = {c.id: c for c in session.exec(select(Contract).order_by(Contract.code))}
    budget = {b.id: b for b in session.exec(select(BudgetLine).order_by(BudgetLine.year, BudgetLine.line))}
    rooms = {r.id: r for r in session.exec(select(Room))}
    units = {u.id: u for u in session.exec(select(Unit).order_by(Unit.code))}
    circuits = {c.id: c for c in session.exec(select(Circuit).order_by(Circuit.cid))}
    rows = MoneyRows(
        carriers={c.code: CarrierRow(c.code, c.name, c.role) for c in carriers.values()},
        contracts=[ContractRow(c.code, c.name, code[c.carrier_id], c.kind, c.start_date, c.end_date, c.total,
                               c.annual_fee, c.states_quantities, c.states_unit_prices, c.carries_on_after_expiry,
                               c.assessment_scheme, c.signed_on) for c in contracts.values()],
        budget=[BudgetRow(b.year, b.line, code.get(b.carrier_id) if b.carrier_id else None, b.is_total,
                          b.before_adjustment, b.after_adjustment, b.actual, b.note) for b in budget.values()],
        units={u.code: UnitRow(u.code, u.name, u.declared_terminals, u.group) for u in units.values()},
        core_rooms=sorted(r.code for r in rooms.values() if r.is_core),
    )
    rows.payments = _payments(session, code, contracts, budget)
    rows.incidents = _incidents(session, code, circuits)
    rows.circuits = _circuits(code, circuits, rooms, units)
    return rows


def _payments(session: Session, code: dict[Any, str], contracts: dict[Any, Contract],
              budget: dict[Any, BudgetLine]) -> list[PaymentRow]:
    out = []
    for p in session.exec(select(Payment).order_by(Payment.paid_on, Payment.voucher)):
        bl = budget.get(p.budget_line_id) if p.budget_line_id else None
        out.append(PaymentRow(
            p.voucher, code[p.carrier_id], contracts[p.contract_id].code if p.contract_id in contracts else None,
            bl.year if bl else None, bl.line if bl else None, p.amount, p.paid_on, p.service_start, p.service_end,
            p.approval_state, p.description))
    return out


def _incidents(session: Session, code: dict[Any, str], circuits: dict[Any, Circuit]) -> list[IncidentRow]:
    return [IncidentRow(code[i.carrier_id], circuits[i.circuit_id].cid if i.circuit_id in circuits else None,
                        i.category, i.severity, _aware(i.started_at), _aware(i.ended_at) if i.ended_at else None,
                        i.description, i.points_deducted)
            for i in session.exec(select(Incident).order_by(Incident.started_at))]


def _circuits(code: dict[Any, str], circuits: dict[Any, Circuit], rooms: dict[Any, Room],
              units: dict[Any, Unit]) -> list[CircuitRow]:
    def room(i: int | None) -> str | None:
        return rooms[i].code if i in rooms else None

    def unit(i: int | None) -> str | None:
        return units[i].code if i in units else None

    return [CircuitRow(c.cid, code.get(c.carrier_id) if c.carrier_id else None, c.role, c.bandwidth_mbps,
                       room(c.a_room_id), unit(c.a_unit_id), c.a_external, room(c.z_room_id), unit(c.z_unit_id),
                       c.z_external, c.cost, c.install_date, c.end_date, c.status)
            for c in circuits.values()]


# -- the devices' evidence ----------------------------------------------------------------------------
def load_evidence(session: Session) -> Evidence:
    # Plain column rows: ORM entities for a province's 10,000 interfaces cost most of this function.
    devices: dict[int, str] = dict(session.exec(select(Device.id, Device.hostname)).all())  # type: ignore[arg-type]
    ifaces = {i.id: i for i in session.exec(select(Interface.id, Interface.device_id, Interface.name)).all()}
    ends: dict[int, tuple[str, str]] = {}  # interface id → (circuit, which end)
    for c in session.exec(select(Circuit)):
        if c.a_interface_id:
            ends[c.a_interface_id] = (c.cid, "a")
        if c.z_interface_id:
            ends[c.z_interface_id] = (c.cid, "z")
    ev = Evidence()
    _events(session, ev, devices, ifaces, ends)
    ev.counters = _counters(session, devices, ifaces, ends)
    ev.terminals_by_year = _terminals_by_year(session)
    return ev


def _events(session: Session, ev: Evidence, devices: dict[int, str], ifaces: dict[int, Any],
            ends: dict[int, tuple[str, str]]) -> None:
    by_name: dict[tuple[int, str], int] = {}
    for i in ifaces.values():
        by_name[(i.device_id, i.name.lower())] = i.id
    for e in session.exec(select(LinkEvent).order_by(LinkEvent.occurred_at, LinkEvent.id)):
        iid = e.interface_id
        if iid is None:
            iid = by_name.get((e.device_id, e.interface_name.lower()))
        if iid is None:
            try:
                iid = by_name.get((e.device_id, canonical_interface_name(e.interface_name).lower()))
            except Exception:  # netutils raises on names it cannot parse: treat as unmatched
                iid = None
        cid = ends[iid][0] if iid in ends else None
        if cid is None:
            ev.unmatched_events += 1
        ev.events.append(EventRow(cid, devices.get(e.device_id, str(e.device_id)),
                                  ifaces[iid].name if iid in ifaces else e.interface_name, _aware(e.occurred_at),
                                  e.state.lower()))


def _counters(session: Session, devices: dict[int, str], ifaces: dict[int, Any],
              ends: dict[int, tuple[str, str]]) -> list[CounterRow]:
    wanted = list(ends)
    if not wanted:
        return []
    out = []
    rows = session.exec(select(CounterSample).where(CounterSample.interface_id.in_(wanted))  # type: ignore[attr-defined]
                        .order_by(CounterSample.interface_id, CounterSample.sampled_at)).all()
    for s in rows:
        cid, end = ends[s.interface_id]
        i = ifaces[s.interface_id]
        out.append(CounterRow(cid, end, devices.get(i.device_id, ""), i.name, _aware(s.sampled_at),
                              s.in_octets, s.out_octets, s.reset))
    return out


def _terminals_by_year(session: Session) -> dict[int, int]:
    """Σ over devices of each device's last MAC count in the year (China time)."""
    latest: dict[tuple[int, int], tuple[dt.datetime, int]] = {}
    for t in session.exec(select(TerminalCount)):
        at = _aware(t.counted_at)
        key = (at.astimezone(CHINA_TZ).year, t.device_id)
        if key not in latest or at > latest[key][0]:
            latest[key] = (at, t.mac_count)
    out: dict[int, int] = {}
    for (year, _), (_, n) in latest.items():
        out[year] = out.get(year, 0) + n
    return out
