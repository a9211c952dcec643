"""The year the lab replays: a file format with clear errors, an exact ground truth, and a step-by-step
replay whose counters and link events agree with it however the steps fall."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlmodel import Session

from lab.replay import WRAP, Replay
from lab.spec import build_lab_spec, city_timeline
from lab.timeline import CHINA, Timeline, TimelineError, dump, from_dict, load, to_dict, truth


@pytest.fixture(scope="module")
def city(sample_sqlite):
    with Session(sample_sqlite) as s:
        return city_timeline(s), s.get_bind()


def _spec(engine):
    with Session(engine) as s:
        return build_lab_spec(s)


class FakeLab:
    """The lab's two operations the replayer calls, recorded (the real lab is exercised in the end-to-end
    telemetry test)."""

    def __init__(self, spec) -> None:
        self.spec = spec
        self.flips: list[tuple[str, str, str, dt.datetime]] = []
        self.config: list[tuple[str, str]] = []

    def flip_link(self, hostname, interface, state, at=None):
        self.spec.device(hostname).interface(interface).up = state == "up"
        self.flips.append((hostname, interface, state, at))

    def add_config_line(self, hostname, line):
        self.config.append((hostname, line))


def test_city_year_has_every_kind_of_event(city) -> None:
    tl, _ = city
    kinds = {e.kind for e in tl.events}
    assert kinds == {"outage", "maintenance", "reboot", "counter_wrap", "config_change", "silence"}
    assert {t.carrier for t in tl.tracks.values()} >= {"unicom", "telecom"}
    assert all(tl.start <= e.at < tl.end for e in tl.events)
    # the sample city's recorded 2022 incidents are in it
    assert sum(e.note == "事件记录" for e in tl.events) >= 8


def test_truth_backup_carries_exactly_when_its_primary_is_down(city) -> None:
    tl, _ = city
    t = truth(tl)
    windows = tl.down_windows()
    for cid, secs in t.down_seconds.items():
        assert secs == sum((b - a).total_seconds() for a, b in windows[cid])
    # a backup that took over carried more than keepalives; one that never did carried only keepalives
    year = (tl.end - tl.start).total_seconds()
    for cid, secs in t.failover_seconds.items():
        down_in, down_out = t.octets[cid]
        keepalive_only = 2_000 / 8 * year
        if secs == 0:
            assert down_in + down_out <= keepalive_only + 1
        else:
            assert down_in + down_out > keepalive_only
    # the double failure in August cuts its unit off for 45 minutes at least
    assert max(t.lost_seconds.values()) >= 45 * 60
    # a backup its unit's configs would not move traffic onto never carries it: its primary's outages cut
    # the unit off (the year strikes every such unit at least once)
    idle = [tr for tr in tl.tracks.values() if not tr.takes_over]
    assert idle and all(tr.role == "backup" for tr in idle)
    for tr in idle:
        assert t.failover_seconds[tr.cid] == 0
        prim = [p for p in tl.tracks.values() if p.unit == tr.unit and p.role == "primary"]
        assert t.lost_seconds[tr.unit] >= sum(t.down_seconds[p.cid] for p in prim) - 1


def test_replay_in_any_steps_equals_the_truth(city) -> None:
    tl, engine = city
    t = truth(tl)
    lab = FakeLab(_spec(engine))
    replay = Replay(tl, lab)
    rng = random.Random(7)
    now = tl.start
    while not replay.done:
        now += dt.timedelta(seconds=rng.choice([1, 60, 3600, 86_400, 3 * 86_400]))
        replay.advance(now)
    for cid, (want_in, want_out) in t.octets.items():
        got = replay.octets(cid)
        if got is None:
            continue
        assert abs(got[0] - want_in) <= 2 and abs(got[1] - want_out) <= 2, cid
    # every merged outage is one down and one up at each lab end, stamped with the outage's own instants
    for cid, windows in tl.down_windows().items():
        ends = [e for e in tl.tracks[cid].ends if e is not None]
        for a, b in windows:
            for host, iface in ends:
                assert (host, iface, "down", a) in lab.flips and (host, iface, "up", b) in lab.flips
    assert len(lab.config) == 3


def test_wrapped_counter_is_below_where_it_started(city) -> None:
    tl, engine = city
    lab = FakeLab(_spec(engine))
    replay = Replay(tl, lab)
    wrap = next(e for e in tl.events if e.kind == "counter_wrap")
    end = next(e for e in replay.ends[wrap.circuit] if e.towards_unit_is_in)
    replay.advance(tl.start)
    assert end.iface.in_octets > WRAP - 10**10
    replay.advance(tl.end)
    assert end.iface.in_octets < 10**12  # it wrapped during the year


def test_reboot_zeroes_the_device_counters(city) -> None:
    tl, engine = city
    lab = FakeLab(_spec(engine))
    replay = Replay(tl, lab)
    boot = next(e for e in tl.events if e.kind == "reboot")
    replay.advance(boot.at - dt.timedelta(seconds=1))
    dev = replay.devices[boot.device]
    assert any(i.in_octets > 0 for i in dev.interfaces)
    replay.advance(boot.at)
    assert all(i.in_octets == 0 and i.out_octets == 0 for i in dev.interfaces)


def test_file_round_trip_and_errors(tmp_path, city) -> None:
    tl, _ = city
    path = tmp_path / "year.yaml"
    dump(tl, path)
    again = load(path)
    assert to_dict(again) == to_dict(tl)
    assert truth(again).down_seconds == truth(tl).down_seconds
    bad = to_dict(tl)
    bad["events"][0]["at"] = "2022-03-01 08:00"
    with pytest.raises(TimelineError, match=r"events\[0\]\.at: .* no UTC offset"):
        from_dict(bad, "year.yaml")
    bad = to_dict(tl)
    bad["events"].append({"kind": "outage", "circuit": "NOPE", "at": "2022-03-01T08:00:00+08:00",
                          "until": "2022-03-01T09:00:00+08:00"})
    with pytest.raises(TimelineError, match=r"circuit: 'NOPE' is not one of"):
        from_dict(bad, "year.yaml")
    with pytest.raises(TimelineError, match="expected one of outage"):
        from_dict({**to_dict(tl), "events": [{"kind": "flood", "at": "2022-01-01T00:00:00+08:00"}]})
    (tmp_path / "x.yaml").write_text("start: [", encoding="utf-8")
    with pytest.raises(TimelineError, match=r"x\.yaml: cannot read"):
        load(tmp_path / "x.yaml")


def test_factor_integral_is_additive() -> None:
    tl = Timeline(start=dt.datetime(2022, 1, 1, tzinfo=CHINA), end=dt.datetime(2022, 2, 1, tzinfo=CHINA),
                  tracks={}, events=[])
    a, b = tl.start, tl.end
    mid = a + dt.timedelta(days=9, minutes=17, seconds=3)
    assert tl.factor_seconds(a, b) == pytest.approx(tl.factor_seconds(a, mid) + tl.factor_seconds(mid, b))
    # Saturday 1 January 2022: a weekend day's 10:00-11:00 carries the weekend share of the peak
    ten = dt.datetime(2022, 1, 1, 10, tzinfo=CHINA)
    assert tl.factor_seconds(ten, ten + dt.timedelta(hours=1)) == pytest.approx(3600 * 1.0 * 0.3)


def test_lab_spec_survives_its_json_file(city) -> None:
    """The lab a worker process reads from a file plays the same devices (probes and boot time included)."""
    import json

    from lab.model import LabSpec

    _, engine = city
    spec = _spec(engine)
    again = LabSpec.from_dict(json.loads(json.dumps(spec.to_dict(), default=str)))
    assert [d.probes for d in again.devices] == [d.probes for d in spec.devices]
    assert sum(len(d.probes) for d in again.devices) > 0
