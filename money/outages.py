"""Outages as objects, from the availability ledger's down stretches (money/sla.py).

Pure. An outage is one failure: a circuit's down stretch, or — when the evidence says a device rebooted
or every circuit on it went down within DEVICE_TOLERANCE of each other — the device, with all its
circuits' stretches in one object. Each names the units it affected (cut off or carried by a backup),
their declared terminals, whether the unit's backup took over and how fast, and the evidence rows behind
it. Typed incidents (the Incident table) stay: one matching a measured outage is attached to it, one with
no measured counterpart becomes an outage of its own marked typed and not measured.

Backup take-over: the backup is *ready* when the ledger has it up when the primary went down; it *carried*
when its traffic rose above `carry_bps` during the outage, and the take-over time is the start of the first
traffic span that did, less the outage's start (0 when the first span began before), with that span's
length as the resolution (an hourly rollup knows it to the hour, 5-minute samples to five minutes)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .sla import CircuitInfo, Interval, Ledger

# A reboot this close to a stretch caused it; circuits of one device going down this close together: the
# device (two carriers failing an hour apart on one router are two outages, not one).
DEVICE_TOLERANCE = dt.timedelta(minutes=10)
CARRY_BPS = 32_000  # above an idle backup's keepalives (2 kbit/s in the lab): it carries the unit


@dataclass(frozen=True)
class Reboot:
    device: str
    at: dt.datetime
    ref: str  # "sample:12" (sysUpTime went back) or "syslog:34"


@dataclass(frozen=True)
class TrafficSpan:
    start: dt.datetime
    end: dt.datetime
    octets: int  # both directions

    @property
    def bps(self) -> float:
        secs = (self.end - self.start).total_seconds()
        return self.octets * 8 / secs if secs > 0 else 0.0


@dataclass(frozen=True)
class TypedIncident:
    id: int
    carrier: str
    circuit: str | None
    category: str
    severity: str
    start: dt.datetime
    end: dt.datetime | None
    description: str = ""


@dataclass(frozen=True)
class Stretch:
    cid: str
    start: dt.datetime
    end: dt.datetime
    sources: tuple[str, ...]
    refs: tuple[str, ...]
    open_end: bool  # still down at the end of what the ledger covers


@dataclass
class UnitImpact:
    unit: str
    terminals: int
    cut_s: float  # seconds of the outage no circuit of the unit could carry it
    backup: str | None = None  # the unit's backup circuit
    backup_ready: bool | None = None  # the ledger had it up when the primary went down (None: no backup)
    backup_up_s: float = 0.0
    carried_octets: int = 0
    takeover_s: float | None = None  # None: no traffic above carry_bps seen on the backup
    takeover_resolution_s: float | None = None


@dataclass
class Outage:
    id: str
    start: dt.datetime
    end: dt.datetime | None
    failed_kind: str  # circuit | device | room | srlg (a duct or other shared risk) | carrier (typed only)
    failed: str  # the circuit id or the device hostname
    circuits: tuple[str, ...]
    carriers: tuple[str, ...]
    units: list[UnitImpact] = field(default_factory=list)
    evidence: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    typed: bool = False  # an Incident row says so
    measured: bool = True  # the record shows it (a typed incident alone: False)
    incident_ids: tuple[int, ...] = ()
    cause: str = ""  # why a device, room or duct: "reboot" | "all circuits down"
    open_end: bool = False

    @property
    def duration_s(self) -> float | None:
        return (self.end - self.start).total_seconds() if self.end else None

    @property
    def terminals(self) -> int:
        """Terminals of the units it cut off."""
        return sum(u.terminals for u in self.units if u.cut_s > 0)


def stretches(ledger: Ledger) -> list[Stretch]:
    """Every circuit's maximal down runs (any deciding source), in time order."""
    out = []
    for cid, row in ledger.circuits.items():
        run: list[Interval] = []
        for iv in [*row.intervals, None]:
            if iv is not None and iv.state == "down" and (not run or run[-1].end == iv.start):
                run.append(iv)
                continue
            if run:
                out.append(Stretch(cid, run[0].start, run[-1].end, tuple(sorted({r.source or "" for r in run})),
                                   tuple(sorted({x for r in run for x in r.refs})),
                                   run[-1].end >= row.intervals[-1].end))
            run = [iv] if iv is not None and iv.state == "down" else []
    return sorted(out, key=lambda s: (s.start, s.cid))


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds())


