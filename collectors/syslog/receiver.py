"""The syslog receiver: UDP and TCP on one address, every frame parsed and handed on in batches.

The loop only receives and parses. Batches (every `batch_size` messages or `flush_ms`) go to `sink`, a plain
function (the store) run in its own thread so the loop keeps receiving while the database writes. Nothing is
dropped on our side: a batch the sink refuses (raises) goes to the disk spool, and so does a batch that finds
`queue_max` messages already waiting (a burst faster than the sink); spooled batches are retried oldest first
and each file is deleted only once the sink took it, at start-up too. What the kernel drops before we read
(a UDP burst larger than the socket's buffer) is counted: SO_RXQ_OVFL on Linux, else /proc/net/udp's
`drops`, and the senders' own message numbers show gaps."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .. import clock
from .event import ParsedMessage
from .spool import Spool

SO_RXQ_OVFL = getattr(socket, "SO_RXQ_OVFL", 40)  # Linux: a drop counter rides along every datagram
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # beyond net.core.rmem_max, with CAP_NET_ADMIN
UDP_MAX = 65535
POISON_TRIES = 3  # refusals of one spooled file, while fresh batches are stored, before it is split
COALESCE_MAX = 10_000  # messages in one sink call when batches queue up (a burst)
DEFAULT_PORT = 5514  # unprivileged; devices send to 514 in production


class Framer(Protocol):
    def feed(self, data: bytes) -> list[Any]: ...
    def close(self) -> list[Any]: ...


Parse = Callable[..., ParsedMessage]
Sink = Callable[[list[ParsedMessage]], object]


@dataclass
class Counters:
    received: int = 0  # frames, every transport
    by_transport: dict[str, int] = field(default_factory=dict)
    parsed: int = 0  # a header at least was understood
    unparsed: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # error code → messages (bad_pri, oversized, ...)
    stored: int = 0  # accepted by the sink, first time or from the spool
    spooled: int = 0  # written to the spool (sink failed, or the queue was full)
    replayed: int = 0  # accepted by the sink from the spool
    sink_failures: int = 0
    last_sink_error: str = ""
    spool_rejected: int = 0  # messages the sink refused on their own, kept in spool/rejected/
    udp_dropped_kernel: int = 0
    udp_gaps: int = 0  # messages missing from a sender's numbered sequence
    connections: int = 0  # TCP connections accepted

    def snapshot(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


def _default_framer(max_size: int) -> Callable[[], Framer]:
    # The parsing side lives in its own modules; the receiver takes them as parameters so either can be replaced.
    from .framing import StreamFramer

    return lambda: StreamFramer(max_size=max_size)


def _default_datagram() -> Callable[[bytes, int], Any]:
    # Loaded only when no datagram function is injected (see _default_framer).
    from .framing import datagram

    return datagram


def _default_parse() -> Parse:
    # Loaded only when no parse function is injected (see _default_framer).
    from .messages import parse

    return parse


def udp_drops_from_proc(sock: socket.socket) -> int | None:
    """The kernel's drop count for this socket (/proc/net/udp{,6}, last column, matched by inode)."""
    try:
        inode = str(_inode(sock))
        for name in ("/proc/net/udp", "/proc/net/udp6"):
            with open(name, encoding="ascii") as fh:
                next(fh)
                for line in fh:
                    cols = line.split()
                    if len(cols) >= 13 and cols[9] == inode:
                        return int(cols[12])
    except (OSError, ValueError, StopIteration):
        return None
    return None


def _inode(sock: socket.socket) -> int:
    return os.fstat(sock.fileno()).st_ino


class _TcpConnection(asyncio.Protocol):
    def __init__(self, receiver: SyslogReceiver) -> None:
        self.r = receiver
        self.framer = receiver._framer()
        self.addr = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self.addr = peer[0] if peer else ""
        self.transport = transport
        self.r.counters.connections += 1
        self.r._tcp_conns.add(self)

    def data_received(self, data: bytes) -> None:
        frames = self.framer.feed(data)
        if frames:
            self.r._frames(frames, self.addr, "tcp")

    def eof_received(self) -> bool | None:
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.r._tcp_conns.discard(self)
        frames = self.framer.close()  # a last line without its newline is still a message
        if frames:
            self.r._frames(frames, self.addr, "tcp")


