"""What the backup carrier's fee buys, from the topology and the evidence the devices give.

1. **Protection** (topology): the units and terminals that keep the core through a whole outage of
   the primary carrier(s) — with every primary-carrier circuit down, whatever still reaches the core
   does so only over the backup carrier (``topology.scenario.simulate``). Units that pay for a backup
   circuit which cannot reach the core on its own (it lands in a room with no backup backbone) are
   listed as ``dead_end``.
2. **Failover events** (link logs): each down→up interval of a circuit, merged over both ends. An
   outage of a unit's access circuit is a *failover* when the unit kept the core without that circuit
   over a backup-carrier circuit (``simulate`` with the circuit failed: the unit is in
   ``units_failover`` and its traffic rides a backup-carrier circuit), a *reroute* when it kept the
   core over another primary-carrier circuit, an *outage* when it was cut. Outages of a backup
   circuit itself are *backup-down*; circuits that serve no single unit are *infrastructure*.
3. **Bytes carried by backup circuits** (counters): per backup-carrier access circuit of a unit (the
   backbone behind it carries the same bytes again, so it is not added), in+out octets at the unit
   end (else the other end). Interface counters count from their last clear or reboot, so the first
   sample counts from zero and each later sample adds its increase (a decrease is a counter reset and
   counts the new value); bucketed by the month (China time) of the sample. ``baseline="first"``
   counts only what was carried after the first sample.
4. **Availability model**: each circuit of carrier *c* is unavailable a fraction ``q_c`` of the year,
   independently. ``q_c`` is measured — the carrier's incident hours that year over (its circuits in
   service × hours in the year) — when the carrier has incidents that year, else the contract's figure
   (``assumed_availability``, 99.9 % unless given: the signed contract states none). Only access
   circuits are modelled (backbones, rooms and the core are common to both cases). A unit is down
   when all its access circuits are down: without the backup, ``8760 × Π q`` over its primary-carrier
   access circuits; with it, for a protected unit, that times ``Π q`` over its backup-carrier access
   circuits (unprotected units are the same in both cases). Summed over units (and × terminals).
5. **Cost**: the backup carrier's fee for the service year (paid for it, else its contract fee) per
   protected unit, per protected terminal, per modelled avoided unit-hour, and per observed failover
   hour.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

import networkx as nx

from inventory.models import CHINA_TZ
from topology.protection import UnitProtection
from topology.scenario import FailureSpec, simulate

from .evidence import CounterRow, EventRow, Evidence
from .ledger import Ledger, contract_fee
from .rows import MoneyRows

DEFAULT_AVAILABILITY = Decimal("99.9")  # percent, per circuit, when nothing is measured
HOURS = Decimal(8760)


@dataclass
class Protection:
    primary_carriers: list[str]
    backup_carriers: list[str]
    units: list[str]  # survive a whole primary-carrier outage, only thanks to the backup
    terminals: int
    via: dict[str, list[str]]  # unit → backup circuits carrying it
    cut: list[str]  # units lost in a whole primary-carrier outage
    cut_terminals: int
    dead_end: list[str]  # units with a backup-carrier circuit that does not protect them
    dual_carrier_classes: list[str]  # topology.protection's dual-carrier units, for the cross-check


@dataclass
class Interval:
    cid: str
    unit: str | None
    start: dt.datetime
    end: dt.datetime | None  # None: still down at the last evidence
    kind: str  # failover (onto the backup carrier) | reroute (same carrier) | outage | backup-down | infrastructure
    via: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)

    def hours(self, until: dt.datetime | None = None) -> float:
        end = self.end or until or self.start
        return (end - self.start).total_seconds() / 3600


@dataclass
class Usage:
    octets: dict[str, int]  # cid → octets over all samples
    by_month: dict[str, dict[str, int]]  # "YYYY-MM" → cid → octets
    sampled: list[str]  # backup circuits with at least one sample
    as_of: dt.datetime | None = None  # the newest sample

    def total(self, year: int | None = None) -> int:
        if year is None:
            return sum(self.octets.values())
        return sum(v for m, per in self.by_month.items() if m.startswith(f"{year}-") for v in per.values())


@dataclass
class Model:
    year: int
    unavailability: dict[str, Decimal]  # carrier → q
    source: dict[str, str]  # carrier → measured | assumed
    unit_hours_without: Decimal
    unit_hours_with: Decimal
    terminal_hours_without: Decimal
    terminal_hours_with: Decimal

    @property
    def avoided_unit_hours(self) -> Decimal:
        return self.unit_hours_without - self.unit_hours_with


@dataclass
class YearValue:
    year: int
    fee: Decimal | None
    fee_basis: str
    protected_units: int
    protected_terminals: int
    failovers: int
    failover_hours: float
    outages: int
    outage_hours: float
    backup_octets: int
    model: Model
    per_unit: Decimal | None
    per_terminal_yuan: Decimal | None
    per_avoided_hour: Decimal | None
    per_failover_hour: Decimal | None
    verdict: str
    verdict_code: str  # none | paper | evidenced


@dataclass
class BackupValue:
    protection: Protection
    intervals: list[Interval]
    usage: Usage
    years: list[YearValue]
    backup_access: dict[str, str] = field(default_factory=dict)  # backup-carrier access circuit → its unit

    def failover_hours_by_circuit(self, year: int | None = None) -> dict[str, float]:
        """Backup-carrier access circuit → hours it carried its unit while the unit's primary was down."""
        out = {cid: 0.0 for cid in self.backup_access}
        until = max((i.end or i.start for i in self.intervals), default=None)
        for i in self.intervals:
            if i.kind != "failover" or (year is not None and i.start.astimezone(CHINA_TZ).year != year):
                continue
            for cid in i.via:
                if self.backup_access.get(cid) == i.unit:
                    out[cid] += i.hours(until)
        return out

    def year(self, year: int) -> YearValue:
        for y in self.years:
            if y.year == year:
                return y
        raise KeyError(year)


