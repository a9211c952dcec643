"""等保 (MLPS level 3) baseline checks over the stored configs (the answers layer's compliance report),
per device and per check, and the evidence pack download."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

import answers
from api import auth
from api.auth import remote_addr
from api.deps import Ctx
from api.routers import jobs
from api.routers.compliance import pack_response, start_pack
from audit.catalogue import RESULTS
from audit.service import AuditReport
from inventory.summary import find_device

from .. import i18n
from ..deps import lang_of, need, page_user, render
from .inventory_pages import paginate

router = APIRouter(include_in_schema=False)
WAIT = 120  # a download link has no polling client: the browser shows the download pending meanwhile


def report(session: Session) -> AuditReport:
    """The audit of every device (the answers layer recomputes it when the data changes)."""
    return answers.ask(session).compliance()


@router.get("/compliance", response_class=HTMLResponse)
def compliance_page(request: Request, result: str = "", page: int = Query(1, ge=1),
                    principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "compliance.read")
    with Session(request.app.state.engine) as s:
        r = report(s)
    rows = []
    for a in r.audits:
        tally = {k: 0 for k in RESULTS}
        for x in a.results:
            tally[x.result] = tally.get(x.result, 0) + 1
        if result and not tally.get(result):
            continue
        rows.append({"a": a, "tally": tally, "score": a.score()})
    checks = []
    for c in r.catalogue.checks:
        tally = {k: 0 for k in RESULTS}
        for a in r.audits:
            x = a.by_id().get(c.id)
            if x is not None:
                tally[x.result] = tally.get(x.result, 0) + 1
        checks.append({"c": c, "tally": tally})
    rows, pager = paginate(rows, page, {"result": result})  # a province has 2,500 devices
    return render(request, "compliance.html", principal, r=r, rows=rows, pager=pager, checks=checks,
                  results=RESULTS, result=result, pack_href=_pack_href(request))


@router.get("/compliance/{hostname}", response_class=HTMLResponse)
def compliance_device(hostname: str, request: Request, principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    need(principal, "compliance.read")
    with Session(request.app.state.engine) as s:
        dev = find_device(s, hostname)
        r = report(s)
    a = r.audit(dev.hostname)
    items = [{"x": x, "c": r.catalogue.get(x.check_id)} for x in a.results]
    return render(request, "compliance_device.html", principal, a=a, items=items, platform=dev.platform)


def _pack_href(request: Request) -> str:
    return "/exports/audit-pack.zip"


@router.get("/exports/audit-pack.zip", response_model=None)
async def audit_pack(request: Request, principal: auth.Principal = Depends(page_user)) -> Response:
    """The 等保 evidence pack (audit.export.pack): registers, diagram, redacted configs, per-check
    records and a SHA-256 manifest; the pack writer refuses to write a secret. Made by the API's job
    (once per state of the data); a person clicking the link waits for it, up to WAIT seconds."""
    need(principal, "compliance.read")
    ctx = Ctx(principal, request.app.state.engine, getattr(request.state, "request_id", None), remote_addr(request))
    job = await run_in_threadpool(start_pack, ctx)
    if not await jobs.wait_for(job, WAIT):
        return render(request, "message.html", principal, status=202, title_key="audit_pack",
                      message=i18n.label("job_running", lang_of(request)), details={"job": job.id})
    jobs.raise_failure(job)
    return pack_response(job.result, "audit-pack")