def build_outages(ledger: Ledger, *, terminals: dict[str, int] | None = None, reboots: Iterable[Reboot] = (),
                  traffic: dict[str, list[TrafficSpan]] | None = None,
                  incidents: Iterable[TypedIncident] = (), carry_bps: float = CARRY_BPS) -> list[Outage]:
    info = ledger.info
    terminals = terminals or {}
    traffic = traffic or {}
    runs = stretches(ledger)
    taken: set[int] = set()
    outages: list[Outage] = []
    # a device first when a reboot is near the stretches of its circuits
    for r in sorted(reboots, key=lambda r: r.at):
        group = [i for i, s in enumerate(runs) if i not in taken and r.device in info[s.cid].devices
                 and s.start - DEVICE_TOLERANCE <= r.at <= s.end + DEVICE_TOLERANCE]
        if group:
            outages.append(_make(runs, group, "device", r.device, "reboot", (r.ref,)))
            taken |= set(group)
    # then every element whose circuits all went down together, the widest first: a room, a shared-risk
    # group (a duct), a device
    by_cid: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(runs):
        by_cid[s.cid].append(i)
    for kind, element, cids in _groups(ledger):
        for i in by_cid.get(cids[0], []):
            if i in taken:
                continue
            group = [i]
            for other in cids[1:]:
                near = [j for j in by_cid.get(other, []) if j not in taken
                        and abs(runs[j].start - runs[i].start) <= DEVICE_TOLERANCE]
                if not near:
                    break
                group.append(near[0])
            else:
                outages.append(_make(runs, group, kind, element, "all circuits down", ()))
                taken |= set(group)
    for i, s in enumerate(runs):
        if i not in taken:
            outages.append(_make(runs, [i], "circuit", s.cid, "", ()))
    for o in outages:
        o.carriers = tuple(sorted({info[c].carrier or "own" for c in o.circuits}))
        o.units = _impacts(ledger, o, terminals, traffic, carry_bps)
    _typed(outages, incidents, info, terminals)
    return sorted(outages, key=lambda o: (o.start, o.id))


