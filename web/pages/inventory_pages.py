"""Rooms, units and devices: lists with filters, the unit page and the device page (config diff)."""

from __future__ import annotations

import difflib
import math
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, or_, select

from answers import ask
from api import auth
from inventory.errors import NotFound
from inventory.models import (
    Carrier,
    Circuit,
    ConfigSnapshot,
    CounterSample,
    Device,
    Interface,
    Link,
    Room,
    TerminalCount,
    Unit,
)
from inventory.redact import redact as by_profile
from inventory.refusals import device_collection
from inventory.refusals import label as reason_label
from inventory.summary import find_device, find_unit

from ..deps import lang_of, need, page_user, render
from ..i18n import cn_date

router = APIRouter(include_in_schema=False)
# Rows per list page: the sample city fits on one; a province (1,000+ units, 2,500 devices) is paged.
PAGE_SIZE = 250


def paginate(rows: list[Any], page: int, filters: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """One page of the filtered rows, and the pager (links keep the filters)."""
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    page = min(max(page, 1), pages)

    def href(n: int) -> str:
        return "?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": n})

    pager = {"page": page, "pages": pages, "matched": len(rows), "first": (page - 1) * PAGE_SIZE + 1,
             "prev": href(page - 1) if page > 1 else None, "next": href(page + 1) if page < pages else None}
    return rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], pager


@router.get("/rooms", response_class=HTMLResponse)
def rooms_page(request: Request, principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "inventory.read")
    with Session(request.app.state.engine) as s:
        a = ask(s)
        protection, spofs, graph_rooms = a.protection(), a.spofs(), a.graph().graph["rooms"]
        rooms = list(s.exec(select(Room).order_by(col(Room.is_core).desc(), Room.code)))
        rows = []
        for r in rooms:
            homed = [p for p in protection.values() if p.primary_room == r.code]
            hit = next((f for f in spofs if f.kind == "room" and f.element == r.code), None)
            rows.append({"room": r, "devices": [n.split(":", 1)[1] for n in graph_rooms[r.code]["devices"]],
                         "units": len(homed), "terminals": sum(p.terminals for p in homed),
                         "spof_terminals": hit.terminals_lost if hit else 0})
    return render(request, "rooms.html", principal, rows=rows)


@router.get("/units", response_class=HTMLResponse)
def units_page(request: Request, q: str = "", kind: str = "", cls: str = "", room: str = "",
               page: int = Query(1, ge=1, le=10**6), principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "inventory.read")
    with Session(request.app.state.engine) as s:
        protection = ask(s).protection()
        units = list(s.exec(select(Unit).order_by(Unit.code)))
        kinds = sorted({u.kind for u in units})
        rooms = [r.code for r in s.exec(select(Room).order_by(Room.code))]
    rows = []
    for u in units:
        p = protection.get(u.code)
        if q and q.lower() not in f"{u.code} {u.name} {u.group}".lower():
            continue
        if (kind and u.kind != kind) or (cls and (p is None or p.cls != cls)):
            continue
        if room and (p is None or p.primary_room != room):
            continue
        rows.append({"unit": u, "p": p})
    f = {"q": q, "kind": kind, "cls": cls, "room": room}
    rows, pager = paginate(rows, page, f)
    return render(request, "units.html", principal, rows=rows, kinds=kinds, rooms=rooms, total=len(units), f=f,
                  pager=pager)


@router.get("/units/{code}", response_class=HTMLResponse)
def unit_page(code: str, request: Request, principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "inventory.read")
    with Session(request.app.state.engine) as s:
        unit = find_unit(s, code)
        p = ask(s).protection().get(unit.code)
        carriers = {c.id: c for c in s.exec(select(Carrier))}
        rooms = {r.id: r for r in s.exec(select(Room))}
        circuits = list(s.exec(select(Circuit).where(or_(Circuit.a_unit_id == unit.id, Circuit.z_unit_id == unit.id))
                               .order_by(Circuit.cid)))
        devices = list(s.exec(select(Device).where(Device.unit_id == unit.id).order_by(Device.hostname)))
        measured = _measured(s, [dv.id for dv in devices if dv.id])
        cost = _unit_cost(s, unit.code) if principal.can("money.read") else None
    return render(request, "unit.html", principal, unit=unit, p=p, circuits=circuits, carriers=carriers, rooms=rooms,
                  devices=devices, measured=measured, cost=cost)


def _measured(s: Session, device_ids: list[int]) -> dict[int, TerminalCount]:
    out: dict[int, TerminalCount] = {}
    if device_ids:
        for row in s.exec(select(TerminalCount).where(col(TerminalCount.device_id).in_(device_ids))
                          .order_by(TerminalCount.counted_at, TerminalCount.id)):
            out[row.device_id] = row
    return out


def _unit_cost(s: Session, code: str) -> dict[str, Any] | None:
    """The unit's share of the fees (the money report), or None while money data is absent."""
    try:
        report = ask(s).money()  # one unit's share needs the whole allocation
    except Exception:  # a money problem must not take the unit page down
        return None
    uc = next((u for u in report.allocation.units if u.unit == code), None)
    if uc is None:
        return None
    return {"year": report.year, "rule": report.allocation.rule, "total": uc.total, "by_carrier": uc.by_carrier,
            "per_terminal": uc.per_terminal, "names": {c: report.rows.carrier_name(c) for c in uc.by_carrier}}


