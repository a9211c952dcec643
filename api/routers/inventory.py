"""Inventory and money tables over HTTP: CRUD with filters, sorting and pagination, and bulk import
of the YAML document format of `extranet import` (inventory.io)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from inventory.io import import_document, parse_texts
from inventory.models import (
    Alert,
    ApprovalState,
    BillingPeriod,
    BudgetLine,
    Carrier,
    CarrierRole,
    Circuit,
    CircuitRole,
    CircuitStatus,
    Contract,
    CounterSample,
    Device,
    DeviceRole,
    Incident,
    IncidentCategory,
    Interface,
    InterfaceAddress,
    Link,
    LinkEvent,
    LinkSource,
    Payment,
    Platform,
    Room,
    TerminalCount,
    Unit,
    UnitKind,
    enum_values,
)

from ..crud import Resource, make_router
from ..deps import Body, Ctx, ctx_for

INV, MONEY = ("inventory.read", "inventory.write"), ("money.read", "money.write")

# Units first: routes are matched in order and the unit list is the hottest read.
RESOURCES: list[Resource] = [
    Resource("units", Unit, *INV, "inventory", {"kind": tuple(enum_values(UnitKind))},
             ("code", "name", "group"), title="units"),
    Resource("rooms", Room, *INV, "inventory", {}, ("code", "name", "name_en"), title="node rooms"),
    Resource("carriers", Carrier, *INV, "inventory", {"role": tuple(enum_values(CarrierRole))},
             ("code", "name"), title="carriers"),
    Resource("devices", Device, *INV, "inventory",
             {"platform": tuple(enum_values(Platform)), "role": tuple(enum_values(DeviceRole))},
             ("hostname", "model", "serial", "mgmt_address"),
             {"room": ("room_id", Room, "code"), "unit": ("unit_id", Unit, "code")}, title="devices"),
    Resource("interfaces", Interface, *INV, "inventory", {}, ("name", "description", "ip_address"),
             {"device": ("device_id", Device, "hostname")}, title="interfaces"),
    Resource("circuits", Circuit, *INV, "inventory",
             {"role": tuple(enum_values(CircuitRole)), "status": tuple(enum_values(CircuitStatus)),
              "billing_period": tuple(enum_values(BillingPeriod))},
             ("cid", "description", "srlg"), {"carrier": ("carrier_id", Carrier, "code")}, title="circuits"),
    Resource("contracts", Contract, *MONEY, "money", {"kind": ("contract", "arrangement")},
             ("code", "name", "procurement"), {"carrier": ("carrier_id", Carrier, "code")}, title="contracts"),
    Resource("payments", Payment, *MONEY, "money", {"approval_state": tuple(enum_values(ApprovalState))},
             ("voucher", "description"), {"carrier": ("carrier_id", Carrier, "code")}, title="payments"),
    Resource("budget-lines", BudgetLine, *MONEY, "money", {}, ("line", "note"),
             {"carrier": ("carrier_id", Carrier, "code")}, title="budget lines"),
    Resource("incidents", Incident, *MONEY, "money",
             {"category": tuple(enum_values(IncidentCategory)), "severity": ("minor", "major", "critical")},
             ("description",), {"carrier": ("carrier_id", Carrier, "code")}, title="incidents"),
]

# Evidence the collection runs write (read-only over the API).
EVIDENCE: list[Resource] = [
    Resource("alerts", Alert, "inventory.read", "collect.run", "evidence", {}, ("kind", "message"),
             {"device": ("device_id", Device, "hostname")}, title="alerts", read_only=True),
    Resource("link-events", LinkEvent, "inventory.read", "collect.run", "evidence", {"state": ("up", "down")},
             ("interface_name", "message"), {"device": ("device_id", Device, "hostname")}, title="link events",
             read_only=True),
    Resource("terminal-counts", TerminalCount, "inventory.read", "collect.run", "evidence", {}, (),
             {"device": ("device_id", Device, "hostname"), "unit": ("unit_id", Unit, "code")},
             title="terminal counts", read_only=True),
    # Links are written by inventory.links alone (collection, imports); here they are read with the
    # evidence that made each one.
    Resource("links", Link, "inventory.read", "collect.run", "evidence", {"source": tuple(enum_values(LinkSource))},
             (), {}, title="links (with their evidence)", read_only=True),
    Resource("interface-addresses", InterfaceAddress, "inventory.read", "collect.run", "evidence",
             {"source": ("config", "state")}, ("address",), {},
             title="interface addresses seen on the devices", read_only=True),
    Resource("counter-samples", CounterSample, "inventory.read", "collect.run", "evidence", {}, (), {},
             title="interface counter samples", read_only=True),
]

router = APIRouter()
for _res in RESOURCES + EVIDENCE:
    router.include_router(make_router(_res))


class ImportFile(Body):
    name: str = Field(default="(api)", max_length=200, pattern=r"^[^\x00]*$", examples=["units.yaml"])
    text: str = Field(max_length=20_000_000, pattern=r"^[^\x00]*$",
                      examples=["version: 1\nrooms:\n- code: NEW\n  name: 新机房\n"])


class ImportIn(Body):
    documents: list[ImportFile] = Field(min_length=1, max_length=50)
    dry_run: bool = Field(default=False, description="validate and resolve references, then roll back")


class ImportOut(BaseModel):
    created: dict[str, int]
    updated: dict[str, int]
    dry_run: bool


@router.post("/import", response_model=ImportOut, tags=["inventory"],
             summary="Bulk import (the YAML document format; all or nothing)",
             description="Each problem is reported with file, line, row and field in `details`; nothing is "
                         "written unless the whole import succeeds.")
def bulk_import(body: ImportIn, ctx: Ctx = Depends(ctx_for("inventory.import"))) -> Any:
    doc = parse_texts([(d.name, d.text) for d in body.documents])
    with ctx.write() as s:
        report = import_document(s, doc)
        s.flush()
        if body.dry_run:
            s.rollback()
    return ImportOut(created=report.created, updated=report.updated, dry_run=body.dry_run)