def _groups(ledger: Ledger) -> list[tuple[str, str, list[str]]]:
    """(kind, element, its circuits) for every room, shared-risk group and device with two circuits or more."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cid in ledger.circuits:
        c = ledger.info[cid]
        for r in c.rooms:
            out[("room", r)].append(cid)
        if c.srlg:
            out[("srlg", c.srlg)].append(cid)
        for d in c.devices:
            out[("device", d)].append(cid)
    order = {"room": 0, "srlg": 1, "device": 2}
    # the same circuits behind a wider and a narrower element: the narrower explains it (a room whose
    # circuits all end on one device lost that device, as far as the evidence can tell)
    narrowest: dict[frozenset[str], str] = {}
    for (k, _), cids in out.items():
        key = frozenset(cids)
        if key not in narrowest or order[k] > order[narrowest[key]]:
            narrowest[key] = k
    return [(k, e, sorted(cids)) for (k, e), cids in sorted(out.items(), key=lambda x: (order[x[0][0]], x[0][1]))
            if len(cids) >= 2 and narrowest[frozenset(cids)] == k]


def _make(runs: list[Stretch], group: list[int], kind: str, element: str, cause: str,
          extra: tuple[str, ...]) -> Outage:
    ss = [runs[i] for i in group]
    start, end = min(s.start for s in ss), max(s.end for s in ss)
    open_end = any(s.open_end and s.end == end for s in ss)
    return Outage(id=f"{kind}:{element}:{start.strftime('%Y%m%dT%H%M%SZ')}", start=start,
                  end=None if open_end else end, failed_kind=kind, failed=element,
                  circuits=tuple(sorted({s.cid for s in ss})), carriers=(),
                  evidence=tuple(sorted({*extra, *(x for s in ss for x in s.refs)})),
                  sources=tuple(sorted({x for s in ss for x in s.sources if x})), cause=cause, open_end=open_end)


def _impacts(ledger: Ledger, o: Outage, terminals: dict[str, int], traffic: dict[str, list[TrafficSpan]],
             carry_bps: float) -> list[UnitImpact]:
    info = ledger.info
    end = o.end or max(ledger.circuits[c].intervals[-1].end for c in o.circuits)
    units = {info[c].unit for c in o.circuits if info[c].unit and info[c].role in ("primary", "backup")}
    # Units behind it on the backbone: cut off while it was down, their down time citing its evidence.
    cited = set(o.evidence)
    units |= {u for u, row in ledger.units.items() if cited and any(
        iv.state == "down" and iv.start < end and o.start < iv.end and cited & set(iv.refs) for iv in row.intervals)}
    out = []
    for u in sorted(units):
        row = ledger.units.get(u)
        cut = sum(_overlap(o.start, end, iv.start, iv.end) for iv in row.intervals if iv.state == "down") if row else 0
        imp = UnitImpact(u, terminals.get(u, 0), cut)
        backups = [c for c in (row.members if row else ()) if info[c].role == "backup" and c not in o.circuits]
        if backups:
            b = backups[0]
            imp.backup = b
            ivs = ledger.circuits[b].intervals
            imp.backup_up_s = sum(_overlap(o.start, end, iv.start, iv.end) for iv in ivs if iv.state == "up")
            imp.backup_ready = any(iv.state == "up" and iv.start <= o.start < iv.end for iv in ivs)
            for t in traffic.get(b, []):
                share = _overlap(o.start, end, t.start, t.end)
                if share <= 0:
                    continue
                span = (t.end - t.start).total_seconds()
                imp.carried_octets += round(t.octets * share / span) if span > 0 else 0
                if imp.takeover_s is None and t.bps > carry_bps:
                    imp.takeover_s = max(0.0, (t.start - o.start).total_seconds())
                    imp.takeover_resolution_s = span
        out.append(imp)
    return out


def _typed(outages: list[Outage], incidents: Iterable[TypedIncident], info: dict[str, CircuitInfo],
           terminals: dict[str, int]) -> None:
    """An incident naming a circuit is attached to that circuit's measured outages it overlaps (an open
    incident overlaps from its start on); any other stays an outage of its own, typed and not measured."""
    never = dt.datetime.max.replace(tzinfo=dt.UTC)
    for inc in sorted(incidents, key=lambda i: (i.start, i.id)):
        inc_end = inc.end or never
        match = [o for o in outages if o.measured and inc.circuit is not None and inc.circuit in o.circuits
                 and o.start < inc_end and inc.start < (o.end or never)]
        for o in match:
            o.typed = True
            o.incident_ids = (*o.incident_ids, inc.id)
        if match:
            continue
        c = info.get(inc.circuit) if inc.circuit else None
        # cut_s 0: nothing measured says the unit was cut off; its terminals say what was at stake
        outages.append(Outage(
            id=f"incident:{inc.id}", start=inc.start, end=inc.end, failed_kind="circuit" if c else "carrier",
            failed=inc.circuit or inc.carrier, circuits=(inc.circuit,) if inc.circuit else (),
            carriers=(inc.carrier,), evidence=(f"incident:{inc.id}",), sources=("incident",), typed=True,
            measured=False, incident_ids=(inc.id,), cause=inc.category,
            units=[UnitImpact(c.unit, terminals.get(c.unit, 0), 0.0)] if c and c.unit else []))