@router.get("/devices", response_class=HTMLResponse)
def devices_page(request: Request, q: str = "", platform: str = "", role: str = "", room: str = "",
                 page: int = Query(1, ge=1, le=10**6), principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "inventory.read")
    with Session(request.app.state.engine) as s:
        rooms = {r.id: r for r in s.exec(select(Room))}
        units = {u.id: u for u in s.exec(select(Unit))}
        all_devices = list(s.exec(select(Device).order_by(Device.hostname)))
        spofs = ask(s).spofs()
    spof = {f.element: f.terminals_lost for f in spofs if f.kind in ("device", "unit-device")}
    rows = []
    for dv in all_devices:
        room_code = rooms[dv.room_id].code if dv.room_id in rooms else ""
        if q and q.lower() not in f"{dv.hostname} {dv.model} {dv.serial} {dv.mgmt_address}".lower():
            continue
        if (platform and dv.platform != platform) or (role and dv.role != role) or (room and room_code != room):
            continue
        rows.append({"d": dv, "room": room_code, "unit": units.get(dv.unit_id), "spof": spof.get(dv.hostname, 0)})
    f = {"q": q, "platform": platform, "role": role, "room": room}
    rows, pager = paginate(rows, page, f)
    return render(request, "devices.html", principal, rows=rows, total=len(all_devices),
                  platforms=sorted({dv.platform for dv in all_devices}), roles=sorted({dv.role for dv in all_devices}),
                  rooms=sorted(r.code for r in rooms.values()), f=f, pager=pager)


@router.get("/devices/{hostname}", response_class=HTMLResponse)
def device_page(hostname: str, request: Request, a: int | None = Query(None), b: int | None = Query(None),
                principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "inventory.read")
    with Session(request.app.state.engine) as s:
        dv = find_device(s, hostname)
        room = s.get(Room, dv.room_id) if dv.room_id else None
        unit = s.get(Unit, dv.unit_id) if dv.unit_id else None
        ifaces = sorted(s.exec(select(Interface).where(Interface.device_id == dv.id)), key=lambda i: _natural(i.name))
        counters = _newest_counters(s, [i.id for i in ifaces if i.id])
        lldp = _lldp(s, ifaces)
        collection = device_collection(s, dv.id)
        snaps = list(s.exec(select(ConfigSnapshot.id, ConfigSnapshot.collected_at, ConfigSnapshot.sha256,
                                   ConfigSnapshot.source).where(ConfigSnapshot.device_id == dv.id)
                            .order_by(col(ConfigSnapshot.collected_at).desc())))
        diff_html, pair, config_text = None, None, None
        can_config = principal.can("config.read")
        if can_config and snaps:
            # Newest against the one before it by default; a single snapshot is shown without a diff.
            new_id = b or snaps[0][0]
            old_id = a or (snaps[1][0] if len(snaps) > 1 else snaps[0][0])
            old, new = s.get(ConfigSnapshot, old_id), s.get(ConfigSnapshot, new_id)
            if old is None or new is None or old.device_id != dv.id or new.device_id != dv.id:
                raise NotFound.of("config snapshot", str(a or b), [str(x[0]) for x in snaps])
            raw = principal.can("config.raw")
            left = old.text if raw else redact(old.text, dv.platform, dv.hostname)
            right = new.text if raw else redact(new.text, dv.platform, dv.hostname)
            if old.id != new.id:
                diff_html = difflib.HtmlDiff(wrapcolumn=80).make_table(
                    left.splitlines(), right.splitlines(), f"#{old.id} {cn_date(old.collected_at, lang_of(request))}",
                    f"#{new.id} {cn_date(new.collected_at, lang_of(request))}", context=True, numlines=3)
            pair = (old.id, new.id)
            config_text = right
    return render(request, "device.html", principal, d=dv, room=room, unit=unit, ifaces=ifaces, counters=counters,
                  lldp=lldp, collection=collection, reason_label=lambda code: reason_label(code, lang_of(request)),
                  snaps=snaps, diff_html=diff_html, pair=pair, can_config=can_config,
                  config_text=config_text, raw=principal.can("config.raw"))


def _natural(name: str) -> list[Any]:
    """GigabitEthernet0/0/9 before GigabitEthernet0/0/10."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def redact(text: str, platform: str | None, hostname: str) -> str:
    """Secrets masked by the project's one redaction, as fingerprints on this device (a diff shows a change)."""
    return by_profile(text, platform, device=hostname)


def _newest_counters(s: Session, iface_ids: list[int]) -> dict[int, CounterSample]:
    out: dict[int, CounterSample] = {}
    if iface_ids:
        for row in s.exec(select(CounterSample).where(col(CounterSample.interface_id).in_(iface_ids))
                          .order_by(CounterSample.sampled_at, CounterSample.id)):
            out[row.interface_id] = row
    return out


def _lldp(s: Session, ifaces: list[Interface]) -> list[dict[str, Any]]:
    by_id = {i.id: i for i in ifaces}
    if not by_id:
        return []
    rows = list(s.exec(select(Link).where(or_(col(Link.a_interface_id).in_(list(by_id)),
                                              col(Link.z_interface_id).in_(list(by_id))))
                       .where(Link.source == "lldp")))
    far_ids = {r.z_interface_id if r.a_interface_id in by_id else r.a_interface_id for r in rows}
    far = {i.id: i for i in s.exec(select(Interface).where(col(Interface.id).in_(list(far_ids))))} if far_ids else {}
    hosts = {dv.id: dv.hostname for dv in s.exec(select(Device).where(
        col(Device.id).in_([i.device_id for i in far.values()])))} if far else {}
    out = []
    for r in rows:
        local, remote = (r.a_interface_id, r.z_interface_id) if r.a_interface_id in by_id else (r.z_interface_id,
                                                                                                 r.a_interface_id)
        fi = far.get(remote)
        out.append({"local": by_id[local].name, "host": hosts.get(fi.device_id, "?") if fi else "?",
                    "port": fi.name if fi else "?", "last_seen": r.last_seen})
    return out
