"""The audit trail and the planners' saved artefacts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import JSON, Field, SQLModel

from .base import utcnow


class ChangeLog(SQLModel, table=True):
    """One row per created, updated or deleted inventory object. Written by the session hook in
    inventory.changes, never by callers, so no code path can change the inventory unrecorded."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=16, description="create | update | delete")
    object_type: str = Field(max_length=32, index=True)
    object_id: int | None = Field(default=None, index=True)
    object_repr: str = Field(default="", max_length=200)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    request_id: str | None = Field(default=None, max_length=64)
    remote_addr: str | None = Field(default=None, max_length=64)


class Scenario(SQLModel, table=True):
    """A named failure scenario a planner saved, re-runnable against later inventories."""

    __tablename__ = "scenario"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    description: str = Field(default="", max_length=500)
    spec: dict = Field(default_factory=dict, sa_column=Column(JSON))
    created_by: str = Field(default="system", max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)


class MapPosition(SQLModel, table=True):
    """A node position an engineer dragged on the map, per zoom level; overrides the computed one."""

    __tablename__ = "map_position"

    id: int | None = Field(default=None, primary_key=True)
    level: str = Field(max_length=16, description="rooms | units | devices")
    node_key: str = Field(max_length=100, description="e.g. room:CORE, unit:U001, device:CORE-R1")
    x: float
    y: float
    saved_by: str = Field(default="system", max_length=64)
    saved_at: dt.datetime = Field(default_factory=utcnow)
