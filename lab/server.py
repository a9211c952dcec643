"""The SSH lab: one asyncssh process, one listener per device, vendor personalities and faults.

`Lab` runs inside an asyncio loop; `LabThread` runs one in a background thread for tests and the
demo; `python -m lab.server SPEC.json OUT_DIR` (or `extranet lab start`) runs it in the
foreground and prints `READY <inventory.json>` once every listener is bound."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import secrets
import socket
import struct
import sys
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from collectors import clock
from collectors.platforms import load_profile
from inventory.db import private_dir, write_private

from .model import LabDevice, LabLogEvent, LabSpec
from .personalities import Personality, personality
from .personalities.base import h
from .snmp import LabSnmpAgent, SnmpLabOptions
from .syslog import LabSyslog, SyslogTarget

PAGE_LINES = 24
ERASE = "\x1b[42D" + " " * 42 + "\x1b[42D"

# The legacy-crypto devices exist to offer finite-field DH; the library's deprecation notice is expected.
warnings.filterwarnings("ignore", message="Diffie-Hellman over finite fields")



class _DroppedPeerFilter(logging.Filter):
    """asyncio warns for every write to a peer that already hung up; the lab's clients hang up by design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "socket.send() raised exception" not in record.getMessage()


logging.getLogger("asyncio").addFilter(_DroppedPeerFilter())

LEGACY = {"kex_algs": ["diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"],
          "encryption_algs": ["aes128-cbc", "3des-cbc"], "mac_algs": ["hmac-sha1"],
          "signature_algs": ["ssh-rsa"]}


def prompt_of(dev: LabDevice) -> str:
    return personality(dev.platform).prompt(dev.hostname)


_TABLES: dict[str, list[tuple[str, str, str]]] = {}


def command_table(platform: str) -> list[tuple[str, str, str]]:
    """(full command, kind, key) the lab answers on `platform`: kind is cmd | paging | ok | logout. The
    commands, the paging command and the logout line are the collector profile's (the lab answers what the
    collector sends); the personality adds what the netmiko driver sends besides (terminal width)."""
    if platform not in _TABLES:
        prof, persona = load_profile(platform), personality(platform)
        table = [(c.command, "cmd", c.key) for c in prof.collected]
        table += [(prof.paging_off, "paging", "")] + [(c, "ok", "") for c in persona.other_ok]
        _TABLES[platform] = [*table, (prof.logout, "logout", "")]
    return _TABLES[platform]


def _match(platform: str, line: str) -> tuple[str, str] | None:
    """(kind, key) for a typed line. Abbreviations work the VRP way (every typed word is a prefix of the
    full word), which netmiko never needs but engineers type."""
    words = line.split()
    if not words:
        return None
    best = None
    for full, kind, key in command_table(platform):
        fw = full.split()
        if len(words) == len(fw) and all(f.startswith(w) for w, f in zip(words, fw, strict=True)):
            if line.strip() == full:
                return kind, key
            best = best or (kind, key)
    return best


@dataclass
class LabOptions:
    chunk: int = 0  # stream output in chunks of this many bytes (0: in one write)
    chunk_gap: float = 0.0
    slow_seconds: float = 30.0  # the "slow" fault answers after this long
    username: str = "admin"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    bind: str = "127.0.0.1"  # "spread": each device on 127.<mgmt octets 2-4>, port 2222
    snmp: bool = False  # also answer SNMP (lab/snmp.py): one UDP port per device on 127.0.0.1
    snmp_options: SnmpLabOptions = field(default_factory=SnmpLabOptions)
    # Where every device sends syslog (`udp://127.0.0.1:5514`, `tcp://...`); None: the lab sends none.
    syslog: str | None = None


