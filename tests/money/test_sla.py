"""The availability ledger (money/sla.py) on hand-made evidence with hand-computed seconds."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from money import sla
from money.sla import (
    CircuitInfo,
    MaintenanceWindow,
    ProbeRow,
    Span,
    StateRow,
    build,
    coverage_from_rollups,
    coverage_from_samples,
    decide,
    event_spans,
    probe_spans,
    snmp_spans,
)

UTC = dt.UTC
CN = sla.CHINA
T = dt.datetime(2022, 3, 10, 0, 0, tzinfo=UTC)
M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)


def secs(ivs: list[sla.Interval], state: str) -> float:
    return sum(iv.seconds for iv in ivs if iv.state == state)


def test_unmeasured_is_never_up() -> None:
    ivs = decide([Span(T, T + H, "up", "snmp")], [], T, T + 3 * H)
    assert secs(ivs, "up") == 3600 and secs(ivs, "unmeasured") == 7200
    assert ivs[-1].source is None
    s = sla.Seconds()
    for iv in ivs:
        s.count(iv)
    assert round(s.availability, 4) == round(100 / 3, 4) and s.measured_availability == 100.0


def test_precedence_probe_over_snmp_over_syslog() -> None:
    spans = [Span(T, T + 2 * H, "up", "snmp", "lsi:1"),
             Span(T + 30 * M, T + 40 * M, "down", "probe", "probe:9"),  # the path died behind an up port
             Span(T + 50 * M, T + 70 * M, "down", "syslog", "lsi:2"),  # SNMP saw up throughout: it decides
             Span(T + 2 * H, T + 3 * H, "down", "log_buffer", "lsi:3"),
             Span(T + 150 * M, T + 160 * M, "up", "syslog", "lsi:4", needs_cover=True)]
    ivs = decide(spans, [], T, T + 3 * H)
    assert [(iv.state, iv.source, round(iv.seconds) // 60, iv.disputed) for iv in ivs] == [
        ("up", "snmp", 30, False), ("down", "probe", 10, True), ("up", "snmp", 10, False),
        ("up", "snmp", 20, True), ("up", "snmp", 50, False), ("down", "log_buffer", 30, False),
        ("up", "syslog", 10, True), ("down", "log_buffer", 20, False)]
    # the hand count: 30 min up, 10 down (probe), 80 up (snmp; syslog's 20 min down is disputed), then the
    # log buffer's hour down, except the 10 minutes syslog reported up inside it (covered by the log buffer)
    assert secs(ivs, "down") == 600 + 3600 - 600
    assert secs(ivs, "up") == 1800 + 4800 + 600
    assert sum(iv.seconds for iv in ivs if iv.disputed) == 600 + 1200 + 600  # a lower source said otherwise
    by = {(iv.start, iv.source) for iv in ivs}
    assert (T + 30 * M, "probe") in by and (T + 150 * M, "syslog") in by
    probe_iv = next(iv for iv in ivs if iv.source == "probe")
    assert probe_iv.refs == ("probe:9",)


def test_syslog_silence_proves_nothing() -> None:
    rows = [StateRow(1, "C1", "7", "syslog", "up", T, T + 10 * H),
            StateRow(2, "C1", "7", "syslog", "down", T + 10 * H, T + 11 * H),
            StateRow(3, "C1", "7", "syslog", "up", T + 11 * H, None)]
    spans = event_spans(rows, heard_until=T + 20 * H)
    ivs = decide(spans, [], T, T + 24 * H)
    # only the down stretch between its two messages is measured; up alone is silence
    assert secs(ivs, "down") == 3600 and secs(ivs, "up") == 0 and secs(ivs, "unmeasured") == 23 * 3600


def test_open_syslog_down_counts_to_last_heard() -> None:
    rows = [StateRow(1, "C1", "7", "syslog", "down", T, None)]
    ivs = decide(event_spans(rows, heard_until=T + 2 * H), [], T, T + 5 * H)
    assert secs(ivs, "down") == 7200 and secs(ivs, "unmeasured") == 3 * 3600
    assert decide(event_spans(rows), [], T, T + H)[0].state == "unmeasured"


def test_snmp_change_refined_by_syslog_instants() -> None:
    # samples every 5 min; SNMP saw down at 10:05 (up at 10:00) and up again at 11:05 (down at 11:00)
    t = T + 10 * H
    cov = [(T, T + 24 * H)]
    rows = [StateRow(1, "C1", "7", "snmp", "up", T, t + 5 * M),
            StateRow(2, "C1", "7", "snmp", "down", t + 5 * M, t + 65 * M, changed_after=t),
            StateRow(3, "C1", "7", "snmp", "up", t + 65 * M, None, changed_after=t + 60 * M)]
    snmp = snmp_spans(rows, cov, T + 24 * H)
    assert secs(decide(snmp, [], T, T + 24 * H), "down") == 3600  # SNMP's convention alone: 10:05–11:05
    syslog = event_spans([StateRow(4, "C1", "7", "syslog", "down", t + 2 * M, t + 63 * M),
                          StateRow(5, "C1", "7", "syslog", "up", t + 63 * M, None)], heard_until=T + 24 * H)
    ivs = decide(snmp + syslog, [], T, T + 24 * H)
    assert secs(ivs, "down") == 61 * 60  # the instants: 10:02–11:03
    assert {iv.source for iv in ivs if iv.state == "down"} == {"snmp", "syslog"}


def test_snmp_coverage_from_samples_and_gap() -> None:
    times = [(T + 5 * M * i, i > 0) for i in range(13)]  # an hour of 5-minute samples
    times += [(T + 3 * H, True), (T + 3 * H + 5 * M, True)]  # two hours of silence, then a sample
    cov = coverage_from_samples(times, max_gap_s=750)
    assert cov == [(T, T + H), (T + 3 * H, T + 3 * H + 5 * M)]
    rows = [StateRow(1, "C1", "7", "snmp", "up", T, None)]
    ivs = decide(snmp_spans(rows, cov, T + 4 * H), [], T, T + 4 * H)
    assert secs(ivs, "up") == 3900 and secs(ivs, "unmeasured") == 4 * 3600 - 3900


def test_coverage_from_rollups_places_partial_hours_next_to_whole_ones() -> None:
    day = dt.datetime(2022, 3, 9, 16, tzinfo=UTC)  # 2022-03-10 00:00 China time
    hours = {day + 24 * H + H * i: 3600 for i in range(10)}
    hours[day + 34 * H] = 1200  # the poller stopped hearing at 10:20 ...
    hours[day + 37 * H] = 1200  # ... and heard again at 13:40
    hours.update({day + H * i: 3600 for i in range(38, 48)})
    cov = coverage_from_rollups([day], hours)
    assert cov == [(day, day + 34 * H + 20 * M), (day + 37 * H + 40 * M, day + 48 * H)]


def test_probe_covers_its_period() -> None:
    spans = probe_spans([ProbeRow(1, "C1", T + H, ok=True), ProbeRow(2, "C1", T + 2 * H, ok=False, period_s=300)])
    ivs = decide(spans, [], T, T + 3 * H)
    assert secs(ivs, "up") == 60 and secs(ivs, "down") == 300


def test_maintenance_excuses_down_not_unmeasured() -> None:
    spans = [Span(T, T + 2 * H, "down", "snmp"), Span(T + 3 * H, T + 4 * H, "up", "snmp")]
    ivs = decide(spans, [(T + H, T + 4 * H)], T, T + 5 * H)
    assert secs(ivs, "down") == 3600 and secs(ivs, "maintenance") == 3600
    assert secs(ivs, "up") == 3600 and secs(ivs, "unmeasured") == 7200


def test_months_are_china_time_and_year_is_complete() -> None:
    # 2022-01-31 23:00 China time = 15:00 UTC: an outage of two hours spans January and February
    start = dt.datetime(2022, 1, 31, 23, tzinfo=CN)
    lo, hi = sla.year_bounds(2022)
    assert lo == dt.datetime(2021, 12, 31, 16, tzinfo=UTC)
    info = {"C1": CircuitInfo("C1", "unicom", "primary", "U1")}
    spans = {"C1": [Span(lo, start, "up", "snmp"), Span(start, start + 2 * H, "down", "snmp"),
                   Span(start + 2 * H, hi, "up", "snmp")]}
    led = build(2022, info, spans)
    row = led.circuits["C1"]
    assert row.months[1].down == 3600 and row.months[2].down == 3600
    assert row.months[1].total == 31 * 86400 and row.months[2].total == 28 * 86400
    assert row.year.total == 365 * 86400 and row.year.down == 7200 and row.year.unmeasured == 0
    assert led.carriers["unicom"].year.down == 7200


def test_unit_end_to_end_with_overlapping_outages() -> None:
    lo, hi = sla.year_bounds(2022)
    info = {"P": CircuitInfo("P", "unicom", "primary", "U1", rooms=("R1",)),
            "B": CircuitInfo("B", "telecom", "backup", "U1", rooms=("R2",))}
    t = dt.datetime(2022, 6, 1, 8, tzinfo=CN)

    def around(a: dt.datetime, b: dt.datetime) -> list[Span]:
        return [Span(lo, a, "up", "snmp"), Span(a, b, "down", "snmp"), Span(b, hi, "up", "snmp")]

    # primary down 08:00–12:00; backup down 10:00–13:00: the unit is cut 10:00–12:00 only
    led = build(2022, info, {"P": around(t, t + 4 * H), "B": around(t + 2 * H, t + 5 * H)})
    u = led.units["U1"]
    assert u.year.down == 7200 and u.months[6].down == 7200 and u.year.up == 365 * 86400 - 7200
    assert led.circuits["P"].year.down == 4 * 3600 and led.circuits["B"].year.down == 3 * 3600
    assert led.rooms["R1"].year.down == 4 * 3600 and led.rooms["R2"].year.down == 3 * 3600
    cut = [iv for iv in u.intervals if iv.state == "down"]
    assert len(cut) == 1 and cut[0].start == t + 2 * H and cut[0].end == t + 4 * H


def test_unit_unmeasured_when_its_only_live_path_is_unknown() -> None:
    lo, hi = sla.year_bounds(2022)
    info = {"P": CircuitInfo("P", "unicom", "primary", "U1"), "B": CircuitInfo("B", "telecom", "backup", "U1")}
    t = dt.datetime(2022, 6, 1, 8, tzinfo=CN)
    led = build(2022, info, {"P": [Span(lo, t, "up", "snmp"), Span(t, t + H, "down", "snmp"),
                                   Span(t + H, hi, "up", "snmp")],
                             "B": [Span(lo, t + 30 * M, "up", "snmp")]})  # the backup unmeasured after 08:30
    u = led.units["U1"].year
    assert u.down == 0 and u.unmeasured == 1800


def test_a_backup_that_would_not_take_over_keeps_no_unit_up() -> None:
    lo, hi = sla.year_bounds(2022)
    t = dt.datetime(2022, 6, 1, 8, tzinfo=CN)
    spans = {"P": [Span(lo, t, "up", "snmp"), Span(t, t + 2 * H, "down", "snmp"), Span(t + 2 * H, hi, "up", "snmp")],
             "B": [Span(lo, hi, "up", "snmp")]}
    armed = {"P": CircuitInfo("P", "unicom", "primary", "U1"), "B": CircuitInfo("B", "telecom", "backup", "U1")}
    unarmed = {**armed, "B": CircuitInfo("B", "telecom", "backup", "U1", takes_over=False)}
    assert build(2022, armed, spans).units["U1"].year.down == 0
    led = build(2022, unarmed, spans)
    u = led.units["U1"]
    assert u.year.down == 7200 and u.members == ("B", "P")  # still its circuit, still in the ledger
    assert led.circuits["B"].year.up == 365 * 86400  # the backup's own availability is untouched


def test_a_room_cut_from_the_core_cuts_its_units_and_an_unmeasured_trunk_is_assumed() -> None:
    lo, hi = sla.year_bounds(2022)
    t = dt.datetime(2022, 6, 1, 8, tzinfo=CN)

    def down(a, b, ref):
        return [Span(lo, a, "up", "snmp"), Span(a, b, "down", "snmp", ref=ref), Span(b, hi, "up", "snmp")]

    info = {"U1-P": CircuitInfo("U1-P", "unicom", "primary", "U1", rooms=("R1",)),
            "U2-P": CircuitInfo("U2-P", "unicom", "primary", "U2", rooms=("R2",)),
            "U2-B": CircuitInfo("U2-B", "telecom", "backup", "U2", rooms=("R3",)),
            "BB-R1-1": CircuitInfo("BB-R1-1", "unicom", "primary", None, rooms=("R1", "CORE")),
            "BB-R1-2": CircuitInfo("BB-R1-2", "unicom", "primary", None, rooms=("R1", "CORE")),
            "BB-R2": CircuitInfo("BB-R2", "unicom", "primary", None, rooms=("R2", "CORE")),
            "BB-R3": CircuitInfo("BB-R3", "telecom", "backup", None, rooms=("R3", "CORE")),
            "UP": CircuitInfo("UP", "unicom", "uplink", None, rooms=("CORE",))}
    up = [Span(lo, hi, "up", "snmp")]
    spans = {"U1-P": up, "U2-P": up, "U2-B": up, "UP": up,
             "BB-R1-1": down(t, t + 2 * H, "sample:1"), "BB-R1-2": down(t + H, t + 3 * H, "sample:2"),
             "BB-R2": down(t, t + 4 * H, "sample:3")}  # BB-R3: never measured
    led = build(2022, info, spans, core=["CORE"])
    u1 = led.units["U1"]
    # both trunks of R1 down 09:00–10:00: its unit is cut then, the down time citing both trunks
    assert u1.year.down == 3600 and u1.assumed == ()
    cut = [iv for iv in u1.intervals if iv.state == "down"]
    assert [(c.start, c.end) for c in cut] == [(t + H, t + 2 * H)] and cut[0].refs == ("sample:1", "sample:2")
    # U2's room lost its trunk for four hours; its backup lands in R3, whose unmeasured trunk is assumed
    u2 = led.units["U2"]
    assert u2.year.down == 0 and u2.year.up == 365 * 86400 and u2.assumed == ("BB-R3",)
    # without the core named, a unit's own circuits decide (as if every room reached the core)
    assert build(2022, info, spans).units["U1"].year.down == 0
    # an unmeasured trunk that is measured at all is not assumed: U2 over R3 is then unmeasured, never up
    spans["BB-R3"] = [Span(lo, t, "up", "snmp")]
    late = build(2022, info, spans, core=["CORE"]).units["U2"]
    assert late.assumed == () and late.year.down == 0
    assert late.year.unmeasured == 4 * 3600  # R2's trunk down and R3's unknown: the best path is unmeasured


def test_maintenance_window_by_carrier_and_service_period() -> None:
    lo, hi = sla.year_bounds(2022)
    start = dt.datetime(2022, 7, 1, tzinfo=CN).astimezone(UTC)
    info = {"P": CircuitInfo("P", "unicom", "primary", "U1", in_service=(start, hi))}
    w = dt.datetime(2022, 7, 2, 1, tzinfo=CN)
    led = build(2022, info, {"P": [Span(lo, w, "up", "snmp"), Span(w, w + 3 * H, "down", "snmp"),
                                   Span(w + 3 * H, hi, "up", "snmp")]},
                maintenance=[MaintenanceWindow(w, w + 2 * H, carrier="unicom"),
                             MaintenanceWindow(w, w + 3 * H, carrier="telecom")])
    y = led.circuits["P"].year
    assert y.maintenance == 7200 and y.down == 3600 and y.total == 184 * 86400
    assert led.circuits["P"].months[6].total == 0
    assert round(y.availability, 6) == round(100 * (184 * 86400 - 10800) / (184 * 86400 - 7200), 6)


# -- the sweep against a naive minute-by-minute reading of the same rules ------------------------------
def _naive(spans: list[Span], maint: list[tuple[int, int]], minutes: int) -> list[str]:
    out = []
    for m in range(minutes):
        t = T + m * M
        on = [s for s in spans if s.start <= t < s.end]
        if not on or all(s.needs_cover for s in on):
            out.append("unmeasured")
            continue
        rank = min(4 if s.weak else sla.SOURCES.index(s.source) for s in on)
        top = [s for s in on if (4 if s.weak else sla.SOURCES.index(s.source)) == rank]
        state = "down" if any(s.state == "down" for s in top) else "up"
        if state == "down" and any(a <= m < b for a, b in maint):
            state = "maintenance"
        out.append(state)
    return out


span_st = st.builds(
    lambda a, n, state, src, weak, cover: Span(T + a * M, T + (a + n) * M, state, src, weak=weak and src == "snmp",
                                               needs_cover=cover and state == "up" and src in ("syslog", "log_buffer")),
    st.integers(0, 100), st.integers(1, 40), st.sampled_from(["up", "down"]), st.sampled_from(sla.SOURCES),
    st.booleans(), st.booleans())


@given(st.lists(span_st, max_size=12), st.lists(st.tuples(st.integers(0, 100), st.integers(1, 30)), max_size=3))
@settings(max_examples=300, deadline=None)
def test_decide_equals_the_naive_reading(spans: list[Span], maint: list[tuple[int, int]]) -> None:
    windows = [(a, a + n) for a, n in maint]
    ivs = decide(spans, [(T + a * M, T + b * M) for a, b in windows], T, T + 120 * M)
    got = []
    for iv in ivs:
        got += [iv.state] * round(iv.seconds / 60)
    assert got == _naive(spans, windows, 120)
    assert sum(iv.seconds for iv in ivs) == 7200


@given(st.lists(st.lists(span_st, max_size=6), min_size=1, max_size=3))
@settings(max_examples=200, deadline=None)
def test_unit_equals_the_naive_reading(per_circuit: list[list[Span]]) -> None:
    lo, hi = T, T + 120 * M
    circuits = [decide(spans, [], lo, hi) for spans in per_circuit]
    ivs = sla.paths_intervals([[c] for c in circuits], lo, hi)  # one path per circuit: the role rule
    got = []
    for iv in ivs:
        got += [iv.state] * round(iv.seconds / 60)
    want = []
    for m in range(120):
        states = {sla.state_at(c, T + m * M) for c in circuits}
        want.append(next(s for s in ("up", "unmeasured", "maintenance", "down") if s in states))
    assert got == want


def test_a_flap_between_two_polls_is_down_a_longer_down_is_refuted_by_snmp() -> None:
    cov = [(T, T + 24 * H)]
    snmp = snmp_spans([StateRow(1, "C1", "7", "snmp", "up", T, None)], cov, T + 24 * H)  # up at every poll
    flap = [StateRow(2, "C1", "7", "syslog", "down", T + 2 * H, T + 2 * H + 3 * M),
            StateRow(3, "C1", "7", "syslog", "up", T + 2 * H + 3 * M, None)]
    ivs = decide(snmp + event_spans(flap, T + 24 * H, T + 24 * H, flap_s=750), [], T, T + 24 * H)
    down = [iv for iv in ivs if iv.state == "down"]
    assert secs(ivs, "down") == 180 and down[0].source == "syslog" and down[0].disputed
    # two hours down by syslog under 5-minute polls that all answered up: a poll fell inside it, SNMP decides
    long = [StateRow(2, "C1", "7", "syslog", "down", T + 2 * H, T + 4 * H),
            StateRow(3, "C1", "7", "syslog", "up", T + 4 * H, None)]
    ivs = decide(snmp + event_spans(long, T + 24 * H, T + 24 * H, flap_s=750), [], T, T + 24 * H)
    assert secs(ivs, "down") == 0 and sum(iv.seconds for iv in ivs if iv.disputed) == 2 * 3600
    # without SNMP's max gap nothing outranks SNMP (the rule before flaps were known)
    ivs = decide(snmp + event_spans(flap, T + 24 * H, T + 24 * H), [], T, T + 24 * H)
    assert secs(ivs, "down") == 0
    # a probe that answered during the flap outranks it
    probe = probe_spans([ProbeRow(9, "C1", T + 2 * H + 2 * M, ok=True)])
    ivs = decide(snmp + probe + event_spans(flap, T + 24 * H, T + 24 * H, flap_s=750), [], T, T + 24 * H)
    assert secs(ivs, "down") == 120
