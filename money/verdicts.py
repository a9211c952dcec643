"""A verdict per backup circuit, with its evidence: what the backup carrier's fee bought this year.

The shapes here are the contract between the analysis (`verdicts()`, below), the answers layer, the API,
the /backup page and the bureau report (money/bureau_report.py). Five questions per backup circuit:

- **armed**: does the stored configuration make it take over (a floating static route, a track or NQA
  reaction, a dynamic protocol over both carriers)? Read from the newest stored config of the unit's
  router (audit/failover.py), per platform from the profile's data.
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

# armed.state
ARMED, PARTIAL, NOT_ARMED, NO_CONFIG = "armed", "partial", "not_armed", "no_config"
# would_hold
HOLDS, OVERLOADED, UNKNOWN = "holds", "overloaded", "unknown"
# verdict codes, best first: the page and the report word them in both languages
PROVEN = "proven"  # armed, exercised and carried its unit's traffic while the primary was down
ARMED_UNTESTED = "armed_untested"  # armed, never needed this year (no primary outage)
FAILED = "failed"  # a primary outage happened and the unit was cut off despite this backup
UNARMED = "unarmed"  # the config would not make it take over
DEAD_END = "dead_end"  # it cannot reach the core on its own (topology)
UNMEASURED = "unmeasured"  # no config and no record: nothing can be said
VERDICTS = (PROVEN, ARMED_UNTESTED, FAILED, UNARMED, DEAD_END, UNMEASURED)


@dataclass(frozen=True)
class Armed:
    state: str  # ARMED | PARTIAL | NOT_ARMED | NO_CONFIG
    device: str | None  # the router whose config was read
    config_id: int | None  # the stored config version the finding is read from
    collected_at: dt.datetime | None
    mechanisms: tuple[str, ...] = ()  # codes: floating_static | track | nqa | bfd | ip_sla | dynamic
    lines: tuple[str, ...] = ()  # the config lines that arm it (routes and tracks carry no secrets)
    missing: tuple[str, ...] = ()  # what a PARTIAL arming lacks, as codes


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
