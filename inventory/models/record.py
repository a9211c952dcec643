"""The record over time: what syslog, SNMP and probes said, kept for the year the bureau asks about.

Snapshots (evidence.py) answer "what is the network now"; these tables answer "what happened". Raw rows
(messages, samples, probe results) are kept for a configurable number of days; rollups and state intervals
are kept for years. Time that no source covers is unmeasured, never up."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, Integer, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from .base import utcnow

# The sources of link-state evidence, strongest first: a probe measures reachability end to end, SNMP
# reads the interface's state, syslog reports a change, the log buffer is what survived on the device.
EVIDENCE_SOURCES = ("probe", "snmp", "syslog", "log_buffer")


class SyslogMessage(SQLModel, table=True):
    """One received syslog message, raw line kept whatever became of it (parsed, unattributed, bad)."""

    __tablename__ = "syslog_message"
    __table_args__ = (Index("ix_syslog_message_device_time", "device_id", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    received_at: dt.datetime = Field(default_factory=utcnow, index=True)
    # When the device says it happened (its header's timestamp), else when it arrived.
    occurred_at: dt.datetime = Field(default_factory=utcnow)
    source_addr: str = Field(default="", max_length=64, description="sender's address as seen on the socket")
    transport: str = Field(default="udp", max_length=8, description="udp | tcp | spool")
    device_id: int | None = Field(default=None, foreign_key="device.id")
    hostname: str | None = Field(default=None, max_length=128, description="as the header names it")
    facility: int | None = Field(default=None)
    severity: int | None = Field(default=None)
    # The vendor's own tag: Huawei/H3C `IFNET/4/LINK_STATE`, Cisco `LINK-3-UPDOWN`.
    tag: str | None = Field(default=None, max_length=96)
    kind: str = Field(default="other", max_length=24, index=True,
                      description="link | config_change | probe | bfd | track | other | unparsed")
    interface_name: str | None = Field(default=None, max_length=64, description="canonical (long) name")
    state: str | None = Field(default=None, max_length=8, description="up | down, for link/probe/bfd/track")
    # Identical messages from one sender within the dedup window are one row with a count.
    repeats: int = Field(default=1)
    error: str | None = Field(default=None, max_length=200, description="why the line was not understood")
    # The profile whose layout matched, and the sender's own message number (a gap in it is a lost message).
    platform: str | None = Field(default=None, max_length=32)
    sequence: int | None = Field(default=None, sa_type=BigInteger)
    raw: str = Field(sa_column=Column(Text, nullable=False))


class InterfaceSample(SQLModel, table=True):
    """One SNMP reading of an interface: 64-bit octet counters, state, speed and the agent's uptime."""

    __tablename__ = "interface_sample"
    __table_args__ = (Index("ix_interface_sample_if_time", "interface_id", "sampled_at"),)

    # 64-bit: a province polled every minute passes 2^31 rows in a few years. SQLite keeps INTEGER, the only
    # type its rowid (autoincrement) accepts. On PostgreSQL the table is partitioned by month
    # (inventory/partitions.py) and its primary key is (id, sampled_at).
    id: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"),
                                                          primary_key=True))
    interface_id: int = Field(foreign_key="interface.id")
    sampled_at: dt.datetime = Field(default_factory=utcnow, index=True)
    in_octets: int = Field(default=0, sa_type=BigInteger)
    out_octets: int = Field(default=0, sa_type=BigInteger)
    oper_up: bool | None = Field(default=None)
    speed_mbps: int | None = Field(default=None)
    uptime_cs: int | None = Field(default=None, sa_type=BigInteger, description="sysUpTime, hundredths of s")
    # Bytes since the previous sample of this interface, None when it cannot be known (first sample, a
    # reboot or counter discontinuity): a delta is never invented across one.
    in_delta: int | None = Field(default=None, sa_type=BigInteger)
    out_delta: int | None = Field(default=None, sa_type=BigInteger)
    discontinuity: str | None = Field(default=None, max_length=16, description="reboot | reset | wrap")
    # The device did not answer a poll after this sample: the span to the next sample was not measured,
    # however short it is (its bytes still count: the counters ran on).
    missed_after: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class InterfaceRollup(SQLModel, table=True):
    """An hour or a day of one interface: bytes carried, peaks and how much of it was measured."""

    __tablename__ = "interface_rollup"
    __table_args__ = (UniqueConstraint("interface_id", "period", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    interface_id: int = Field(foreign_key="interface.id", index=True)
    period: str = Field(max_length=8, description="hour | day")
    start: dt.datetime = Field(index=True)
    in_bytes: int = Field(default=0, sa_type=BigInteger)
    out_bytes: int = Field(default=0, sa_type=BigInteger)
    peak_in_bps: int = Field(default=0, sa_type=BigInteger)
    peak_out_bps: int = Field(default=0, sa_type=BigInteger)
    samples: int = Field(default=0)
    measured_s: int = Field(default=0, description="seconds of the period covered by consecutive samples")
    up_s: int = Field(default=0)
    down_s: int = Field(default=0)


class LinkStateInterval(SQLModel, table=True):
    """A stretch of time one interface (and so its circuit) was up or down, by one source of evidence.
    `ended_at` None: still so. Sources never overwrite each other; the SLA ledger chooses."""

    __tablename__ = "link_state_interval"
    # (source, ended_at): the syslog store and the SNMP poller each find their open intervals by it.
    __table_args__ = (Index("ix_link_state_interval_if_start", "interface_id", "started_at"),
                      Index("ix_link_state_interval_source_end", "source", "ended_at"))

    id: int | None = Field(default=None, primary_key=True)
    interface_id: int = Field(foreign_key="interface.id")
    circuit_id: int | None = Field(default=None, foreign_key="circuit.id", index=True)
    state: str = Field(max_length=8, description="up | down")
    started_at: dt.datetime
    ended_at: dt.datetime | None = Field(default=None)
    source: str = Field(max_length=16, description=" > ".join(EVIDENCE_SOURCES))
    # The message or sample that opened it (a syslog id, a sample id, a probe result id).
    opened_by: str | None = Field(default=None, max_length=64)
    # SNMP only: the previous sample's time, the earliest the change could have happened. Kept here because
    # the raw samples expire and the ledger from rollups must still know the span of uncertainty.
    changed_after: dt.datetime | None = Field(default=None)


class ConfigChangeEvent(SQLModel, table=True):
    """A device said its config changed (syslog) or a collection found a new config."""

    __tablename__ = "config_change_event"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    occurred_at: dt.datetime = Field(default_factory=utcnow, index=True)
    source: str = Field(default="syslog", max_length=16, description="syslog | collection")
    user: str | None = Field(default=None, max_length=64, description="who, as the device reports it")
    message_id: int | None = Field(default=None, foreign_key="syslog_message.id")
    # The collection the change queued (debounced) and the snapshot it produced.
    run_id: int | None = Field(default=None, foreign_key="collection_run.id")
    snapshot_id: int | None = Field(default=None, foreign_key="config_snapshot.id")
    # When a trigger claimed it for a collection (workers/triggers.py); None: not yet.
    queued_at: dt.datetime | None = Field(default=None, index=True)


class ProbeResult(SQLModel, table=True):
    """One result of a device's own probe (Huawei/H3C NQA, Cisco IP SLA), over SSH or from syslog."""

    __tablename__ = "probe_result"
    __table_args__ = (UniqueConstraint("device_id", "test", "measured_at"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    # NQA "admin-name test-name", IP SLA operation number.
    test: str = Field(max_length=96)
    target: str | None = Field(default=None, max_length=64)
    circuit_id: int | None = Field(default=None, foreign_key="circuit.id", index=True)
    measured_at: dt.datetime = Field(index=True)
    ok: bool | None = Field(default=None, description="the probe reached its target")
    sent: int | None = Field(default=None)
    received: int | None = Field(default=None)
    rtt_min_ms: float | None = Field(default=None)
    rtt_avg_ms: float | None = Field(default=None)
    rtt_max_ms: float | None = Field(default=None)
    source: str = Field(default="ssh", max_length=16, description="ssh | syslog")


class PlannedMaintenance(SQLModel, table=True):
    """A maintenance window announced beforehand (a carrier's notice, the bureau's own change window): down
    time inside it is maintenance in the SLA ledger, not an outage. One circuit, or every circuit of one
    carrier (neither: every circuit)."""

    __tablename__ = "planned_maintenance"

    id: int | None = Field(default=None, primary_key=True)
    circuit_id: int | None = Field(default=None, foreign_key="circuit.id", index=True)
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id", index=True)
    starts_at: dt.datetime = Field(index=True)
    ends_at: dt.datetime
    note: str = Field(default="", max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: str | None = Field(default=None, max_length=64)
