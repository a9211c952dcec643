"""Thin netmiko driver subclasses that fix what the research measured:

* fast logout: Huawei's stock cleanup() waits 2.2 s idle before `quit`; we just send it;
* incremental decoding with the device's encoding, so a multi-byte character split across two
  reads (UTF-8 or GBK) is not silently dropped (netmiko decodes each read with errors="ignore");
* a refused paging command is an error (netmiko ignores the reply and later times out at More);
* every wait bounded by read_timeout_override (set by the engine)."""

from __future__ import annotations

import codecs
import contextlib
import re

from netmiko.channel import SSHChannel
from netmiko.cisco.cisco_ios import CiscoIosSSH
from netmiko.exceptions import ReadException
from netmiko.hp.hp_comware import HPComwareSSH
from netmiko.huawei.huawei import HuaweiSSH

from .errors import CollectError

MAX_BUFFER = 65535
_REFUSED = re.compile(r"^\s*(Error:|% ?Invalid|% ?Unrecognized|% ?Unknown)", re.M)


class IncrementalSSHChannel(SSHChannel):
    def __init__(self, conn, encoding: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(conn, encoding)
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")

    def read_buffer(self) -> str:
        if self.remote_conn is None:
            raise ReadException("Attempt to read, but there is no active channel.")
        output = ""
        if self.remote_conn.recv_ready():
            outbuf = self.remote_conn.recv(MAX_BUFFER)
            if len(outbuf) == 0:
                raise ReadException("Channel stream closed by remote device.")
            output += self._decoder.decode(outbuf)
        return output


class _Fast:
    LOGOUT = "quit"

    def establish_connection(self, width: int = 511, height: int = 1000) -> None:
        super().establish_connection(width, height)  # type: ignore[misc]
        if isinstance(self.channel, SSHChannel):  # type: ignore[has-type]
            self.channel = IncrementalSSHChannel(self.remote_conn, self.encoding)  # type: ignore[attr-defined]

    def disable_paging(self, command: str = "terminal length 0", *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
        out = super().disable_paging(command, *args, **kwargs)  # type: ignore[misc]
        out += self.read_until_pattern(pattern=r"[>\]#]\s*$")  # type: ignore[attr-defined]
        if _REFUSED.search(out):
            raise CollectError("paging", f"device refused {command.strip()!r}")
        return out

    def cleanup(self, command: str = "") -> None:
        with contextlib.suppress(Exception):  # the session is being dropped anyway
            self.write_channel(self.LOGOUT + self.RETURN)  # type: ignore[attr-defined]


class FastHuaweiSSH(_Fast, HuaweiSSH):
    LOGOUT = "quit"


class FastComwareSSH(_Fast, HPComwareSSH):
    LOGOUT = "quit"


class FastCiscoIosSSH(_Fast, CiscoIosSSH):
    LOGOUT = "exit"


DRIVERS = {"huawei_vrp": FastHuaweiSSH, "hp_comware": FastComwareSSH, "cisco_ios": FastCiscoIosSSH}
