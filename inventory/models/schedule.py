"""Scheduled collection: which devices, how often, when it last fired."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from .base import utcnow


class Schedule(SQLModel, table=True):
    """Collect a zone, or a room / unit / device (`only`), every `interval_minutes`. A scheduler
    claims a due schedule with a conditional update of `last_fired_at`, so several schedulers
    (Celery beat ticks, in-process loops) never start the same run twice."""

    __tablename__ = "schedule"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    zone: str | None = Field(default=None, max_length=32, description="management zone; none = every zone")
    only: str | None = Field(default=None, max_length=100, description="a room code, a unit code/name or a hostname")
    interval_minutes: int = Field(default=60, ge=1)
    enabled: bool = Field(default=True)
    lab: bool = Field(default=False, description="collect from the running SSH lab")
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=64)
    last_fired_at: dt.datetime | None = None
    last_run_id: int | None = Field(default=None, foreign_key="collection_run.id")
