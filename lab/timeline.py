"""A year the lab lives through: circuits with their units' traffic, and what happens to them.

A timeline is data (YAML): the year's bounds, a diurnal traffic profile, the circuits the lab plays
(carrier, role, unit, bandwidth, the unit's demand, the lab interfaces at both ends) and events —
outages, maintenance windows, device reboots, counter wraps and config changes. The traffic rule is the
network's own: a unit's demand goes over its first primary circuit that is up, else over its first backup
that is up, else it is lost; an idle backup carries only keepalives.

`truth()` integrates the whole year in one pass: minutes down per circuit and octets carried per circuit.
The replayer (lab/replay.py) advances the same integral step by step as a compressed clock runs, so what
the product measures over real sockets can be compared with an exact ground truth."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CHINA = dt.timezone(dt.timedelta(hours=8))
EVENT_KINDS = ("outage", "maintenance", "reboot", "counter_wrap", "config_change", "silence")
DOWN_KINDS = ("outage", "maintenance")
# A working day's shape, by local hour: quiet at night, peaks mid-morning and mid-afternoon.
OFFICE_DAY = (0.05, 0.04, 0.04, 0.04, 0.04, 0.05, 0.08, 0.2, 0.55, 0.9, 1.0, 0.85,
              0.5, 0.6, 0.95, 1.0, 0.9, 0.6, 0.3, 0.2, 0.15, 0.1, 0.08, 0.06)
WEEKEND = 0.3
IDLE_BPS = 2_000  # an idle backup: LLDP, routing hellos, probes
DOWNLOAD_SHARE = 0.75  # of a unit's traffic, towards the unit (the unit end's in_octets)


class TimelineError(ValueError):
    """A timeline file that cannot be played, naming the file, entry and field."""


@dataclass
class Track:
    """One circuit the lab plays. `ends`: (hostname, interface) at the unit end first, then the far end;
    an end the lab does not play is None."""

    cid: str
    carrier: str
    role: str  # primary | backup
    unit: str
    bandwidth_mbps: int
    demand_mbps: float  # the unit's peak demand, carried by whichever circuit is serving it
    ends: list[tuple[str, str] | None]
    # A backup the unit's routers would not move its traffic onto when the primary's link goes down (no route
    # over it, or a LAN gateway that stays on the primary's router): up, it carries keepalives only.
    takes_over: bool = True


@dataclass
class Event:
    kind: str
    at: dt.datetime
    until: dt.datetime | None = None  # outage, maintenance, silence
    circuit: str | None = None  # outage, maintenance, counter_wrap
    device: str | None = None  # reboot, config_change, silence (its management plane cut: nothing heard)
    user: str | None = None  # config_change
    note: str = ""


@dataclass
class Timeline:
    start: dt.datetime
    end: dt.datetime
    tracks: dict[str, Track]
    events: list[Event]
    diurnal: tuple[float, ...] = OFFICE_DAY
    weekend: float = WEEKEND
    name: str = ""
    _cum: list[float] = field(default_factory=list, repr=False)  # factor-seconds at each hour boundary

    # ---- the demand integral: factor(t) is piecewise constant per local hour
    def _hour_factor(self, hour_start: dt.datetime) -> float:
        local = hour_start.astimezone(CHINA)
        return self.diurnal[local.hour] * (self.weekend if local.weekday() >= 5 else 1.0)

    def _ensure_cum(self) -> None:
        if self._cum:
            return
        first = self.start.replace(minute=0, second=0, microsecond=0)
        hours = int((self.end - first).total_seconds() // 3600) + 2
        cum = [0.0]
        for h in range(hours):
            cum.append(cum[-1] + 3600 * self._hour_factor(first + dt.timedelta(hours=h)))
        self._cum = cum
        self._first = first

    def factor_seconds(self, t0: dt.datetime, t1: dt.datetime) -> float:
        """∫ factor(t) dt over [t0, t1], in seconds at full demand."""
        if t1 <= t0:
            return 0.0
        self._ensure_cum()
        return self._at(t1) - self._at(t0)

    def _at(self, t: dt.datetime) -> float:
        s = (t - self._first).total_seconds()
        h = int(s // 3600)
        h = max(0, min(h, len(self._cum) - 2))
        return self._cum[h] + (s - 3600 * h) * (self._cum[h + 1] - self._cum[h]) / 3600

    # ---- who is down when
    def down_windows(self) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
        """Circuit → merged windows it was down (outages and maintenance), clipped to the year."""
        raw: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {cid: [] for cid in self.tracks}
        for ev in self.events:
            if ev.kind in DOWN_KINDS and ev.circuit in raw and ev.until is not None:
                a, b = max(ev.at, self.start), min(ev.until, self.end)
                if b > a:
                    raw[ev.circuit].append((a, b))
        return {cid: _merge(ws) for cid, ws in raw.items()}

    def silent_windows(self) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
        """Device → merged windows its management plane was cut (no SNMP answer, no syslog heard)."""
        raw: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        for ev in self.events:
            if ev.kind == "silence" and ev.device and ev.until is not None:
                a, b = max(ev.at, self.start), min(ev.until, self.end)
                if b > a:
                    raw.setdefault(ev.device, []).append((a, b))
        return {dev: _merge(ws) for dev, ws in raw.items()}

    def window(self, start: dt.datetime, end: dt.datetime, name: str = "") -> Timeline:
        """The same circuits and traffic between `start` and `end`, with the events that fall in it."""
        keep = [e for e in self.events if e.at < end and (e.until or e.at) >= start]
        return Timeline(start=start, end=end, tracks=self.tracks, events=keep, diurnal=self.diurnal,
                        weekend=self.weekend, name=name or self.name)

    def units(self) -> dict[str, list[Track]]:
        """Unit → its circuits, primaries first, each group in cid order (the order traffic prefers)."""
        out: dict[str, list[Track]] = {}
        for t in sorted(self.tracks.values(), key=lambda t: (t.unit, t.role != "primary", t.cid)):
            out.setdefault(t.unit, []).append(t)
        return out


def _merge(windows: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@dataclass
class Truth:
    down_seconds: dict[str, float]  # per circuit
    octets: dict[str, tuple[int, int]]  # per circuit: (towards the unit, from the unit)
    failover_seconds: dict[str, float]  # per backup circuit: time it carried a unit's traffic
    lost_seconds: dict[str, float]  # per unit: time no circuit could carry its traffic

    def down_minutes(self, cid: str) -> float:
        return self.down_seconds[cid] / 60


class Integrator:
    """Octets each circuit carries between two instants, from the timeline's traffic rule. Used in one pass
    by `truth()` and step by step by the replayer: the integral is additive, so both agree."""

    def __init__(self, timeline: Timeline) -> None:
        self.tl = timeline
        self.windows = timeline.down_windows()
        self._starts = {cid: [a for a, _ in ws] for cid, ws in self.windows.items()}
        self.units = timeline.units()
        # Breakpoints per unit: any of its circuits changing state.
        self.breaks: dict[str, list[dt.datetime]] = {}
        for unit, tracks in self.units.items():
            pts = {t for tr in tracks for w in self.windows[tr.cid] for t in w}
            self.breaks[unit] = sorted(pts)

    def is_down(self, cid: str, t: dt.datetime) -> bool:
        ws, starts = self.windows[cid], self._starts[cid]
        i = bisect.bisect_right(starts, t) - 1
        return i >= 0 and ws[i][0] <= t < ws[i][1]

    def serving(self, unit: str, t: dt.datetime) -> Track | None:
        tracks = self.units[unit]
        for role in ("primary", "backup"):
            for tr in tracks:
                if tr.role == role and tr.takes_over and not self.is_down(tr.cid, t):
                    return tr
        return None

    def carried(self, t0: dt.datetime, t1: dt.datetime) -> dict[str, float]:
        """Circuit → octets (both directions) carried in [t0, t1)."""
        out = {cid: 0.0 for cid in self.tl.tracks}
        if t1 <= t0:
            return out
        for unit, tracks in self.units.items():
            pts = self.breaks[unit]
            lo = bisect.bisect_right(pts, t0)
            hi = bisect.bisect_left(pts, t1)
            cuts = [t0, *pts[lo:hi], t1]
            for a, b in itertools.pairwise(cuts):
                if b <= a:
                    continue
                srv = self.serving(unit, a)
                if srv is not None:
                    out[srv.cid] += srv.demand_mbps * 1e6 / 8 * self.tl.factor_seconds(a, b)
                for tr in tracks:
                    if tr is not srv and tr.role == "backup" and not self.is_down(tr.cid, a):
                        out[tr.cid] += IDLE_BPS / 8 * (b - a).total_seconds()
        return out


def split(octets: float) -> tuple[float, float]:
    """(towards the unit, from the unit)."""
    return octets * DOWNLOAD_SHARE, octets * (1 - DOWNLOAD_SHARE)


def truth(timeline: Timeline) -> Truth:
    integ = Integrator(timeline)
    total = integ.carried(timeline.start, timeline.end)
    down = {cid: sum((b - a).total_seconds() for a, b in ws) for cid, ws in integ.windows.items()}
    failover: dict[str, float] = {cid: 0.0 for cid, t in timeline.tracks.items() if t.role == "backup"}
    lost: dict[str, float] = {}
    for unit, _tracks in integ.units.items():
        pts = [timeline.start, *[p for p in integ.breaks[unit] if timeline.start < p < timeline.end], timeline.end]
        lost[unit] = 0.0
        for a, b in itertools.pairwise(pts):
            srv = integ.serving(unit, a)
            if srv is None:
                lost[unit] += (b - a).total_seconds()
            elif srv.role == "backup":
                failover[srv.cid] += (b - a).total_seconds()
    octets = {cid: tuple(int(x) for x in split(v)) for cid, v in total.items()}
    return Truth(down_seconds=down, octets=octets, failover_seconds=failover, lost_seconds=lost)  # type: ignore[arg-type]


# ---- files
def _when(value: Any, where: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        t = value
    elif isinstance(value, str):
        try:
            t = dt.datetime.fromisoformat(value)
        except ValueError:
            raise TimelineError(f"{where}: {value!r} is not an ISO date-time (2022-03-01T08:00:00+08:00)") from None
    else:
        raise TimelineError(f"{where}: expected an ISO date-time with its offset, got {value!r}")
    if t.tzinfo is None:
        raise TimelineError(f"{where}: {value!r} has no UTC offset (write +08:00 for China time)")
    return t


def load(path: Path) -> Timeline:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TimelineError(f"{path}: cannot read the timeline ({exc})") from None
    return from_dict(data, str(path))


def from_dict(data: Any, source: str = "timeline") -> Timeline:
    if not isinstance(data, dict):
        raise TimelineError(f"{source}: expected a mapping with start, end, circuits and events")
    for key in ("start", "end", "circuits", "events"):
        if key not in data:
            raise TimelineError(f"{source}: missing {key!r}")
    start, end = _when(data["start"], f"{source}: start"), _when(data["end"], f"{source}: end")
    if end <= start:
        raise TimelineError(f"{source}: end {end.isoformat()} is not after start {start.isoformat()}")
    tracks: dict[str, Track] = {}
    for cid, c in (data["circuits"] or {}).items():
        where = f"{source}: circuits.{cid}"
        if not isinstance(c, dict):
            raise TimelineError(f"{where}: expected a mapping")
        try:
            ends = [tuple(e) if e else None for e in c.get("ends", [])]
            tracks[str(cid)] = Track(cid=str(cid), carrier=str(c["carrier"]), role=str(c["role"]),
                                     unit=str(c["unit"]), bandwidth_mbps=int(c["mbps"]),
                                     demand_mbps=float(c["demand_mbps"]), ends=ends,  # type: ignore[arg-type]
                                     takes_over=bool(c.get("takes_over", True)))
        except KeyError as exc:
            raise TimelineError(f"{where}: missing {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise TimelineError(f"{where}: {exc}") from None
        if tracks[str(cid)].role not in ("primary", "backup"):
            raise TimelineError(f"{where}.role: expected primary or backup, got {c['role']!r}")
    events: list[Event] = []
    for n, e in enumerate(data["events"] or []):
        where = f"{source}: events[{n}]"
        if not isinstance(e, dict) or e.get("kind") not in EVENT_KINDS:
            raise TimelineError(f"{where}.kind: expected one of {', '.join(EVENT_KINDS)}")
        ev = Event(kind=e["kind"], at=_when(e.get("at"), f"{where}.at"),
                   until=_when(e["until"], f"{where}.until") if e.get("until") is not None else None,
                   circuit=e.get("circuit"), device=e.get("device"), user=e.get("user"), note=str(e.get("note", "")))
        if ev.kind in (*DOWN_KINDS, "counter_wrap") and ev.circuit not in tracks:
            raise TimelineError(f"{where}.circuit: {ev.circuit!r} is not one of the timeline's circuits")
        if ev.kind in (*DOWN_KINDS, "silence") and (ev.until is None or ev.until <= ev.at):
            raise TimelineError(f"{where}.until: an {ev.kind} needs an end after its start")
        if ev.kind in ("reboot", "config_change", "silence") and not ev.device:
            raise TimelineError(f"{where}.device: a {ev.kind} names its device")
        events.append(ev)
    events.sort(key=lambda e: e.at)
    diurnal = tuple(float(x) for x in data.get("diurnal", OFFICE_DAY))
    if len(diurnal) != 24:
        raise TimelineError(f"{source}: diurnal has {len(diurnal)} values; expected 24, one per hour")
    return Timeline(start=start, end=end, tracks=tracks, events=events, diurnal=diurnal,
                    weekend=float(data.get("weekend", WEEKEND)), name=str(data.get("name", "")))


def to_dict(tl: Timeline) -> dict[str, Any]:
    def ev(e: Event) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": e.kind, "at": e.at.isoformat()}
        for k in ("until", "circuit", "device", "user", "note"):
            v = getattr(e, k)
            if v:
                d[k] = v.isoformat() if isinstance(v, dt.datetime) else v
        return d

    return {"name": tl.name, "start": tl.start.isoformat(), "end": tl.end.isoformat(),
            "diurnal": list(tl.diurnal), "weekend": tl.weekend,
            "circuits": {t.cid: {"carrier": t.carrier, "role": t.role, "unit": t.unit, "mbps": t.bandwidth_mbps,
                                 "demand_mbps": t.demand_mbps, "ends": [list(e) if e else None for e in t.ends],
                                 **({} if t.takes_over else {"takes_over": False})}
                         for t in tl.tracks.values()},
            "events": [ev(e) for e in tl.events]}


def dump(tl: Timeline, path: Path) -> None:
    path.write_text(yaml.safe_dump(to_dict(tl), allow_unicode=True, sort_keys=False), encoding="utf-8")


# ---- a year for a city from its inventory
@dataclass
class CircuitRow:
    """What `city_year` needs of a circuit (read from the database by lab/spec.py's caller)."""

    cid: str
    carrier: str
    role: str
    unit: str
    bandwidth_mbps: int
    ends: list[tuple[str, str] | None]
    takes_over: bool = True  # a backup: see Track.takes_over


def _h(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:6], "big")


