"""Octet deltas between two readings of one interface, never across a discontinuity.

A delta is only believed when the counter could have carried it: at most the interface's speed for the
elapsed time, with 10 % slack for clock jitter between poll and agent. A reboot (sysUpTime went back), a
counter that went down without a plausible 64-bit wrap, or an increase faster than the line allows, gives
no delta at all — a gap in the record is honest, a spike is a lie in every rollup built on it."""

from __future__ import annotations

from dataclasses import dataclass

WRAP64 = 2**64
SLACK = 1.1
UPTIME_WRAP = 2**32  # sysUpTime is TimeTicks: wraps after 497 days


@dataclass(frozen=True)
class Reading:
    octets: int
    uptime_cs: int | None  # sysUpTime, hundredths of a second
    at_s: float  # when it was read (epoch seconds, the poller's clock)
    speed_mbps: int | None


@dataclass(frozen=True)
class Delta:
    value: int | None  # bytes since the previous reading; None: not knowable
    flag: str | None  # wrap | reboot | reset | None


def rebooted(old_uptime: int | None, new_uptime: int | None, elapsed_s: float) -> bool:
    """sysUpTime went back, allowing for its own 32-bit wrap after 497 days of uptime."""
    if old_uptime is None or new_uptime is None:
        return False
    if new_uptime >= old_uptime:
        return False
    wrapped = new_uptime + UPTIME_WRAP - old_uptime
    # a TimeTicks wrap advances uptime by about the elapsed time; anything else is a restart
    return not abs(wrapped / 100 - elapsed_s) <= max(60.0, elapsed_s * 0.1)


def capacity(speed_mbps: int | None, elapsed_s: float) -> float | None:
    """Most bytes the line could carry in `elapsed_s` (None: speed unknown, no ceiling)."""
    if not speed_mbps or speed_mbps <= 0:
        return None
    return speed_mbps * 1_000_000 / 8 * elapsed_s * SLACK


def delta(old: Reading, new: Reading) -> Delta:
    elapsed = new.at_s - old.at_s
    if elapsed <= 0:
        return Delta(None, "reset")
    if rebooted(old.uptime_cs, new.uptime_cs, elapsed):
        return Delta(None, "reboot")
    ceiling = capacity(new.speed_mbps or old.speed_mbps, elapsed)
    if new.octets >= old.octets:
        d = new.octets - old.octets
        if ceiling is not None and d > ceiling:
            return Delta(None, "reset")  # faster than the line: a counter jump, not traffic
        return Delta(d, None)
    wrapped = new.octets + WRAP64 - old.octets
    if ceiling is not None and wrapped <= ceiling:
        return Delta(wrapped, "wrap")
    return Delta(None, "reset")
