"""Shared column types and helpers for every inventory table."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

from collectors.platforms import names as platform_names

# 1 万元 = 10,000 yuan = 1,000,000 fen. Stored as integer fen so sums are exact on every backend
# (SQLite has no decimal type and would round through floats).
FEN_PER_WAN = Decimal(1_000_000)
MONEY_QUANTUM = Decimal("0.000001")


def wan(value: Any) -> Decimal:
    """Coerce to a Decimal amount in 万元, at fen precision."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


class Money(TypeDecorator[Decimal]):
    """A Decimal amount in 万元, stored as integer fen."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int(wan(value) * FEN_PER_WAN)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / FEN_PER_WAN).quantize(MONEY_QUANTUM)


# Beijing time, the zone people in the bureau read and write; the database keeps UTC.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")


def utcnow() -> dt.datetime:
    """Aware UTC: every timestamp is stored as UTC and shown in China time."""
    return dt.datetime.now(dt.UTC)


def as_aware(value: dt.datetime) -> dt.datetime:
    """Naive times in files and forms are China time."""
    return value.replace(tzinfo=CHINA_TZ) if value.utcoffset() is None else value


class CarrierRole(StrEnum):
    PRIMARY = "primary"
    BACKUP = "backup"


class CircuitRole(StrEnum):
    PRIMARY = "primary"  # a unit's or room's main access over the primary carrier
    BACKUP = "backup"  # a second path meant to carry traffic when the primary fails
    UPLINK = "uplink"  # core to the provincial extranet
    INTERNAL = "internal"  # own fibre or patch inside a room or unit, no carrier


class CircuitStatus(StrEnum):
    ACTIVE = "active"
    PLANNED = "planned"
    DECOMMISSIONED = "decommissioned"


class BillingPeriod(StrEnum):
    MONTHLY = "monthly"
    ANNUAL = "annual"


class LinkSource(StrEnum):
    LLDP = "lldp"
    CDP = "cdp"
    SUBNET = "subnet"
    DECLARED = "declared"
    MANUAL = "manual"


class DeviceRole(StrEnum):
    CORE = "core"
    AGGREGATION = "aggregation"
    ACCESS_ROUTER = "access-router"
    ACCESS_SWITCH = "access-switch"
    FIREWALL = "firewall"


# netmiko device_type names, one per collector profile (collectors.platforms is the one list). Never
# `huawei` or `h3c_comware`: ntc-templates lookups miss them.
Platform = StrEnum("Platform", {name.upper(): name for name in platform_names()}, module=__name__)


class UnitKind(StrEnum):
    PARTY = "party"  # 党委
    CONGRESS = "congress"  # 人大
    GOVERNMENT = "government"  # 政府
    CPPCC = "cppcc"  # 政协
    SUPERVISION = "supervision"  # 监委 / 纪委
    COURT = "court"  # 法院
    PROCURATORATE = "procuratorate"  # 检察院
    ORGANISATION = "organisation"  # 人民团体


UNIT_KIND_ZH: dict[str, str] = {
    UnitKind.PARTY: "党委",
    UnitKind.CONGRESS: "人大",
    UnitKind.GOVERNMENT: "政府",
    UnitKind.CPPCC: "政协",
    UnitKind.SUPERVISION: "监察委",
    UnitKind.COURT: "法院",
    UnitKind.PROCURATORATE: "检察院",
    UnitKind.ORGANISATION: "人民团体",
}


class ApprovalState(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"  # the evaluation found vouchers without the full approval chain
    PENDING = "pending"


class IncidentCategory(StrEnum):
    ACCESS_QUALITY = "access_quality"  # 网络接入服务质量
    SECURITY = "security"  # 网络安全事故
    OPERATIONS = "operations"  # 网络运维事故


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ResultStatus(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # collected and stored, but at least one command's output could not be parsed
    FAILED = "failed"
    SKIPPED = "skipped"


def enum_values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
