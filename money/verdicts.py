"""A verdict per backup circuit, with its evidence: what the backup carrier's fee bought this year.

The shapes here are the contract between the analysis (`verdicts()`, below), the answers layer, the API,
the /backup page and the bureau report (money/bureau_report.py). Five questions per backup circuit:

- **armed**: does the stored configuration make it take over (a floating static route, a track or NQA
  reaction, a dynamic protocol over both carriers)? Read from the newest stored config of the unit's
  router (audit/failover.py; the finding's shape is topology/arming.py), per platform from the profile's data.
- **exercised**: the failovers the record saw onto it (money/outages.py), with their times and how fast
  the backup took over.
- **carried**: the bytes it carried while the primary was down, and over the whole year.
- **would hold**: its capacity against the demand a primary outage sends it (the primary's measured peak).
- **cost**: its share of the backup carrier's fee per protected unit and per protected terminal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from topology.arming import ARMED, NO_FINDING, NOT_ARMED, PARTIAL, Armed

from .outages import Outage

# would_hold
HOLDS, OVERLOADED, UNKNOWN = "holds", "overloaded", "unknown"
# verdict codes, best first: the page and the report word them in both languages
PROVEN = "proven"  # exercised: its unit kept the core on it through every primary outage of the year
ARMED_UNTESTED = "armed_untested"  # armed, never needed this year (no primary outage)
FAILED = "failed"  # a primary outage happened and the unit was cut off despite this backup
UNARMED = "unarmed"  # the config would not make it take over
DEAD_END = "dead_end"  # it cannot reach the core on its own (topology)
UNMEASURED = "unmeasured"  # no config and no record: nothing can be said
VERDICTS = (PROVEN, ARMED_UNTESTED, FAILED, UNARMED, DEAD_END, UNMEASURED)


@dataclass(frozen=True)
class Failover:
    outage_id: str  # money/outages.py Outage.id
    start: dt.datetime
    end: dt.datetime | None
    seconds: float  # the primary's outage inside the year
    takeover_s: float | None  # from the primary going down to traffic seen on the backup; None: not measured
    carried_octets: int  # on this backup during the outage


@dataclass(frozen=True)
class BackupVerdict:
    cid: str
    carrier: str  # the backup carrier's code
    unit: str | None  # the unit it protects (None: a backbone circuit)
    unit_name: str | None
    primary: tuple[str, ...]  # the primary-carrier circuits it stands in for
    bandwidth_mbps: int
    armed: Armed
    failovers: tuple[Failover, ...]
    failover_seconds: float
    carried_octets: int  # while the primary was down
    year_octets: int  # over the whole year
    demand_mbps: float | None  # the primary's measured peak: what an outage would send here
    would_hold: str  # HOLDS | OVERLOADED | UNKNOWN
    headroom: float | None  # bandwidth / demand
    fee_wan: Decimal | None  # this circuit's share of the backup carrier's service-year fee
    protected_units: int
    protected_terminals: int
    per_unit_wan: Decimal | None
    per_terminal_yuan: Decimal | None
    verdict: str  # one of VERDICTS
    evidence: tuple[str, ...] = ()  # references to the rows behind it: "config:12", "outage:O-…", "sample:…"


@dataclass(frozen=True)
class VerdictTotals:
    circuits: int
    by_verdict: dict[str, int]
    fee_wan: Decimal | None
    protected_units: int
    protected_terminals: int
    failovers: int
    failover_seconds: float
    carried_octets: int
    per_unit_wan: Decimal | None
    per_terminal_yuan: Decimal | None


@dataclass(frozen=True)
class VerdictsYear:
    year: int
    carrier: str  # the backup carrier's code
    carrier_name: str
    verdicts: tuple[BackupVerdict, ...]
    totals: VerdictTotals
    notes: tuple[str, ...] = field(default_factory=tuple)  # caveats, in Chinese, for the report


# -- the analysis -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupCircuit:
    """What the answers layer reads for one backup circuit: its place and its year's traffic."""

    cid: str
    carrier: str
    unit: str | None
    unit_name: str | None
    primary: tuple[str, ...]
    bandwidth_mbps: int
    year_octets: int = 0
    demand_mbps: float | None = None  # its primaries' busiest hour (max of in and out), measured
    annual_cost_wan: Decimal | None = None  # from the circuit's own price, when the inventory has one


