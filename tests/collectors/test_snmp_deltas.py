"""Deltas across 64-bit wraps, reboots and resets: a delta is exactly the bytes carried or nothing, never a
spike (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from collectors.snmp.deltas import WRAP64, Reading, capacity, delta

speeds = st.sampled_from([10, 100, 1000, 10_000, 100_000])
elapsed = st.floats(min_value=1.0, max_value=3600.0)
counters = st.integers(min_value=0, max_value=WRAP64 - 1)
uptimes = st.integers(min_value=100_000, max_value=2**31)


@given(start=counters, speed=speeds, secs=elapsed, frac=st.floats(min_value=0, max_value=1), up=uptimes)
def test_traffic_within_the_line_is_the_delta_even_across_a_wrap(start: int, speed: int, secs: float,
                                                                frac: float, up: int) -> None:
    carried = int(speed * 1_000_000 / 8 * secs * frac)
    new = (start + carried) % WRAP64
    d = delta(Reading(start, up, 0.0, speed), Reading(new, up + int(secs * 100), secs, speed))
    assert d.value == carried
    assert d.flag == ("wrap" if start + carried >= WRAP64 else None)


@given(start=counters, new=counters, speed=speeds, secs=elapsed, up=uptimes,
       back=st.integers(min_value=1, max_value=100_000))
def test_a_reboot_gives_no_delta(start: int, new: int, speed: int, secs: float, up: int, back: int) -> None:
    d = delta(Reading(start, up, 0.0, speed), Reading(new, max(0, up - back - int(secs * 100)), secs, speed))
    assert d.value is None and d.flag == "reboot"


@given(old=counters, new=counters, speed=speeds, secs=elapsed, up=uptimes)
def test_never_a_spike(old: int, new: int, speed: int, secs: float, up: int) -> None:
    d = delta(Reading(old, up, 0.0, speed), Reading(new, up + int(secs * 100), secs, speed))
    ceiling = capacity(speed, secs)
    assert d.value is None or 0 <= d.value <= ceiling
    if d.value is None:
        assert d.flag == "reset"


def test_counter_going_down_without_reboot_is_a_reset_not_a_wrap() -> None:
    d = delta(Reading(10**12, 500_000, 0.0, 1000), Reading(10**9, 530_000, 300.0, 1000))
    assert (d.value, d.flag) == (None, "reset")


def test_sysuptime_timeticks_wrap_is_not_a_reboot() -> None:
    old_up = 2**32 - 1000  # 497 days up, 10 s before TimeTicks wraps
    d = delta(Reading(5_000, old_up, 0.0, 1000), Reading(9_000, (old_up + 30_000) % 2**32, 300.0, 1000))
    assert (d.value, d.flag) == (4_000, None)


def test_unknown_speed_has_no_ceiling_but_a_drop_is_still_a_reset() -> None:
    assert delta(Reading(0, 1000, 0.0, None), Reading(10**15, 31_000, 300.0, None)).value == 10**15
    assert delta(Reading(10**6, 1000, 0.0, None), Reading(10, 31_000, 300.0, None)).flag == "reset"
