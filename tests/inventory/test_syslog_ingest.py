"""Receiver and store together, on real loopback sockets and both databases, with the real framing and
vendor parser: nothing received is lost."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from collectors.syslog.receiver import ReceiverThread, SyslogReceiver
from inventory.db import session_scope
from inventory.models import SyslogMessage
from inventory.record.syslog_store import SyslogStore
from tests.collectors.syslog_doubles import send_tcp, wait_for


def line(n: int) -> bytes:
    """An IOS line numbered by `service sequence-numbers` (the parser reads the number into .sequence), newline
    framed; each text differs, so no two fold as repeats (a body that came round again within the dedup window
    would be one row with a repeat count: the address carries n itself)."""
    return (f"<190>{n}: QHD-CORE-R1: Mar  1 2022 08:00:{n % 60:02d}.000 CST: %SEC-6-IPACCESSLOGP: list 101 "
            f"permitted tcp 10.{n // 62500}.{n // 250 % 250}.{n % 250}(40{n % 100:02d}) -> 10.255.0.1(22), "
            "1 packet\n").encode()


def _receiver(sink, tmp: Path, **kw) -> ReceiverThread:
    r = SyslogReceiver(sink, spool_dir=tmp / "spool", host="127.0.0.1", port=0, flush_ms=50, retry_s=0.05, **kw)
    return ReceiverThread(r).start()


def _stored(engine) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        n, lo, hi = s.exec(select(func.count(), func.min(SyslogMessage.sequence),
                                  func.max(SyslogMessage.sequence))).one()
        distinct = s.exec(select(func.count(func.distinct(SyslogMessage.sequence)))).one()
    assert distinct == n, "a message stored twice"
    return n, lo, hi


def test_a_tcp_burst_of_100000_is_all_in_the_database(engine, tmp_path: Path) -> None:
    st = SyslogStore()
    rt = _receiver(lambda b: st.store(engine, b), tmp_path, udp=False)
    n = 100_000
    send_tcp(rt.receiver.tcp_address, [line(i) for i in range(n)])
    wait_for(lambda: rt.receiver.counters.received == n, timeout=300, what="the burst")
    rt.stop()
    c = rt.receiver.counters
    assert _stored(engine) == (n, 0, n - 1), (c.stored, c.spooled, c.replayed, rt.receiver.spool_files)
    assert rt.receiver.spool_files == 0


def test_database_down_then_back_every_row_once(engine, tmp_path: Path) -> None:
    st = SyslogStore()
    state = {"down": True}

    def sink(batch) -> None:
        if state["down"]:
            raise ConnectionError("database unreachable")
        st.store(engine, batch)

    rt = _receiver(sink, tmp_path, batch_size=500)
    send_tcp(rt.receiver.tcp_address, [line(i) for i in range(4000)])
    wait_for(lambda: rt.receiver.counters.spooled == 4000, what="spooled")
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(SyslogMessage)).one() == 0
    state["down"] = False
    wait_for(lambda: rt.receiver.spool_files == 0, what="replayed")
    rt.stop()
    assert _stored(engine) == (4000, 0, 3999)
    with session_scope(engine) as s:
        assert set(s.exec(select(SyslogMessage.transport).distinct()).all()) == {"spool"}
