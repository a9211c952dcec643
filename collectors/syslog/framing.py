"""Cutting a byte stream into syslog frames: RFC 6587 octet counting (`123 <34>1 ...`) and newline framing
(LF, CRLF, or NUL, which some Comware and IOS builds end a message with) on one TCP connection, in any mix and
split at any chunk boundary; and one UDP datagram as one frame.

A frame longer than `max_size` is cut there and flagged ``oversized``; the rest of it is read and dropped as
it arrives, so a sender that never ends a line cannot make the receiver hold more than `max_size` bytes."""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_SIZE = 8192
_TERMINATOR = re.compile(rb"[\n\x00]")
_COUNT = re.compile(rb"([0-9]{1,10}) ")
_LEADING = b"\r\n\x00 \t"  # blank lines and stray separators between frames carry nothing


class Frame(NamedTuple):
    data: bytes
    error: str | None = None  # oversized | truncated


def datagram(data: bytes, max_size: int = MAX_SIZE) -> Frame:
    """One UDP datagram: a sender's trailing LF/CRLF/NUL is not part of the message."""
    data = data.rstrip(b"\r\n\x00")
    if len(data) > max_size:
        return Frame(data[:max_size], "oversized")
    return Frame(data)


class StreamFramer:
    """Frames of one TCP connection. `feed` what arrives, `close` when the peer hangs up."""

    def __init__(self, max_size: int = MAX_SIZE) -> None:
        self.max_size = max_size
        self._buf = bytearray()
        self._skip_line = False  # dropping the tail of an oversized line up to its terminator
        self._skip_bytes = 0  # dropping the tail of an oversized octet-counted frame
        self._want = -1  # the announced length of the octet-counted frame being read, -1: none

    def feed(self, data: bytes) -> list[Frame]:
        buf = self._buf
        buf += data
        out: list[Frame] = []
        while buf:
            if self._skip_bytes:
                n = min(self._skip_bytes, len(buf))
                del buf[:n]
                self._skip_bytes -= n
                continue
            if self._skip_line:
                m = _TERMINATOR.search(buf)
                if m is None:
                    buf.clear()
                    break
                del buf[: m.end()]
                self._skip_line = False
                continue
            if self._want >= 0:
                if not self._octets(out):
                    break
                continue
            if buf[0] in _LEADING:
                stripped = buf.lstrip(_LEADING)
                del buf[: len(buf) - len(stripped)]
                continue
            if 0x30 <= buf[0] <= 0x39:  # a digit first: RFC 6587 octet counting, `LEN SP MSG`
                m = _COUNT.match(buf)
                if m is not None:
                    self._want = int(m.group(1))
                    del buf[: m.end()]
                    continue
                if len(buf) <= 10 and buf.isdigit():
                    break  # the count itself is split across chunks
            if not self._line(out):
                break
        return out

    def close(self) -> list[Frame]:
        """What the peer left unterminated when it closed: flagged ``truncated``."""
        out: list[Frame] = []
        rest = bytes(self._buf).lstrip(_LEADING)
        if rest and not self._skip_line and not self._skip_bytes:
            out.append(Frame(rest.rstrip(b"\r"), "truncated"))
        self._buf.clear()
        self._want, self._skip_line, self._skip_bytes = -1, False, 0
        return out

    def _octets(self, out: list[Frame]) -> bool:
        """The octet-counted frame under way; False when more bytes are needed."""
        buf, want = self._buf, self._want
        if want > self.max_size:
            if len(buf) < self.max_size:
                return False
            out.append(Frame(bytes(buf[: self.max_size]), "oversized"))
            del buf[: self.max_size]
            self._skip_bytes = want - self.max_size
        else:
            if len(buf) < want:
                return False
            out.append(Frame(bytes(buf[:want]).rstrip(b"\r\n\x00")))
            del buf[:want]
        self._want = -1
        return True

    def _line(self, out: list[Frame]) -> bool:
        """One newline-framed message; False when its end has not arrived yet."""
        buf = self._buf
        m = _TERMINATOR.search(buf, 0, self.max_size + 2)  # a CR may stand before the LF
        if m is None:
            if len(buf) <= self.max_size:
                return False
            out.append(Frame(bytes(buf[: self.max_size]), "oversized"))
            del buf[: self.max_size]
            self._skip_line = True
            return True
        line = bytes(buf[: m.start()])
        del buf[: m.end()]
        if line.endswith(b"\r"):
            line = line[:-1]
        if len(line) > self.max_size:
            out.append(Frame(line[: self.max_size], "oversized"))
        elif line:
            out.append(Frame(line))
        return True