def carriers_by_role(g: nx.MultiGraph) -> tuple[list[str], list[str]]:
    carriers = g.graph.get("carriers", {})
    primary = sorted(c for c, d in carriers.items() if d.get("role") == "primary")
    backup = sorted(c for c, d in carriers.items() if d.get("role") == "backup")
    return primary, backup


def protection(g: nx.MultiGraph, classes: dict[str, UnitProtection]) -> Protection:
    """``classes``: the protection classes of ``g``, from the caller (the answers layer has them)."""
    primary, backup = carriers_by_role(g)
    dual = sorted(u for u, p in classes.items() if p.cls.startswith("dual-carrier"))
    if not primary:
        return Protection(primary, backup, [], 0, {}, [], 0, [], dual)
    r = simulate(g, FailureSpec(carriers=primary))
    units_info = g.graph["units"]
    kept = {u.unit: u for u in r.units_failover}
    # A unit that keeps every terminal through the outage but moved no traffic was never on the
    # primary carrier; it is not protected *by* the backup. Partially cut units count their kept part.
    lost = {u.unit: u.terminals for u in r.units_cut + r.units_degraded}
    protected = sorted(kept)
    terminals = sum(units_info[u]["terminals"] - lost.get(u, 0) for u in protected)
    has_backup = {u for u, p in classes.items() if any(a.carrier in backup for a in p.access)}
    return Protection(primary, backup, protected, terminals, {u: kept[u].via for u in protected},
                      sorted(u.unit for u in r.units_cut), sum(u.terminals for u in r.units_cut),
                      sorted(has_backup - set(protected)), dual)


