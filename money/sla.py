"""The availability ledger: per circuit, carrier, unit and room, per China-time month and year, seconds up,
down, in maintenance and unmeasured — from the record's evidence, never from a declaration.

Pure: the answers layer (answers/sla.py) reads the rows; tests build them by hand.

The rules (docs/_sla.md says them for people):
- **Coverage.** A source decides only where it measured. SNMP measured the spans between two consecutive
  samples with a delta no further apart than the max gap (2.5 × the poll interval); a probe result covers
  its test period before its time; syslog and the log buffer report instants, and their silence proves
  nothing, so a *down* stretch counts from its down message to the up message that closes it (or, still
  open, to the last time the device was heard), while an *up* stretch counts only where another source
  also measured (it may then refine that source's uncertainty, see below).
- **Precedence.** probe > snmp > syslog > log_buffer, per stretch of time; each ledger interval names the
  source that decided it. Two ends of one circuit seen by one source: down if either end says down.
- **SNMP's uncertainty.** A state change read by SNMP happened somewhere between the sample that saw the
  old state and the one that saw the new; that span is SNMP's *weak* evidence: syslog and the log buffer,
  which know the instant, decide inside it, and SNMP's convention (the change at the later sample) holds
  only where nothing else speaks. Between two samples SNMP saw nothing: a down closed by its up message
  and shorter than SNMP's max gap (a flap that fits between two polls) decides over SNMP's up; a longer
  one must have had a sample inside it, so SNMP's up there refutes it (disputed).
- **Maintenance.** Down time inside a maintenance window of the circuit is maintenance; up time stays up;
  unmeasured time stays unmeasured (a window excuses an outage, it does not prove service).
- **Unmeasured** is whatever no eligible source covers. It is never up: availability = up / (period −
  maintenance), and measured availability = up / (up + down) is shown beside it.
- **Months** are China time (UTC+8, no daylight saving): the bureau reads its own calendar.
- **End to end.** A unit is up while a path to the core is up: one of its circuits that can carry it (its
  primaries, and its backups whose configs make them take over: `CircuitInfo.takes_over`; a backup with no
  route over it, or behind a LAN gateway that stays put, is up and carries nothing) and, from the room it
  lands in, the backbone to a core room (`build(core=...)`). A path is as good as its worst stretch, the
  unit as its best path: up > unmeasured > maintenance > down. A backbone circuit no source measured all
  year is taken as present and named on the unit's row (`assumed`): nothing says it failed, and a unit
  would otherwise be unmeasured for want of evidence about a trunk it does not own.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

CHINA = dt.timezone(dt.timedelta(hours=8))
SOURCES = ("probe", "snmp", "syslog", "log_buffer")
STATES = ("up", "down", "maintenance", "unmeasured")
MAX_GAP_FACTOR = 2.5  # consecutive SNMP samples further apart than this × the poll interval: a gap
DEFAULT_POLL_S = 300.0
DEFAULT_PROBE_PERIOD_S = 60.0  # NQA / IP SLA `frequency 60` as docs/telemetry.md defines them
_RANK = {"probe": 0, "snmp": 1, "syslog": 2, "log_buffer": 3}
_WEAK_RANK = 4  # SNMP inside the span where its change happened: below everything that knows the instant
_FLAP_RANK = 0.5  # a flap SNMP's samples could not see: above SNMP's presumption between polls, below a probe
STATE_ZH = {"up": "正常", "down": "中断", "maintenance": "维护", "unmeasured": "未测量"}
SOURCE_ZH = {"probe": "探测(NQA/IP SLA)", "snmp": "SNMP接口状态", "syslog": "syslog链路事件",
             "log_buffer": "设备日志缓存"}

Span2 = tuple[dt.datetime, dt.datetime]


# -- evidence, as the ledger takes it ------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """A stretch where one source measured one state of one circuit (coverage already applied)."""

    start: dt.datetime
    end: dt.datetime
    state: str  # up | down
    source: str  # one of SOURCES
    ref: str | None = None  # the evidence row: "lsi:12", "probe:7", "sample:99"
    weak: bool = False  # SNMP's span of uncertainty around a change
    needs_cover: bool = False  # syslog/log-buffer up: counts only where another source measured
    flap: bool = False  # a closed syslog/log-buffer down shorter than SNMP's max gap: it fits between two polls


@dataclass(frozen=True)
class StateRow:
    """One LinkStateInterval as the analyses see it. `changed_after`: SNMP only, the earliest time the change
    that opened it could have happened (the previous sample); None: the first interval, nothing changed."""

    id: int
    cid: str
    end_key: str  # which end of the circuit (its interface id, as text)
    source: str
    state: str
    start: dt.datetime
    end: dt.datetime | None
    changed_after: dt.datetime | None = None


@dataclass(frozen=True)
class ProbeRow:
    id: int
    cid: str
    at: dt.datetime
    ok: bool
    period_s: float = DEFAULT_PROBE_PERIOD_S


@dataclass(frozen=True)
class MaintenanceWindow:
    """A planned window (no table holds them yet: the caller fills these). `circuit` None: every circuit
    of `carrier` (None and None: every circuit)."""

    start: dt.datetime
    end: dt.datetime
    circuit: str | None = None
    carrier: str | None = None
    note: str = ""

    def applies(self, cid: str, carrier: str | None) -> bool:
        if self.circuit is not None:
            return self.circuit == cid
        return self.carrier is None or self.carrier == carrier


@dataclass(frozen=True)
class CircuitInfo:
    cid: str
    carrier: str | None
    role: str  # primary | backup | uplink | internal
    unit: str | None = None
    rooms: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()  # hostnames at its ends
    in_service: Span2 | None = None  # None: the whole year
    srlg: str | None = None  # shared-risk group: a duct, a pole route
    # A backup whose router's config would not move the unit's traffic onto it when the primary's link goes
    # down (topology/arming.py takes_over): up or not, it keeps no unit up.
    takes_over: bool = True


# -- coverage and spans from rows ---------------------------------------------------------------------
def merge(spans: Iterable[Span2]) -> list[Span2]:
    out: list[Span2] = []
    for a, b in sorted(spans):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def intersect(a: list[Span2], b: list[Span2]) -> list[Span2]:
    """Both merged and sorted."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def coverage_from_samples(samples: Iterable[tuple[dt.datetime, bool]], max_gap_s: float) -> list[Span2]:
    """(sampled_at, has_delta) of one interface in time order → the spans SNMP measured: (previous, this]
    for each sample with a delta no further than `max_gap_s` from the previous one (the rollups' rule)."""
    out: list[Span2] = []
    prev: dt.datetime | None = None
    for at, has_delta in samples:
        if prev is not None and has_delta and 0 < (at - prev).total_seconds() <= max_gap_s:
            out.append((prev, at))
        prev = at
    return merge(out)


