"""Never lose what was collected: one unreadable command costs that command's facts only, through a real
ingest into SQLite; counters that go down are flagged, never differenced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from collectors.engine import DeviceOutcome, RawOutput
from collectors.parse import parse_outputs
from collectors.platforms import load_profile
from inventory.collection import ingest
from inventory.db import session_scope
from inventory.models import (
    CollectionRun,
    CommandOutput,
    ConfigSnapshot,
    CounterSample,
    Device,
    Interface,
    LinkEvent,
    RejectedCapture,
    TerminalCount,
)
from lab.personalities import personality

from .offline_util import lab_devices, rendered, small_db

DEVICES = {d.platform: d for d in lab_devices()}
CLEAN = {p: rendered(d) for p, d in DEVICES.items()}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    eng, _ = small_db(tmp_path_factory.mktemp("never-lose"))
    yield eng
    eng.dispose()


def _ingest(eng, platform: str, outputs: dict[str, str], *, at: dt.datetime | None = None):
    """One run of one device through ingest; returns (result, run id, device id)."""
    dev = DEVICES[platform]
    prof = load_profile(platform)
    with session_scope(eng) as s:
        row = s.exec(select(Device).where(Device.hostname == dev.hostname)).one()
        run = CollectionRun(trigger="cli")
        s.add(run)
        s.flush()
        outcome = DeviceOutcome(dev.hostname, platform, ok=True,
                                outputs={k: RawOutput(prof.command(k).command, v) for k, v in outputs.items()})
        if at is not None:
            import inventory.collection as collection

            real = collection.utcnow
            collection.utcnow = lambda: at
            try:
                r = ingest(s, run.id, row, outcome)
            finally:
                collection.utcnow = real
        else:
            r = ingest(s, run.id, row, outcome)
        return r.status, r.warnings, r.snapshot_id, run.id, row.id


def _garble(draw, text: str) -> str:
    how = draw(st.sampled_from(["cut", "noise", "inject", "lines"]))
    if how == "cut":
        return text[: draw(st.integers(0, len(text)))]
    if how == "noise":
        return draw(st.text(max_size=300))
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines)))
    if how == "inject":
        return "\n".join([*lines[:at], draw(st.text(min_size=1, max_size=80)), *lines[at:]])
    return "\n".join(draw(st.lists(st.sampled_from(lines), max_size=30)))


@st.composite
def broken(draw):
    platform = draw(st.sampled_from(sorted(DEVICES)))
    keys = sorted(k for k in CLEAN[platform] if k != "config")
    key = draw(st.sampled_from(keys))
    return platform, key, _garble(draw, CLEAN[platform][key])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(case=broken())
def test_a_broken_command_never_costs_the_config_or_the_other_facts(db, case) -> None:
    platform, key, bad = case
    outputs = {**CLEAN[platform], key: bad}
    clean = parse_outputs(platform, CLEAN[platform])
    facts = parse_outputs(platform, outputs)
    # no other command lost anything: its facts are what the clean outputs give
    assert [i.key for i in facts.issues] in ([], [key])
    if key != "interfaces":
        assert [(i.name, i.in_octets, i.out_octets) for i in facts.interfaces] == \
               [(i.name, i.in_octets, i.out_octets) for i in clean.interfaces]
    if key != "log":
        assert facts.events == clean.events
    if key not in ("lldp", "mac"):  # the MAC count leaves out the ports LLDP names as uplinks
        assert facts.mac_count == clean.mac_count
    if key != "arp":
        assert facts.arp_count == clean.arp_count
    if key != "version":
        assert (facts.model, facts.os_version) == (clean.model, clean.os_version)
    status, warnings, snapshot_id, run_id, _ = _ingest(db, platform, outputs)
    assert status == ("partial" if facts.issues else "ok")
    assert [w["command"] for w in warnings or []] == [load_profile(platform).command(i.key).command
                                                       for i in facts.issues]
    with session_scope(db) as s:
        snap = s.get(ConfigSnapshot, snapshot_id)
        assert snap is not None and snap.sha256 == clean.config_sha256  # the config is never dropped
        assert len(s.exec(select(CommandOutput).where(CommandOutput.run_id == run_id)).all()) == len(outputs)
        if key != "interfaces":
            assert len(s.exec(select(CounterSample).where(CounterSample.run_id == run_id)).all()) == 2
        if key != "mac":
            assert s.exec(select(TerminalCount).where(TerminalCount.run_id == run_id)).one().mac_count \
                   == facts.mac_count


def test_an_unparseable_lldp_screen_keeps_config_interfaces_and_the_rest(tmp_path: Path) -> None:
    eng, _ = small_db(tmp_path)
    platform = "huawei_vrp"
    dev = DEVICES[platform]
    # the device's LLDP screen as a saved capture holds it (the brief table; the detail screen's parser
    # reads any TLV it does not know past), cut by a session hiccup: half a row, then line noise
    brief = personality(platform).render("lldp_brief", dev).rstrip("\n").split("\n")
    broken = "\n".join([*brief[:-1], brief[-1][: len(brief[-1]) // 2] + "\x07\x1b%%## Error: line garbled"])
    outputs = {k: v for k, v in CLEAN[platform].items() if k != "lldp"} | {"lldp_brief": broken}
    facts = parse_outputs(platform, outputs)
    assert [i.key for i in facts.issues] == ["lldp_brief"], "pick a screen no LLDP parser reads"
    status, warnings, snapshot_id, run_id, device_id = _ingest(eng, platform, outputs)
    assert status == "partial"
    assert warnings == [facts.issues[0].as_dict()] and warnings[0]["command"] == "display lldp neighbor brief"
    with session_scope(eng) as s:
        snap = s.get(ConfigSnapshot, snapshot_id)
        assert snap.device_id == device_id and f"sysname {dev.hostname}" in snap.text
        samples = s.exec(select(CounterSample).where(CounterSample.run_id == run_id)).all()
        assert sorted(c.in_octets for c in samples) == sorted(i.in_octets for i in dev.interfaces)
        assert len(s.exec(select(LinkEvent).where(LinkEvent.run_id == run_id)).all()) == 2
        tc = s.exec(select(TerminalCount).where(TerminalCount.run_id == run_id)).one()
        clean = parse_outputs(platform, CLEAN[platform])
        assert (tc.mac_count, tc.arp_count) == (clean.mac_count, clean.arp_count) and tc.mac_count > 0
        assert s.exec(select(RejectedCapture)).all() == []


def _with_counters(platform: str, scale: dict[str, float]) -> dict[str, str]:
    """The device's outputs with its first interface's byte counters scaled (a later or a cleared read)."""
    dev = DEVICES[platform]
    first = dev.interfaces[0]
    old = (first.in_octets, first.out_octets)
    first.in_octets, first.out_octets = int(old[0] * scale["in"]), int(old[1] * scale["out"])
    try:
        return rendered(dev)
    finally:
        first.in_octets, first.out_octets = old


def test_a_counter_that_goes_down_is_flagged_and_never_differenced(tmp_path: Path) -> None:
    from answers.scenarios import counter_samples
    from topology.scenario import peak_demand

    eng, _ = small_db(tmp_path)
    platform = "cisco_ios"
    dev = DEVICES[platform]
    t0 = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
    big = 2**63 - 12_345  # a 64-bit counter far past 2**32 is stored exact
    dev.interfaces[0].in_octets, keep = big, dev.interfaces[0].in_octets
    try:
        steps = [({"in": 1, "out": 1}, t0), ({"in": 1, "out": 1.5}, t0 + dt.timedelta(minutes=5)),
                 ({"in": 0, "out": 0.001}, t0 + dt.timedelta(minutes=10)),  # cleared
                 ({"in": 0, "out": 0.002}, t0 + dt.timedelta(minutes=15))]
        for scale, at in steps:
            _ingest(eng, platform, _with_counters(platform, scale), at=at)
    finally:
        dev.interfaces[0].in_octets = keep
    with session_scope(eng) as s:
        rows = s.exec(select(CounterSample).order_by(CounterSample.interface_id, CounterSample.id)).all()
        first = [r for r in rows if r.interface_id == rows[0].interface_id]
        assert first[0].in_octets == big and first[1].in_octets == big
        assert [r.reset for r in first] == [False, False, True, False]
        assert not any(r.reset for r in rows if r.interface_id != rows[0].interface_id)
        samples = counter_samples(s)
    wanted = {(dev.hostname, dev.interfaces[0].name): "U071"}
    peak = peak_demand(wanted, samples)
    out0 = dev.interfaces[0].out_octets
    # the busiest interval is the second (out grew by half); the cleared one is skipped, not read as a jump
    expect = max(0.5 * out0, (0.002 - 0.001) * out0) * 8 / 300 / 1e6
    assert peak == pytest.approx({"U071": expect})


def test_a_counter_reading_no_column_can_hold_costs_that_sample_only(tmp_path: Path) -> None:
    eng, _ = small_db(tmp_path)
    dev = DEVICES["huawei_vrp"]
    dev.interfaces[0].in_octets, keep = 2**64 + 5, dev.interfaces[0].in_octets  # a misread screen
    try:
        status, _, snapshot_id, run_id, _ = _ingest(eng, "huawei_vrp", rendered(dev))
    finally:
        dev.interfaces[0].in_octets = keep
    with session_scope(eng) as s:
        names = [s.get(Interface, c.interface_id).name
                 for c in s.exec(select(CounterSample).where(CounterSample.run_id == run_id))]
    assert names == [dev.interfaces[1].name] and snapshot_id is not None and status == "ok"


def test_money_volumes_restart_at_a_flagged_reset() -> None:
    from money.backup_value import _delta

    assert _delta(100, 150) == 50
    assert _delta(150, 30) == 30  # lower: the counter restarted from zero
    assert _delta(100, 150, reset=True) == 150  # flagged: restarted, whatever the numbers say
    assert _delta(2**64 - 10, 5, reset=True) == 5  # never a wrap jump of 2**64
