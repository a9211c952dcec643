"""Play a timeline (lab/timeline.py) through a running lab on the clock the product reads.

Each step advances model time to the clock's now: links go down and up at their events' instants (the lab
logs them and, with a collector configured, sends the vendor's syslog stamped with the event's time),
devices reboot (counters to zero, uptime restarts), a counter is put just below 2^64 so it wraps, configs
change. Interface counters grow by the timeline's exact traffic integral, so whatever polls them over SNMP
reads what the ground truth says."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from collectors import clock
from lab.model import LabDevice, LabInterface
from lab.personalities import personality
from lab.timeline import CHINA, Event, Integrator, Timeline, split

WRAP = 2**64
# Where a wrapped counter starts: this many octets below 2^64, so a few days of traffic wrap it.
WRAP_HEADROOM = 10**9


class Host(Protocol):
    """What the replayer needs of a lab (lab.server.Lab satisfies it)."""

    spec: Any

    def flip_link(self, hostname: str, interface: str, state: str, at: Any = None) -> None: ...
    def add_config_line(self, hostname: str, line: str) -> None: ...


@dataclass
class _End:
    iface: LabInterface
    towards_unit_is_in: bool  # the unit end receives the download; the far end sends it
    base_in: int = 0
    base_out: int = 0
    acc_in: float = 0.0
    acc_out: float = 0.0

    def write(self) -> None:
        self.iface.in_octets = (self.base_in + int(self.acc_in)) % WRAP
        self.iface.out_octets = (self.base_out + int(self.acc_out)) % WRAP

    def zero(self) -> None:
        self.base_in, self.base_out = -int(self.acc_in), -int(self.acc_out)
        self.write()

    def near_wrap(self) -> None:
        self.base_in = WRAP - WRAP_HEADROOM - int(self.acc_in)
        self.base_out = WRAP - WRAP_HEADROOM - int(self.acc_out)
        self.write()


@dataclass
class Replay:
    timeline: Timeline
    lab: Host
    # Called for events the lab's own operations do not announce (config changes, reboots): the syslog
    # sender hooks in here. Arguments: kind, device, at, fields.
    notify: Callable[[str, LabDevice, dt.datetime, dict[str, Any]], None] | None = None
    now: dt.datetime = field(init=False)
    applied: list[tuple[dt.datetime, str, str]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.integ = Integrator(self.timeline)
        self.now = self.timeline.start
        self.devices = {d.hostname: d for d in self.lab.spec.devices}
        self.ends: dict[str, list[_End]] = {}
        for cid, tr in self.timeline.tracks.items():
            ends = []
            for n, e in enumerate(tr.ends):
                if e is None or e[0] not in self.devices:
                    continue
                end = _End(self.devices[e[0]].interface(e[1]), towards_unit_is_in=n == 0)
                end.base_in, end.base_out = end.iface.in_octets, end.iface.out_octets
                ends.append(end)
            self.ends[cid] = ends
        # What happens, in order: link transitions from the merged down windows (overlapping outages of one
        # circuit are one outage), and the other events.
        todo: list[tuple[dt.datetime, int, Any]] = []
        for cid, windows in self.integ.windows.items():
            for a, b in windows:
                todo += [(a, 1, ("down", cid)), (b, 0, ("up", cid))]
        for dev, windows in self.timeline.silent_windows().items():
            for a, b in windows:
                todo += [(a, 2, ("mute", dev)), (b, 2, ("unmute", dev))]
        todo += [(e.at, 2, e) for e in self.timeline.events if e.kind not in ("outage", "maintenance", "silence")]
        todo.sort(key=lambda x: (x[0], x[1]))
        self._todo = todo
        self._next = 0

    @property
    def done(self) -> bool:
        return self.now >= self.timeline.end and self._next >= len(self._todo)

    def advance(self, to: dt.datetime) -> None:
        """Move model time to `to` (never past the year's end), applying every event on the way."""
        to = min(to, self.timeline.end)
        while self._next < len(self._todo) and self._todo[self._next][0] <= to:
            at, _, what = self._todo[self._next]
            self._accrue(self.now, at)
            self.now = max(self.now, at)
            self._apply(at, what)
            self._next += 1
        self._accrue(self.now, to)
        self.now = max(self.now, to)

    def _accrue(self, t0: dt.datetime, t1: dt.datetime) -> None:
        if t1 <= t0:
            return
        for cid, octets in self.integ.carried(t0, t1).items():
            if not octets:
                continue
            down, up = split(octets)
            for end in self.ends[cid]:
                if end.towards_unit_is_in:
                    end.acc_in += down
                    end.acc_out += up
                else:
                    end.acc_in += up
                    end.acc_out += down
                end.write()

    def _apply(self, at: dt.datetime, what: Any) -> None:
        if isinstance(what, tuple) and what[0] in ("mute", "unmute"):
            if what[1] in self.devices:
                self.devices[what[1]].mute = what[0] == "mute"
            self.applied.append((at, what[0], what[1]))
            return
        if isinstance(what, tuple):
            state, cid = what
            for e in self.timeline.tracks[cid].ends:
                if e is not None and e[0] in self.devices:
                    self.lab.flip_link(e[0], e[1], state, at)
            self.applied.append((at, f"link_{state}", cid))
            return
        ev: Event = what
        if ev.kind == "counter_wrap" and ev.circuit:
            for end in self.ends[ev.circuit]:
                end.near_wrap()
        elif ev.kind == "reboot" and ev.device in self.devices:
            dev = self.devices[ev.device]
            mine = {id(end.iface): end for ends in self.ends.values() for end in ends}
            for iface in dev.interfaces:
                if id(iface) in mine:
                    mine[id(iface)].zero()
                else:
                    iface.in_octets = iface.out_octets = 0
            dev.booted_at = at  # sysUpTime restarts (lab/snmp.py)
            if self.notify:
                self.notify("reboot", dev, at, {})
        elif ev.kind == "config_change" and ev.device in self.devices:
            dev = self.devices[ev.device]
            stamp = at.astimezone(CHINA).strftime("%Y%m%d-%H%M")
            self.lab.add_config_line(ev.device, personality(dev.platform).location_line.format(text=f"changed-{stamp}"))
            if self.notify:
                self.notify("config_change", dev, at, {"user": ev.user or "admin"})
        self.applied.append((at, ev.kind, ev.circuit or ev.device or ""))

    async def run(self, now: Callable[[], dt.datetime] = clock.now, tick: float = 0.05) -> None:
        """Follow the clock `now` reads (the process's: a round may hold it) until the year is over (run it in
        the lab's event loop)."""
        while not self.done:
            self.advance(now())
            if self.done:
                break
            await asyncio.sleep(tick)

    def octets(self, cid: str) -> tuple[int, int] | None:
        """What the unit end's counters gained so far (towards the unit, from the unit), wraps unfolded."""
        for end in self.ends.get(cid, []):
            if end.towards_unit_is_in:
                return int(end.acc_in), int(end.acc_out)
        return None
