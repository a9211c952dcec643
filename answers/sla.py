"""The SLA ledger and the outages as answers: one year's record read once (answers/sla_rows.py) and the
pure analyses (money/sla.py, money/outages.py) over it, cached under the one rule.

The data fingerprint (answers/fingerprint.py) does not follow the record tables — a poll round every few
minutes would drop every cached answer, the graph's too. So these answers add the record's own mark to
their key: the newest id of each record table (the stored configs too: they say which backups take over),
read in one statement. A new round, rollup, interval, probe result, message or config gives a new key; the
old entries age out of the cache (or go with the next fingerprint)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select

from inventory.models import (
    ConfigSnapshot,
    InterfaceRollup,
    InterfaceSample,
    LinkStateInterval,
    PlannedMaintenance,
    ProbeResult,
    SyslogMessage,
)
from money.outages import Outage, build_outages
from money.sla import CircuitInfo, Ledger, build
from topology.arming import takes_over

from .arming import findings
from .core import Snapshot
from .sla_rows import SlaRows, load, traffic

_RECORD = (ConfigSnapshot, InterfaceRollup, InterfaceSample, LinkStateInterval, PlannedMaintenance, ProbeResult,
           SyslogMessage)
_MARK = select(*[select(func.max(t.id)).scalar_subquery() for t in _RECORD],  # type: ignore[attr-defined]
               select(func.count()).select_from(LinkStateInterval).where(
                   LinkStateInterval.ended_at.is_(None)).scalar_subquery())  # type: ignore[union-attr]


def record_mark(a: Snapshot) -> tuple[Any, ...]:
    """What of the record an SLA answer was computed from (closing an interval opens the next: a new id)."""
    return tuple(a.session.connection().execute(_MARK).one())


@dataclass
class SlaAnswer:
    rows: SlaRows
    ledger: Ledger


def rows(a: Snapshot, year: int, source: str = "rollups") -> SlaRows:
    return a._answer("sla_rows", (year, source, record_mark(a)), lambda: load(a.session, year, source=source))


def ledger(a: Snapshot, year: int, source: str = "rollups") -> SlaAnswer:
    """The availability ledger of a China-time year."""
    def compute() -> SlaAnswer:
        r = rows(a, year, source)
        return SlaAnswer(r, build(year, _carrying(a, year, r), r.spans, r.maintenance, core=r.core))

    return a._answer("sla_ledger", (year, source, record_mark(a)), compute)


def _carrying(a: Snapshot, year: int, r: SlaRows) -> dict[str, CircuitInfo]:
    """The rows' circuits with each unit backup's `takes_over` read from its routers' configs."""
    primaries: dict[str, list[str]] = {}
    for cid, c in r.info.items():
        if c.role == "primary" and c.unit:
            primaries.setdefault(c.unit, []).append(cid)
    backups = {cid: tuple(sorted(primaries.get(c.unit or "", []))) for cid, c in r.info.items()
               if c.role == "backup" and c.unit}
    found = findings(a, year, backups, r.unit_end) if backups else {}
    return {cid: replace(c, takes_over=takes_over(found[cid])) if cid in found else c for cid, c in r.info.items()}


def outages(a: Snapshot, year: int) -> list[Outage]:
    """The year's outages, measured and typed, with the backups' traffic read only around them."""
    def compute() -> list[Outage]:
        ans = ledger(a, year)
        r, led = ans.rows, ans.ledger
        first = build_outages(led, terminals=r.terminals, reboots=r.reboots, incidents=r.incidents)
        windows: dict[str, tuple[int, list]] = {}
        for o in first:
            for u in o.units:
                if u.backup and u.backup in r.unit_end and o.measured:
                    _, ws = windows.setdefault(u.backup, (r.unit_end[u.backup], []))
                    ws.append((o.start, o.end or led.circuits[o.circuits[0]].intervals[-1].end))
        return build_outages(led, terminals=r.terminals, reboots=r.reboots, incidents=r.incidents,
                             traffic=traffic(a.session, windows))

    return a._answer("sla_outages", (year, record_mark(a)), compute)
