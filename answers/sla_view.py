"""The SLA page's questions, over the ledger and the outages (answers/sla.py): a month × circuit heat map
with filters, the carriers side by side, and one circuit's month opened down to the evidence rows.

Front doors never compute: the page asks these and renders. The figures are the ledger's own (the same
`Seconds` the API serialises); this module only selects, sums filtered circuits per carrier, and reads the
rows an evidence ref names (`lsi:ID`, `probe:ID`, `sample:ID`, and what opened an interval: `sample:ID` or
`syslog:ID`) so a person sees a message, a sample or a probe result instead of an id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select

from inventory.models import (
    Circuit,
    Device,
    Interface,
    InterfaceRollup,
    InterfaceSample,
    LinkStateInterval,
    ProbeResult,
    SyslogMessage,
)
from money.outages import Outage
from money.sla import CHINA, CircuitInfo, Seconds, month_starts, year_bounds

from .core import Snapshot
from .sla import ledger, outages, record_mark

MAX_INTERVALS = 400  # a flapping circuit's month: the page shows this many and says how many more
MAX_EVIDENCE = 40
OWN = "own"  # the ledger's carrier line for circuits of no carrier (money/sla.py _group)


@dataclass(frozen=True)
class Filters:
    carrier: str | None = None
    role: str | None = None
    unit: str | None = None
    room: str | None = None

    def keep(self, c: CircuitInfo) -> bool:
        return ((not self.carrier or (c.carrier or OWN) == self.carrier) and (not self.role or c.role == self.role)
                and (not self.unit or c.unit == self.unit) and (not self.room or self.room in c.rooms))


@dataclass
class HeatRow:
    cid: str
    carrier: str | None
    role: str
    unit: str | None
    unit_name: str
    rooms: tuple[str, ...]
    months: list[Seconds | None]  # January … December; None: not in service that month
    year: Seconds


@dataclass
class CarrierLine:
    carrier: str
    name: str
    circuits: int
    figures: Seconds
    outages: int  # measured outages of its circuits in the year (filtered circuits)
    mttr_s: float | None  # mean duration of those that closed; None: none closed


@dataclass
class SlaView:
    year: int
    rows: list[HeatRow]
    carriers: list[CarrierLine]
    recorded: bool  # any circuit measured any second of the year
    choices: dict[str, list[tuple[str, str]]]  # filter → (key, name)


@dataclass
class Evidence:
    ref: str
    kind: str  # lsi | probe | sample | syslog | unknown
    at: dt.datetime | None
    device: str | None  # hostname, for the device page's link
    what: str  # a readable line: the message, the reading, the probe's result
    opened_by: Evidence | None = None
    source: str | None = None  # an interval's source and state, for the page to word in its language
    state: str | None = None


@dataclass
class Drill:
    year: int
    month: int
    cid: str
    info: CircuitInfo
    unit_name: str
    figures: Seconds
    intervals: list[tuple[dt.datetime, dt.datetime, str, str | None, list[Evidence], bool]]
    more_intervals: int
    outages: list[tuple[Outage, dict[str, str], list[Evidence]]] = field(default_factory=list)


def years(a: Snapshot) -> list[int]:
    """The China-time years the record holds anything for (newest first); empty: no record yet."""
    def compute() -> list[int]:
        firsts, lasts = [], []
        # indexed columns only (a year of syslog is millions of rows): the message's arrival, not its stamp
        for colmn in (InterfaceRollup.start, InterfaceSample.sampled_at, LinkStateInterval.started_at,
                      ProbeResult.measured_at, SyslogMessage.received_at):
            lo, hi = a.session.exec(select(func.min(colmn), func.max(colmn))).one()
            if lo is not None:
                firsts.append(_aware(lo))
                lasts.append(_aware(hi))
        if not firsts:
            return []
        return list(range(max(lasts).astimezone(CHINA).year, min(firsts).astimezone(CHINA).year - 1, -1))

    return a._answer("sla_years", (record_mark(a),), compute)


def view(a: Snapshot, year: int, flt: Filters | None = None) -> SlaView:
    flt = flt or Filters()
    ans = ledger(a, year)
    led, names = ans.ledger, ans.rows.names
    lo, hi = year_bounds(year)
    starts = [*month_starts(year), hi]
    rows: list[HeatRow] = []
    recorded = False
    for cid, row in led.circuits.items():
        info = led.info[cid]
        recorded = recorded or row.year.up + row.year.down + row.year.maintenance > 0
        if not flt.keep(info):
            continue
        span = info.in_service or (lo, hi)
        months = [row.months[m] if span[0] < starts[m] and span[1] > starts[m - 1] else None for m in range(1, 13)]
        rows.append(HeatRow(cid, info.carrier, info.role, info.unit, names.get("unit", {}).get(info.unit or "", ""),
                            info.rooms, months, row.year))
    rows.sort(key=lambda r: (r.carrier or "~", r.role != "primary", r.cid))
    carriers = _carriers(a, year, rows, names.get("carrier", {}))
    choices = {
        "carrier": sorted({(i.carrier or OWN, names.get("carrier", {}).get(i.carrier or OWN, i.carrier or OWN))
                           for i in led.info.values()}),
        "role": sorted({(i.role, i.role) for i in led.info.values()}),
        "unit": sorted({(i.unit, names.get("unit", {}).get(i.unit, i.unit)) for i in led.info.values() if i.unit}),
        "room": sorted({(r, names.get("room", {}).get(r, r)) for i in led.info.values() for r in i.rooms}),
    }
    return SlaView(year, rows, carriers, recorded, choices)


def _carriers(a: Snapshot, year: int, rows: list[HeatRow], names: dict[str, str]) -> list[CarrierLine]:
    kept = {r.cid: r for r in rows}
    sums: dict[str, CarrierLine] = {}
    for r in rows:
        car = r.carrier or OWN
        line = sums.setdefault(car, CarrierLine(car, names.get(car, car), 0, Seconds(), 0, None))
        line.circuits += 1
        line.figures.add(r.year)
    closed: dict[str, list[float]] = {}
    for o in outages(a, year):
        if not o.measured:
            continue
        for car in {kept[c].carrier or OWN for c in o.circuits if c in kept}:
            sums[car].outages += 1
            if o.duration_s is not None:
                closed.setdefault(car, []).append(o.duration_s)
    for car, ds in closed.items():
        sums[car].mttr_s = sum(ds) / len(ds)
    # Unicom (the primary network) first, then the backup carrier, then any other
    order = {"unicom": 0, "telecom": 1}
    return sorted(sums.values(), key=lambda c: (order.get(c.carrier, 9), c.carrier))


def drill(a: Snapshot, year: int, cid: str, month: int) -> Drill | None:
    """One circuit's China-time month: its ledger intervals with the rows behind them, and its outages."""
    ans = ledger(a, year)
    row = ans.ledger.circuits.get(cid)
    if row is None or not 1 <= month <= 12:
        return None
    starts = [*month_starts(year), year_bounds(year)[1]]
    m0, m1 = starts[month - 1], starts[month]
    ivs = [iv for iv in row.intervals if iv.end > m0 and iv.start < m1]
    shown = ivs[:MAX_INTERVALS]
    reader = _Reader(a)
    refs = {r for iv in shown for r in iv.refs}
    mine = [o for o in outages(a, year) if cid in o.circuits and o.start < m1 and (o.end is None or o.end > m0)]
    refs |= {r for o in mine for r in o.evidence[:MAX_EVIDENCE]}
    ev = reader.read(refs)
    info = ans.ledger.info[cid]
    unit_names = ans.rows.names.get("unit", {})
    return Drill(
        year, month, cid, info, unit_names.get(info.unit or "", ""), row.months[month],
        [(max(iv.start, m0), min(iv.end, m1), iv.state, iv.source, [ev[r] for r in iv.refs if r in ev], iv.disputed)
         for iv in shown], len(ivs) - len(shown),
        [(o, unit_names, [ev[r] for r in o.evidence[:MAX_EVIDENCE] if r in ev]) for o in mine])


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _split(ref: str) -> tuple[str, int | None]:
    kind, _, num = ref.partition(":")
    return kind, int(num) if num.isdigit() else None


