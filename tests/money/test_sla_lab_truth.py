"""The ledger against the lab's ground truth: the sample city's year (lab.spec.city_timeline) observed the way
the product observes it — SNMP every 5 minutes (a change seen at the next poll), syslog's link messages at
their instants, the timeline's maintenance windows — with six hours in September when the lab answers
neither SNMP nor syslog. Every circuit's down + maintenance per China-time month equals the timeline's
within ±1 min, each unit's cut-off time equals lab.timeline.truth()'s, and the silence is unmeasured."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy.engine import Engine

from inventory.db import session_scope
from lab.spec import city_timeline
from lab.timeline import Timeline, truth
from money import sla

STEP = dt.timedelta(minutes=5)
SILENCE = (dt.datetime(2022, 9, 10, tzinfo=sla.CHINA), dt.datetime(2022, 9, 10, 6, tzinfo=sla.CHINA))


@pytest.fixture(scope="module")
def timeline(sample_sqlite: Engine) -> Timeline:
    with session_scope(sample_sqlite) as s:
        return city_timeline(s)


def _seen(lo: dt.datetime, t: dt.datetime) -> dt.datetime:
    """The first 5-minute poll at or after t: when SNMP sees a change."""
    k = -(-(t - lo) // STEP)
    return lo + k * STEP


def _observe(cid: str, windows: list[tuple[dt.datetime, dt.datetime]], lo: dt.datetime, hi: dt.datetime,
             ids: itertools.count) -> tuple[list[sla.StateRow], list[sla.Span2]]:
    """SNMP intervals from 5-minute polls (a change seen at the next poll, the poll before it the uncertainty)
    and syslog intervals at the instants; the polls inside SILENCE go unanswered."""
    rows: list[sla.StateRow] = []
    edges = [(_seen(lo, x), state) for a, b in windows for x, state in ((a, "down"), (b, "up"))]
    start, state, changed = lo, "up", None
    for at, new in edges:
        if at == start:  # a change shorter than a poll: SNMP never saw the state it left
            state = new
            continue
        rows.append(sla.StateRow(next(ids), cid, "1", "snmp", state, start, at, changed_after=changed))
        start, state, changed = at, new, at - STEP
    rows.append(sla.StateRow(next(ids), cid, "1", "snmp", state, start, None, changed_after=changed))
    coverage = [(lo, _seen(lo, SILENCE[0]) - STEP), (_seen(lo, SILENCE[1]), hi)]
    for i, (a, b) in enumerate(windows):
        rows.append(sla.StateRow(next(ids), cid, "1", "syslog", "down", a, b))
        nxt = windows[i + 1][0] if i + 1 < len(windows) else None
        rows.append(sla.StateRow(next(ids), cid, "1", "syslog", "up", b, nxt))
    return rows, coverage


def test_ledger_equals_the_lab_ground_truth(timeline: Timeline) -> None:
    lo, hi = sla.year_bounds(2022)
    assert (timeline.start, timeline.end) == (lo, hi)
    down = timeline.down_windows()
    assert not any(a < SILENCE[1] and SILENCE[0] < b for ws in down.values() for a, b in ws)  # a quiet night
    ids = itertools.count(1)
    info, states, coverage = {}, [], {}
    for cid, track in timeline.tracks.items():
        info[cid] = sla.CircuitInfo(cid, track.carrier, track.role, track.unit, takes_over=track.takes_over)
        rows, cov = _observe(cid, down[cid], lo, hi, ids)
        states += [sla.StateRow(r.id, r.cid, cid, r.source, r.state, r.start, r.end, r.changed_after) for r in rows]
        coverage[cid] = cov
    # the analytic polls agree with a poll-by-poll walk on one circuit
    some = next(c for c, ws in down.items() if ws)
    polls = [lo + k * STEP for k in range(int((hi - lo) / STEP) + 1)]
    polls = [p for p in polls if not SILENCE[0] <= p < SILENCE[1]]
    assert sla.coverage_from_samples([(p, True) for p in polls], 750) == coverage[some]
    walked = [p for p in polls if any(a <= p < b for a, b in down[some])]
    snmp_down = [r for r in states if r.cid == some and r.source == "snmp" and r.state == "down"]
    assert sum(int((r.end - r.start) / STEP) for r in snmp_down) == len(walked)
    spans = sla.circuit_spans(info, states, [], coverage, {}, hi)
    maint = [sla.MaintenanceWindow(e.at, e.until, circuit=e.circuit) for e in timeline.events
             if e.kind == "maintenance" and e.until]
    assert maint
    led = sla.build(2022, info, spans, maint)
    bounds = sla.month_starts(2022)
    truth_year = truth(timeline)
    n_down = 0
    for cid, ws in down.items():
        row = led.circuits[cid]
        for m in range(1, 13):
            want = sum(max(0.0, (min(b, bounds[m]) - max(a, bounds[m - 1])).total_seconds()) for a, b in ws)
            got = row.months[m].down + row.months[m].maintenance
            assert abs(got - want) <= 60, (cid, m, got, want)
        assert abs(row.year.down + row.year.maintenance - truth_year.down_seconds[cid]) <= 60
        # the silence and nothing else: from the last poll answered (23:55) to the first one after (06:00)
        gap = 6 * 3600 + 300
        assert row.year.unmeasured == gap and row.months[9].unmeasured == gap
        assert row.year.up == 365 * 86400 - gap - (row.year.down + row.year.maintenance)
        n_down += bool(ws)
    assert n_down >= 24
    assert sum(r.year.maintenance for r in led.circuits.values()) > 0
    cut = 0
    for unit, lost in truth_year.lost_seconds.items():
        u = led.units[unit].year
        assert abs(u.down + u.maintenance - lost) <= 60, (unit, u.down, u.maintenance, lost)
        cut += lost > 0
    assert cut >= 1  # the backup that failed during its primary's outage
