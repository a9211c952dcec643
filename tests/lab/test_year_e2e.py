"""The acceptance of the record over time, on real sockets: a lab replays a year of the sample city on a
compressed clock, sends its syslog to the receiver and answers the SNMP poller; the stored link-down
minutes equal the timeline's within a minute per circuit, the bytes each backup carried within 1 %, no
message is lost, and the reboot and the counter wrap produce no spike."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session, select

from inventory.models import Device, InterfaceSample, SyslogMessage
from lab.spec import build_lab_spec, city_timeline
from lab.year import DAY, live_year, telling_units, unit_end_interfaces

YEAR_S = 365 * DAY
SPEED = YEAR_S / 60  # the year in a minute of wall time, plus its poll rounds (model time stands still in them)
POLL_S = 2 * DAY  # the poller reads the counters every other model day


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    tmp = tmp_path_factory.mktemp("year")
    engine = get_engine(f"sqlite:///{tmp / 'extranet.db'}")
    prepare(engine)
    load_sample(engine)
    with Session(engine) as s:
        timeline = city_timeline(s)
        platforms = dict(s.exec(select(Device.hostname, Device.platform)).all())
        spec = build_lab_spec(s, only=telling_units(timeline, platforms=platforms))
    result = asyncio.run(live_year(engine, timeline, spec, tmp / "run", speed=SPEED, poll_every_s=POLL_S))
    yield engine, timeline, spec, result
    engine.dispose()


def test_the_year_covers_every_kind_of_evidence(year) -> None:
    _engine, timeline, spec, result = year
    played = result.circuits
    assert {c.role for c in played.values()} == {"primary", "backup"}
    assert any(result.truth.failover_seconds.get(c, 0) > 0 for c in played), "a backup that took over"
    kinds = {e.kind for e in timeline.events if (e.circuit in played) or any(
        d.hostname == e.device for d in spec.devices)}
    assert {"outage", "maintenance", "reboot", "counter_wrap", "config_change"} <= kinds
    assert {d.platform for d in spec.devices} == {"huawei_vrp", "hp_comware", "cisco_ios"}  # the city's three
    # A device fails a poll only while the timeline has silenced it. A round is one instant of model time
    # (the clock is held while it runs), so the rounds fall every POLL_S whatever the machine's load.
    assert result.poll_failures == 0, result.poll_failed
    # (a round starts when the event loop wakes the poller: late by what the load makes it, never cumulative)
    assert result.polls == 1 + int(YEAR_S // POLL_S) + 1 and result.longest_round_gap_s <= POLL_S + DAY


def test_link_down_minutes_per_circuit_within_one_minute(year) -> None:
    result = year[3]
    wrong = {cid: (round(c.true_down_s / 60, 2), round(c.unheard_down_s / 60, 2), round(c.measured_down_s / 60, 2))
             for cid, c in result.circuits.items() if abs(c.down_error_s) > 60}
    assert not wrong, f"circuit: (timeline minutes, of which unheard, stored minutes) {wrong}"
    assert sum(c.true_down_s for c in result.circuits.values()) > 0
    # the silence fell across an outage's start: its down message was lost, so syslog never knew of it
    assert any(c.unheard_down_s > 0 for c in result.circuits.values())


def test_bytes_per_backup_within_one_percent(year) -> None:
    result = year[3]
    backups = {cid: c for cid, c in result.circuits.items() if c.role == "backup"}
    assert backups
    wrong = {cid: (c.true_octets, c.measured.in_octets + c.measured.out_octets)
             for cid, c in backups.items() if abs(c.octets_error) > 0.01}
    assert not wrong, f"backup: (true bytes, measured bytes) {wrong}"


def test_no_syslog_message_lost(year) -> None:
    engine, _tl, _spec, result = year
    rc = result.receiver
    assert result.syslog_sent > 0 and result.syslog_dropped_by_sender == 0
    assert rc["received"] == result.syslog_sent
    assert result.syslog_lost_muted > 0, "the silenced router's messages were lost on the way"
    # the receiver counts what the senders' numbers show missing (formats without numbers show no gap)
    assert rc["udp_dropped_kernel"] == 0 and rc["udp_gaps"] <= result.syslog_lost_muted
    assert rc["stored"] == rc["received"] and rc.get("unparsed", 0) == 0
    with Session(engine) as s:
        rows = s.exec(select(SyslogMessage.repeats)).all()
    assert sum(rows) == result.syslog_sent


def test_reboot_and_wrap_make_no_spike(year) -> None:
    engine, timeline, spec, result = year
    ends = unit_end_interfaces(engine, timeline, spec)
    wrap = next(e.circuit for e in timeline.events if e.kind == "counter_wrap")
    assert wrap in result.circuits
    w = result.circuits[wrap].measured
    assert w.wraps >= 1 and w.discontinuities == 1, "a wrap is traffic: only the first sample has no delta"
    reboot = next(e.device for e in timeline.events if e.kind == "reboot")
    assert any(d.hostname == reboot for d in spec.devices)
    with Session(engine) as s:
        rebooted = s.exec(select(InterfaceSample).where(InterfaceSample.discontinuity == "reboot")).all()
    assert rebooted, "the reboot was seen as a discontinuity"
    assert {r.in_delta for r in rebooted} == {None}, "no delta across a reboot"
    for cid, c in result.circuits.items():
        track = timeline.tracks[cid]
        # no single step beyond what the circuit's bandwidth carries in a few days of polls
        assert c.measured.largest_delta <= track.bandwidth_mbps * 1e6 / 8 * 4 * DAY, cid
        assert c.measured.in_octets + c.measured.out_octets <= c.true_octets * 1.01 + 1, cid
    assert set(result.circuits) <= set(ends)


# SNMP's max gap for the compressed year's cadence, by the product's rule (2.5 × the poll interval).
LAB_MAX_GAP_S = 2.5 * POLL_S


def _overlap(spans: list[tuple], lo, hi) -> float:
    return sum(max(0.0, (min(b, hi) - max(a, lo)).total_seconds()) for a, b in spans)


def test_ledger_months_equal_the_timeline_and_the_silence_is_unmeasured(year, monkeypatch) -> None:
    from answers import ask
    from inventory.db import session_scope
    from inventory.record.rollup import rollup
    from money.sla import month_starts, year_bounds

    engine, timeline, _spec, result = year
    monkeypatch.setenv("EXTRANET_SNMP_MAX_GAP", str(LAB_MAX_GAP_S))
    lo, hi = year_bounds(2022)
    rollup(engine, lo, hi)  # what the nightly job does, over the whole year at once
    with session_scope(engine) as s:
        led = ask(s).sla_ledger(2022).ledger
    bounds = month_starts(2022)
    windows = timeline.down_windows()
    wrong, checked, unmeasured = {}, 0, {}
    for cid in result.circuits:
        row = led.circuits[cid]
        gaps = [(iv.start, iv.end) for iv in row.intervals if iv.state == "unmeasured"]
        unmeasured[cid] = sum((b - a).total_seconds() for a, b in gaps)
        for m in range(12):
            m0, m1 = bounds[m], bounds[m + 1]
            down = row.months[m + 1].down + row.months[m + 1].maintenance
            # the truth where the record measured: the timeline's down time less what fell in its gaps
            true = _overlap(windows[cid], m0, m1) - sum(
                _overlap([(max(a, g0), min(b, g1))], m0, m1) for a, b in windows[cid] for g0, g1 in gaps
                if a < g1 and g0 < b)
            checked += 1
            if abs(down - true) > 60:
                wrong[(cid, m + 1)] = (round(true / 60, 2), round(down / 60, 2))
    assert not wrong, f"(circuit, month): (timeline minutes where measured, ledger minutes) {wrong}"
    assert checked == 12 * len(result.circuits) and sum(
        led.circuits[c].year.down for c in result.circuits) > 0
    # The silence: the router's circuits are unmeasured over all of it, never up, and it lost an outage.
    silence = next(e for e in timeline.events if e.kind == "silence")
    quiet = [cid for cid, t in timeline.tracks.items() if cid in result.circuits and t.ends and t.ends[0]
             and t.ends[0][0] == silence.device]
    assert quiet
    for cid in quiet:
        ivs = led.circuits[cid].intervals
        assert _overlap([(iv.start, iv.end) for iv in ivs if iv.state == "up"], silence.at, silence.until) == 0
        assert _overlap([(iv.start, iv.end) for iv in ivs if iv.state == "unmeasured"], silence.at,
                        silence.until) >= (silence.until - silence.at).total_seconds() - 60
    assert any(_overlap(windows[c], silence.at, silence.until) > 0 for c in quiet), "an outage nobody heard"
    # Nothing else goes unmeasured but the silence with the rounds on either side of it and a reboot's round
    # (the compressed year's rounds are as far apart as the machine's load makes them: the longest is known).
    rounds = 2 * result.longest_round_gap_s + DAY
    much = {cid: round(u / DAY, 2) for cid, u in unmeasured.items()
            if u > rounds + (silence.until - silence.at).total_seconds() * (cid in quiet)}
    assert not much, f"circuit: unmeasured days {much} (longest round gap {result.longest_round_gap_s / DAY} d)"


def test_every_backup_circuit_has_a_verdict_and_the_report_says_what_the_api_says(year, monkeypatch,
                                                                                    tmp_path) -> None:
    import shutil
    import subprocess

    from openpyxl import load_workbook
    from sqlmodel import select as sql_select

    from inventory.models import Circuit
    from money.bureau_report import GIB, XLSX_COLUMNS, fmt_gib
    from tests.api.conftest import make_api

    engine, _timeline, _spec, result = year
    monkeypatch.setenv("EXTRANET_SNMP_MAX_GAP", str(LAB_MAX_GAP_S))
    api = make_api(engine)
    r = api.get("/api/v1/backup/verdicts?year=2022", "finance")
    assert r.status_code == 200, r.text
    body = r.json()
    from inventory.models import Carrier

    with Session(engine) as s:
        backups = set(s.exec(sql_select(Circuit.cid).join(Carrier, Carrier.id == Circuit.carrier_id).where(
            Circuit.role == "backup", Carrier.code == body["carrier"])).all())
    assert {v["cid"] for v in body["verdicts"]} == backups and sum(body["by_verdict"].values()) == len(backups)
    played = {cid: v for cid, v in ((v["cid"], v) for v in body["verdicts"]) if cid in result.circuits}
    # the backups the lab played: each failover the timeline made is one the record saw (the silenced router's
    # aside), and the backup that failed with its primary cut its unit off
    took_over = {c for c, s in result.truth.failover_seconds.items() if s > 0 and c in played}
    assert took_over and all(played[c]["failovers"] for c in took_over)
    assert {v["verdict"] for v in played.values()} >= {"proven"}
    assert all(v["verdict_zh"] and v["verdict_en"] for v in body["verdicts"])
    pdf = api.client.get("/api/v1/backup/report?year=2022&format=pdf", headers=api.as_("finance"))
    xlsx = api.client.get("/api/v1/backup/report?year=2022&format=xlsx", headers=api.as_("finance"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and xlsx.status_code == 200
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    (tmp_path / "r.xlsx").write_bytes(xlsx.content)
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "r.pdf"), str(tmp_path / "page")], check=True)
        assert [p.name for p in tmp_path.glob("page*.png")] == ["page-1.png"]  # one page, rendered
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "电信备份线路服务评估" in text and body["carrier_name"] in text
        assert fmt_gib(body["carried_octets"]) in text
    book = load_workbook(tmp_path / "r.xlsx", data_only=True)
    rows = {row[0]: row for row in book["逐线路"].iter_rows(min_row=3, values_only=True) if row and row[0]}
    assert set(rows) == backups
    col = {zh: i for i, (zh, _en, _kind) in enumerate(XLSX_COLUMNS)}
    for v in body["verdicts"]:  # the workbook's figures are the API's
        row = rows[v["cid"]]
        assert (row[col["切换次数"]], row[col["中断时承载（GiB）"]], row[col["结论代码"]]) == (
            len(v["failovers"]), round(v["carried_octets"] / GIB, 2), v["verdict"]), v["cid"]
