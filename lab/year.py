"""A year lived through on real sockets: the lab replays a timeline on a compressed clock, its devices send
syslog to the product's receiver and answer the product's SNMP poller, and what the record then says is set
beside the timeline's exact ground truth.

Everything runs in one asyncio loop of this process (the lab, its SNMP agent, the receiver, the poller), on
the clock the product reads (collectors/clock.py), so a year of minutes-down and bytes lands in the database
at the timeline's dates. Used by the end-to-end test and by `make demo`."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from collectors import clock
from collectors.snmp.poller import SnmpPoller
from collectors.syslog.receiver import SyslogReceiver
from inventory.db import session_scope
from inventory.models import Device, Interface
from inventory.record.measured import Carried, carried, down_seconds, last_sample_id
from inventory.record.polling import poll_once
from inventory.record.syslog_store import SyslogStore

from .model import LabSpec
from .replay import Replay
from .server import Lab, LabOptions
from .timeline import Timeline, Truth, truth

DAY = 86_400.0
# Seconds of wall time the receiver needs to see a newly set process clock (it re-reads it twice a second).
CLOCK_SETTLE_S = 0.6


@dataclass
class CircuitYear:
    cid: str
    role: str
    carrier: str
    unit: str
    true_down_s: float
    measured_down_s: float
    true_octets: int  # both directions, at the unit end
    measured: Carried

    @property
    def down_error_s(self) -> float:
        return self.measured_down_s - self.true_down_s

    @property
    def octets_error(self) -> float:
        """Relative error of the measured bytes (0 when both are 0)."""
        got = self.measured.in_octets + self.measured.out_octets
        return 0.0 if not self.true_octets and not got else (got - self.true_octets) / max(self.true_octets, 1)


@dataclass
class YearResult:
    timeline: Timeline
    truth: Truth
    circuits: dict[str, CircuitYear] = field(default_factory=dict)  # the circuits whose unit end the lab plays
    events_applied: int = 0
    syslog_sent: int = 0
    syslog_dropped_by_sender: int = 0
    receiver: dict[str, Any] = field(default_factory=dict)
    polls: int = 0
    poll_failures: int = 0
    wall_s: float = 0.0
    speed: float = 0.0
    samples_before: int = 0


def telling_units(timeline: Timeline, failovers: int = 6, platforms: dict[str, str] | None = None) -> list[str]:
    """The units whose year shows every kind of evidence: the counter wrap, the reboot, the config changes,
    the maintenance windows, the backup that failed with its primary, the first `failovers` units whose
    backup took over, and (given `platforms`, hostname → platform) a unit of every platform that terminates
    a unit's circuit, so every vendor's syslog and SNMP are in the year. A lab of just these lives through the
    year in seconds, not minutes."""
    tracks = timeline.tracks
    units: set[str] = set()
    by_device = {e[0]: t.unit for t in tracks.values() for e in t.ends[:1] if e}
    for ev in timeline.events:
        if ev.circuit in tracks and ev.kind in ("counter_wrap", "maintenance"):
            units.add(tracks[ev.circuit].unit)
        elif ev.device in by_device:
            units.add(by_device[ev.device])
    integ_truth = truth(timeline)
    took_over = sorted(c for c, s in integ_truth.failover_seconds.items() if s > 0)
    units |= {tracks[c].unit for c in took_over[:failovers]}
    cut_off = sorted(u for u, s in integ_truth.lost_seconds.items() if s > 0 and any(
        t.role == "backup" for t in timeline.units()[u]))
    units |= set(cut_off[:2])
    if platforms:
        ends = sorted((t.unit, t.ends[0][0]) for t in tracks.values() if t.ends and t.ends[0])
        covered = {platforms.get(h) for u, h in ends if u in units}
        for unit, host in ends:
            if platforms.get(host) not in covered:
                units.add(unit)
                covered.add(platforms.get(host))
    return sorted(units)


def unit_end_interfaces(engine: Engine, timeline: Timeline, spec: LabSpec) -> dict[str, int]:
    """Circuit → the inventory id of its unit-end interface, for circuits whose unit end the lab plays."""
    played = {d.hostname for d in spec.devices}
    want = {cid: t.ends[0] for cid, t in timeline.tracks.items() if t.ends and t.ends[0] and t.ends[0][0] in played}
    with session_scope(engine) as s:
        rows = s.exec(select(Device.hostname, Interface.name, Interface.id)
                      .where(Interface.device_id == Device.id)).all()
    ids = {(h, n): i for h, n, i in rows}
    return {cid: ids[end] for cid, end in want.items() if end in ids}


async def live_year(engine: Engine, timeline: Timeline, spec: LabSpec, workdir: Path, *, speed: float,
                    poll_every_s: float = DAY, transport: str = "udp", tick_s: float = 0.02) -> YearResult:
    """Replay `timeline` through a lab of `spec` at `speed` model seconds per wall second, receive its syslog
    and poll it over SNMP every `poll_every_s` model seconds; returns the record beside the truth."""
    workdir.mkdir(parents=True, exist_ok=True)
    result = YearResult(timeline=timeline, truth=truth(timeline), speed=speed)
    with session_scope(engine) as s:
        result.samples_before = last_sample_id(s)  # an earlier replay of the same dates is not this one's
    store = SyslogStore()
    receiver = SyslogReceiver(lambda batch: store(engine, batch), spool_dir=workdir / "spool", port=0,
                              udp=transport == "udp", tcp=transport == "tcp")
    lab: Lab | None = None
    poller = SnmpPoller()
    receiving = False
    try:
        await receiver.start()
        receiving = True
        host, port = receiver.udp_address or receiver.tcp_address  # type: ignore[misc]
        lab = Lab(spec, LabOptions(snmp=True, syslog=f"{transport}://{host}:{port}"))
        await lab.start()
        inventory = json.loads(lab.write_files(workdir / "lab").read_text(encoding="utf-8"))
        for dev in spec.devices:
            dev.booted_at = timeline.start - dt.timedelta(days=30)
        replay = Replay(timeline, lab, notify=lab.announce)
        wall0 = time.perf_counter()
        clock.use(clock.compressed(timeline.start, speed))
        await asyncio.sleep(CLOCK_SETTLE_S)  # the receiver now stamps messages with model time
        replay.advance(timeline.start)  # what happens at the first instant (a counter set near its wrap)
        await _poll(engine, poller, inventory, result)  # the baseline: every later delta is against it
        every = clock.current().wall_seconds(poll_every_s)

        async def polling() -> None:
            # On a cadence from the start, not a sleep after each round: a round that overruns is not followed
            # by a full interval of silence.
            began, k = time.perf_counter(), 1
            while not replay.done:
                await asyncio.sleep(max(0.0, began + k * every - time.perf_counter()))
                await _poll(engine, poller, inventory, result)
                k = max(k + 1, int((time.perf_counter() - began) / every) + 1)

        poll_task = asyncio.create_task(polling())
        await replay.run(clock.current(), tick=tick_s)
        poll_task.cancel()
        await asyncio.gather(poll_task, return_exceptions=True)
        await _poll(engine, poller, inventory, result)  # the year's last bytes
        result.events_applied = len(replay.applied)
        if lab.syslog is not None:
            lab.syslog.flush()
            result.syslog_sent, result.syslog_dropped_by_sender = lab.syslog.sent, lab.syslog.dropped
        await asyncio.sleep(0.3)  # the last datagrams in flight on loopback
        receiving = False
        await receiver.stop()
        result.receiver = receiver.counters.snapshot()
        result.wall_s = time.perf_counter() - wall0
    finally:
        poller.close()
        if lab is not None:
            await lab.stop()
        if receiving:
            await receiver.stop()
        clock.use(None)
    _measure(engine, result, spec)
    return result


async def _poll(engine: Engine, poller: SnmpPoller, inventory: dict[str, Any], result: YearResult) -> None:
    rep = await poll_once(engine, poller, lab_inventory=inventory)
    result.polls += 1
    result.poll_failures += rep.devices - rep.ok


def _measure(engine: Engine, result: YearResult, spec: LabSpec) -> None:
    tl, tr = result.timeline, result.truth
    ends = unit_end_interfaces(engine, tl, spec)
    with session_scope(engine) as s:
        down = down_seconds(s, list(ends.values()), tl.start, tl.end, source="syslog")
        bytes_ = carried(s, list(ends.values()), after_id=result.samples_before)
    for cid, iid in sorted(ends.items()):
        t = tl.tracks[cid]
        result.circuits[cid] = CircuitYear(cid=cid, role=t.role, carrier=t.carrier, unit=t.unit,
                                           true_down_s=tr.down_seconds[cid], measured_down_s=down[iid],
                                           true_octets=sum(tr.octets[cid]), measured=bytes_[iid])