def city_year(circuits: list[CircuitRow], incidents: list[tuple[str, dt.datetime, dt.datetime, str]], *,
              year: int = 2022, extra_outages: int = 24, seed: int = 2022) -> Timeline:
    """The sample city's year: its recorded incidents, more Unicom outages (some on units with a Telecom
    backup, so the backup takes over), maintenance windows at night, one backup outage during a primary
    outage (the backup did not take over), a reboot, a counter wrap on a backup circuit, config changes and a
    unit router whose management plane is cut for six hours across the start of one of its outages."""
    rng = random.Random(seed)
    start = dt.datetime(year, 1, 1, tzinfo=CHINA)
    end = dt.datetime(year + 1, 1, 1, tzinfo=CHINA)
    tracks = {}
    for c in circuits:
        if c.role not in ("primary", "backup"):
            continue
        # The unit's demand, the same whichever circuit carries it: a share of its primary's bandwidth.
        primary_bw = max((x.bandwidth_mbps for x in circuits if x.unit == c.unit and x.role == "primary"),
                         default=c.bandwidth_mbps)
        demand = round(primary_bw * (0.08 + (_h(c.unit, "demand") % 20) / 100), 3)
        tracks[c.cid] = Track(c.cid, c.carrier, c.role, c.unit, c.bandwidth_mbps, demand, c.ends, c.takes_over)
    events: list[Event] = []
    for cid, a, b, note in incidents:
        if cid in tracks:
            events.append(Event("outage", a, b, circuit=cid, note=note))
    primaries = sorted(t.cid for t in tracks.values() if t.role == "primary" and t.carrier == "unicom")
    backed = {t.unit for t in tracks.values() if t.role == "backup"}
    with_backup = [c for c in primaries if tracks[c].unit in backed]
    for n in range(extra_outages):
        pool = with_backup if n % 3 != 2 and with_backup else primaries
        cid = rng.choice(pool)
        at = start + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60 - 24 * 60))
        minutes = rng.choice([7, 23, 45, 90, 150, 240, 400])
        events.append(Event("outage", at, at + dt.timedelta(minutes=minutes), circuit=cid, note="线路中断"))
    for month, carrier in ((3, "unicom"), (6, "telecom"), (9, "unicom"), (11, "telecom")):
        pool = sorted(t.cid for t in tracks.values() if t.carrier == carrier)
        if not pool:
            continue
        cid = rng.choice(pool)
        at = dt.datetime(year, month, 14, 0, 30, tzinfo=CHINA)
        events.append(Event("maintenance", at, at + dt.timedelta(hours=3), circuit=cid, note="计划维护窗口"))
    backups = sorted(t.cid for t in tracks.values() if t.role == "backup" and t.carrier == "telecom")
    if backups:
        # The backup itself fails while its unit's primary is down: the unit is cut off.
        bk = tracks[backups[len(backups) // 2]]
        prim = next((t for t in sorted(tracks.values(), key=lambda t: t.cid)
                     if t.unit == bk.unit and t.role == "primary"), None)
        if prim is not None:
            at = dt.datetime(year, 8, 3, 10, 0, tzinfo=CHINA)
            events.append(Event("outage", at, at + dt.timedelta(hours=2), circuit=prim.cid, note="主线路中断"))
            events.append(Event("outage", at + dt.timedelta(minutes=30), at + dt.timedelta(minutes=75),
                                circuit=bk.cid, note="备用线路同时中断"))
        wrap = tracks[backups[0]]
        events.append(Event("counter_wrap", dt.datetime(year, 1, 1, tzinfo=CHINA), circuit=wrap.cid,
                            note="计数器接近 2^64，年内回绕"))
    # A reboot on the primary side of a unit (its backup's counters must not be touched by it).
    reboot_dev = next((t.ends[0][0] for t in sorted(tracks.values(), key=lambda t: t.cid)
                       if t.role == "primary" and t.ends and t.ends[0]
                       and all(not (o.ends and o.ends[0] and o.ends[0][0] == t.ends[0][0])
                               for o in tracks.values() if o.role == "backup")), None)
    if reboot_dev:
        events.append(Event("reboot", dt.datetime(year, 5, 20, 3, 10, tzinfo=CHINA), device=reboot_dev,
                            note="设备重启"))
    # The management plane of a unit router is cut for ten days from an hour before one of its outages (a
    # management tunnel down and nobody told): the outage is heard by no one, its time unmeasured, never up.
    # Ten days: longer than several of the compressed year's poll rounds (a round is a model day or more).
    def dev_of(cid: str | None) -> str | None:
        t = tracks.get(cid or "")
        return t.ends[0][0] if t is not None and t.ends and t.ends[0] else None

    def clear_at(dev: str, at: dt.datetime) -> bool:  # no outage of the router's circuits is under way then
        return not any(e.kind in DOWN_KINDS and dev_of(e.circuit) == dev and e.until is not None
                       and e.at <= at < e.until for e in events)

    outage = next((e for e in sorted(events, key=lambda e: (e.at, e.circuit or ""))
                   if e.kind == "outage" and e.circuit in tracks and tracks[e.circuit].role == "primary"
                   and dev_of(e.circuit) and e.until is not None and (e.until - e.at) >= dt.timedelta(minutes=90)
                   and e.at.month >= 2 and clear_at(dev_of(e.circuit) or "", e.at - dt.timedelta(hours=1))
                   and clear_at(dev_of(e.circuit) or "", e.at + dt.timedelta(days=10))), None)
    if outage is not None:
        dev = dev_of(outage.circuit)
        events.append(Event("silence", outage.at - dt.timedelta(hours=1), outage.at + dt.timedelta(days=10),
                            device=dev, note="网管通道中断"))
    devices = sorted({e[0] for t in tracks.values() for e in t.ends if e})
    for n, month in enumerate((4, 7, 10)):
        if devices:
            dev = devices[_h(seed, "cfg", n) % len(devices)]
            events.append(Event("config_change", dt.datetime(year, month, 8, 15, 20, tzinfo=CHINA), device=dev,
                                user="netops", note="配置变更"))
    events.sort(key=lambda e: e.at)
    return Timeline(start=start, end=end, tracks=tracks, events=events, name=f"{year} 年")
