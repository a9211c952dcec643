"""Link events and interface counters from the devices, tied to the circuits they belong to.

A circuit is known at each end by its interface (``circuit.a_interface_id`` / ``z_interface_id``); a
link event names a device and an interface (the collector fills ``interface_id`` when it can, else
the logged name is matched to the device's interfaces, long or short form). The answers layer reads
these rows (``answers/money_rows.py: load_evidence``); the analyses only see the dataclasses below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
    reset: bool = False  # a counter went down since the previous sample: cleared or wrapped


@dataclass
class Evidence:
    events: list[EventRow] = field(default_factory=list)
    counters: list[CounterRow] = field(default_factory=list)
    unmatched_events: int = 0  # events on interfaces that carry no known circuit
    terminals_by_year: dict[int, int] = field(default_factory=dict)  # Σ over devices of the year's last MAC count

    def measured_terminals(self, year: int) -> int | None:
        return self.terminals_by_year.get(year)
