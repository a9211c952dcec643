"""Carriers, rooms, units, devices, interfaces, circuits and links: the network as declared."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import JSON, Field, SQLModel

from . import rules
from .base import Money


class Carrier(SQLModel, table=True):
    __tablename__ = "carrier"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32, description="short ascii code, e.g. unicom")
    name: str = Field(unique=True, max_length=100, description="e.g. 中国联通")
    role: str = Field(max_length=16, description="primary | backup")
    contact: str | None = Field(default=None, max_length=200)

    _codes = rules.codes("code")
    _names = rules.identifiers("name")


class Room(SQLModel, table=True):
    """A backbone node room (骨干节点机房)."""

    __tablename__ = "room"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(unique=True, max_length=100)
    name_en: str | None = Field(default=None, max_length=100)
    is_core: bool = Field(default=False)
    address: str | None = Field(default=None, max_length=200)
    mlps_level: int = Field(default=3, description="等保 level the room is rated at")

    _codes = rules.codes("code")
    _names = rules.identifiers("name", "name_en")


class Unit(SQLModel, table=True):
    """A connected government unit (接入单位)."""

    __tablename__ = "unit"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    code: str = Field(unique=True, max_length=32)
    kind: str = Field(max_length=32, description="party | congress | government | ...")
    group: str = Field(default="", max_length=64, description="grouping for reports, e.g. 市直部门")
    declared_terminals: int = Field(default=0, ge=0)
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=200)

    _codes = rules.codes("code")
    _names = rules.identifiers("name")


class Device(SQLModel, table=True):
    __tablename__ = "device"

    id: int | None = Field(default=None, primary_key=True)
    hostname: str = Field(unique=True, max_length=64)
    platform: str = Field(max_length=32, description="netmiko device_type, e.g. huawei_vrp")
    vendor: str = Field(max_length=32)
    model: str = Field(default="", max_length=64)
    serial: str = Field(default="", max_length=64)
    os_version: str = Field(default="", max_length=128)
    role: str = Field(max_length=32)
    room_id: int | None = Field(default=None, foreign_key="room.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    mgmt_address: str = Field(unique=True, max_length=64)
    mgmt_port: int = Field(default=22)
    zone: str = Field(default="default", max_length=32, description="management zone (collection queue)")
    encoding: str = Field(default="utf-8", max_length=16)
    legacy_crypto: bool = Field(default=False, description="only SHA-1 kex / ssh-rsa host keys")
    declared_terminals: int = Field(default=0, ge=0, description="terminals behind this access device")
    enabled: bool = Field(default=True)
    chassis_id: str | None = Field(default=None, max_length=64,
                                   description="LLDP chassis id its neighbours announce for it (inventory.links)")

    _codes = rules.codes("hostname")


class Interface(SQLModel, table=True):
    __tablename__ = "interface"
    __table_args__ = (UniqueConstraint("device_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    name: str = Field(max_length=64, description="canonical (long) name")
    description: str = Field(default="", max_length=240)
    ip_address: str | None = Field(default=None, max_length=64)
    prefix_length: int | None = Field(default=None, ge=0, le=128, description="0–32 for IPv4, 0–128 for IPv6")
    speed_mbps: int | None = Field(default=None)
    enabled: bool = Field(default=True)
    oper_up: bool | None = Field(default=None)
    mac: str | None = Field(default=None, max_length=32)
    vrf: str | None = Field(default=None, max_length=64, description="VPN instance / VRF, None = global")
    source: str = Field(default="declared", max_length=16,
                        description="declared (the inventory document) | observed (a device's config or screens)")

    _names = rules.identifiers("name")
    _prefix = rules.prefix_checked()


class Circuit(SQLModel, table=True):
    """A carrier circuit (or own fibre, role internal). Each end terminates at a room, a unit or an
    external network (the provincial extranet), optionally on a device interface."""

    __tablename__ = "circuit"

    id: int | None = Field(default=None, primary_key=True)
    cid: str = Field(unique=True, min_length=1, max_length=64, description="carrier's circuit id")
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id", index=True)
    role: str = Field(max_length=16)
    status: str = Field(default="active", max_length=16)
    bandwidth_mbps: int = Field(default=0, ge=0)
    a_room_id: int | None = Field(default=None, foreign_key="room.id")
    a_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    a_external: str | None = Field(default=None, max_length=100)
    a_interface_id: int | None = Field(default=None, foreign_key="interface.id")
    z_room_id: int | None = Field(default=None, foreign_key="room.id")
    z_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    z_external: str | None = Field(default=None, max_length=100)
    z_interface_id: int | None = Field(default=None, foreign_key="interface.id")
    cost: Decimal | None = Field(default=None, sa_column=Column(Money()), description="万元 per billing period")
    billing_period: str = Field(default="annual", max_length=16)
    srlg: str | None = Field(default=None, max_length=64, description="shared-risk group, e.g. duct name")
    install_date: dt.date | None = None
    end_date: dt.date | None = None
    contract_id: int | None = Field(default=None, foreign_key="contract.id")
    description: str = Field(default="", max_length=240)

    _codes = rules.codes("cid")
    _ends = rules.distinct_interface_ends()


class Link(SQLModel, table=True):
    """A layer-2/3 adjacency between two interfaces, with how it is known. One row per source, so a
    link seen by LLDP and declared as a circuit has two rows; reconciliation compares them."""

    __tablename__ = "link"
    __table_args__ = (UniqueConstraint("a_interface_id", "z_interface_id", "source"),)

    id: int | None = Field(default=None, primary_key=True)
    a_interface_id: int = Field(foreign_key="interface.id", index=True)
    z_interface_id: int = Field(foreign_key="interface.id", index=True)
    source: str = Field(max_length=16, description="lldp | cdp | subnet | declared | manual")
    circuit_id: int | None = Field(default=None, foreign_key="circuit.id", index=True)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    # what made the link, latest sighting: {"subnet": "10.0.0.0/30", "vrf": null} or
    # {"protocol": "lldp", "matched_by": "chassis_id", "remote": "...", "remote_port": "..."}
    evidence: dict | None = Field(default=None, sa_column=Column(JSON))

    _ends = rules.distinct_interface_ends()


class InterfaceAddress(SQLModel, table=True):
    """Every address an interface holds (IPv4 and IPv6, primary and secondary), as a device reports it.
    ``Interface.ip_address`` stays the declared primary IPv4; this is what was seen."""

    __tablename__ = "interface_address"
    __table_args__ = (UniqueConstraint("interface_id", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    interface_id: int = Field(foreign_key="interface.id", index=True)
    address: str = Field(max_length=64, description="the address without prefix")
    prefix_length: int = Field(ge=0, le=128)
    family: int = Field(description="4 | 6")
    secondary: bool = Field(default=False)
    source: str = Field(default="config", max_length=16, description="config | state")
    last_seen: dt.datetime | None = None
