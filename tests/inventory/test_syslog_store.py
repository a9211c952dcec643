"""The syslog store on both backends: rows kept, attribution, folded repeats, link intervals, events."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import select

from collectors.syslog.event import ParsedMessage
from inventory.db import session_scope
from inventory.models import (
    Circuit,
    ConfigChangeEvent,
    Device,
    Interface,
    LinkStateInterval,
    ProbeResult,
    Room,
    SyslogMessage,
)
from inventory.record.syslog_store import SyslogStore, body_of, store

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def at(s: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=s)


@pytest.fixture
def inv(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        room = Room(code="QHD", name="秦皇岛机房")
        s.add(room)
        s.flush()
        r1 = Device(hostname="qhd-core-r1", platform="huawei_vrp", vendor="Huawei", role="core", room_id=room.id,
                    mgmt_address="10.20.0.1")
        r2 = Device(hostname="U023-AR1", platform="hp_comware", vendor="H3C", role="access", room_id=room.id,
                    mgmt_address="10.20.0.2")
        s.add_all([r1, r2])
        s.flush()
        i1 = Interface(device_id=r1.id, name="GigabitEthernet0/0/1")
        i2 = Interface(device_id=r2.id, name="GigabitEthernet1/0/1")
        s.add_all([i1, i2])
        s.flush()
        c = Circuit(cid="LT-QHD-0001", role="primary", a_interface_id=i1.id, z_interface_id=i2.id)
        s.add(c)
        s.flush()
        return {"r1": r1.id, "r2": r2.id, "i1": i1.id, "i2": i2.id, "c": c.id}


def msg(raw: str = "<187>Mar  1 08:00:00 qhd-core-r1 %%01SHELL/5/CMDRECORD(s)[7]:hello", *, t: float = 0,
        occurred: float | None = None, src: str = "10.20.0.1", **kw) -> ParsedMessage:
    kw.setdefault("tag", "SHELL/5/CMDRECORD")
    return ParsedMessage(raw=raw, received_at=at(t), occurred_at=at(occurred) if occurred is not None else None,
                         source_addr=src, **kw)


def link(state: str, t: float, iface: str = "GigabitEthernet0/0/1", src: str = "10.20.0.1") -> ParsedMessage:
    return msg(f"<187>x qhd-core-r1 %%01IFNET/4/LINK_STATE(l)[{int(t)}]:The line protocol IP on the interface "
               f"{iface} has entered the {state.upper()} state.", t=t + 1, occurred=t, src=src,
               tag="IFNET/4/LINK_STATE", kind="link", interface_name=iface, state=state)


def rows(engine) -> list[SyslogMessage]:
    with session_scope(engine) as s:
        return list(s.exec(select(SyslogMessage).order_by(SyslogMessage.id)).all())


def intervals(engine, iid: int) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    with session_scope(engine) as s:
        ivs = s.exec(select(LinkStateInterval).where(LinkStateInterval.interface_id == iid)
                     .order_by(LinkStateInterval.started_at)).all()
        for iv in ivs:
            assert iv.source == "syslog"
        return [(iv.state, iv.started_at, iv.ended_at) for iv in ivs]


def test_rows_keep_every_field_and_the_raw_line(engine, inv) -> None:
    m = msg(hostname="qhd-core-r1", facility=23, severity=5, platform="huawei_vrp", sequence=7, occurred=-5,
            kind="other", transport="tcp")
    bad = ParsedMessage(raw="\\xff\\xfe garbage \x00 nul", received_at=at(1), source_addr="192.0.2.9",
                        kind="unparsed", error="bad_pri")
    rep = SyslogStore().store(engine, [m, bad])
    assert rep.messages == 2 and rep.attributed == 1 and rep.unattributed == 1
    a, b = rows(engine)
    assert (a.device_id, a.hostname, a.facility, a.severity, a.tag, a.platform, a.sequence, a.transport) == (
        inv["r1"], "qhd-core-r1", 23, 5, "SHELL/5/CMDRECORD", "huawei_vrp", 7, "tcp")
    assert a.occurred_at == at(-5) and a.received_at == at(0) and a.raw == m.raw
    assert b.device_id is None and b.kind == "unparsed" and b.error == "bad_pri" and b.occurred_at == at(1)
    assert b.raw == "\\xff\\xfe garbage \\x00 nul"


def test_attribution_by_address_then_hostname_case_insensitive(engine, inv) -> None:
    st = SyslogStore()
    st.store(engine, [msg(src="10.20.0.2", hostname="qhd-core-r1", raw="a"),  # the socket's address wins
                      msg(src="172.16.9.9", hostname="u023-ar1", raw="b"),  # NATed: the header names it
                      msg(src="172.16.9.9", hostname="nobody", raw="c")])
    assert [r.device_id for r in rows(engine)] == [inv["r2"], inv["r2"], None]


def test_unknown_sender_appearing_later_is_found_after_a_refresh(engine, inv) -> None:
    st = SyslogStore(refresh_s=0)
    st.store(engine, [msg(src="10.20.0.9", raw="before")])
    with session_scope(engine) as s:
        s.add(Device(hostname="qhd-agg-s1", platform="huawei_vrp", vendor="Huawei", role="agg",
                     mgmt_address="10.20.0.9"))
    st.store(engine, [msg(src="10.20.0.9", raw="after", t=100)])
    first, second = rows(engine)
    assert first.device_id is None and second.device_id is not None


def test_repeats_fold_within_the_window_in_and_across_batches(engine, inv) -> None:
    st = SyslogStore(dedup_window_s=60)
    line = "<190>Mar  1 08:00:{:02d} qhd-core-r1 %%01SHELL/5/CMDRECORD(s)[{}]:Recorded command: display version"
    st.store(engine, [msg(line.format(0, 1), t=0), msg(line.format(5, 2), t=5), msg(line.format(9, 3), t=9)])
    rep = st.store(engine, [msg(line.format(30, 4), t=30), msg(line.format(70, 5), t=70)])
    assert rep.repeats == 1 and rep.messages == 1
    got = rows(engine)
    assert [r.repeats for r in got] == [4, 1]  # 0, 5, 9, 30 in one row; 70 s after the first: a new row
    other = msg(line.format(71, 6), t=71, src="10.20.0.2")  # the same words from another sender
    st.store(engine, [other])
    assert len(rows(engine)) == 3


def test_body_drops_the_header_and_counter() -> None:
    a = msg("<190>Mar  1 08:00:00 r1 %%01SHELL/5/CMDRECORD(s)[1]:x y")
    b = msg("<190>Mar  1 09:00:00 r1 %%01SHELL/5/CMDRECORD(s)[2]:x y")
    assert body_of(a) == body_of(b) == "x y"


def test_link_down_up_opens_and_closes_intervals_with_the_circuit(engine, inv) -> None:
    st = SyslogStore()
    rep = st.store(engine, [link("down", 0), link("up", 300)])
    assert (rep.opened, rep.closed) == (2, 1)
    assert intervals(engine, inv["i1"]) == [("down", at(0), at(300)), ("up", at(300), None)]
    with session_scope(engine) as s:
        ivs = s.exec(select(LinkStateInterval)).all()
        assert {iv.circuit_id for iv in ivs} == {inv["c"]}
        assert all(iv.opened_by and iv.opened_by.startswith("syslog:") for iv in ivs)


def test_repeated_state_is_not_a_new_interval(engine, inv) -> None:
    st = SyslogStore()
    st.store(engine, [link("down", 0), link("down", 10)])
    st.store(engine, [link("down", 20)])
    assert intervals(engine, inv["i1"]) == [("down", at(0), None)]
    assert len(rows(engine)) == 3  # stateful messages are never folded: each is kept


def test_out_of_order_changes_land_where_they_happened(engine, inv) -> None:
    st = SyslogStore()
    st.store(engine, [link("up", 0), link("down", 100), link("up", 200)])
    st.store(engine, [link("down", 50)])  # late: down since 50, not since 100
    assert intervals(engine, inv["i1"]) == [("up", at(0), at(50)), ("down", at(50), at(200)),
                                            ("up", at(200), None)]
    st.store(engine, [link("up", 150)])  # late: the outage ended at 150
    assert intervals(engine, inv["i1"]) == [("up", at(0), at(50)), ("down", at(50), at(150)),
                                            ("up", at(150), None)]
    st.store(engine, [link("down", -100)])  # before everything known
    assert intervals(engine, inv["i1"])[0] == ("down", at(-100), at(0))


def test_link_on_an_unknown_interface_is_kept_without_an_interval(engine, inv) -> None:
    rep = SyslogStore().store(engine, [link("down", 0, iface="GigabitEthernet9/9/9"),
                                       link("down", 0, src="192.0.2.1")])
    assert rep.messages == 2 and rep.opened == 0
    assert intervals(engine, inv["i1"]) == []


def test_config_change_and_probe_events(engine, inv) -> None:
    cfg = msg("<189>x u023-ar1 %%10SHELL/5/SHELL_CMD_CONFIG: -User=ops; Command is undo shutdown", src="10.20.0.2",
              tag="SHELL/5/SHELL_CMD_CONFIG", kind="config_change", user="ops", occurred=3)
    nqa = msg("<188>x qhd-core-r1 %%01NQA/4/PROBEFAIL: admin test lt-qhd failed", tag="NQA/4/PROBEFAIL",
              kind="probe", test="admin lt-qhd", state="down", occurred=4)
    rep = SyslogStore().store(engine, [cfg, nqa, nqa])
    assert rep.config_changes == 1 and rep.probes == 1
    rep = SyslogStore().store(engine, [nqa])  # the same result again, from a replayed spool
    assert rep.probes == 0
    with session_scope(engine) as s:
        ev = s.exec(select(ConfigChangeEvent)).one()
        row = s.get(SyslogMessage, ev.message_id)
        assert (ev.device_id, ev.user, ev.source, ev.occurred_at) == (inv["r2"], "ops", "syslog", at(3))
        assert row is not None and row.kind == "config_change"
        pr = s.exec(select(ProbeResult)).one()
        assert (pr.device_id, pr.test, pr.ok, pr.source, pr.measured_at) == (inv["r1"], "admin lt-qhd", False,
                                                                           "syslog", at(4))


def test_a_failing_batch_leaves_nothing_behind(engine, inv, monkeypatch) -> None:
    st = SyslogStore()
    from inventory.record import syslog_store

    def boom(*_a, **_k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(syslog_store, "apply_changes", boom)
    with pytest.raises(RuntimeError):
        st.store(engine, [msg(raw="a"), link("down", 0)])
    assert rows(engine) == [] and st.recent == {}
    monkeypatch.undo()
    st.store(engine, [msg(raw="a"), link("down", 0)])
    assert len(rows(engine)) == 2 and intervals(engine, inv["i1"]) == [("down", at(0), None)]


def test_ids_are_exact_for_large_batches_and_overlong_fields_fit(engine, inv) -> None:
    batch = [msg(raw=f"line {n}", t=n, tag="T" * 300, hostname="h" * 500, kind="other") for n in range(5000)]
    rep = store(engine, batch)
    assert rep.messages == 5000
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(SyslogMessage)).one() == 5000
        assert s.exec(select(func.max(func.length(SyslogMessage.tag)))).one() == 96


def test_a_probe_message_takes_the_circuit_its_collected_results_measure(engine, inv) -> None:
    with session_scope(engine) as s:
        s.add(ProbeResult(device_id=inv["r1"], test="admin lt-qhd", circuit_id=inv["c"], measured_at=at(1), ok=True,
                          source="ssh"))
    nqa = msg("<188>x qhd-core-r1 %%01NQA/4/PROBEFAIL: admin test lt-qhd failed", tag="NQA/4/PROBEFAIL",
              kind="probe", test="admin lt-qhd", state="down", occurred=9)
    other = msg("<188>x qhd-core-r1 %%01NQA/4/PROBEFAIL: admin test never-collected failed", tag="NQA/4/PROBEFAIL",
                kind="probe", test="admin never-collected", state="down", occurred=9)
    assert SyslogStore().store(engine, [nqa, other]).probes == 2
    with session_scope(engine) as s:
        got = {(r.test, r.circuit_id) for r in s.exec(select(ProbeResult).where(ProbeResult.source == "syslog"))}
    assert got == {("admin lt-qhd", inv["c"]), ("admin never-collected", None)}
