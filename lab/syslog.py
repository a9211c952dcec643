"""The lab's devices send syslog, as a real device with `info-center loghost` / `logging host` does.

Each personality renders the line in its vendor's own layout (`Personality.syslog_line`); this module only
numbers the messages per device and carries them to the configured collector over UDP or TCP (RFC 6587
octet counting, as `transport tcp` senders do). Messages carry the model time of the event (a replayed
year is stamped with the timeline's dates), never the wall clock."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from .model import LabDevice
from .personalities import personality

# A TCP sender holds this many lines while its collector is away, then drops the oldest (as a device's
# buffer does); UDP never waits.
TCP_BACKLOG = 100_000


@dataclass
class SyslogTarget:
    host: str
    port: int
    transport: str = "udp"  # udp | tcp

    @classmethod
    def parse(cls, text: str) -> SyslogTarget:
        """`udp://127.0.0.1:5514`, `tcp://127.0.0.1:5514` or `127.0.0.1:5514` (UDP)."""
        transport, _, rest = text.rpartition("://")
        host, _, port = rest.rpartition(":")
        if transport not in ("", "udp", "tcp") or not host or not port.isdigit():
            raise ValueError(f"syslog target {text!r}: expected udp://HOST:PORT or tcp://HOST:PORT")
        return cls(host, int(port), transport or "udp")

    @property
    def url(self) -> str:
        return f"{self.transport}://{self.host}:{self.port}"


@dataclass
class LabSyslog:
    target: SyslogTarget
    sent: int = 0
    dropped: int = 0
    lost_muted: int = 0  # generated while the device's management plane was cut (LabDevice.mute)
    _seq: dict[str, int] = field(default_factory=dict)
    _sock: socket.socket | None = None
    _backlog: list[bytes] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, dev: LabDevice, kind: str, at: dt.datetime, **fields: Any) -> str | None:
        """Render and send one message about `dev`; returns the line (None: the platform has no such message)."""
        with self._lock:
            seq = self._seq.get(dev.hostname, 0) + 1
            line = personality(dev.platform).syslog_line(dev, seq, at, kind, fields)
            if line is None:
                return None
            self._seq[dev.hostname] = seq
            if dev.mute:
                # numbered and lost on the way, as a real device's message is: the receiver sees the gap
                self.lost_muted += 1
                return line
            self._emit(line.encode("utf-8"))
            return line

    def _emit(self, data: bytes) -> None:
        if self.target.transport == "udp":
            if self._sock is None:
                self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                self._sock.sendto(data, (self.target.host, self.target.port))
                self.sent += 1
            except OSError:
                self.dropped += 1
            return
        self._backlog.append(f"{len(data)} ".encode() + data)
        if len(self._backlog) > TCP_BACKLOG:
            del self._backlog[0]
            self.dropped += 1
        self._flush()

    def _flush(self) -> None:
        try:
            if self._sock is None:
                self._sock = socket.create_connection((self.target.host, self.target.port), timeout=5)
            while self._backlog:
                self._sock.sendall(self._backlog[0])
                del self._backlog[0]
                self.sent += 1
        except OSError:
            # The collector is away: keep the lines and reconnect on the next message (or flush()).
            if self._sock is not None:
                with contextlib.suppress(OSError):
                    self._sock.close()
            self._sock = None

    def flush(self) -> int:
        """Try to deliver held TCP lines now; returns how many are still held."""
        with self._lock:
            if self.target.transport == "tcp":
                self._flush()
            return len(self._backlog)

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                with contextlib.suppress(OSError):
                    self._sock.close()
                self._sock = None