def intervals(g: nx.MultiGraph, evidence: Evidence) -> list[Interval]:
    """Down→up intervals per circuit (both ends merged), classified by what happened to the unit."""
    per_end: dict[tuple[str, str, str], list[EventRow]] = defaultdict(list)
    for e in evidence.events:
        if e.cid:
            per_end[(e.cid, e.device, e.interface)].append(e)
    raw: dict[str, list[tuple[dt.datetime, dt.datetime | None, str]]] = defaultdict(list)
    for (cid, device, _), events in per_end.items():
        down: dt.datetime | None = None
        for e in sorted(events, key=lambda x: x.occurred_at):
            if e.state == "down" and down is None:
                down = e.occurred_at
            elif e.state == "up" and down is not None:
                raw[cid].append((down, e.occurred_at, device))
                down = None
        if down is not None:
            raw[cid].append((down, None, device))
    _, backup = carriers_by_role(g)
    edges = {k: d for _, _, k, d in g.edges(keys=True, data=True)}
    impact: dict[str, tuple[str, list[str]]] = {}
    out = []
    for cid in sorted(raw):
        spans = sorted(raw[cid], key=lambda s: s[0])
        merged: list[list] = []
        for start, end, device in spans:
            if merged and (merged[-1][1] is None or start <= merged[-1][1]):
                last = merged[-1]
                last[1] = None if end is None or last[1] is None else max(last[1], end)
                last[2].add(device)
            else:
                merged.append([start, end, {device}])
        data = edges.get(cid, {})
        unit = data.get("a_unit") or data.get("z_unit")
        if cid not in impact:
            impact[cid] = _impact(g, cid, unit, data.get("carrier") in backup or data.get("role") == "backup")
        kind, via = impact[cid]
        for start, end, devices in merged:
            out.append(Interval(cid, unit, start, end, kind, via, sorted(devices)))
    out.sort(key=lambda i: (i.start, i.cid))
    return out


def _impact(g: nx.MultiGraph, cid: str, unit: str | None, is_backup: bool) -> tuple[str, list[str]]:
    if cid not in {k for _, _, k in g.edges(keys=True)}:
        return "infrastructure", []
    r = simulate(g, FailureSpec(links=[cid]))
    fo = {u.unit: u.via for u in r.units_failover}
    cut = {u.unit for u in r.units_cut + r.units_degraded}
    if unit is None:
        return "infrastructure", sorted({c for v in fo.values() for c in v})
    if unit in cut:
        return "outage", []
    if unit in fo:
        backup = set(carriers_by_role(g)[1])
        edges = {k: d for _, _, k, d in g.edges(keys=True, data=True)}
        if any(edges[c].get("carrier") in backup for c in fo[unit] if c in edges):
            return "failover", fo[unit]
        return "reroute", fo[unit]  # kept the core over a second primary-carrier circuit
    return ("backup-down" if is_backup else "infrastructure"), []


def usage(g: nx.MultiGraph, counters: list[CounterRow], baseline: str = "zero") -> Usage:
    """Octets carried by the units' backup-carrier circuits (see the module doc, point 3)."""
    _, backup = carriers_by_role(g)
    edges = {k: d for _, _, k, d in g.edges(keys=True, data=True)}
    backup_cids = {k for k, d in edges.items()
                   if d.get("carrier") in backup and (d.get("a_unit") or d.get("z_unit"))}
    series: dict[tuple[str, str], list[CounterRow]] = defaultdict(list)
    for c in counters:
        if c.cid in backup_cids:
            series[(c.cid, c.end)].append(c)
    octets: dict[str, int] = {}
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sampled = []
    for cid in sorted(backup_cids):
        data = edges[cid]
        unit_end = "a" if data.get("a_unit") else "z"
        ends = [e for e in (unit_end, "z" if unit_end == "a" else "a") if series.get((cid, e))]
        if not ends:
            continue
        sampled.append(cid)
        pts = sorted(series[(cid, ends[0])], key=lambda c: c.sampled_at)
        first = pts[0]
        total = first.in_octets + first.out_octets if baseline == "zero" else 0
        if total:
            by_month[first.sampled_at.astimezone(CHINA_TZ).strftime("%Y-%m")][cid] += total
        for p0, p1 in pairwise(pts):
            delta = (_delta(p0.in_octets, p1.in_octets, p1.reset)
                     + _delta(p0.out_octets, p1.out_octets, p1.reset))
            total += delta
            if delta:
                by_month[p1.sampled_at.astimezone(CHINA_TZ).strftime("%Y-%m")][cid] += delta
        octets[cid] = total
    newest = max((c.sampled_at for k in series.values() for c in k), default=None)
    return Usage(octets, {m: dict(v) for m, v in sorted(by_month.items())}, sampled, newest)