class DeviceSession(asyncssh.SSHServerSession):
    def __init__(self, lab: Lab, dev: LabDevice, conn: asyncssh.SSHServerConnection) -> None:
        self.lab, self.dev, self.conn = lab, dev, conn
        self.persona: Personality = personality(dev.platform)
        self.chan: asyncssh.SSHServerChannel | None = None
        self.inbox: asyncio.Queue[bytes] = asyncio.Queue()
        self.pending = b""
        self.paging = True
        self.task: asyncio.Task | None = None
        self.last_cr = False

    # asyncssh callbacks
    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: Any, term_modes: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def session_started(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: Any) -> None:
        self.inbox.put_nowait(data)

    def eof_received(self) -> bool:
        self.inbox.put_nowait(b"")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.task:
            self.task.cancel()

    # I/O helpers
    def _send(self, text: str) -> None:
        if self.chan is not None and not self.chan.is_closing():
            self.chan.write(text.replace("\r\n", "\n").replace("\n", "\r\n").encode(self.dev.encoding, "replace"))

    async def _stream(self, text: str) -> None:
        chunk = self.lab.options.chunk or (512 if self.dev.fault == "fake_prompt" else 0)
        gap = self.lab.options.chunk_gap or (0.005 if self.dev.fault == "fake_prompt" else 0.0)
        if not chunk:
            self._send(text)
            return
        for i in range(0, len(text), chunk):
            self._send(text[i:i + chunk])
            await asyncio.sleep(gap)

    async def _byte(self) -> bytes:
        if not self.pending:
            self.pending = await self.inbox.get()
            if self.pending == b"":
                raise EOFError
        ch, self.pending = self.pending[:1], self.pending[1:]
        return ch

    async def _readline(self) -> str:
        # Echo what arrived in one write, as a device's terminal driver does: a command pasted in one
        # SSH packet comes back in one packet, not one packet per character.
        buf = bytearray()
        echo: list[str] = []

        def flush() -> None:
            if echo:
                self._send("".join(echo))
                echo.clear()

        while True:
            if not self.pending:
                flush()
            ch = await self._byte()
            if ch in (b"\r", b"\n"):
                if ch == b"\n" and self.last_cr and not buf:
                    self.last_cr = False
                    continue
                self.last_cr = ch == b"\r"
                echo.append("\n")
                flush()
                return buf.decode(self.dev.encoding, "replace")
            self.last_cr = False
            if ch in (b"\x08", b"\x7f"):
                if buf:
                    buf.pop()
                    echo.append("\b \b")
                continue
            if ch == b"\x03":
                buf.clear()
                echo.append("^C\n")
                flush()
                return ""
            buf += ch
            echo.append(ch.decode("latin-1"))

    # the CLI
    async def _run(self) -> None:
        try:
            self._send(self.persona.banner() + "\n" + prompt_of(self.dev))
            while True:
                line = await self._readline()
                if not await self._handle(line.strip()):
                    break
        except (EOFError, asyncio.CancelledError, BrokenPipeError, ConnectionError):
            return
        if self.chan is not None:
            self.chan.close()

    async def _handle(self, line: str) -> bool:
        """Answer one typed line; False ends the session."""
        p = prompt_of(self.dev)
        if not line:
            self._send(p)
            return True
        found = _match(self.dev.platform, line)
        if found is None:
            self._send(self._error(line) + "\n" + p)
            return True
        kind, key = found
        if kind == "logout":
            return False
        if kind == "paging":
            self._paging_off(line)
            return True
        if kind == "ok":
            self._send(p)
            return True
        return await self._command(key)

    def _paging_off(self, line: str) -> None:
        p = prompt_of(self.dev)
        if self.dev.fault == "paging_stuck":
            self._send(self._error(line, at=len(line.split()[0]) + 1) + "\n" + p)
            return
        self.paging = False
        self._send(self.persona.paging_ack + p)

    async def _command(self, key: str) -> bool:
        """One profile command's output, through the device's fault if it has one; False ends the session."""
        dev, p = self.dev, prompt_of(self.dev)
        if dev.fault == "slow":
            await asyncio.sleep(self.lab.options.slow_seconds)
        text = self.persona.render(key, dev)
        if key == "config" and dev.fault in ("hang", "reset"):
            self._send(text[: len(text) // 3])
            await asyncio.sleep(0.05)
            if dev.fault == "hang":
                await asyncio.Future()  # never answers; the client's read timeout must end this
            self._reset()
            return False
        if key == "config" and dev.fault == "garbage":
            noise = bytes(b % 200 + 1 for b in h(dev.hostname, "garbage") * 40)
            self._send(noise.decode("latin-1") + "\n" + p)
            return True
        await self._output(text)
        self._send(p)
        return True

    async def _output(self, text: str) -> None:
        lines = text.replace("\r\n", "\n").split("\n")
        if text.endswith("\n"):
            lines = lines[:-1]
        if not self.paging or len(lines) <= PAGE_LINES:
            await self._stream("\n".join(lines) + "\n")
            return
        i = 0
        while i < len(lines):
            page = lines[i:i + PAGE_LINES]
            i += PAGE_LINES
            await self._stream("\n".join(page) + "\n")
            if i >= len(lines):
                return
            self._send(self.persona.more)
            key = await self._byte()
            self._send(ERASE)
            if key not in (b" ", b"\r", b"\n"):
                return

    def _error(self, line: str, at: int = 0) -> str:
        return self.persona.error(self.dev.hostname, at)

    def _reset(self) -> None:
        transport = getattr(self.conn, "_transport", None)
        sock = transport.get_extra_info("socket") if transport else None
        if sock is not None:
            # linger 0 makes close() send a RST, as a crashed box or a firewall would
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.conn.abort()


class DeviceServer(asyncssh.SSHServer):
    def __init__(self, lab: Lab, dev: LabDevice) -> None:
        self.lab, self.dev = lab, dev
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if self.dev.fault == "auth_fail":
            return False
        o = self.lab.options
        return secrets.compare_digest(username, o.username) and secrets.compare_digest(password, o.password)

    def session_requested(self) -> DeviceSession:
        assert self.conn is not None
        return DeviceSession(self.lab, self.dev, self.conn)


class Lab:
    def __init__(self, spec: LabSpec, options: LabOptions | None = None) -> None:
        self.spec = spec
        self.options = options or LabOptions()
        self.endpoints: dict[str, tuple[str, int]] = {}
        self._servers: list[Any] = []
        self._held: list[socket.socket] = []
        self._keys: dict[str, asyncssh.SSHKey] = {}
        self.control: tuple[str, int] | None = None
        self.snmp: LabSnmpAgent | None = None
        self.syslog = LabSyslog(SyslogTarget.parse(self.options.syslog)) if self.options.syslog else None

    async def start(self) -> None:
        self._keys["modern"] = asyncssh.generate_private_key("ssh-ed25519")
        self._keys["legacy"] = asyncssh.generate_private_key("ssh-rsa", 2048)
        for dev in self.spec.devices:
            await self._listen(dev)
        ctl = await asyncio.start_server(self._control, "127.0.0.1", 0)
        self._servers.append(ctl)
        self.control = ctl.sockets[0].getsockname()[:2]
        if self.options.snmp:
            self.snmp = LabSnmpAgent(self.spec.devices, self.options.snmp_options)
            await self.snmp.start()

    def _addr(self, dev: LabDevice) -> tuple[str, int]:
        if self.options.bind == "spread" and dev.mgmt_address.count(".") == 3:
            return "127." + dev.mgmt_address.split(".", 1)[1], 2222
        return self.options.bind if self.options.bind != "spread" else "127.0.0.1", 0

    async def _listen(self, dev: LabDevice) -> None:
        host, port = self._addr(dev)
        if dev.fault == "refused":
            # Bound but never listening, held until stop: the kernel answers a SYN with a reset, and no
            # other server (another lab in a parallel test) can be handed the same port in the meantime.
            s = socket.socket()
            s.bind((host, port))
            self._held.append(s)
            self.endpoints[dev.hostname] = s.getsockname()[:2]
            return
        if dev.fault == "no_banner":  # TCP accepts, SSH never speaks

            async def tarpit(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                try:
                    await reader.read()
                finally:
                    writer.close()

            srv = await asyncio.start_server(tarpit, host, port)
        else:
            kwargs: dict[str, Any] = dict(LEGACY) if dev.legacy_crypto else {}
            key = self._keys["legacy" if dev.legacy_crypto else "modern"]
            srv = await asyncssh.create_server(lambda d=dev: DeviceServer(self, d), host, port,
                                               server_host_keys=[key], encoding=None, line_editor=False,
                                               **kwargs)
        self._servers.append(srv)
        self.endpoints[dev.hostname] = srv.sockets[0].getsockname()[:2]

    async def stop(self) -> None:
        if self.snmp is not None:
            self.snmp.stop()
            self.snmp = None
        for srv in self._servers:
            srv.close()
        for srv in self._servers:
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(srv.wait_closed(), 2)
        self._servers.clear()
        for s in self._held:
            s.close()
        self._held.clear()
        if self.syslog is not None:
            self.syslog.close()

    # ---- control: the same operations in-process and over the JSON-lines socket
    def flip_link(self, hostname: str, interface: str, state: str, at: Any = None) -> None:
        dev = self.spec.device(hostname)
        dev.interface(interface).up = state == "up"
        at = at or clock.now()
        dev.log_events.append(LabLogEvent(at=at, interface=interface, state=state))
        self.announce("link", dev, at, {"interface": interface, "state": state})

    def announce(self, kind: str, dev: LabDevice, at: dt.datetime, fields: dict[str, Any]) -> None:
        """Send what the device logs about an event to the configured collector (replay.Replay's notify)."""
        if self.syslog is not None:
            self.syslog.send(dev, kind, at, **fields)

    def append_log(self, hostname: str, line: str) -> None:
        self.spec.device(hostname).extra_log.append(line)

    def add_config_line(self, hostname: str, line: str) -> None:
        self.spec.device(hostname).extra_config.append(line)

    def set_fault(self, hostname: str, fault: str | None) -> None:
        self.spec.device(hostname).fault = fault

    def add_traffic(self, hostname: str, interface: str, in_octets: int, out_octets: int) -> None:
        """Bytes carried since the last poll: the 64-bit counters wrap as a device's do."""
        iface = self.spec.device(hostname).interface(interface)
        iface.in_octets = (iface.in_octets + in_octets) % 2**64
        iface.out_octets = (iface.out_octets + out_octets) % 2**64

    def reboot(self, hostname: str, at: Any = None) -> None:
        """The device restarts: uptime from now (model time) and every counter from zero."""
        dev = self.spec.device(hostname)
        dev.booted_at = at or clock.now()
        for iface in dev.interfaces:
            iface.in_octets = iface.out_octets = 0
        self.announce("reboot", dev, dev.booted_at, {})

    def change_config(self, hostname: str, user: str = "admin", at: Any = None) -> None:
        """Someone changes the running config: a new harmless line (the next collection finds a diff) and the
        device's config-change message."""
        dev = self.spec.device(hostname)
        at = at or clock.now()
        stamp = at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y%m%d-%H%M%S")
        dev.extra_config.append(personality(dev.platform).location_line.format(text=f"changed-{stamp}"))
        self.announce("config_change", dev, at, {"user": user})

    def apply(self, req: dict[str, Any]) -> dict[str, Any]:
        op = req.get("op")
        try:
            if op == "flip_link":
                self.flip_link(req["device"], req["interface"], req.get("state", "down"))
            elif op == "append_log":
                self.append_log(req["device"], req["line"])
            elif op == "config_line":
                self.add_config_line(req["device"], req["line"])
            elif op == "fault":
                self.set_fault(req["device"], req.get("fault"))
            elif op == "traffic":
                self.add_traffic(req["device"], req["interface"], int(req.get("in", 0)), int(req.get("out", 0)))
            elif op == "reboot":
                self.reboot(req["device"])
            elif op == "config_change":
                self.change_config(req["device"], req.get("user", "admin"))
            elif op != "ping":
                return {"ok": False, "error": f"unknown op {op!r}; known: ping flip_link append_log config_line fault "
                                              "traffic reboot config_change"}
        except KeyError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True}

    async def _control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                try:
                    reply = self.apply(json.loads(line))
                except json.JSONDecodeError as exc:
                    reply = {"ok": False, "error": f"bad JSON: {exc}"}
                writer.write((json.dumps(reply) + "\n").encode())
                await writer.drain()
        finally:
            writer.close()

    def inventory(self, credentials_file: str = "") -> dict[str, Any]:
        snmp = self.snmp.endpoints if self.snmp else {}
        return {
            "devices": [{"hostname": d.hostname, "platform": d.platform, "host": self.endpoints[d.hostname][0],
                         "port": self.endpoints[d.hostname][1], "encoding": d.encoding,
                         "legacy_crypto": d.legacy_crypto, "fault": d.fault,
                         **({"snmp_host": snmp[d.hostname][0], "snmp_port": snmp[d.hostname][1]}
                            if d.hostname in snmp else {})} for d in self.spec.devices],
            "credentials_file": credentials_file,
            "control": list(self.control or ()),
        }

    def write_files(self, out_dir: Path) -> Path:
        """inventory.json (endpoints, no secrets) and credentials.json (mode 600)."""
        private_dir(out_dir)
        cred = out_dir / "credentials.json"
        secrets_doc: dict[str, Any] = {"username": self.options.username, "password": self.options.password}
        if self.snmp is not None:
            o = self.options.snmp_options
            # the same `snmp:` section an operator's EXTRANET_SECRETS_FILE carries (collectors/snmp/credentials.py)
            secrets_doc["snmp"] = {"community": o.community, "v3": {"user": o.v3_user, "auth_key": o.auth_key,
                                                                    "priv_key": o.priv_key, "auth_proto": "sha",
                                                                    "priv_proto": "aes128"}}
        write_private(cred, json.dumps(secrets_doc).encode())
        inv = out_dir / "inventory.json"
        write_private(inv, json.dumps(self.inventory(str(cred)), ensure_ascii=False, indent=1).encode("utf-8"))
        return inv


class LabThread:
    """A lab in a background thread with its own event loop (tests, the demo)."""

    def __init__(self, spec: LabSpec, options: LabOptions | None = None) -> None:
        self.lab = Lab(spec, options)
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="extranet-lab", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.lab.start())
        except BaseException as exc:  # surfaced to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.lab.stop())
        self.loop.close()

    def start(self, timeout: float = 60) -> LabThread:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("lab did not become ready")
        if self._error:
            raise self._error
        return self

    def call(self, fn: Any, *args: Any) -> Any:
        """Run a control method on the lab's loop thread."""
        fut: asyncio.Future = asyncio.run_coroutine_threadsafe(self._wrap(fn, *args), self.loop)
        return fut.result(10)

    @staticmethod
    async def _wrap(fn: Any, *args: Any) -> Any:
        return fn(*args)

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)


