"""Facts collected from devices: configs, raw outputs, counters, log events, terminal counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import JSON, Field, SQLModel

from .base import utcnow


class CollectionRun(SQLModel, table=True):
    __tablename__ = "collection_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
    status: str = Field(default="running", max_length=16)
    trigger: str = Field(default="cli", max_length=32, description="cli | api | schedule | demo | import")
    requested_by: str = Field(default="system", max_length=64)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON))
    total: int = Field(default=0)


class DeviceResult(SQLModel, table=True):
    __tablename__ = "device_result"
    __table_args__ = (UniqueConstraint("run_id", "device_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="collection_run.id", index=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    status: str = Field(max_length=16, description="ok | partial | failed | skipped")
    error_code: str | None = Field(default=None, max_length=32)
    error_message: str | None = Field(default=None, max_length=500)
    started_at: dt.datetime = Field(default_factory=utcnow)
    duration_ms: int = Field(default=0)
    attempts: int = Field(default=1)
    config_changed: bool = Field(default=False)
    snapshot_id: int | None = Field(default=None, foreign_key="config_snapshot.id")
    worker: str | None = Field(default=None, max_length=64, description="host/pid/zone of the collector")
    # The /30-/31 subnets this device reported ([[net, interface_id], ...]): run finalisation pairs them
    # into subnet links from the database, so it works the same when other processes collected the peers.
    subnets: list | None = Field(default=None, sa_column=Column(JSON))
    # What was collected but could not be used, one entry per command or capture: {command, code,
    # template, line, message}. A warning costs that one fact; the config and every other fact are stored.
    warnings: list | None = Field(default=None, sa_column=Column(JSON))


class ConfigSnapshot(SQLModel, table=True):
    """A running config as collected, scrubbed of volatile lines. Secrets stay in `text`; every read
    path but the admin raw view goes through redaction."""

    __tablename__ = "config_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    collected_at: dt.datetime = Field(default_factory=utcnow, index=True)
    sha256: str = Field(max_length=64, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    previous_id: int | None = Field(default=None, foreign_key="config_snapshot.id")
    run_id: int | None = Field(default=None, foreign_key="collection_run.id")
    source: str = Field(default="ssh", max_length=16, description="ssh | import")


class CommandOutput(SQLModel, table=True):
    """Raw text of one command on one device in one run: the evidence parsers read from."""

    __tablename__ = "command_output"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="collection_run.id", index=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    command: str = Field(max_length=128)
    collected_at: dt.datetime = Field(default_factory=utcnow)
    output: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)


class CounterSample(SQLModel, table=True):
    __tablename__ = "counter_sample"

    id: int | None = Field(default=None, primary_key=True)
    interface_id: int = Field(foreign_key="interface.id", index=True)
    sampled_at: dt.datetime = Field(default_factory=utcnow, index=True)
    # Interface counters are 64-bit on every platform we collect; INTEGER would overflow on PostgreSQL.
    in_octets: int = Field(default=0, sa_type=BigInteger)
    out_octets: int = Field(default=0, sa_type=BigInteger)
    in_errors: int = Field(default=0, sa_type=BigInteger)
    out_errors: int = Field(default=0, sa_type=BigInteger)
    run_id: int | None = Field(default=None, foreign_key="collection_run.id")
    # A counter lower than in the interface's previous sample: cleared (reset counters) or wrapped. The
    # values are stored as read; whoever differences samples must not subtract across a reset sample.
    reset: bool = Field(default=False)


class LinkEvent(SQLModel, table=True):
    """A link state change seen in a device's log buffer."""

    __tablename__ = "link_event"
    __table_args__ = (UniqueConstraint("device_id", "interface_name", "occurred_at", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    interface_id: int | None = Field(default=None, foreign_key="interface.id", index=True)
    interface_name: str = Field(max_length=64)
    occurred_at: dt.datetime = Field(index=True)
    state: str = Field(max_length=8, description="up | down")
    message: str = Field(default="", max_length=500)
    run_id: int | None = Field(default=None, foreign_key="collection_run.id")


class TerminalCount(SQLModel, table=True):
    """Terminals seen behind an access device (MAC table on access ports, ARP for addresses)."""

    __tablename__ = "terminal_count"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    counted_at: dt.datetime = Field(default_factory=utcnow)
    mac_count: int = Field(default=0)
    arp_count: int = Field(default=0)
    run_id: int | None = Field(default=None, foreign_key="collection_run.id")


class Alert(SQLModel, table=True):
    """Something a person should look at: a config changed, a device stopped answering."""

    __tablename__ = "alert"

    id: int | None = Field(default=None, primary_key=True)
    raised_at: dt.datetime = Field(default_factory=utcnow, index=True)
    kind: str = Field(max_length=32, description="config_changed | unreachable | ...")
    device_id: int | None = Field(default=None, foreign_key="device.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="collection_run.id")
    message: str = Field(default="", max_length=500)
    acknowledged_by: str | None = Field(default=None, max_length=64)
    acknowledged_at: dt.datetime | None = None


class RejectedCapture(SQLModel, table=True):
    """A config that arrived but must not become the device's current one: empty, cut off before its
    terminator, masked (an evidence export's ``******``), or implausibly large. The raw text stays in
    ``command_output``; the previous snapshot stays current."""

    __tablename__ = "rejected_capture"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="collection_run.id", index=True)
    command_output_id: int | None = Field(default=None, foreign_key="command_output.id")
    command: str = Field(max_length=128)
    reason: str = Field(max_length=16, description="empty | truncated | masked | too_large | binary")
    detail: str = Field(default="", max_length=500)
    size: int = Field(default=0, sa_type=BigInteger, description="bytes received")
    sha256: str = Field(default="", max_length=64)
    source: str = Field(default="ssh", max_length=16, description="ssh | import")
    rejected_at: dt.datetime = Field(default_factory=utcnow)


class RoutingFact(SQLModel, table=True):
    """Routing as configured on a device (static routes, BGP peers, OSPF areas/interfaces), read from its
    latest accepted config; replaced as a whole each time a config is ingested."""

    __tablename__ = "routing_fact"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    kind: str = Field(max_length=16, description="static | bgp | ospf")
    vrf: str | None = Field(default=None, max_length=64)
    prefix: str | None = Field(default=None, max_length=64, description="static: destination; ospf: network")
    next_hop: str | None = Field(default=None, max_length=64)
    interface: str | None = Field(default=None, max_length=64)
    peer: str | None = Field(default=None, max_length=64, description="bgp: neighbour address")
    local_as: str | None = Field(default=None, max_length=16)
    remote_as: str | None = Field(default=None, max_length=16)
    area: str | None = Field(default=None, max_length=32)
    process: str | None = Field(default=None, max_length=32)
    snapshot_id: int | None = Field(default=None, foreign_key="config_snapshot.id")
