"""The syslog receiver on real loopback sockets, with stand-ins for parsing (syslog_doubles.py)."""

from __future__ import annotations

import datetime as dt
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from collectors import clock
from collectors.syslog.receiver import ReceiverThread, SyslogReceiver, udp_drops_from_proc

from .syslog_doubles import Collecting, LineFramer, datagram, line, parse, send_tcp, wait_for


def receiver(sink, tmp: Path, **kw) -> SyslogReceiver:
    kw.setdefault("flush_ms", 50)
    kw.setdefault("retry_s", 0.05)
    return SyslogReceiver(sink, spool_dir=tmp / "spool", host="127.0.0.1", port=0, parse=parse, framer=LineFramer,
                          datagram=datagram, **kw)


def udp_send(addr: tuple[str, int], payloads: list[bytes]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for p in payloads:
            s.sendto(p, addr)


def test_udp_and_tcp_on_loopback_reach_the_sink_with_the_products_clock(tmp_path: Path) -> None:
    epoch = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)
    clock.use(clock.compressed(epoch, 1.0))
    try:
        sink = Collecting()
        rt = ReceiverThread(receiver(sink, tmp_path)).start()
        r = rt.receiver
        assert r.udp_address[0] == r.tcp_address[0] == "127.0.0.1" and r.udp_address[1] and r.tcp_address[1]
        udp_send(r.udp_address, [line(1)])
        send_tcp(r.tcp_address, [line(2), line(3)])
        wait_for(lambda: len(sink.got) == 3, what="3 messages")
        rt.stop()
    finally:
        clock.use(None)
    by_seq = {m.sequence: m for m in sink.got}
    assert by_seq[1].transport == "udp" and by_seq[2].transport == by_seq[3].transport == "tcp"
    assert {m.source_addr for m in sink.got} == {"127.0.0.1"}
    assert all(epoch <= m.received_at < epoch + dt.timedelta(minutes=5) for m in sink.got)
    c = r.counters.snapshot()
    assert c["received"] == 3 and c["by_transport"] == {"udp": 1, "tcp": 2} and c["stored"] == 3
    assert c["parsed"] == 3 and c["unparsed"] == 0 and c["connections"] == 1


def test_a_tcp_burst_loses_nothing(tmp_path: Path) -> None:
    sink = Collecting()
    rt = ReceiverThread(receiver(sink, tmp_path, udp=False)).start()
    n = 100_000
    send_tcp(rt.receiver.tcp_address, [line(i) for i in range(n)])
    wait_for(lambda: rt.receiver.counters.received == n, what="the burst")
    rt.stop()
    assert sink.sequences() == list(range(n))


def test_bad_lines_are_kept_and_counted(tmp_path: Path) -> None:
    sink = Collecting()
    rt = ReceiverThread(receiver(sink, tmp_path, max_size=100)).start()
    r = rt.receiver
    udp_send(r.udp_address, [b"no separators at all", b"x" * 500, b"CRASH the parser", b"\xff\xfe|other|7|gbk?"])
    with socket.create_connection(r.tcp_address) as s:
        s.sendall(line(1) + b"qhd-core-r1|other|2|no newline at the end")
    wait_for(lambda: r.counters.received == 6, what="6 frames")
    rt.stop()
    c = r.counters.snapshot()
    assert c["errors"] == {"bad_line": 2, "parse_failed": 1, "truncated": 1}
    assert c["unparsed"] == 3 and c["stored"] == 6
    raws = {m.raw for m in sink.got}
    assert "CRASH the parser" in raws and "\\xff\\xfe|other|7|gbk?" in raws
    assert any(m.error == "bad_line" and len(m.raw) == 100 for m in sink.got)  # oversized: cut, kept, counted


def test_sink_failure_spools_and_replays_every_message_once(tmp_path: Path) -> None:
    sink = Collecting()
    sink.down = True
    rt = ReceiverThread(receiver(sink, tmp_path, batch_size=500)).start()
    r = rt.receiver
    send_tcp(r.tcp_address, [line(i) for i in range(5000)])
    wait_for(lambda: r.counters.spooled == 5000, what="everything spooled")
    assert sink.got == [] and r.spool_files >= 1
    sink.down = False
    wait_for(lambda: r.counters.replayed == 5000 and r.spool_files == 0, what="the spool replayed")
    rt.stop()
    assert sink.sequences() == list(range(5000))
    assert {m.transport for m in sink.got} == {"spool"}
    assert r.counters.stored == 5000


def test_a_restart_replays_what_the_last_run_spooled(tmp_path: Path) -> None:
    down = Collecting()
    down.down = True
    first = ReceiverThread(receiver(down, tmp_path, flush_ms=10_000, batch_size=10_000)).start()
    send_tcp(first.receiver.tcp_address, [line(i) for i in range(300)])
    wait_for(lambda: first.receiver.counters.received == 300, what="300 received")
    first.stop()  # the sink is down: stop's flush spools the last batch
    assert first.receiver.counters.spooled == 300 and first.receiver.spool_files == 1
    up = Collecting()
    second = ReceiverThread(receiver(up, tmp_path)).start()
    wait_for(lambda: second.receiver.counters.replayed == 300, what="the replay at start-up")
    second.stop()
    assert up.sequences() == list(range(300)) and second.receiver.spool_files == 0


