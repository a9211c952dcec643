"""The collection engine on plain dataclasses: connect with netmiko, run the profile's commands,
keep the raw text, disconnect fast. Results stream back as they arrive so the caller can commit
each device immediately (a crash or Ctrl-C keeps everything collected so far)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from .driver import driver_class
from .errors import TRANSIENT, CollectError, classify
from .platforms import Profile, load_profile

log = logging.getLogger("extranet.collect")
# netmiko's DEBUG log is a session log: every byte read from the channel, configs and their secrets
# included. The collector never lets it through, whatever level the application configures.
logging.getLogger("netmiko").setLevel(logging.INFO)
# The login is public-key crypto on both sides; on a loaded collector (or 48 logins to one lab process)
# it outlasts a 3 s connect timeout, and paramiko then reports a timeout as a failed authentication.
AUTH_TIMEOUT_FLOOR = 10


@dataclass(frozen=True)
class Target:
    hostname: str
    platform: str
    host: str
    port: int = 22
    encoding: str = "utf-8"
    legacy_crypto: bool = False
    group: str = ""  # the per-room bound applies per group


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    def __repr__(self) -> str:  # never print the password, even in a traceback
        return f"Credentials(username={self.username!r}, password=***)"


@dataclass(frozen=True)
class Settings:
    concurrency: int = 32
    per_group: int = 24
    conn_timeout: float = 5.0
    read_timeout: float = 20.0  # bounds every wait in a session (netmiko read_timeout_override)
    attempts: int = 2  # transient failures only
    backoff: float = 0.3


@dataclass
class RawOutput:
    command: str
    text: str


@dataclass
class DeviceOutcome:
    hostname: str
    platform: str
    ok: bool
    outputs: dict[str, RawOutput] = field(default_factory=dict)
    error_code: str | None = None
    error_message: str | None = None
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    duration_ms: int = 0
    attempts: int = 1


def _session(target: Target, creds: Credentials, profile: Profile, settings: Settings) -> dict[str, RawOutput]:
    driver = driver_class(profile.platform)
    stage = "connect"
    conn = None
    try:
        conn = driver(
            device_type=profile.driver, host=target.host, port=target.port, username=creds.username,
            password=creds.password, encoding=target.encoding, conn_timeout=settings.conn_timeout,
            banner_timeout=settings.conn_timeout, auth_timeout=max(settings.conn_timeout, AUTH_TIMEOUT_FLOOR),
            read_timeout_override=settings.read_timeout, fast_cli=True, session_log=None,
            use_keys=False, allow_agent=False, disabled_algorithms=None,
        )
        stage = "command"
        prompt = re.compile(profile.prompt_re(target.hostname))
        outputs: dict[str, RawOutput] = {}
        for cmd in profile.collected:
            # The prompt must be a whole line, the last thing received, AND come after this command's
            # echo: a late reply to the session-preparation newlines leaves a stray prompt line in the
            # buffer before the echo, and matching it would cut the output short (seen under load).
            text = conn.run_command(cmd.command, prompt, cmd.timeout)
            outputs[cmd.key] = RawOutput(cmd.command, _after_echo(text, cmd.command))
        return outputs
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        alive = None
        if conn is not None:
            try:
                alive = conn.is_alive()
            except Exception:
                alive = False
        err = classify(exc, stage=stage, alive=alive)
        if err.code == "timeout" and conn is not None and "More" in _tail(conn):
            err = CollectError("paging", "output stopped at a More prompt")
        raise err from exc
    finally:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.disconnect()


def _after_echo(text: str, command: str) -> str:
    """Drop stray prompt lines and the echo if they survived netmiko's first-line strip."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:4]):
        if line.rstrip().endswith(command):
            return "\n".join(lines[i + 1:])
    return text


def _tail(conn: object) -> str:
    try:
        return conn.read_channel()[-200:]  # type: ignore[attr-defined]
    except Exception:
        return ""


def validate(profile: Profile, outputs: dict[str, RawOutput]) -> None:
    """A command the device refused is an error, never silent data. Whether the config may become the
    current one (terminator, size, masks) is `collectors.validate.check_config`'s question, asked when the
    outcome is saved: a config cut off over SSH is refused there, and the device's other outputs kept."""
    for _key, out in outputs.items():
        head = "\n".join(out.text.splitlines()[:3])
        if profile.error.search(head):
            raise CollectError("unsupported_command", f"{out.command!r}: {head.strip()[:160]}")


def collect_device(target: Target, creds: Credentials, settings: Settings) -> DeviceOutcome:
    started = time.perf_counter()
    outcome = DeviceOutcome(hostname=target.hostname, platform=target.platform, ok=False)
    try:
        profile = load_profile(target.platform)
    except ValueError as exc:
        outcome.error_code, outcome.error_message = "internal", str(exc)
        return outcome
    for attempt in range(1, settings.attempts + 1):
        outcome.attempts = attempt
        try:
            outputs = _session(target, creds, profile, settings)
            outcome.outputs = outputs
            validate(profile, outputs)
            outcome.ok, outcome.error_code, outcome.error_message = True, None, None
            break
        except CollectError as err:
            outcome.error_code, outcome.error_message = err.code, err.message[:500]
            if err.code not in TRANSIENT or attempt == settings.attempts:
                break
            time.sleep(settings.backoff * attempt)
        except Exception as exc:  # a collector bug must not stop the run
            outcome.error_code, outcome.error_message = "internal", f"{type(exc).__name__}: {exc}"[:500]
            break
    outcome.duration_ms = int((time.perf_counter() - started) * 1000)
    log.info("collected %s: %s", target.hostname, "ok" if outcome.ok else outcome.error_code)
    return outcome


def collect_all(targets: list[Target], creds_for: Callable[[Target], Credentials], settings: Settings,
                ) -> Iterator[DeviceOutcome]:
    """Yield outcomes in completion order. Global bound = settings.concurrency; per-group bound =
    settings.per_group (a room's devices share its uplink and its AAA server)."""
    groups: dict[str, threading.Semaphore] = {}
    for t in targets:
        groups.setdefault(t.group, threading.Semaphore(max(1, settings.per_group)))

    def job(t: Target) -> DeviceOutcome:
        with groups[t.group]:
            return collect_device(t, creds_for(t), settings)

    pool = ThreadPoolExecutor(max_workers=max(1, settings.concurrency), thread_name_prefix="collect")
    pending: set[Future] = set()
    try:
        pending = {pool.submit(job, t) for t in targets}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
