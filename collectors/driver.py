"""Thin netmiko driver subclasses that fix what the research measured:

* fast logout: Huawei's stock cleanup() waits 2.2 s idle before `quit`; we just send it;
* incremental decoding with the device's encoding, so a multi-byte character split across two
  reads (UTF-8 or GBK) is not silently dropped (netmiko decodes each read with errors="ignore");
* a refused paging command is an error (netmiko ignores the reply and later times out at More);
* every wait bounded by read_timeout_override (set by the engine);
* waits block on the channel instead of polling it: netmiko sleeps 10-25 ms between reads (and
  0.1 s before session preparation), which made a device cost ~0.5 s of sleeping and kept
  32 threads waking up to find nothing. A blocked read returns the moment bytes arrive, so a device
  now costs its round trips, and the CPU goes to SSH rather than to polling.

A platform's own driver is `_Fast` over netmiko's class for it, composed by the registry
(`collectors.platforms.driver_class`); a platform whose session steps need more keeps a `Driver`
subclass in its own module, `collectors/platforms/NAME.py`."""

from __future__ import annotations

import codecs
import contextlib
import re
import socket
import time
from typing import Any

import paramiko
from netmiko.channel import SSHChannel
from netmiko.exceptions import ReadException, ReadTimeout
from netmiko.ssh_dispatcher import CLASS_MAPPER

from .errors import CollectError
from .platforms import REGISTRY, ProfileError, Registry

MAX_BUFFER = 65535
_REFUSED = re.compile(r"^\s*(Error:|% ?Invalid|% ?Unrecognized|% ?Unknown)", re.M)
_TAIL = 1024  # a prompt line is short; only the end of the output can hold the final one