def coverage_from_rollups(full_days: Iterable[dt.datetime], hours: dict[dt.datetime, int]) -> list[Span2]:
    """One interface's coverage from its rollups: days measured whole (86,400 s) and the hours of the other
    days with their measured seconds. An hour measured in part puts its measured seconds next to a whole
    neighbour (a gap starts or ends there), else at its start: the sum is exact, the position within the
    hour a best guess."""
    day, hour = dt.timedelta(days=1), dt.timedelta(hours=1)
    spans = [(d, d + day) for d in full_days]
    whole = merge(spans)
    starts = [a for a, _ in whole]

    def full(h: dt.datetime) -> bool:
        if hours.get(h, 0) >= 3600:
            return True
        i = bisect.bisect_right(starts, h) - 1
        return i >= 0 and whole[i][0] <= h and h + hour <= whole[i][1]

    for h, m in hours.items():
        if m >= 3600:
            spans.append((h, h + hour))
        elif m > 0:
            span = dt.timedelta(seconds=m)
            if full(h + hour) and not full(h - hour):
                spans.append((h + hour - span, h + hour))
            else:
                spans.append((h, h + span))
    return merge(spans)


def snmp_spans(rows: Iterable[StateRow], coverage: list[Span2], horizon: dt.datetime) -> list[Span]:
    """One interface's SNMP state intervals where its samples measured; the span of each change weak."""
    out: list[Span] = []
    for r in rows:
        end = r.end or horizon
        parts = [(r.start, end)]
        weak: list[Span2] = []
        if r.changed_after is not None and r.changed_after < r.start:
            # before the change was seen, SNMP still showed the old state: the new interval's start is
            # certain, the previous stretch's tail is not — mark that tail (it belongs to the prior row)
            weak = [(r.changed_after, r.start)]
        for a, b in intersect(merge(parts), coverage):
            out.append(Span(a, b, r.state, "snmp", f"lsi:{r.id}"))
        for a, b in intersect(weak, coverage):
            out.append(Span(a, b, "down" if r.state == "up" else "up", "snmp", f"lsi:{r.id}", weak=True))
    return _carve_weak(out)


