"""The SLA page: a month × circuit heat map of availability for a year, the carriers side by side, and a
cell opened down to its intervals, outages and the evidence rows behind them. Asks answers/sla_view.py."""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from answers import ask, sla_view
from api import auth
from collectors import clock
from money.sla import CHINA, SOURCE_ZH, STATE_ZH

from ..deps import need, page_user, render

router = APIRouter(include_in_schema=False)
KEY = "^[A-Za-z0-9_.:-]{0,64}$"  # "" is what the form sends for "all"
SOURCE_EN = {"probe": "probe (NQA/IP SLA)", "snmp": "SNMP interface state", "syslog": "syslog link event",
             "log_buffer": "device log buffer"}
STATE_EN = {"up": "up", "down": "down", "maintenance": "maintenance", "unmeasured": "unmeasured"}
KIND_ZH = {"circuit": "线路", "device": "设备", "room": "机房", "srlg": "共享风险组（管道）", "carrier": "运营商"}
KIND_EN = {"circuit": "circuit", "device": "device", "room": "room", "srlg": "shared-risk group (duct)",
           "carrier": "carrier"}


@router.get("/sla", response_class=HTMLResponse)
def sla_page(request: Request, year: int | None = Query(None, ge=2000, le=2100),
             carrier: str | None = Query(None, pattern=KEY), role: str | None = Query(None, pattern=KEY),
             unit: str | None = Query(None, pattern=KEY), room: str | None = Query(None, pattern=KEY),
             cid: str | None = Query(None, pattern=KEY), month: int | None = Query(None, ge=1, le=12),
             principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "money.read")
    with Session(request.app.state.engine) as s:
        a = ask(s)
        held = sla_view.years(a)
        now_year = clock.now().astimezone(CHINA).year
        year = year or (held[0] if held else now_year)
        v = sla_view.view(a, year, sla_view.Filters(carrier or None, role or None, unit or None, room or None))
        d = sla_view.drill(a, year, cid, month) if cid and month else None
    offered = sorted(set(held) | {year, now_year}, reverse=True)
    flt = {"carrier": carrier or "", "role": role or "", "unit": unit or "", "room": room or ""}
    query = "&".join(f"{k}={x}" for k, x in flt.items() if x)
    lang = request.cookies.get("lang", "zh")
    zh = lang != "en"
    return render(request, "sla.html", principal, v=v, d=d, years=offered, flt=flt, query=query,
                  state_name=(STATE_ZH if zh else STATE_EN), source_name=(SOURCE_ZH if zh else SOURCE_EN),
                  kind_name=(KIND_ZH if zh else KIND_EN), band=band, pct=pct, dur=lambda s: dur(s, zh))


def band(f: object) -> str:
    """The cell's colour class: its availability band, or what it is when it is not a measured figure."""
    if f is None:
        return "na"
    up, down, maint, unm = f.up, f.down, f.maintenance, f.unmeasured  # type: ignore[attr-defined]
    if up + down == 0:
        return "maint" if maint > 0 and unm == 0 else "unmeasured"
    a = f.availability  # type: ignore[attr-defined]
    if a is None:
        return "maint"
    return "a5" if a >= 99.9 else "a4" if a >= 99.5 else "a3" if a >= 99 else "a2" if a >= 95 else "a1"


def pct(v: float | None, digits: int = 2) -> str:
    """Truncated, not rounded: a month with a minute down must not read 100.00."""
    if v is None:
        return "—"
    q = 10 ** digits
    return f"{math.floor(v * q + 1e-9) / q:.{digits}f}"


def dur(s: float | None, zh: bool = True) -> str:
    """Seconds as days/hours/minutes, the way a bureau reads an outage."""
    if s is None:
        return "—"
    m = round(s / 60)
    d, rest = divmod(m, 1440)
    h, mm = divmod(rest, 60)
    parts = [(d, "天", " d"), (h, "小时", " h"), (mm, "分", " min")]
    shown = [f"{n}{z if zh else e}" for n, z, e in parts if n] or ["0分" if zh else "0 min"]
    return ("" if zh else " ").join(shown)
