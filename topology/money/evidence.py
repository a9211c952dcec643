"""Link events and interface counters from the devices, tied to the circuits they belong to.

A circuit is known at each end by its interface (``circuit.a_interface_id`` / ``z_interface_id``); a
link event names a device and an interface (the collector fills ``interface_id`` when it can, else
the logged name is matched to the device's interfaces, long or short form).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from netutils.interface import canonical_interface_name
from sqlmodel import Session, select

from inventory.models import CHINA_TZ, Circuit, CounterSample, Device, Interface, LinkEvent, TerminalCount


@dataclass(frozen=True)
class EventRow:
    cid: str | None  # None: the interface carries no circuit we know of
    device: str
    interface: str
    occurred_at: dt.datetime
    state: str  # up | down


@dataclass(frozen=True)
class CounterRow:
    cid: str
    end: str  # "a" or "z": which end of the circuit the interface is
    device: str
    interface: str
    sampled_at: dt.datetime
    in_octets: int
    out_octets: int


@dataclass
class Evidence:
    events: list[EventRow] = field(default_factory=list)
    counters: list[CounterRow] = field(default_factory=list)
    unmatched_events: int = 0  # events on interfaces that carry no known circuit
    terminals_by_year: dict[int, int] = field(default_factory=dict)  # Σ over devices of the year's last MAC count

    def measured_terminals(self, year: int) -> int | None:
        return self.terminals_by_year.get(year)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.utcoffset() is not None else value.replace(tzinfo=dt.UTC)


def load_evidence(session: Session) -> Evidence:
    # Plain column rows: ORM entities for a province's 10,000 interfaces cost most of this function.
    devices: dict[int, str] = dict(session.exec(select(Device.id, Device.hostname)).all())  # type: ignore[arg-type]
    ifaces = {i.id: i for i in session.exec(select(Interface.id, Interface.device_id, Interface.name)).all()}
    by_name: dict[tuple[int, str], int] = {}
    for i in ifaces.values():
        by_name[(i.device_id, i.name.lower())] = i.id  # type: ignore[index]
    ends: dict[int, tuple[str, str]] = {}
    for c in session.exec(select(Circuit)):
        if c.a_interface_id:
            ends[c.a_interface_id] = (c.cid, "a")
        if c.z_interface_id:
            ends[c.z_interface_id] = (c.cid, "z")
    ev = Evidence()
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
    wanted = list(ends)
    if wanted:
        rows = session.exec(select(CounterSample).where(CounterSample.interface_id.in_(wanted))  # type: ignore[attr-defined]
                            .order_by(CounterSample.interface_id, CounterSample.sampled_at)).all()
        for s in rows:
            cid, end = ends[s.interface_id]
            i = ifaces[s.interface_id]
            ev.counters.append(CounterRow(cid, end, devices.get(i.device_id, ""), i.name, _aware(s.sampled_at),
                                          s.in_octets, s.out_octets))
    latest: dict[tuple[int, int], tuple[dt.datetime, int]] = {}
    for t in session.exec(select(TerminalCount)):
        at = _aware(t.counted_at)
        key = (at.astimezone(CHINA_TZ).year, t.device_id)
        if key not in latest or at > latest[key][0]:
            latest[key] = (at, t.mac_count)
    for (year, _), (_, n) in latest.items():
        ev.terminals_by_year[year] = ev.terminals_by_year.get(year, 0) + n
    return ev