def _carve_weak(spans: list[Span]) -> list[Span]:
    """A weak span replaces the strong one under it (the previous interval's tail)."""
    weak = merge((s.start, s.end) for s in spans if s.weak)
    if not weak:
        return spans
    out = [s for s in spans if s.weak]
    for s in spans:
        if s.weak:
            continue
        cur = s.start
        for a, b in weak:
            if b <= cur or a >= s.end:
                continue
            if a > cur:
                out.append(Span(cur, a, s.state, s.source, s.ref))
            cur = max(cur, b)
        if cur < s.end:
            out.append(Span(cur, s.end, s.state, s.source, s.ref))
    return sorted(out, key=lambda x: x.start)


def event_spans(rows: Iterable[StateRow], heard_until: dt.datetime | None = None,
                horizon: dt.datetime | None = None, flap_s: float | None = None) -> list[Span]:
    """Syslog or log-buffer intervals of one interface under the coverage rule: a down stretch counts to the
    up that closed it (open: to `heard_until`, the device's last message); an up stretch needs cover, so an
    open one may run to `horizon` (it never decides alone). A down stretch closed by its up message and
    shorter than `flap_s` (SNMP's max gap) is a flap: it can fall between two polls, so SNMP's up on both
    sides does not refute it."""
    out = []
    for r in rows:
        if r.state == "down":
            end = r.end if r.end is not None else heard_until
            if end is not None and end > r.start:
                flap = r.end is not None and flap_s is not None and (r.end - r.start).total_seconds() < flap_s
                out.append(Span(r.start, end, "down", r.source, f"lsi:{r.id}", flap=flap))
        else:
            end = r.end if r.end is not None else horizon or heard_until
            if end is not None and end > r.start:
                out.append(Span(r.start, end, "up", r.source, f"lsi:{r.id}", needs_cover=True))
    return out


def probe_spans(rows: Iterable[ProbeRow]) -> list[Span]:
    return [Span(p.at - dt.timedelta(seconds=p.period_s), p.at, "up" if p.ok else "down", "probe", f"probe:{p.id}")
            for p in rows]


# -- the ledger -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    end: dt.datetime
    state: str  # one of STATES
    source: str | None  # who decided; None when unmeasured (or, for a unit, its circuits decided)
    refs: tuple[str, ...] = ()
    disputed: bool = False  # an eligible lower source said the other state

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class Seconds:
    up: float = 0.0
    down: float = 0.0
    maintenance: float = 0.0
    unmeasured: float = 0.0
    disputed: float = 0.0
    by_source: dict[str, float] = field(default_factory=dict)  # seconds decided by each source

    @property
    def total(self) -> float:
        return self.up + self.down + self.maintenance + self.unmeasured

    @property
    def availability(self) -> float | None:
        """Percent up of the period less maintenance; unmeasured counts against (never as up)."""
        base = self.total - self.maintenance
        return 100 * self.up / base if base > 0 else None

    @property
    def measured_availability(self) -> float | None:
        base = self.up + self.down
        return 100 * self.up / base if base > 0 else None

    def add(self, other: Seconds) -> None:
        self.up += other.up
        self.down += other.down
        self.maintenance += other.maintenance
        self.unmeasured += other.unmeasured
        self.disputed += other.disputed
        for k, v in other.by_source.items():
            self.by_source[k] = self.by_source.get(k, 0.0) + v

    def count(self, iv: Interval) -> None:
        secs = iv.seconds
        setattr(self, iv.state, getattr(self, iv.state) + secs)
        if iv.disputed:
            self.disputed += secs
        if iv.source:
            self.by_source[iv.source] = self.by_source.get(iv.source, 0.0) + secs