class IncrementalSSHChannel(SSHChannel):
    """Decodes incrementally; `wait` > 0 makes the next read block up to that long for the first bytes
    (netmiko's read_channel() calls read_buffer() until it returns nothing, so the wait is used once)."""

    def __init__(self, conn, encoding: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(conn, encoding)
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")
        self.wait = 0.0

    def read_buffer(self) -> str:
        chan = self.remote_conn
        if chan is None:
            raise ReadException("Attempt to read, but there is no active channel.")
        # Only the first read of a read_channel() may wait; netmiko then drains what is there and stops.
        wait, self.wait = self.wait, 0.0
        if chan.recv_ready():
            outbuf = chan.recv(MAX_BUFFER)
        elif wait > 0:
            # paramiko's recv() waits on its own condition variable when given a timeout: no polling
            previous = chan.gettimeout()
            chan.settimeout(wait)
            try:
                outbuf = chan.recv(MAX_BUFFER)
            except TimeoutError:
                return ""
            finally:
                chan.settimeout(previous)
        else:
            return ""
        if len(outbuf) == 0:
            raise ReadException("Channel stream closed by remote device.")
        return self._decoder.decode(outbuf)


class _Fast:
    LOGOUT = "quit"
    channel: SSHChannel
    _read_buffer: str

    # ------------------------------------------------------------------ session set-up
    def _connect_params_dict(self) -> dict[str, Any]:
        params = super()._connect_params_dict()  # type: ignore[misc]
        params["transport_factory"] = _nodelay_transport
        return params

    def special_login_handler(self, delay_factor: float = 1.0) -> None:
        # establish_connection() has just made a plain SSHChannel; swap it before the first read so
        # the login banner is decoded incrementally and read by blocking waits too.
        if isinstance(self.channel, SSHChannel) and not isinstance(self.channel, IncrementalSSHChannel):
            self.channel = IncrementalSSHChannel(self.remote_conn, self.encoding)  # type: ignore[attr-defined]
        super().special_login_handler(delay_factor)  # type: ignore[misc]

    def _try_session_preparation(self, force_data: bool = True) -> None:
        # netmiko writes a newline and then sleeps 0.1 s; the newline is enough, the next read waits
        try:
            if force_data:
                self.write_channel(self.RETURN)  # type: ignore[attr-defined]
            self.session_preparation()  # type: ignore[attr-defined]
        except Exception:
            self.disconnect()  # type: ignore[attr-defined]
            raise

    def disable_paging(self, command: str = "terminal length 0", *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
        out = super().disable_paging(command, *args, **kwargs)  # type: ignore[misc]
        out += self.read_until_pattern(pattern=r"[>\]#]\s*$")
        if _REFUSED.search(out):
            raise CollectError("paging", f"device refused {command.strip()!r}")
        return out

    def cleanup(self, command: str = "") -> None:
        with contextlib.suppress(Exception):  # the session is being dropped anyway
            self.write_channel(self.LOGOUT + self.RETURN)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ reading without polling
    def _read_waiting(self, deadline: float) -> str:
        """One read that waits (up to the deadline) for the first bytes; netmiko's read_channel does the
        line-feed normalisation, ANSI stripping and buffered-text prepending as usual."""
        chan = self.channel
        if isinstance(chan, IncrementalSSHChannel):
            chan.wait = min(max(0.0, deadline - time.monotonic()), 60.0)  # read_timeout=0 means forever
            try:
                return self.read_channel()  # type: ignore[attr-defined]
            finally:
                chan.wait = 0.0
        time.sleep(0.01)  # not our channel (telnet/serial): netmiko's own polling pace
        return self.read_channel()  # type: ignore[attr-defined]

    def _take_buffer(self) -> str:
        out, self._read_buffer = self._read_buffer, ""
        return out

    def read_until_pattern(self, pattern: str = "", read_timeout: float = 10.0, re_flags: int = 0,
                           max_loops: int | None = None) -> str:
        """netmiko's contract (text up to and including the match; the rest stays buffered), blocking."""
        read_timeout = self.read_timeout_override or read_timeout  # type: ignore[attr-defined]
        deadline = time.monotonic() + read_timeout if read_timeout else float("inf")
        output = self._take_buffer()
        while True:
            m = re.search(pattern, output, flags=re_flags)
            if m:
                self._read_buffer += output[m.end():]
                return output[:m.end()]
            if time.monotonic() >= deadline:
                self._read_buffer = output + self._read_buffer
                raise ReadTimeout(f"pattern not detected: {pattern!r} within {read_timeout} s")
            output += self._read_waiting(deadline)

    def clear_buffer(self, backoff: bool = True, backoff_max: float = 3.0,
                     delay_factor: float | None = None) -> str:
        # netmiko sleeps first and doubles the sleep while data keeps coming; every caller here reads
        # up to a pattern next, so taking what has arrived is enough
        return self._take_buffer() + self.read_channel()  # type: ignore[attr-defined]

    def run_command(self, command: str, prompt: re.Pattern[str], timeout: float) -> str:
        """Send one show command and read until the prompt, as a whole line, is the last thing received
        after the command's echo. A prompt-looking line inside the output (a login notice quoting
        `<HOST>`) is followed by more output, so it cannot end the read."""
        timeout = self.read_timeout_override or timeout  # type: ignore[attr-defined]
        deadline = time.monotonic() + timeout
        self.write_channel(command + self.RETURN)  # type: ignore[attr-defined]
        output = self._take_buffer()
        body = -1
        while True:
            if body < 0:
                at = output.find(command)
                body = at + len(command) if at >= 0 else -1
            if body >= 0 and _ends_with_prompt(output, prompt, max(body, len(output) - _TAIL)):
                break
            if time.monotonic() >= deadline:
                self._read_buffer = output + self._read_buffer  # kept for the caller's post-mortem
                raise ReadTimeout(f"prompt not seen after {command!r} within {timeout} s")
            output += self._read_waiting(deadline)
        return self._sanitize_output(output, strip_command=True,  # type: ignore[attr-defined]
                                     command_string=command + self.RETURN, strip_prompt=True)  # type: ignore[attr-defined]


def _nodelay_transport(sock: Any, **kwargs: Any) -> paramiko.Transport:
    """paramiko leaves Nagle on. The handshake writes two small packets before it reads (NEWKEYS, then
    the auth request after the service request), and each waited for the peer's delayed ACK: 2 x 40 ms
    of an 90 ms login, measured against the lab. asyncssh and OpenSSH servers set TCP_NODELAY too."""
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return paramiko.Transport(sock, **kwargs)


def _ends_with_prompt(text: str, prompt: re.Pattern[str], start: int) -> bool:
    last = None
    for last in prompt.finditer(text, start):  # noqa: B007 - only the last match matters
        pass
    return last is not None and not text[last.end():].strip()


_DRIVERS: dict[tuple[int, str], type] = {}


def driver_class(platform: str, registry: Registry = REGISTRY) -> type:
    """The netmiko driver class the engine connects with: the platform module's `Driver` if it has one,
    else `_Fast` over netmiko's class for the profile's device_type; either way leaving with the profile's
    logout line (the lab answers the same line)."""
    key = (id(registry), platform)
    if key not in _DRIVERS:
        prof = registry.profile(platform)
        hooks = registry.hooks(platform)
        cls = getattr(hooks, "Driver", None)
        if cls is None:
            if prof.driver not in CLASS_MAPPER:
                raise ProfileError(f"{registry.files()[platform]}: netmiko has no driver {prof.driver!r}")
            base = CLASS_MAPPER[prof.driver]
            cls = type(f"Fast{base.__name__}", (_Fast, base), {"LOGOUT": prof.logout, "__module__": __name__})
        elif not (isinstance(cls, type) and issubclass(cls, _Fast)):
            raise ProfileError(f"{hooks.__name__}.Driver must subclass collectors.driver._Fast")
        else:
            cls.LOGOUT = prof.logout
        _DRIVERS[key] = cls
    return _DRIVERS[key]
