"""The disk spool: batches the store could not take (database down or locked, a burst faster than it) kept
as files until it can. One file per batch, JSON lines of ParsedMessage, written to a temporary name,
fsync'd and renamed (a crash leaves a whole file or none), named so that name order is arrival order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import threading
import time
from pathlib import Path

from .event import ParsedMessage

SUFFIX = ".jsonl"
_TIMES = ("received_at", "occurred_at")


def _dump(m: ParsedMessage) -> str:
    d = {f.name: getattr(m, f.name) for f in dataclasses.fields(m)}
    for k in _TIMES:
        if d[k] is not None:
            d[k] = d[k].isoformat()
    return json.dumps(d, ensure_ascii=False)


def _load(line: str) -> ParsedMessage:
    d = json.loads(line)
    for k in _TIMES:
        if d.get(k) is not None:
            d[k] = dt.datetime.fromisoformat(d[k])
    known = {f.name for f in dataclasses.fields(ParsedMessage)}
    return ParsedMessage(**{k: v for k, v in d.items() if k in known})


class Spool:
    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._seq = itertools.count()
        self._lock = threading.Lock()
        for stale in self.dir.glob("*.tmp"):  # a write a crash interrupted: never renamed, never complete
            stale.unlink(missing_ok=True)

    def write(self, batch: list[ParsedMessage], directory: Path | None = None) -> Path:
        with self._lock:
            name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._seq):08d}{SUFFIX}"
        final = (directory or self.dir) / name
        tmp = final.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(_dump(m) for m in batch))
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        self._sync_dir(final.parent)
        return final

    def reject(self, batch: list[ParsedMessage]) -> Path:
        """Messages the sink refuses on their own: kept aside for a person, never replayed or deleted."""
        self.rejected_dir.mkdir(exist_ok=True, mode=0o700)
        return self.write(batch, self.rejected_dir)

    @property
    def rejected_dir(self) -> Path:
        return self.dir / "rejected"

    def _sync_dir(self, directory: Path) -> None:
        try:
            fd = os.open(directory, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass  # some filesystems refuse a directory fsync; the rename is still atomic
        finally:
            os.close(fd)

    def files(self) -> list[Path]:
        """Oldest first."""
        return sorted(self.dir.glob(f"*{SUFFIX}"))

    def read(self, path: Path) -> list[ParsedMessage]:
        """The batch, every message marked as replayed from the spool. A line that no longer reads (a disk
        error, an edit) is kept as an unparsed message rather than losing the rest."""
        out = []
        for line in path.read_text(encoding="utf-8", errors="backslashreplace").splitlines():
            if not line.strip():
                continue
            try:
                m = _load(line)
            except (ValueError, TypeError):
                m = ParsedMessage(raw=line, received_at=dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC),
                                  kind="unparsed", error="spool_unreadable")
            m.transport = "spool"
            out.append(m)
        return out

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)
