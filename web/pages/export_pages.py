"""Exports: the downloads each capability provides (the API's /api/v1/exports when it is there)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import auth
from api.auth import remote_addr
from api.deps import Ctx
from api.routers import jobs
from api.routers.exports import download_response, start_job

from .. import i18n
from ..deps import lang_of, need, page_user, render
from .money_pages import load_report

router = APIRouter(include_in_schema=False)
WAIT = 120  # a download link has no polling client: the browser shows the download pending meanwhile


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request, principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "export.read")
    routers = set(getattr(request.app.state, "routers", []))
    api = "exports" in routers
    items = [
        {"key": "money_workbook", "perm": "money.read", "id": "dl-money",
         "href": "/api/v1/exports/money.xlsx" if api else "/exports/money.xlsx",
         "what": "台账（现金/权责）、异常、单位成本、备份价值、考核、绩效指标，附图表"},
        {"key": "inventory_yaml", "perm": "export.read", "id": "dl-inventory",
         "href": "/api/v1/exports/inventory.yaml" if api else None, "what": "资产台账（可重新导入的 YAML）"},
        {"key": "topology_json", "perm": "topology.read", "id": "dl-topology",
         "href": "/api/v1/exports/topology-units.json" if api and "topology" in routers else None,
         "what": "拓扑（机房+单位层级，含坐标）"},
        {"key": "audit_pack", "perm": "compliance.read", "id": "dl-audit",
         "href": "/exports/audit-pack.zip",
         "what": "等保三级测评材料：资产清单、拓扑图、冗余证明、设备基线核查记录"},
    ]
    return render(request, "exports.html", principal, items=items)


@router.get("/exports/money.xlsx", response_model=None)
async def money_workbook(request: Request, year: int | None = Query(None, ge=2000, le=2100),
                         rule: str = Query("circuits", pattern="^[a-z]{1,20}$"),
                         principal: auth.Principal = Depends(page_user)) -> Response:
    """The money workbook, made by the same job as the API's (once per state of the data); a person clicking
    the link waits for it, up to WAIT seconds."""
    need(principal, "money.read")
    with Session(request.app.state.engine) as s:
        load_report(s, year, rule)  # an unknown rule or an unusable ledger answers as the money page does
    ctx = Ctx(principal, request.app.state.engine, getattr(request.state, "request_id", None), remote_addr(request))
    job = await run_in_threadpool(start_job, ctx, "money_workbook", year=year, rule=rule)
    if not await jobs.wait_for(job, WAIT):
        return render(request, "message.html", principal, status=202, title_key="exports",
                      message=i18n.label("job_running", lang_of(request)), details={"job": job.id})
    jobs.raise_failure(job)
    return download_response(job.result)
