"""Age the record: raw samples older than EXTRANET_RAW_DAYS (default 30) are deleted once their hours are
rolled up; rollups older than EXTRANET_ROLLUP_YEARS (default 5) go too. Link-state intervals are kept."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from collectors import clock

from ..db import session_scope
from ..errors import ExtranetError
from ..models import InterfaceRollup, InterfaceSample
from .rollup import floor_day, floor_hour, rollup
from .samples import aware

RAW_DAYS = 30
ROLLUP_YEARS = 5


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ExtranetError(f"{name}={raw!r}: expected a whole number of at least 1", code="config")
    return value


@dataclass
class RetentionReport:
    samples_deleted: int = 0
    rollups_deleted: int = 0
    cutoff: dt.datetime | None = None


def apply_retention(engine: Engine, raw_days: int | None = None, rollup_years: int | None = None,
                    now: dt.datetime | None = None) -> RetentionReport:
    raw_days = raw_days or _setting("EXTRANET_RAW_DAYS", RAW_DAYS)
    rollup_years = rollup_years or _setting("EXTRANET_ROLLUP_YEARS", ROLLUP_YEARS)
    now = now or clock.now()
    # whole hours only: the hour holding the cutoff keeps its samples until it is entirely past
    cutoff = floor_hour(now - dt.timedelta(days=raw_days))
    rep = RetentionReport(cutoff=cutoff)
    with session_scope(engine) as s:
        oldest = s.exec(select(func.min(InterfaceSample.sampled_at))).one()
    if oldest is not None and aware(oldest) < cutoff:
        rollup(engine, oldest, cutoff)  # the rollups exist before their samples go
        with session_scope(engine) as s:
            res = s.exec(delete(InterfaceSample).where(col(InterfaceSample.sampled_at) < cutoff))  # type: ignore[call-overload]
            rep.samples_deleted = res.rowcount or 0
    keep_from = floor_day(now - dt.timedelta(days=365 * rollup_years + rollup_years // 4))
    with session_scope(engine) as s:
        res = s.exec(delete(InterfaceRollup).where(col(InterfaceRollup.start) < keep_from))  # type: ignore[call-overload]
        rep.rollups_deleted = res.rowcount or 0
    return rep
