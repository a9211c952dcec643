"""The import/export document: one schema per section, strict, with the expected values spelled out
so that a validation error can tell a person what to write instead."""

from __future__ import annotations

import datetime as dt
import ipaddress
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .models import rules
from .models.base import (
    ApprovalState,
    BillingPeriod,
    CarrierRole,
    CircuitRole,
    CircuitStatus,
    DeviceRole,
    IncidentCategory,
    LinkSource,
    Platform,
    UnitKind,
    as_aware,
)

# Section name -> (schema, natural key fields). Order is load order: references point backwards.
DOCUMENT_VERSION = 1

Name = Annotated[str, Field(min_length=1, max_length=100)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: object) -> object:
        # Control characters break XLSX exports and terminals downstream; refuse them at the door.
        if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\t\n" for ch in value):
            raise ValueError(f"expected printable text, got a control character in {value!r}")
        return value


class CarrierRow(_Row):
    code: Annotated[str, Field(min_length=1, max_length=32)]
    name: Name
    role: CarrierRole
    contact: str | None = None

    _codes = rules.codes("code")
    _names = rules.identifiers("name")


class RoomRow(_Row):
    code: Annotated[str, Field(min_length=1, max_length=32)]
    name: Name
    name_en: str | None = None
    is_core: bool = False
    address: str | None = None
    mlps_level: Annotated[int, Field(ge=1, le=5)] = 3

    _codes = rules.codes("code")
    _names = rules.identifiers("name", "name_en")


class UnitRow(_Row):
    code: Annotated[str, Field(min_length=1, max_length=32)]
    name: Name
    kind: UnitKind
    group: str = ""
    declared_terminals: Annotated[int, Field(ge=0)] = 0
    contact_name: str | None = None
    contact_phone: str | None = None
    address: str | None = None

    _codes = rules.codes("code")
    _names = rules.identifiers("name")


class InterfaceRow(_Row):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    description: str = ""
    ip: str | None = Field(default=None, description="address/prefix, e.g. 10.250.0.1/30")
    speed_mbps: Annotated[int, Field(ge=0)] | None = None
    enabled: bool = True

    _names = rules.identifiers("name")

    @field_validator("ip")
    @classmethod
    def _ip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ipaddress.ip_interface(value)
        except ValueError:
            raise ValueError(f"expected an address with prefix like 10.250.0.1/30, got {value!r}") from None
        if "/" not in value:
            raise ValueError(f"expected an address with prefix like 10.250.0.1/30, got {value!r}")
        return value


class DeviceRow(_Row):
    hostname: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    platform: Platform
    vendor: str
    model: str = ""
    serial: str = ""
    os_version: str = ""
    role: DeviceRole
    room: str | None = None
    unit: str | None = None
    mgmt_address: str
    mgmt_port: Annotated[int, Field(ge=1, le=65535)] = 22
    zone: str = "default"
    encoding: Literal["utf-8", "gbk", "gb18030"] = "utf-8"
    legacy_crypto: bool = False
    declared_terminals: Annotated[int, Field(ge=0)] = 0
    enabled: bool = True
    interfaces: list[InterfaceRow] = []

    _codes = rules.codes("hostname")
    _refs = rules.identifiers("room", "unit")

    @field_validator("mgmt_address")
    @classmethod
    def _mgmt(cls, value: str) -> str:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"expected an IPv4 or IPv6 address, got {value!r}") from None
        return value

    @model_validator(mode="after")
    def _placed(self) -> DeviceRow:
        if (self.room is None) == (self.unit is None):
            raise ValueError("expected exactly one of 'room' or 'unit'")
        return self


class EndRow(_Row):
    room: str | None = None
    unit: str | None = None
    external: str | None = None
    device: str | None = None
    interface: str | None = None

    _refs = rules.identifiers("room", "unit", "device", "interface")

    @model_validator(mode="after")
    def _one_site(self) -> EndRow:
        if sum(x is not None for x in (self.room, self.unit, self.external)) != 1:
            raise ValueError("expected exactly one of 'room', 'unit' or 'external'")
        if self.interface is not None and self.device is None:
            raise ValueError("'interface' needs 'device'")
        return self


class CircuitRow(_Row):
    cid: Annotated[str, Field(min_length=1, max_length=64)]
    carrier: str | None = None
    role: CircuitRole
    status: CircuitStatus = CircuitStatus.ACTIVE
    bandwidth_mbps: Annotated[int, Field(ge=0)] = 0
    a: EndRow
    z: EndRow
    cost: Decimal | None = Field(default=None, ge=0, description="万元 per billing period")
    billing_period: BillingPeriod = BillingPeriod.ANNUAL
    srlg: str | None = None
    install_date: dt.date | None = None
    end_date: dt.date | None = None
    contract: str | None = None
    description: str = ""

    _codes = rules.codes("cid")

    @field_validator("z")
    @classmethod
    def _distinct(cls, z: EndRow, info: ValidationInfo) -> EndRow:
        return _distinct_ends(info.data.get("a"), z)

    @model_validator(mode="after")
    def _carrier(self) -> CircuitRow:
        if self.role == CircuitRole.INTERNAL and self.carrier is not None:
            raise ValueError("an internal circuit has no carrier; remove 'carrier' or change 'role'")
        if self.role != CircuitRole.INTERNAL and self.carrier is None:
            raise ValueError(f"a {self.role.value} circuit needs 'carrier'")
        return self


