"""The clock the record over time reads: wall time in production, a compressed clock when the lab replays a
year. Receivers, pollers and stores take their "now" from here (never `datetime.now()` directly), so a
replayed year lands in the database at the timeline's dates and every figure has a ground truth.

A compressed clock maps elapsed wall time to elapsed model time by a constant factor from an epoch:
`model = epoch + (wall - wall_at_start) * speed`. It is shared by file (EXTRANET_CLOCK_FILE, JSON
`{"epoch": iso, "wall": unix_seconds, "speed": factor}`) so the lab and the product in other processes
read the same time.

A held clock (`held()`, speed 0) reads one instant until it is released: the lab holds model time while a
poll round runs, so every reading of the round is of that instant whatever the machine's load makes the round
last (on a clock compressed 500 000 times, a millisecond of wall time is eight minutes of model time)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Clock:
    """`epoch` is model time at wall second `wall`; `speed` model seconds pass per wall second."""

    epoch: dt.datetime | None = None
    wall: float = 0.0
    speed: float = 1.0

    def now(self) -> dt.datetime:
        if self.epoch is None:
            return dt.datetime.now(dt.UTC)
        return self.epoch + dt.timedelta(seconds=(time.time() - self.wall) * self.speed)

    def model_seconds(self, wall_seconds: float) -> float:
        """How much model time passes in `wall_seconds` of real time."""
        return wall_seconds * (self.speed if self.epoch is not None else 1.0)

    def wall_seconds(self, model_seconds: float) -> float:
        """How long to really wait for `model_seconds` of model time to pass."""
        if self.held:
            raise ValueError("model time does not pass on a held clock")
        return model_seconds / (self.speed if self.epoch is not None else 1.0)

    @property
    def held(self) -> bool:
        return self.epoch is not None and self.speed == 0.0

    @property
    def compressed(self) -> bool:
        return self.epoch is not None and self.speed != 1.0

    def to_json(self) -> str:
        return json.dumps({"epoch": self.epoch.isoformat() if self.epoch else None, "wall": self.wall,
                           "speed": self.speed})

    @classmethod
    def from_json(cls, text: str) -> Clock:
        data = json.loads(text)
        epoch = dt.datetime.fromisoformat(data["epoch"]) if data.get("epoch") else None
        if epoch is not None and epoch.tzinfo is None:
            raise ValueError("clock epoch must carry a time zone")
        return cls(epoch=epoch, wall=float(data.get("wall", 0.0)), speed=float(data.get("speed", 1.0)))


WALL = Clock()
_current: Clock | None = None


def compressed(epoch: dt.datetime, speed: float) -> Clock:
    """A clock that reads `epoch` now and runs `speed` times faster than the wall."""
    if epoch.tzinfo is None:
        raise ValueError("clock epoch must carry a time zone")
    return Clock(epoch=epoch, wall=time.time(), speed=speed)


def held(at: dt.datetime) -> Clock:
    """A clock that reads `at` until it is replaced."""
    if at.tzinfo is None:
        raise ValueError("clock epoch must carry a time zone")
    return Clock(epoch=at, wall=time.time(), speed=0.0)


def current() -> Clock:
    """The process's clock: one set by `use()`, else the file EXTRANET_CLOCK_FILE names, else the wall."""
    if _current is not None:
        return _current
    path = os.environ.get("EXTRANET_CLOCK_FILE")
    if path and Path(path).is_file():
        return Clock.from_json(Path(path).read_text())
    return WALL


def now() -> dt.datetime:
    return current().now()


def use(clock: Clock | None) -> None:
    """Set this process's clock (None: back to the file or the wall)."""
    global _current
    _current = clock


def publish(clock: Clock, path: Path) -> None:
    """Write the clock where other processes (EXTRANET_CLOCK_FILE) read it."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(clock.to_json())
    tmp.replace(path)