def _seconds_option(args: list[str], name: str) -> float:
    """Take `name SECONDS` out of `args` (0 when absent)."""
    if name not in args:
        return 0.0
    at = args.index(name)
    try:
        value = float(args[at + 1])
    except (IndexError, ValueError):
        raise ValueError(f"{name} needs a number of seconds") from None
    del args[at:at + 2]
    return value


def main(argv: list[str] | None = None) -> int:
    """python -m lab.server SPEC.json OUT_DIR [--spread] [--snmp] [--snmp-delay SECONDS] [--pace SECONDS]
                            [--syslog udp://HOST:PORT | tcp://HOST:PORT]

    --snmp: every device also answers SNMPv2c/v3 on its own UDP port (inventory.json: snmp_host, snmp_port).
    --snmp-delay: the agent answers after this long, as a device's control plane and the WAN do.
    --syslog: every device sends its syslog there (link changes, config changes, reboots).

    --pace: send every output in 4 KB pieces this many seconds apart, like a slow WAN link (tests that must
    act while a run is still going use it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    spread, snmp = "--spread" in args, "--snmp" in args
    args = [a for a in args if a not in ("--spread", "--snmp")]
    try:
        snmp_delay, pace = _seconds_option(args, "--snmp-delay"), _seconds_option(args, "--pace")
        syslog = None
        if "--syslog" in args:
            at = args.index("--syslog")
            syslog = SyslogTarget.parse(args[at + 1] if at + 1 < len(args) else "").url
            del args[at:at + 2]
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if len(args) != 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    spec = LabSpec.from_dict(json.loads(Path(args[0]).read_text(encoding="utf-8")))
    lab = Lab(spec, LabOptions(bind="spread" if spread else "127.0.0.1", chunk=4096 if pace else 0, chunk_gap=pace,
                               snmp=snmp, snmp_options=SnmpLabOptions(delay_s=snmp_delay), syslog=syslog))

    async def run() -> None:
        await lab.start()
        inv = lab.write_files(Path(args[1]))
        print(f"READY {inv} devices={len(spec.devices)} control={lab.control[0]}:{lab.control[1]} pid={os.getpid()}",
              flush=True)
        await asyncio.Future()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