class _Reader:
    """Reads the rows a set of refs names, a query per table, and words each as a line."""

    def __init__(self, a: Snapshot) -> None:
        self.s = a.session
        self.hosts: dict[int, str] = dict(self.s.exec(select(Device.id, Device.hostname)).all())  # type: ignore[arg-type]

    def read(self, refs: set[str]) -> dict[str, Evidence]:
        want: dict[str, set[int]] = {}
        for r in refs:
            kind, num = _split(r)
            if num is not None:
                want.setdefault(kind, set()).add(num)
        lsis = self._rows(LinkStateInterval, want.get("lsi", set()))
        for iv in lsis.values():  # what opened each interval: a sample or a syslog message
            if iv.opened_by:
                kind, num = _split(iv.opened_by)
                if num is not None:
                    want.setdefault(kind, set()).add(num)
        samples = self._rows(InterfaceSample, want.get("sample", set()))
        msgs = self._rows(SyslogMessage, want.get("syslog", set()))
        probes = self._rows(ProbeResult, want.get("probe", set()))
        iface_ids = {x.interface_id for x in [*lsis.values(), *samples.values()]}
        ifaces = {i.id: i for i in self.s.exec(select(Interface).where(col(Interface.id).in_(iface_ids)))} \
            if iface_ids else {}
        cids = dict(self.s.exec(select(Circuit.id, Circuit.cid)).all())  # type: ignore[arg-type]
        out: dict[str, Evidence] = {}

        def port(iid: int) -> tuple[str | None, str]:
            i = ifaces.get(iid)
            host = self.hosts.get(i.device_id) if i else None
            return host, f"{host or '?'} {i.name if i else iid}"

        def sample(n: int) -> Evidence | None:
            x = samples.get(n)
            if x is None:
                return None
            host, where = port(x.interface_id)
            state = {True: "up", False: "down", None: "?"}[x.oper_up]
            extra = f" · sysUpTime {x.uptime_cs / 100:.0f} s · {x.discontinuity}" if x.discontinuity else ""
            return Evidence(f"sample:{n}", "sample", _aware(x.sampled_at), host,
                            f"SNMP {where} ifOperStatus {state}{extra}")

        def message(n: int) -> Evidence | None:
            x = msgs.get(n)
            if x is None:
                return None
            return Evidence(f"syslog:{n}", "syslog", _aware(x.occurred_at), self.hosts.get(x.device_id or -1)
                            or x.hostname, x.raw)

        for r in refs:
            kind, n = _split(r)
            ev: Evidence | None = None
            if kind == "lsi" and n in lsis:
                x = lsis[n]
                host, where = port(x.interface_id)
                end = f" → {_aware(x.ended_at).astimezone(CHINA):%m-%d %H:%M}" if x.ended_at else " → …"
                opener = None
                if x.opened_by:
                    ok, on = _split(x.opened_by)
                    opener = sample(on) if ok == "sample" and on else message(on) if ok == "syslog" and on else None
                ev = Evidence(r, "lsi", _aware(x.started_at), host,
                              f"{where} {_aware(x.started_at).astimezone(CHINA):%m-%d %H:%M}{end}", opener,
                              x.source, x.state)
            elif kind == "probe" and n in probes:
                p = probes[n]
                rtt = f" · rtt {p.rtt_avg_ms:.1f} ms" if p.rtt_avg_ms is not None else ""
                sent = f" · {p.received}/{p.sent}" if p.sent is not None else ""
                ev = Evidence(r, "probe", _aware(p.measured_at), self.hosts.get(p.device_id),
                              f"{p.test} → {p.target or cids.get(p.circuit_id, '?')}: "
                              f"{'ok' if p.ok else 'fail'}{sent}{rtt}")
            elif kind == "sample" and n is not None:
                ev = sample(n)
            elif kind == "syslog" and n is not None:
                ev = message(n)
            out[r] = ev or Evidence(r, "unknown", None, None, r)
        return out

    def _rows(self, model: type, ids: set[int]) -> dict[int, object]:
        if not ids:
            return {}
        return {x.id: x for x in self.s.exec(select(model).where(col(model.id).in_(sorted(ids))))}  # type: ignore[attr-defined]