def _delta(before: int, after: int, reset: bool = False) -> int:
    """Octets between two samples. Across a reset (the inventory flagged a counter that went down, or one
    is lower here) the counter restarted from zero: what it holds now is what it carried since, never a
    negative difference and never a 2**64 wrap jump."""
    return after if reset or after < before else after - before


def availability_model(rows: MoneyRows, g: nx.MultiGraph, prot: Protection, year: int,
                       assumed_availability: Decimal = DEFAULT_AVAILABILITY) -> Model:
    """Expected unit-hours without the core per year, with and without the backup (module doc, point 4)."""
    hours_in_year = Decimal((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * 24)
    q: dict[str, Decimal] = {}
    source: dict[str, str] = {}
    in_service = [c for c in rows.circuits if c.carrier and c.in_service(year)]
    for carrier in sorted(rows.carriers):
        n = sum(1 for c in in_service if c.carrier == carrier)
        hours = Decimal(0)
        for i in rows.incidents:
            if i.carrier != carrier or i.circuit is None:
                continue
            lo = max(i.started_at, dt.datetime(year, 1, 1, tzinfo=CHINA_TZ))
            hi = min(i.ended_at or dt.datetime(year + 1, 1, 1, tzinfo=CHINA_TZ),
                     dt.datetime(year + 1, 1, 1, tzinfo=CHINA_TZ))
            if hi > lo:
                hours += Decimal(str((hi - lo).total_seconds())) / 3600
        if hours and n:
            q[carrier], source[carrier] = hours / (n * hours_in_year), "measured"
        else:
            q[carrier], source[carrier] = (100 - assumed_availability) / 100, "assumed"
    protected = set(prot.units)
    backup = set(prot.backup_carriers)
    access: dict[str, list[str]] = defaultdict(list)  # unit → carriers of its access circuits in service
    for c in in_service:
        if c.unit:
            access[c.unit].append(c.carrier)  # type: ignore[arg-type]
    uw = Decimal(0)
    uwo = Decimal(0)
    tw = Decimal(0)
    two = Decimal(0)
    for code, unit in rows.units.items():
        carriers = access.get(code, [])
        if not carriers:  # not attached that year: nothing to model
            continue
        without = hours_in_year
        for c in carriers:
            if c not in backup:
                without *= q[c]
        with_ = without
        if code in protected:
            for c in carriers:
                if c in backup:
                    with_ *= q[c]
        uwo += without
        uw += with_
        two += without * unit.terminals
        tw += with_ * unit.terminals
    return Model(year, q, source, uwo, uw, two, tw)


def backup_value(rows: MoneyRows, ledger: Ledger, g: nx.MultiGraph, evidence: Evidence, *,
                 classes: dict[str, UnitProtection], years: list[int] | None = None,
                 assumed_availability: Decimal = DEFAULT_AVAILABILITY, include_year: int | None = None,
                 baseline: str = "zero") -> BackupValue:
    """The whole analysis; ``classes`` are the protection classes of ``g``; ``years`` defaults to every
    service year the backup carrier was paid for, every year with link events, and ``include_year``."""
    prot = protection(g, classes)
    spans = intervals(g, evidence)
    use = usage(g, evidence.counters, baseline)
    last_seen = max((e.occurred_at for e in evidence.events), default=None)
    if years is None:
        years = sorted({a.service_year for a in ledger.accrual if a.carrier in prot.backup_carriers and a.amount}
                       | {i.start.astimezone(CHINA_TZ).year for i in spans}
                       | ({include_year} if include_year else set()))
    out = []
    for year in years:
        fee, basis = _fee(rows, ledger, prot.backup_carriers, year)
        mine = [i for i in spans if i.start.astimezone(CHINA_TZ).year == year]
        fo = [i for i in mine if i.kind == "failover"]
        cut = [i for i in mine if i.kind == "outage"]
        fo_hours = sum(i.hours(last_seen) for i in fo)
        model = availability_model(rows, g, prot, year, assumed_availability)
        octets = use.total(year)
        n, t = len(prot.units), prot.terminals
        per_unit = _q(fee / n) if fee is not None and n else None
        per_terminal = _q(fee * 10000 / t, "0.01") if fee is not None and t else None
        avoided = model.avoided_unit_hours
        per_hour = _q(fee / avoided) if fee is not None and avoided > 0 else None
        per_fo = _q(fee / Decimal(str(fo_hours))) if fee is not None and fo_hours > 0 else None
        code, text = _verdict(year, fee, prot, len(fo), fo_hours, len(cut), octets, model, per_unit, per_terminal,
                              per_hour, use)
        out.append(YearValue(year, fee, basis, n, t, len(fo), fo_hours, len(cut), sum(i.hours(last_seen) for i in cut),
                             octets, model, per_unit, per_terminal, per_hour, per_fo, text, code))
    access = {k: d.get("a_unit") or d.get("z_unit") for _, _, k, d in g.edges(keys=True, data=True)
              if d.get("carrier") in prot.backup_carriers and (d.get("a_unit") or d.get("z_unit"))}
    return BackupValue(prot, spans, use, out, dict(sorted(access.items())))


def _fee(rows: MoneyRows, ledger: Ledger, backup: list[str], year: int) -> tuple[Decimal | None, str]:
    paid = ledger.service_year_fees(year)
    amount = sum((paid.get(c, Decimal(0)) for c in backup), Decimal(0))
    if amount:
        return amount, "paid"
    # An unpaid year is priced at the contract fee, but only while the carrier had circuits in service.
    serving = [c for c in backup if any(x.carrier == c and x.in_service(year) for x in rows.circuits)]
    fees = [f for f in (contract_fee(rows, c, year) for c in serving) if f is not None]
    return (sum(fees, Decimal(0)), "contract") if fees else (None, "none")


def _q(value: Decimal, quantum: str = "0.000001") -> Decimal:
    return value.quantize(Decimal(quantum))


def gib(octets: int) -> float:
    return octets / 2**30


def _verdict(year: int, fee: Decimal | None, prot: Protection, failovers: int, fo_hours: float, outages: int,
             octets: int, model: Model, per_unit: Decimal | None, per_terminal: Decimal | None,
             per_hour: Decimal | None, use: Usage | None = None) -> tuple[str, str]:
    fee_text = f"{fee:.2f} 万元" if fee is not None else "未知"
    parts = [f"{year}年：备用网费用 {fee_text}"]
    if not prot.units:
        parts.append("联通全网中断时没有任何单位依靠电信保持连通")
        code, conclusion = "none", "结论：这笔费用没有买到可证实的保护（buys no protection）"
    else:
        parts.append(f"联通全网中断时 {len(prot.units)} 个单位、{prot.terminals} 台终端仅依靠电信线路保持连通")
        if failovers or octets:
            code = "evidenced"
            conclusion = "结论：备份在用，有设备证据（protection evidenced by the devices）"
        else:
            code = "paper"
            conclusion = "结论：保护仅存在于拓扑上，当年无任何使用证据（protection on paper only, no evidence of use）"
    if prot.dead_end:
        parts.append(f"另有 {len(prot.dead_end)} 个单位的电信线路无法独立到达核心，不起保护作用")
    parts.append(f"设备日志记录切换 {failovers} 次共 {fo_hours:.1f} 小时，无备份的中断 {outages} 次")
    carried = f"备用线路当年承载 {gib(octets):.2f} GiB"
    if use is not None and use.as_of is not None and use.total() != octets:
        # Counters read after the year still hold what was carried in it, but cannot say when.
        carried += f"（计数器累计 {gib(use.total()):.2f} GiB，截至 {use.as_of.astimezone(CHINA_TZ):%Y-%m-%d}）"
    parts.append(carried)
    parts.append(f"模型测算避免中断 {model.avoided_unit_hours:.2f} 单位·小时/年")
    if per_unit is not None:
        parts.append(f"每受保护单位 {per_unit:.4f} 万元，每受保护终端 {per_terminal} 元")
    if per_hour is not None:
        parts.append(f"每避免中断小时 {per_hour:.4f} 万元")
    return code, "；".join(parts) + "。" + conclusion