def test_a_burst_faster_than_the_sink_spills_to_the_spool_not_the_floor(tmp_path: Path) -> None:
    slow = Collecting(delay=0.1)
    rt = ReceiverThread(receiver(slow, tmp_path, batch_size=200, queue_max=400)).start()
    r = rt.receiver
    send_tcp(r.tcp_address, [line(i) for i in range(6000)])
    wait_for(lambda: r.counters.received == 6000, what="the burst")
    wait_for(lambda: r.counters.stored == 6000 and r.spool_files == 0, what="everything stored")
    rt.stop()
    assert r.counters.spooled > 0  # some went by disk
    assert slow.sequences() == list(range(6000))


def test_stop_flushes_what_is_waiting(tmp_path: Path) -> None:
    sink = Collecting()
    rt = ReceiverThread(receiver(sink, tmp_path, flush_ms=60_000, batch_size=10_000)).start()
    udp_send(rt.receiver.udp_address, [line(i) for i in range(10)])
    wait_for(lambda: rt.receiver.counters.received == 10, what="10 received")
    assert sink.got == []
    rt.stop()
    assert sink.sequences() == list(range(10))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernel drop counters are Linux's")
def test_a_udp_burst_counts_what_the_kernel_dropped(tmp_path: Path) -> None:
    sink = Collecting()
    rt = ReceiverThread(receiver(sink, tmp_path, tcp=False, rcvbuf=4096)).start()
    r = rt.receiver
    blocked, release = threading.Event(), threading.Event()

    def hold_the_loop() -> None:  # the receiver busy elsewhere while a burst arrives
        blocked.set()
        release.wait(30)

    rt._loop.call_soon_threadsafe(hold_the_loop)
    blocked.wait(10)
    sent = 3000
    udp_send(r.udp_address, [line(i) for i in range(1, sent + 1)])
    release.set()
    wait_for(lambda: r.counters.received > 0, what="the buffer read")
    time.sleep(0.3)  # the buffer drained: the next datagram is read, and carries the drop count
    udp_send(r.udp_address, [line(sent + 1)])
    sent += 1
    wait_for(lambda: r.counters.received + r.counters.udp_dropped_kernel == sent, what="received + dropped")
    rt.stop()
    c = r.counters
    assert c.udp_dropped_kernel > 0
    assert c.received + c.udp_dropped_kernel == sent
    assert c.udp_gaps == c.udp_dropped_kernel  # every lost number is seen as a gap in the sender's sequence
    assert len(sink.got) == c.received


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/net/udp is Linux's")
def test_proc_drop_counter_finds_the_socket() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        assert udp_drops_from_proc(s) == 0


def test_a_port_in_use_is_an_oserror_and_nothing_stays_open(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        r = SyslogReceiver(Collecting(), spool_dir=tmp_path / "s", host="127.0.0.1", port=port, tcp=False,
                           parse=parse, framer=LineFramer, datagram=datagram)
        with pytest.raises(OSError):
            ReceiverThread(r).start()
        assert r.udp_address is None


def test_the_receivers_clock_follows_a_clock_set_later(tmp_path: Path) -> None:
    sink = Collecting()
    rt = ReceiverThread(receiver(sink, tmp_path, tcp=False)).start()
    epoch = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    clock.use(clock.compressed(epoch, 1.0))
    try:
        time.sleep(0.6)  # the receiver re-reads the process's clock twice a second
        udp_send(rt.receiver.udp_address, [line(1)])
        wait_for(lambda: len(sink.got) == 1, what="1 message")
    finally:
        clock.use(None)
        rt.stop()
    assert sink.got[0].received_at.year == 2022


def test_a_batch_the_sink_refuses_for_its_content_does_not_block_the_spool(tmp_path: Path) -> None:
    sink = Collecting()
    poison = b"qhd-core-r1|other|999|POISON\n"

    def picky(batch) -> None:
        if any("POISON" in m.raw for m in batch):
            raise ValueError("value too long for type character varying(64)")
        sink(batch)

    rt = ReceiverThread(receiver(picky, tmp_path, batch_size=100, flush_ms=20)).start()
    r = rt.receiver
    send_tcp(r.tcp_address, [line(i) for i in range(50)] + [poison] + [line(i) for i in range(50, 100)])
    wait_for(lambda: r.counters.spooled == 100 or r.counters.spooled == 101, what="the refused batch spooled")
    sent = 100
    while r.counters.spool_rejected == 0 and sent < 5000:  # fresh batches keep being stored meanwhile
        send_tcp(r.tcp_address, [line(i) for i in range(sent, sent + 100)])
        sent += 100
        time.sleep(0.1)
    wait_for(lambda: r.counters.spool_rejected == 1 and r.spool_files == 0, what="the poison set aside")
    wait_for(lambda: r.counters.received == sent + 1, what="everything received")
    rt.stop()
    assert sink.sequences() == list(range(sent))
    assert "value too long" in r.counters.last_sink_error
    rejected = list((tmp_path / "spool" / "rejected").iterdir())
    assert len(rejected) == 1 and "POISON" in rejected[0].read_text()


def test_tcp_port_taken_closes_the_udp_socket_it_had_bound(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = SyslogReceiver(Collecting(), spool_dir=tmp_path / "s", host="127.0.0.1", port=port, parse=parse,
                           framer=LineFramer, datagram=datagram)
        with pytest.raises(OSError):
            ReceiverThread(r).start()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
            again.bind(("127.0.0.1", port))  # the receiver's UDP socket on that port is gone
