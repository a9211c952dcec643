"""`extranet inventory ...`, `extranet import`, `extranet export inventory`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlmodel import select

from inventory.db import get_engine, session_scope
from inventory.io import export_document, load_path, write_document
from inventory.models import UNIT_KIND_ZH, Carrier, Device, Interface, Room, Unit
from inventory.service import prepare
from inventory.summary import (
    Summary,
    circuit_ends,
    circuits_of_unit,
    find_circuit,
    find_device,
    find_room,
    find_unit,
    summary,
)

from .console import console, wan_text

export_app = typer.Typer(help="Write files: the inventory, and (as they land) money workbooks and audit packs.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    inv = typer.Typer(help="Read the inventory.", no_args_is_help=True)
    show = typer.Typer(help="Show one object.", no_args_is_help=True)

    @inv.command("summary")
    def summary_cmd() -> None:
        """Counts of rooms, units, terminals, devices, circuits and money by year."""
        prepare()
        with session_scope() as s:
            print_summary(summary(s))

    @show.command("unit")
    def show_unit(key: str = typer.Argument(..., help="unit code or name, e.g. U001 or 市委")) -> None:
        """A unit: its facts, devices and circuits."""
        with session_scope() as s:
            unit = find_unit(s, key)
            facts = Table.grid(padding=(0, 2))
            for label, value in (("代码 code", unit.code), ("类别 kind", UNIT_KIND_ZH.get(unit.kind, unit.kind)),
                                 ("分组 group", unit.group), ("终端 terminals", str(unit.declared_terminals)),
                                 ("联系人 contact", f"{unit.contact_name or ''} {unit.contact_phone or ''}")):
                facts.add_row(f"[dim]{label}[/]", value)
            console.print(f"[bold]{unit.name}[/]")
            console.print(facts)
            devices = Table("设备 hostname", "平台 platform", "型号 model", "角色 role", "管理地址 mgmt",
                            title="设备 Devices")
            for d in s.exec(select(Device).where(Device.unit_id == unit.id).order_by(Device.hostname)):
                devices.add_row(d.hostname, d.platform, d.model, d.role, d.mgmt_address)
            console.print(devices)
            _print_circuits(s, circuits_of_unit(s, unit))

    @show.command("room")
    def show_room(key: str = typer.Argument(..., help="room code or name, e.g. CORE or 核心机房")) -> None:
        """A node room and its devices."""
        with session_scope() as s:
            room = find_room(s, key)
            console.print(f"[bold]{room.name}[/] ({room.code}){'  [red]核心 core[/]' if room.is_core else ''}"
                          f"  等保{room.mlps_level}级  {room.address or ''}")
            devices = Table("设备 hostname", "平台 platform", "型号 model", "序列号 serial", "管理地址 mgmt")
            for d in s.exec(select(Device).where(Device.room_id == room.id).order_by(Device.hostname)):
                devices.add_row(d.hostname, d.platform, d.model, d.serial, d.mgmt_address)
            console.print(devices)

    @show.command("device")
    def show_device(key: str = typer.Argument(..., help="hostname or management address")) -> None:
        """A device and its interfaces."""
        with session_scope() as s:
            d = find_device(s, key)
            place = s.get(Room, d.room_id).name if d.room_id else s.get(Unit, d.unit_id).name  # type: ignore[union-attr]
            console.print(f"[bold]{d.hostname}[/]  {d.vendor} {d.model}  {d.platform}  {d.os_version}")
            console.print(f"serial {d.serial}  mgmt {d.mgmt_address}:{d.mgmt_port}  zone {d.zone}  at {place}"
                          f"  encoding {d.encoding}{'  legacy-crypto' if d.legacy_crypto else ''}")
            ifaces = Table("接口 interface", "地址 address", "速率 Mb/s", "描述 description")
            for i in s.exec(select(Interface).where(Interface.device_id == d.id).order_by(Interface.id)):
                ifaces.add_row(i.name, f"{i.ip_address}/{i.prefix_length}" if i.ip_address else "",
                               str(i.speed_mbps or ""), i.description)
            console.print(ifaces)

    @show.command("circuit")
    def show_circuit(cid: str) -> None:
        """A circuit and its two ends."""
        with session_scope() as s:
            _print_circuits(s, [find_circuit(s, cid)])

    inv.add_typer(show, name="show")
    app.add_typer(inv, name="inventory")

    @app.command("import")
    def import_cmd(path: Path = typer.Argument(..., help="a .yaml file or a folder of them")) -> None:
        """Import an inventory document in one transaction: any problem and nothing changes."""
        prepare()
        with session_scope(actor="cli:import") as s:
            report = load_path(s, path)
        console.print(f"[green]imported[/] {path}: created {report.created or '{}'}, updated {report.updated or '{}'}")

    @export_app.command("inventory")
    def export_inventory(path: Path = typer.Argument(..., help="a .yaml file, or a folder for one file per section"),
                         ) -> None:
        """Export the whole inventory in the import format (export then import gives the same inventory)."""
        with session_scope() as s:
            files = write_document(export_document(s), path)
        console.print("written: " + ", ".join(str(f) for f in files))

    app.add_typer(export_app, name="export")


def print_summary(sm: Summary) -> None:
    head = Table.grid(padding=(0, 3))
    head.add_row("节点机房 rooms", f"[bold]{sm.rooms}[/]", "核心 core", ", ".join(sm.core_rooms))
    head.add_row("接入单位 units", f"[bold]{sm.units}[/]", "终端 terminals", f"[bold]{sm.terminals:,}[/]")
    head.add_row("设备 devices", f"[bold]{sm.devices}[/]", "接口 interfaces", f"{sm.interfaces:,}")
    console.print(head)
    plat = Table("平台 platform", "设备 devices", title="按平台 Devices by platform")
    for name, n in sm.devices_by_platform.items():
        plat.add_row(name, str(n))
    roles = Table("角色 role", "设备 devices", title="按角色 Devices by role")
    for name, n in sm.devices_by_role.items():
        roles.add_row(name, str(n))
    circ = Table("运营商 carrier", "用途 role", "线路 circuits", title="线路 Circuits by carrier and role")
    for (carrier, role), n in sm.circuits_by_carrier_role.items():
        circ.add_row(carrier, role, str(n))
    money = Table("支付年度 paid in", "运营商 carrier", "金额 万元", title="支付 Payments by year (万元)")
    for (year, carrier), amount in sm.paid_by_year_carrier.items():
        money.add_row(str(year), carrier, wan_text(amount))
    for table in (plat, roles, circ, money):
        console.print(table)


def _print_circuits(s, circuits) -> None:  # type: ignore[no-untyped-def]
    carriers = {c.id: c.name for c in s.exec(select(Carrier))}
    table = Table("线路 cid", "运营商 carrier", "用途 role", "带宽 Mb/s", "A 端", "Z 端", "年费 万元", "共享风险 SRLG",
                  title="线路 Circuits")
    for c in circuits:
        ends = circuit_ends(s, c)
        label = {k: " ".join(str(v) for v in e.values()) for k, e in ends.items()}
        table.add_row(c.cid, carriers.get(c.carrier_id, "自建"), c.role, str(c.bandwidth_mbps), label["a"], label["z"],
                      wan_text(c.cost), c.srlg or "")
    console.print(table)


def engine_url() -> str:
    return get_engine().url.render_as_string(hide_password=True)