def verdicts(year: int, carrier: str, carrier_name: str, circuits: list[BackupCircuit], outages: list[Outage],
             *, fee_wan: Decimal | None, protected: dict[str, int], dead_end: set[str],
             armed: dict[str, Armed] | None = None) -> VerdictsYear:
    """`protected`: unit → terminals, for the units that keep the core through a whole primary-carrier outage
    only thanks to the backup (money/backup_value.py); `dead_end`: units whose backup cannot reach the core
    on its own; `armed`: per circuit, from its router's stored config (missing: NO_CONFIG).

    The fee share: a circuit's own annual price where the inventory has one, the rest of the carrier's fee
    in equal shares over the circuits without one (the contract prices the backup as one service)."""
    armed = armed or {}
    shares = _shares(fee_wan, circuits)
    out: list[BackupVerdict] = []
    for c in sorted(circuits, key=lambda c: c.cid):
        fos, failed = [], False
        for o in outages:
            for u in o.units:
                if u.backup != c.cid or c.cid in o.circuits:
                    continue
                failed = failed or u.cut_s > 0
                fos.append(Failover(o.id, o.start, o.end, o.duration_s or 0.0, u.takeover_s, u.carried_octets))
        a = armed.get(c.cid) or NO_FINDING
        hold, headroom = UNKNOWN, None
        if c.demand_mbps and c.bandwidth_mbps:
            headroom = c.bandwidth_mbps / c.demand_mbps
            hold = HOLDS if headroom >= 1 else OVERLOADED
        units = 1 if c.unit in protected else 0
        terminals = protected.get(c.unit or "", 0)
        share = shares.get(c.cid)
        carried = sum(f.carried_octets for f in fos)
        out.append(BackupVerdict(
            cid=c.cid, carrier=c.carrier, unit=c.unit, unit_name=c.unit_name, primary=c.primary,
            bandwidth_mbps=c.bandwidth_mbps, armed=a, failovers=tuple(sorted(fos, key=lambda f: f.start)),
            failover_seconds=sum(f.seconds for f in fos), carried_octets=carried, year_octets=c.year_octets,
            demand_mbps=c.demand_mbps, would_hold=hold, headroom=headroom, fee_wan=share, protected_units=units,
            protected_terminals=terminals,
            per_unit_wan=share if share is not None and units else None,
            per_terminal_yuan=(share * 10000 / terminals).quantize(Decimal("0.01"))
            if share is not None and terminals else None,
            verdict=_verdict(c, a, fos, failed, dead_end),
            evidence=tuple([f"config:{a.config_id}"] if a.config_id else []) + tuple(f"outage:{f.outage_id}"
                                                                                    for f in fos)))
    return VerdictsYear(year, carrier, carrier_name, tuple(out), _totals(out, fee_wan))


def _verdict(c: BackupCircuit, a: Armed, fos: list[Failover], failed: bool, dead_end: set[str]) -> str:
    if c.unit in dead_end:
        return DEAD_END
    if failed:
        # the unit was cut off: the config says why when it never armed the backup
        return UNARMED if a.state == NOT_ARMED else FAILED
    if a.state == NOT_ARMED and not fos:
        return UNARMED
    if fos:
        # the record shows the unit kept the core on it through each primary outage (its own bytes may be no
        # more than keepalives at night), whatever the config reading says
        return PROVEN
    if a.state in (ARMED, PARTIAL):
        return ARMED_UNTESTED
    return UNMEASURED


def _shares(fee: Decimal | None, circuits: list[BackupCircuit]) -> dict[str, Decimal | None]:
    own = {c.cid: c.annual_cost_wan for c in circuits if c.annual_cost_wan is not None}
    rest = [c.cid for c in circuits if c.cid not in own]
    left = None if fee is None else max(Decimal(0), fee - sum(own.values(), Decimal(0)))
    each = None if left is None or not rest else (left / len(rest)).quantize(Decimal("0.000001"))
    return {**own, **{cid: each for cid in rest}}


def _totals(out: list[BackupVerdict], fee: Decimal | None) -> VerdictTotals:
    units = sum(v.protected_units for v in out)
    terminals = sum(v.protected_terminals for v in out)
    return VerdictTotals(
        circuits=len(out), by_verdict={k: sum(1 for v in out if v.verdict == k) for k in VERDICTS}, fee_wan=fee,
        protected_units=units, protected_terminals=terminals, failovers=sum(len(v.failovers) for v in out),
        failover_seconds=sum(v.failover_seconds for v in out), carried_octets=sum(v.carried_octets for v in out),
        per_unit_wan=(fee / units).quantize(Decimal("0.000001")) if fee is not None and units else None,
        per_terminal_yuan=(fee * 10000 / terminals).quantize(Decimal("0.01")) if fee is not None and terminals
        else None)