@dataclass
class Row:
    """One ledger line: a circuit, carrier, unit or room, its months (1–12) and its year."""

    kind: str  # circuit | carrier | unit | room
    key: str
    months: dict[int, Seconds]
    year: Seconds
    members: tuple[str, ...] = ()  # circuits behind it
    intervals: list[Interval] = field(default_factory=list)  # circuits and units only
    # A unit: the backbone circuits on its way to the core that no source measured all year, taken as present.
    assumed: tuple[str, ...] = ()


@dataclass
class Ledger:
    year: int
    circuits: dict[str, Row]
    carriers: dict[str, Row]
    units: dict[str, Row]
    rooms: dict[str, Row]
    info: dict[str, CircuitInfo]

    def by(self, kind: str) -> dict[str, Row]:
        return {"circuit": self.circuits, "carrier": self.carriers, "unit": self.units, "room": self.rooms}[kind]


def year_bounds(year: int) -> Span2:
    return (dt.datetime(year, 1, 1, tzinfo=CHINA).astimezone(dt.UTC),
            dt.datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(dt.UTC))


def month_starts(year: int) -> list[dt.datetime]:
    """The 13 China-time month boundaries of the year, in UTC."""
    return [dt.datetime(year + m // 12, m % 12 + 1, 1, tzinfo=CHINA).astimezone(dt.UTC) for m in range(13)]


def decide(spans: list[Span], maintenance: list[Span2], lo: dt.datetime, hi: dt.datetime) -> list[Interval]:
    """The circuit's intervals over [lo, hi): per stretch the highest eligible source, maintenance applied,
    the rest unmeasured. A sweep over the spans' ends: linear in their number after the sort."""
    events: list[tuple[dt.datetime, int, int]] = []  # (time, +1/-1, index); index -1: maintenance
    for i, s in enumerate(spans):
        a, b = max(s.start, lo), min(s.end, hi)
        if b > a:
            events += [(a, 1, i), (b, -1, i)]
    for a, b in maintenance:
        a, b = max(a, lo), min(b, hi)
        if b > a:
            events += [(a, 1, -1), (b, -1, -1)]
    events.sort(key=lambda e: (e[0], e[1]))
    active: set[int] = set()
    in_maint = 0
    out: list[Interval] = []
    cur = lo
    k = 0
    while True:
        t = events[k][0] if k < len(events) else hi
        if t > cur:
            _emit(out, cur, t, *_state(spans, active, in_maint > 0))
            cur = t
        if k >= len(events):
            break
        while k < len(events) and events[k][0] == t:
            _, d, i = events[k]
            if i < 0:
                in_maint += d
            elif d > 0:
                active.add(i)
            else:
                active.discard(i)
            k += 1
    return out


def _state(spans: list[Span], active: set[int], maint: bool) -> tuple[str, str | None, tuple[str, ...], bool]:
    if not active:
        return ("unmeasured", None, (), False)
    eligible = [spans[i] for i in active]
    if all(s.needs_cover for s in eligible):
        return ("unmeasured", None, (), False)  # only syslog/log-buffer up, uncovered: silence proves nothing
    ranks = [(_WEAK_RANK if s.weak else _FLAP_RANK if s.flap else _RANK[s.source], s) for s in eligible]
    best = min(r for r, _ in ranks)
    top = [s for r, s in ranks if r == best]
    state = "down" if any(s.state == "down" for s in top) else "up"
    refs = tuple(sorted({s.ref for s in top if s.ref and s.state == state}))
    disputed = any(s.state != state for r, s in ranks if r != best)
    if state == "down" and maint:
        state = "maintenance"
    return (state, top[0].source, refs, disputed)


def _emit(out: list[Interval], a: dt.datetime, b: dt.datetime, state: str, source: str | None,
          refs: tuple[str, ...], disputed: bool) -> None:
    if out and out[-1].end == a and out[-1].state == state and out[-1].source == source \
            and out[-1].disputed == disputed and out[-1].refs == refs:
        last = out.pop()
        a = last.start
    out.append(Interval(a, b, state, source, refs, disputed))


def tally(intervals: Iterable[Interval], bounds: list[dt.datetime]) -> dict[int, Seconds]:
    """Seconds per month (1–12) of the intervals, split at the month boundaries."""
    months = {m: Seconds() for m in range(1, 13)}
    for iv in intervals:
        i = max(0, bisect.bisect_right(bounds, iv.start) - 1)
        cur = iv.start
        while cur < iv.end and i < 12:
            b = min(iv.end, bounds[i + 1])
            if b > cur:
                months[i + 1].count(Interval(cur, b, iv.state, iv.source, iv.refs, iv.disputed))
            cur = b
            i += 1
    return months


def _total(months: dict[int, Seconds]) -> Seconds:
    y = Seconds()
    for s in months.values():
        y.add(s)
    return y


# A path is as good as its worst stretch, a unit as good as its best path: up > unmeasured > maintenance > down.
_GRADE = {"down": 0, "maintenance": 1, "unmeasured": 2, "up": 3}
_BY_GRADE = ("down", "maintenance", "unmeasured", "up")
Path = list[list[Interval]]  # the interval lists of one path's circuits (and rooms), in any order


def _sweep(lists: list[list[Interval]], lo: dt.datetime, hi: dt.datetime,
           ) -> Iterable[tuple[dt.datetime, dt.datetime, list[Interval | None]]]:
    """Each stretch of [lo, hi) where none of the lists changes, with each list's interval there (None: not
    in service, carrying nothing)."""
    cuts = sorted({lo, hi} | {t for ivs in lists for iv in ivs for t in (iv.start, iv.end) if lo < t < hi})
    idx = [0] * len(lists)
    for a, b in itertools.pairwise(cuts):
        here: list[Interval | None] = []
        for n, ivs in enumerate(lists):
            while idx[n] < len(ivs) and ivs[idx[n]].end <= a:
                idx[n] += 1
            here.append(ivs[idx[n]] if idx[n] < len(ivs) and ivs[idx[n]].start <= a else None)
        yield a, b, here


def paths_intervals(paths: list[Path], lo: dt.datetime, hi: dt.datetime) -> list[Interval]:
    """End to end over alternative paths: each path is its worst member's state (unmeasured when a member is
    out of service), the whole the best path's; a down stretch cites the down evidence of every path."""
    flat = [ivs for path in paths for ivs in path]
    sizes = [len(p) for p in paths]
    out: list[Interval] = []
    for a, b, here in _sweep(flat, lo, hi):
        best, refs, k = 0, [], 0
        for size in sizes:
            members = here[k:k + size]
            k += size
            grade = min((_GRADE[iv.state] if iv is not None else _GRADE["unmeasured"] for iv in members),
                        default=_GRADE["unmeasured"])
            best = max(best, grade)
            refs += [r for iv in members if iv is not None and iv.state == "down" for r in iv.refs]
        state = _BY_GRADE[best] if paths else "unmeasured"
        _emit(out, a, b, state, None, tuple(sorted(set(refs))) if state == "down" else (), False)
    return out


def room_intervals(circuits: dict[str, Row], info: dict[str, CircuitInfo], core: frozenset[str],
                   lo: dt.datetime, hi: dt.datetime) -> tuple[dict[str, list[Interval]], tuple[str, ...]]:
    """Each room's reach to the core over the city's backbone (circuits between two rooms that a unit's
    traffic crosses: primary and backup, not uplinks or own patches): the best path's worst circuit, per
    stretch of time. A backbone circuit no source measured all year is taken as present (nothing says it
    failed) and returned as assumed. Rooms in `core` are up; a room with no backbone circuit is absent."""
    edges = [(cid, info[cid].rooms[0], info[cid].rooms[1]) for cid in sorted(circuits)
             if not info[cid].unit and info[cid].role in ("primary", "backup") and info[cid].takes_over
             and len(set(info[cid].rooms)) == 2]
    assumed = tuple(cid for cid, _, _ in edges if circuits[cid].year.unmeasured >= circuits[cid].year.total)
    rooms = sorted({r for _, x, y in edges for r in (x, y)} - core)
    if not core or not rooms:
        return {}, ()
    measured = [e for e in edges if e[0] not in assumed]
    trunks = [e for e in edges if e[0] in assumed]  # present, unmeasured: a way out for the cut's island
    lists = [circuits[cid].intervals for cid, _, _ in measured]
    memo: dict[tuple[int, ...], dict[str, int]] = {}
    out: dict[str, list[Interval]] = {r: [] for r in rooms}
    for a, b, here in _sweep(lists, lo, hi):
        grades = tuple(_GRADE[iv.state] if iv is not None else _GRADE["unmeasured"] for iv in here)
        if grades not in memo:
            memo[grades] = _widest(rooms, core, [(x, y, g) for (_, x, y), g in zip(measured, grades, strict=True)]
                                   + [(x, y, _GRADE["up"]) for _, x, y in trunks])
        for room, grade in memo[grades].items():
            state = _BY_GRADE[grade]
            refs = _cut_refs(room, measured + trunks, [*here, *[None] * len(trunks)]) if state == "down" else ()
            _emit(out[room], a, b, state, None, refs, False)
    return out, assumed


def _cut_refs(room: str, edges: list[tuple[str, str, str]], here: list[Interval | None]) -> tuple[str, ...]:
    """The evidence of the down circuits that cut `room` off: those leaving the rooms it still reaches."""
    down = [iv is not None and iv.state == "down" for iv in here]
    island, grew = {room}, True
    while grew:
        grew = False
        for (_, x, y), d in zip(edges, down, strict=True):
            if not d and (x in island) != (y in island):
                island |= {x, y}
                grew = True
    return tuple(sorted({r for (_, x, y), iv, d in zip(edges, here, down, strict=True)
                         if d and iv is not None and (x in island or y in island) for r in iv.refs}))


def _widest(rooms: list[str], core: frozenset[str], edges: list[tuple[str, str, int]]) -> dict[str, int]:
    """Per room, the best over paths to the core of the worst grade on the path (a bottleneck path; the
    backbone is a handful of rooms, so relaxing until nothing changes is enough)."""
    best = {r: (_GRADE["up"] if r in core else -1) for r in {*rooms, *core}}
    changed = True
    while changed:
        changed = False
        for x, y, g in edges:
            for u, v in ((x, y), (y, x)):
                via = min(best.get(u, -1), g)
                if via > best.get(v, -1):
                    best[v], changed = via, True
    return {r: max(best[r], 0) for r in rooms}


def build(year: int, info: dict[str, CircuitInfo], spans: dict[str, list[Span]],
          maintenance: Iterable[MaintenanceWindow] = (), unit_terminals: dict[str, int] | None = None,
          core: Iterable[str] = ()) -> Ledger:
    """The ledger of `year` (China time) for the circuits in `info`, from each one's measured spans. `core`:
    the core rooms' codes, where a unit's path ends (none: a unit's own circuits decide, as if every room
    reached the core)."""
    lo, hi = year_bounds(year)
    bounds = month_starts(year)
    windows = list(maintenance)
    circuits: dict[str, Row] = {}
    for cid in sorted(info):
        c = info[cid]
        a, b = (max(lo, c.in_service[0]), min(hi, c.in_service[1])) if c.in_service else (lo, hi)
        if b <= a:
            continue
        maint = merge((w.start, w.end) for w in windows if w.applies(cid, c.carrier))
        ivs = decide(spans.get(cid, []), maint, a, b)
        months = tally(ivs, bounds)
        circuits[cid] = Row("circuit", cid, months, _total(months), (cid,), ivs)
    reach, assumed = room_intervals(circuits, info, frozenset(core), lo, hi)
    return Ledger(year, circuits, _group(circuits, info, "carrier"),
                  _units(circuits, info, lo, hi, bounds, reach, assumed), _group(circuits, info, "room"), info)


def _group(circuits: dict[str, Row], info: dict[str, CircuitInfo], kind: str) -> dict[str, Row]:
    keys: dict[str, list[str]] = defaultdict(list)
    for cid in circuits:
        c = info[cid]
        for k in ((c.carrier or "own",) if kind == "carrier" else c.rooms):
            keys[k].append(cid)
    out = {}
    for k, cids in sorted(keys.items()):
        months = {m: Seconds() for m in range(1, 13)}
        for cid in cids:
            for m, s in circuits[cid].months.items():
                months[m].add(s)
        out[k] = Row(kind, k, months, _total(months), tuple(cids))
    return out


def _units(circuits: dict[str, Row], info: dict[str, CircuitInfo], lo: dt.datetime, hi: dt.datetime,
           bounds: list[dt.datetime], reach: dict[str, list[Interval]], assumed: tuple[str, ...],
           ) -> dict[str, Row]:
    by_unit: dict[str, list[str]] = defaultdict(list)
    for cid in circuits:
        c = info[cid]
        if c.unit and c.role in ("primary", "backup"):
            by_unit[c.unit].append(cid)
    out = {}
    for unit, cids in sorted(by_unit.items()):
        carrying = [c for c in cids if info[c].takes_over]  # none: no path, the unit unmeasured
        paths = [[circuits[c].intervals, *[reach[r] for r in info[c].rooms if r in reach]] for c in carrying]
        ivs = paths_intervals(paths, lo, hi)
        months = tally(ivs, bounds)
        behind = tuple(a for a in assumed if set(info[a].rooms) & {r for c in carrying for r in info[c].rooms})
        out[unit] = Row("unit", unit, months, _total(months), tuple(cids), ivs, assumed=behind)
    return out


def state_at(intervals: list[Interval], t: dt.datetime) -> str:
    starts = [iv.start for iv in intervals]
    i = bisect.bisect_right(starts, t) - 1
    if i >= 0 and intervals[i].start <= t < intervals[i].end:
        return intervals[i].state
    return "unmeasured"


def circuit_spans(info: dict[str, CircuitInfo], states: Iterable[StateRow], probes: Iterable[ProbeRow],
                  snmp_coverage: dict[str, list[Span2]], heard_until: dict[tuple[str, str], dt.datetime],
                  horizon: dt.datetime, max_gap_s: float | None = None) -> dict[str, list[Span]]:
    """Every circuit's measured spans from its rows. `snmp_coverage`: per end key; `heard_until`: per
    (source, end key), the last time that source heard the device at that end; `max_gap_s`: SNMP's, for
    the flap rule (None: no flap outranks SNMP)."""
    by_end: dict[tuple[str, str, str], list[StateRow]] = defaultdict(list)
    for r in states:
        if r.cid in info:
            by_end[(r.cid, r.source, r.end_key)].append(r)
    out: dict[str, list[Span]] = defaultdict(list)
    for (cid, source, end), rows in by_end.items():
        rows.sort(key=lambda r: r.start)
        if source == "snmp":
            out[cid] += snmp_spans(rows, snmp_coverage.get(end, []), horizon)
        elif source in ("syslog", "log_buffer"):
            out[cid] += event_spans(rows, heard_until.get((source, end)), horizon, flap_s=max_gap_s)
    by_cid: dict[str, list[ProbeRow]] = defaultdict(list)
    for p in probes:
        if p.cid in info:
            by_cid[p.cid].append(p)
    for cid, ps in by_cid.items():
        out[cid] += probe_spans(ps)
    return dict(out)