class LinkEndRow(_Row):
    device: str
    interface: str

    _refs = rules.identifiers("device", "interface")


_End = TypeVar("_End", EndRow, LinkEndRow)


def _distinct_ends(a: _End | None, z: _End) -> _End:
    """The document names interfaces by device and name; the same pair at both ends is a self-loop
    (rules.distinct_ends says the same of stored ids)."""
    if a is not None and a.device is not None and a.interface is not None \
            and (a.device, a.interface) == (z.device, z.interface):
        raise ValueError(f"the Z end is the A end's interface ({z.device} {z.interface}); a circuit or link "
                         "joins two different interfaces")
    return z


class LinkRow(_Row):
    a: LinkEndRow
    z: LinkEndRow
    source: LinkSource = LinkSource.MANUAL
    circuit: str | None = None

    @field_validator("z")
    @classmethod
    def _distinct(cls, z: LinkEndRow, info: ValidationInfo) -> LinkEndRow:
        return _distinct_ends(info.data.get("a"), z)


class ContractRow(_Row):
    code: Annotated[str, Field(min_length=1, max_length=64)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    carrier: str
    kind: Literal["contract", "arrangement"] = "contract"
    signed_on: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    total: Decimal | None = Field(default=None, ge=0)
    annual_fee: Decimal | None = Field(default=None, ge=0)
    procurement: str = ""
    tender_engaged_on: dt.date | None = None
    bids_opened_on: dt.date | None = None
    payment_terms: str = ""
    assessment_scheme: str = ""
    states_quantities: bool = False
    states_unit_prices: bool = False
    carries_on_after_expiry: bool = False
    notes: str = ""

    _codes = rules.codes("code")
    _names = rules.identifiers("name")


class BudgetLineRow(_Row):
    year: Annotated[int, Field(ge=2000, le=2100)]
    line: Annotated[str, Field(min_length=1, max_length=120)]
    carrier: str | None = None
    is_total: bool = False
    before_adjustment: Decimal
    after_adjustment: Decimal
    actual: Decimal
    note: str = ""

    _names = rules.identifiers("line")


class BudgetRef(_Row):
    year: int
    line: str


class PaymentRow(_Row):
    voucher: Annotated[str, Field(min_length=1, max_length=64)]
    carrier: str
    contract: str | None = None
    budget_line: BudgetRef | None = None
    amount: Decimal = Field(gt=0)
    paid_on: dt.date
    service_start: dt.date
    service_end: dt.date
    approval_state: ApprovalState = ApprovalState.COMPLETE
    description: str = ""

    _codes = rules.codes("voucher")

    @field_validator("paid_on", "service_start", "service_end")
    @classmethod
    def _plausible(cls, value: dt.date) -> dt.date:
        if not 2000 <= value.year <= 2100:
            raise ValueError(f"expected a date between 2000 and 2100, got {value.isoformat()}")
        return value

    @model_validator(mode="after")
    def _period(self) -> PaymentRow:
        if self.service_end < self.service_start:
            raise ValueError("'service_end' is before 'service_start'")
        return self


class IncidentRow(_Row):
    carrier: str
    circuit: str | None = None
    category: IncidentCategory
    severity: Literal["minor", "major", "critical"] = "minor"
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    description: str = ""
    points_deducted: Decimal | None = Field(default=None, ge=0)

    @field_validator("started_at", "ended_at")
    @classmethod
    def _zone(cls, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else as_aware(value)

    @model_validator(mode="after")
    def _order(self) -> IncidentRow:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("'ended_at' is before 'started_at'")
        return self


SECTIONS: dict[str, type[_Row]] = {
    "carriers": CarrierRow,
    "rooms": RoomRow,
    "units": UnitRow,
    "contracts": ContractRow,
    "devices": DeviceRow,
    "circuits": CircuitRow,
    "links": LinkRow,
    "budget_lines": BudgetLineRow,
    "payments": PaymentRow,
    "incidents": IncidentRow,
}

# Which file each section goes to when a document is exported as a folder.
SECTION_FILES: dict[str, str] = {
    "carriers": "network.yaml",
    "rooms": "network.yaml",
    "units": "units.yaml",
    "devices": "devices.yaml",
    "circuits": "circuits.yaml",
    "links": "circuits.yaml",
    "contracts": "money.yaml",
    "budget_lines": "money.yaml",
    "payments": "money.yaml",
    "incidents": "money.yaml",
}


def row_key(section: str, row: Any) -> str:
    """The natural key of a row, as a person would name it in an error."""
    match section:
        case "devices":
            return row.hostname
        case "circuits":
            return row.cid
        case "payments":
            return row.voucher
        case "budget_lines":
            return f"{row.year} {row.line}"
        case "links":
            return f"{row.a.device}:{row.a.interface}–{row.z.device}:{row.z.interface}"
        case "incidents":
            return f"{row.carrier} {row.started_at:%Y-%m-%d %H:%M}"
        case _:
            return row.code
