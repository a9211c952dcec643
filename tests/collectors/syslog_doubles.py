"""Stand-ins for the parsing side (framing.py, messages.py) in the receiver's tests: a newline framer and a
parse of a line format of our own, `host|kind|sequence|body`, so the receiver is tested on its own."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from collectors.syslog.event import ParsedMessage

TAG = "TEST/5/LINE"


class LineFramer:
    def __init__(self) -> None:
        self.buf = b""

    def feed(self, data: bytes) -> list[tuple[bytes, str | None]]:
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        return [(line, None) for line in lines if line]

    def close(self) -> list[tuple[bytes, str | None]]:
        rest, self.buf = self.buf, b""
        return [(rest, "truncated")] if rest else []


def datagram(data: bytes, max_size: int) -> tuple[bytes, str | None]:
    return (data[:max_size], "oversized") if len(data) > max_size else (data.rstrip(b"\n"), None)


def parse(data: bytes, *, received_at, source_addr: str = "", transport: str = "udp", **_: object) -> ParsedMessage:
    text = data.decode("utf-8", "backslashreplace")
    if text.startswith("CRASH"):
        raise RuntimeError("a parser bug")
    parts = text.split("|", 3)
    if len(parts) < 4 or not parts[2].isdigit():
        return ParsedMessage(raw=text, received_at=received_at, source_addr=source_addr, transport=transport,
                             kind="unparsed", error="bad_line")
    host, kind, seq, _body = parts
    return ParsedMessage(raw=text, received_at=received_at, source_addr=source_addr, transport=transport,
                         hostname=host, kind=kind, tag=TAG, sequence=int(seq))


def line(n: int, host: str = "qhd-core-r1", kind: str = "other") -> bytes:
    return f"{host}|{kind}|{n}|message number {n}\n".encode()


def wait_for(cond: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    """Wait for a condition (not a timing assertion: the timeout only stops a hung test)."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what or cond}")
        time.sleep(0.01)


def send_tcp(addr: tuple[str, int], lines: list[bytes], chunk: int = 500) -> None:
    with socket.create_connection(addr) as s:
        for at in range(0, len(lines), chunk):
            s.sendall(b"".join(lines[at:at + chunk]))


class Collecting:
    """A sink that keeps what it was given and can be made to fail (a database down)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.got: list[ParsedMessage] = []
        self.down = False
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, batch: list[ParsedMessage]) -> None:
        if self.down:
            raise RuntimeError("database is locked")
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.got.extend(batch)

    def sequences(self) -> list[int]:
        with self.lock:
            return sorted(m.sequence for m in self.got if m.sequence is not None)