class SyslogReceiver:
    """Start with `await start()` inside a running loop (or use ReceiverThread); `stop()` flushes everything
    received to the sink (or the spool) before it returns."""

    def __init__(self, sink: Sink, *, spool_dir: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 udp: bool = True, tcp: bool = True, tcp_port: int | None = None,
                 parse: Parse | None = None, framer: Callable[[], Framer] | None = None,
                 datagram: Callable[[bytes, int], Any] | None = None, max_size: int = 8192,
                 batch_size: int = 2000, flush_ms: int = 200, queue_max: int = 50_000, retry_s: float = 2.0,
                 rcvbuf: int = 32 * 1024 * 1024, parse_options: dict[str, Any] | None = None,
                 stop_replay_s: float = 10.0, coalesce_max: int = COALESCE_MAX) -> None:
        if not (udp or tcp):
            raise ValueError("neither UDP nor TCP: nothing to receive")
        self.sink = sink
        self.spool = Spool(spool_dir)
        self.host, self.port, self.tcp_port = host, port, tcp_port
        self.udp_enabled, self.tcp_enabled = udp, tcp
        self.max_size = max_size
        self._framer = framer or _default_framer(max_size)
        self._datagram = datagram or _default_datagram()
        self._parse = parse or _default_parse()
        self._parse_options = dict(parse_options or {})  # tz=, platform= for the parse function
        self.batch_size, self.flush_s, self.queue_max, self.retry_s = batch_size, flush_ms / 1000, queue_max, retry_s
        self.rcvbuf = rcvbuf
        self.stop_replay_s = stop_replay_s
        self.coalesce_max = max(coalesce_max, batch_size)
        self.counters = Counters()
        self.udp_address: tuple[str, int] | None = None
        self.tcp_address: tuple[str, int] | None = None
        self.udp_rcvbuf: int | None = None  # what the kernel granted
        self._batch: list[ParsedMessage] = []
        self._batch_started = 0.0
        self._pending: deque[list[ParsedMessage]] = deque()
        self._pending_n = 0
        self._wake: asyncio.Event | None = None
        self._sink_exec = ThreadPoolExecutor(1, thread_name_prefix="syslog-sink")
        self._spill_exec = ThreadPoolExecutor(1, thread_name_prefix="syslog-spill")
        self._spills: list[Any] = []
        self._udp_sock: socket.socket | None = None
        self._tcp_server: asyncio.Server | None = None
        self._tcp_conns: set[_TcpConnection] = set()
        self._tasks: list[asyncio.Task] = []
        self._seq: dict[str, int] = {}
        self._ovfl = 0
        self._clock = clock.current()
        self._clock_at = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._last_ok = 0.0  # monotonic time the sink last took a fresh batch
        self._refusals: dict[str, tuple[float, int]] = {}  # spool file → (last refusal, refusals while healthy)

    # -- life --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind (an OSError such as the port being taken propagates, nothing left open), then receive."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            if self.udp_enabled:
                self._bind_udp()
            if self.tcp_enabled:
                await self._bind_tcp()
        except BaseException:
            await self._close_sockets()
            self.close_socket()
            self.udp_address = self.tcp_address = None
            raise
        self._tasks = [asyncio.create_task(self._writer(), name="syslog-writer"),
                       asyncio.create_task(self._retrier(), name="syslog-spool-retry")]

    async def stop(self) -> None:
        """Stop receiving, then hand every message received to the sink or the spool."""
        self._stopping = True
        await self._close_sockets()
        self._drain_udp()
        self._cut()
        assert self._wake is not None
        self._wake.set()
        # The writer ends by itself on the flag (Python 3.11's wait_for can swallow a cancellation); the retrier
        # sleeps between rounds and is cancelled.
        writer, retrier = self._tasks
        retrier.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await retrier
        await writer
        loop = asyncio.get_running_loop()
        while self._pending:
            await loop.run_in_executor(self._sink_exec, self._deliver, self._take())
        for f in list(self._spills):
            await asyncio.wrap_future(f)
        # What a burst spilled a moment ago is stored now if the sink takes it in time; the rest waits on disk
        # for the next start.
        await loop.run_in_executor(self._sink_exec, self.replay_spool, self.stop_replay_s)
        self._refresh_drops()
        self._sink_exec.shutdown(wait=True)
        self._spill_exec.shutdown(wait=True)
        self.close_socket()

    def _bind_udp(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.bind((self.host, self.port))
            for opt in (SO_RCVBUFFORCE, socket.SO_RCVBUF):
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, opt, self.rcvbuf)
                    break
            self.udp_rcvbuf = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
            if sys.platform.startswith("linux"):
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL, 1)
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        self._udp_sock = sock
        self.udp_address = sock.getsockname()[:2]
        assert self._loop is not None
        self._loop.add_reader(sock.fileno(), self._drain_udp)

    async def _bind_tcp(self) -> None:
        assert self._loop is not None
        port = self.tcp_port if self.tcp_port is not None else self.port
        if port == 0 and self.udp_address is not None:
            # Port 0 asked the OS for UDP's: the same number for TCP too, when it is free.
            try:
                self._tcp_server = await self._loop.create_server(lambda: _TcpConnection(self), self.host,
                                                                  self.udp_address[1], reuse_address=True)
            except OSError:
                self._tcp_server = None
        if self._tcp_server is None:
            self._tcp_server = await self._loop.create_server(lambda: _TcpConnection(self), self.host, port,
                                                              reuse_address=True)
        self.tcp_address = self._tcp_server.sockets[0].getsockname()[:2]

    async def _close_sockets(self) -> None:
        if self._udp_sock is not None and self._loop is not None:
            self._loop.remove_reader(self._udp_sock.fileno())
        if self._tcp_server is not None:
            self._tcp_server.close()
            for conn in list(self._tcp_conns):
                conn.transport.close()  # connection_lost flushes its framer
            await self._tcp_server.wait_closed()
            for _ in range(100):  # connection_lost (which flushes each framer) runs on the next loop turns
                if not self._tcp_conns:
                    break
                await asyncio.sleep(0.01)
            self._tcp_server = None

    # -- receiving -----------------------------------------------------------------------------------------

    def _now(self) -> Any:
        # The process's clock re-read twice a second, not per message: it may come from a file (the lab's).
        mono = time.monotonic()
        if mono - self._clock_at > 0.5:
            self._clock, self._clock_at = clock.current(), mono
        return self._clock.now()

    def _drain_udp(self) -> None:
        sock = self._udp_sock
        if sock is None:
            return
        frames: list[tuple[Any, str]] = []
        space = socket.CMSG_SPACE(4)
        try:
            for _ in range(512):  # then let TCP and the writer have the loop for a moment
                data, anc, _flags, addr = sock.recvmsg(UDP_MAX + 1, space)
                for level, kind, payload in anc:
                    if level == socket.SOL_SOCKET and kind == SO_RXQ_OVFL and len(payload) >= 4:
                        self._ovfl = struct.unpack("I", payload[:4])[0]
                frames.append((self._datagram(data, self.max_size), addr[0]))
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            pass  # ICMP errors surface here on some systems; the socket still works
        if self._ovfl > self.counters.udp_dropped_kernel:
            self.counters.udp_dropped_kernel = self._ovfl
        if frames:
            at = self._now()
            for frame, addr in frames:
                self._one(frame, addr, "udp", at)

    def _frames(self, frames: list[Any], addr: str, transport: str) -> None:
        at = self._now()
        for frame in frames:
            self._one(frame, addr, transport, at)

    def _one(self, frame: Any, addr: str, transport: str, at: Any) -> None:
        data, ferror = frame[0], frame[1]
        c = self.counters
        c.received += 1
        c.by_transport[transport] = c.by_transport.get(transport, 0) + 1
        try:
            m = self._parse(data, received_at=at, source_addr=addr, transport=transport, **self._parse_options)
        except Exception as exc:  # a parser bug must not cost the line, nor the receiver
            m = ParsedMessage(raw=data.decode("utf-8", "backslashreplace"), received_at=at, source_addr=addr,
                              transport=transport, kind="unparsed", error=f"parse_failed: {type(exc).__name__}")
        if ferror and not m.error:
            m.error = ferror
        if m.kind == "unparsed":
            c.unparsed += 1
        else:
            c.parsed += 1
        if m.error:
            code = m.error.split(":", 1)[0]
            c.errors[code] = c.errors.get(code, 0) + 1
        if transport == "udp" and m.sequence is not None:
            self._gap(addr, m.sequence)
        if not self._batch:
            self._batch_started = time.monotonic()
        self._batch.append(m)
        if len(self._batch) >= self.batch_size:
            self._cut()

    def _gap(self, addr: str, seq: int) -> None:
        last = self._seq.get(addr)
        if last is not None and seq > last + 1:
            self.counters.udp_gaps += seq - last - 1
        if last is None or seq > last or seq < last - 1000:  # a restart numbers from 1 again
            self._seq[addr] = seq

    # -- batching and delivery -----------------------------------------------------------------------------

    def _cut(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        if self._pending_n + len(batch) > self.queue_max:
            # A burst faster than the sink: to disk now, stored later; memory stays bounded and nothing drops.
            self._spills.append(self._spill_exec.submit(self._spill, batch))
            self._spills = [f for f in self._spills if not f.done()]
        else:
            self._pending.append(batch)
            self._pending_n += len(batch)
        if self._wake is not None:
            self._wake.set()

    def _take(self) -> list[ParsedMessage]:
        """The next batch for the sink: the batches waiting, joined up to `coalesce_max` messages. A burst makes
        fewer, larger transactions (a commit costs as much as thousands of rows), a trickle stays prompt."""
        batch = self._pending.popleft()
        while self._pending and len(batch) + len(self._pending[0]) <= self.coalesce_max:
            batch = batch + self._pending.popleft()
        self._pending_n -= len(batch)
        return batch

    def _spill(self, batch: list[ParsedMessage]) -> None:
        self.spool.write(batch)
        self.counters.spooled += len(batch)

    def _deliver(self, batch: list[ParsedMessage]) -> None:
        """In the sink's thread: the sink, or the spool when it raises."""
        try:
            self.sink(batch)
        except Exception as exc:
            self._failed(exc)
            self._spill(batch)
            return
        self._last_ok = time.monotonic()
        self.counters.stored += len(batch)

    def _failed(self, exc: Exception) -> None:
        self.counters.sink_failures += 1
        self.counters.last_sink_error = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]

    async def _writer(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_s)
            self._wake.clear()
            if self._batch and time.monotonic() - self._batch_started >= self.flush_s:
                self._cut()
            while self._pending:
                await loop.run_in_executor(self._sink_exec, self._deliver, self._take())
                if self._batch and time.monotonic() - self._batch_started >= self.flush_s:
                    self._cut()

    async def _retrier(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await loop.run_in_executor(self._sink_exec, self.replay_spool)
            self._refresh_drops()
            await asyncio.sleep(self.retry_s)

    def replay_spool(self, budget_s: float | None = None) -> int:
        """Hand the spooled batches to the sink, oldest first, each file deleted once accepted; stop at the first
        refusal (the sink is still down) or after `budget_s`. Runs in the sink's thread. Messages replayed.

        A file the sink keeps refusing while it takes fresh batches is not the database being down but something
        in that batch: after POISON_TRIES such refusals it is split until the messages the sink refuses alone are
        found; the rest is stored, those few are kept in spool/rejected/ (counted, never deleted), and the queue
        behind it moves again."""
        n = 0
        end = time.monotonic() + budget_s if budget_s is not None else None
        for path in self.spool.files():
            if end is not None and time.monotonic() > end:
                break
            batch = self.spool.read(path)
            try:
                self.sink(batch)
            except Exception as exc:
                self._failed(exc)
                failed_at = self._refusals.get(path.name)
                healthy = failed_at is not None and self._last_ok > failed_at[0]
                tries = (failed_at[1] if failed_at else 0) + (1 if healthy or failed_at is None else 0)
                self._refusals[path.name] = (time.monotonic(), tries)
                if tries < POISON_TRIES:
                    break
                n += self._salvage(path, batch)
                continue
            self._refusals.pop(path.name, None)
            self.spool.remove(path)
            self.counters.stored += len(batch)
            self.counters.replayed += len(batch)
            n += len(batch)
        return n

    def _salvage(self, path: Path, batch: list[ParsedMessage]) -> int:
        bad: list[ParsedMessage] = []
        good = 0
        parts = [batch]
        while parts:
            part = parts.pop()
            try:
                self.sink(part)
            except Exception:
                if len(part) == 1:
                    bad.extend(part)
                else:
                    parts += [part[len(part) // 2:], part[:len(part) // 2]]
                continue
            good += len(part)
        if good == 0 and len(batch) > 1:
            return 0  # nothing at all went in: the sink is down after all; the file stays and waits
        if bad:
            self.spool.reject(bad)
            self.counters.spool_rejected += len(bad)
        self._refusals.pop(path.name, None)
        self.spool.remove(path)
        self.counters.stored += good
        self.counters.replayed += good
        return good

    def _refresh_drops(self) -> None:
        # SO_RXQ_OVFL only reports with the next datagram; /proc also sees drops at the end of a burst.
        if self._udp_sock is None:
            return
        proc = udp_drops_from_proc(self._udp_sock) if sys.platform.startswith("linux") else None
        if proc is not None and proc > self.counters.udp_dropped_kernel:
            self.counters.udp_dropped_kernel = proc

    def close_socket(self) -> None:
        if self._udp_sock is not None:
            self._udp_sock.close()
            self._udp_sock = None

    @property
    def spool_files(self) -> int:
        return len(self.spool.files())


class ReceiverThread:
    """A receiver on its own event loop in a daemon thread (beside uvicorn, or for a CLI that prints)."""

    def __init__(self, receiver: SyslogReceiver) -> None:
        self.receiver = receiver
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="syslog-receiver", daemon=True)
        self._started = threading.Event()
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.receiver.start())
        except BaseException as exc:
            self._error = exc
            self._started.set()
            return
        self._started.set()
        self._loop.run_forever()

    def start(self, timeout: float = 10.0) -> ReceiverThread:
        """Returns once bound; raises the bind error (OSError: address in use, permission) otherwise."""
        self._thread.start()
        self._started.wait(timeout)
        if self._error is not None:
            self._thread.join(timeout)
            self._loop.close()
            raise self._error
        return self

    def stop(self, timeout: float = 60.0) -> None:
        if not self._thread.is_alive():
            return
        fut = asyncio.run_coroutine_threadsafe(self.receiver.stop(), self._loop)
        try:
            fut.result(timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
