"""The one cache of derived answers, and its one rule.

An answer belongs to the database (its URL) and the data fingerprint it was computed at. The
fingerprint is read again when this process has committed a write since it was last read, and
otherwise at most once every FRESH_SECONDS (so another process's writes show within that time);
when it changes, every answer of that database computed at an older one is dropped."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from inventory import writes

from . import fingerprint

T = TypeVar("T")
FRESH_SECONDS = 1.0
MAX_ENTRIES = 2048


@dataclass(frozen=True)
class _Seen:
    fingerprint: tuple[Any, ...]
    at: float
    generation: int


_lock = threading.Lock()
_seen: dict[str, _Seen] = {}
_entries: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_inflight: dict[tuple[Hashable, ...], threading.Lock] = {}


def url_of(session: Session) -> str:
    """Which database: its URL, or the engine itself for an in-memory SQLite (they all share one URL)."""
    bind = session.get_bind()
    url = getattr(bind, "url", None)
    if url is None or (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")):
        return f"{url}#{id(bind)}"
    return str(url)


def _fresh(seen: _Seen | None) -> bool:
    return (seen is not None and seen.generation == writes.generation()
            and time.monotonic() - seen.at < FRESH_SECONDS)


def current(session: Session) -> tuple[Any, ...]:
    """The fingerprint of the session's database under the rule above."""
    url = url_of(session)
    with _lock:
        seen = _seen.get(url)
    if _fresh(seen):
        return seen.fingerprint  # type: ignore[union-attr]
    generation = writes.generation()  # before the read: a write during it makes the next ask look again
    fp = fingerprint.read(session)
    with _lock:
        _seen[url] = _Seen(fp, time.monotonic(), generation)
        if seen is not None and seen.fingerprint != fp:
            for key in [k for k in _entries if k[0] == url and k[1] != fp]:
                del _entries[key]
    return fp


def peek(url: str, key: tuple[Hashable, ...]) -> Any | None:
    """An answer still fresh under the rule, without touching the database (the hot path of lists)."""
    with _lock:
        seen = _seen.get(url)
        if not _fresh(seen):
            return None
        return _entries.get((url, seen.fingerprint, *key))  # type: ignore[union-attr]


def answer(url: str, fp: tuple[Any, ...], key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """The answer for (url, fp, key), computed once even when many threads ask together."""
    full = (url, fp, *key)
    with _lock:
        if full in _entries:
            _entries.move_to_end(full)
            return _entries[full]
        gate = _inflight.setdefault(full, threading.Lock())
    with gate:
        with _lock:
            if full in _entries:
                return _entries[full]
        try:
            value = compute()
        finally:
            with _lock:
                _inflight.pop(full, None)
        with _lock:
            # an answer computed while the data moved on is returned to its asker but not kept
            if _seen.get(url) is None or _seen[url].fingerprint == fp:
                _entries[full] = value
                while len(_entries) > MAX_ENTRIES:
                    _entries.popitem(last=False)
    return value


def invalidate() -> None:
    """Look at the database again on the next ask (after a write this process could not see)."""
    writes.bump()


def clear() -> None:
    with _lock:
        _seen.clear()
        _entries.clear()
