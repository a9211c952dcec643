"""Stable error codes of a device collection (documented in docs/collection.md) and how netmiko's
exceptions map onto them. The mapping follows the measured failure modes in the research report."""

from __future__ import annotations

CODES = {
    "auth": "the device rejected the credentials",
    "unreachable": "TCP connection refused or no route",
    "banner_timeout": "TCP accepted but the SSH server never spoke",
    "auth_timeout": "the SSH server took the credentials but did not answer the login in time",
    "legacy_crypto": "no common SSH algorithm (device offers only algorithms the client refuses, or vice versa)",
    "ssh_negotiation": "the SSH handshake failed for another reason",
    "prompt": "logged in but no CLI prompt appeared",
    "paging": "the device refused to disable paging, or output stopped at a --More-- marker",
    "timeout": "the device stopped answering mid-command (session still alive)",
    "connection_lost": "the connection was reset or closed mid-command",
    "bad_output": "output arrived but is not usable: the config was refused (empty, no terminator, masked, too "
                  "large; kept as a rejected capture, the last good snapshot stays current) or is junk",
    "unsupported_command": "the device answered a command with an error message",
    "parse": "raw output kept, but a parser could not read it",
    "internal": "a bug in the collector (reported with the exception type)",
}
# A login that times out is a busy device (or a busy collector), not wrong credentials: try again. A
# rejected password is never retried, so a lockout policy is not tripped by the collector.
TRANSIENT = {"connection_lost", "unreachable", "auth_timeout"}


class CollectError(Exception):
    def __init__(self, code: str, message: str) -> None:
        assert code in CODES, code
        super().__init__(message)
        self.code = code
        self.message = message


def classify(exc: BaseException, *, stage: str, alive: bool | None = None) -> CollectError:
    """Map an exception from netmiko/paramiko to a stable code. `stage` is connect or command."""
    # imported here for start-up time: the CLI and the docs read CODES without loading netmiko (~0.5 s)
    from netmiko.exceptions import (
        NetmikoAuthenticationException,
        NetmikoTimeoutException,
        ReadException,
        ReadTimeout,
    )

    if isinstance(exc, CollectError):
        return exc
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[0] if lines else type(exc).__name__
    low = str(exc).lower()
    if isinstance(exc, NetmikoAuthenticationException):
        # paramiko's auth_timeout surfaces as an AuthenticationException whose text says so
        if "authentication timeout" in low:
            return CollectError("auth_timeout", "the login was not answered in time")
        return CollectError("auth", "authentication failed")
    if isinstance(exc, NetmikoTimeoutException):
        if "tcp connection to device failed" in low or "connection refused" in low:
            return CollectError("unreachable", text)
        if "incompatible ssh peer" in low or "no acceptable" in low or "no matching" in low:
            return CollectError("legacy_crypto", text)
        if "no existing session" in low or "banner" in low or "timed out" in low:
            return CollectError("banner_timeout", text)
        return CollectError("ssh_negotiation", text)
    if isinstance(exc, ReadTimeout):
        if stage == "connect":
            return CollectError("prompt", text[:200])
        if alive is False:
            return CollectError("connection_lost", "connection closed mid-command")
        return CollectError("timeout", text[:200])
    if isinstance(exc, ReadException) and "closed" in low:
        # the blocking reader sees the close as it happens, instead of timing out and asking is_alive()
        return CollectError("connection_lost", "connection closed by the device")
    if isinstance(exc, (ConnectionError, EOFError, OSError)):
        return CollectError("connection_lost" if stage == "command" else "unreachable", text)
    name = type(exc).__name__
    if "SSHException" in name or "Negotiation" in name:
        code = "legacy_crypto" if ("incompatible" in low or "no acceptable" in low) else "ssh_negotiation"
        return CollectError(code, text)
    return CollectError("internal", f"{name}: {text}")
