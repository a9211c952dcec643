"""Downloads of the files the project produces: the inventory document (YAML, re-importable), the
money workbook (XLSX), the topology at a level (JSON). The audit trail export is under /audit-trail."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.concurrency import run_in_threadpool

import answers.exports
from answers import ask
from answers.exports import XLSX
from answers.jobs import Job, TooManyJobs

from ..deps import Ctx, ctx_for
from . import jobs
from .money import report
from .topology import level_json

router = APIRouter(prefix="/exports", tags=["exports"])


def _attachment(name: str) -> dict[str, str]:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    return {"Content-Disposition": f'attachment; filename="{name.replace(".", f"-{stamp}.", 1)}"'}


def download_response(d: answers.exports.Download) -> Response:
    return Response(d.data, media_type=d.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{d.filename}"'})


jobs.RESULTS["money-workbook"] = download_response
jobs.RESULTS["inventory-document"] = download_response
_JOB_DOC = ("Made once per state of the data and kept until it changes: a kept file is answered at once; otherwise "
            "a background job makes it, and the request waits up to `wait` seconds for it, then answers 202 with "
            "the job (poll `Location`, download `result_url`).")


def start_job(ctx: Ctx, name: str, **kwargs: object) -> Job:
    """The caller's job for export `name` of the current data (429 when they run too many already)."""
    with ctx.read() as s:
        a = ask(s)
        try:
            return getattr(a, name)(owner=ctx.principal.username, **kwargs)
        except TooManyJobs as exc:
            raise jobs.refuse_busy(exc) from None


@router.get("/inventory.yaml", summary="The inventory as an import document (YAML)", response_class=Response,
            description=_JOB_DOC,
            responses={200: {"content": {"application/yaml": {}}, "description": "re-importable document"},
                       **jobs.ACCEPTED})
async def inventory_yaml(wait: jobs.Wait = 10, ctx: Ctx = Depends(ctx_for("export.read"))) -> Response:
    job = await run_in_threadpool(start_job, ctx, "inventory_document")
    return await jobs.answer(job, wait)


@router.get("/money.xlsx", summary="The money workbook (every sheet, with charts)", response_class=Response,
            description=_JOB_DOC,
            responses={200: {"content": {XLSX: {}}, "description": "XLSX workbook"}, **jobs.ACCEPTED})
async def money_xlsx(year: Annotated[int | None, Query(ge=2000, le=2100)] = None, wait: jobs.Wait = 10,
                     ctx: Ctx = Depends(ctx_for("money.read"))) -> Response:
    await run_in_threadpool(report, ctx, year)  # the ledger's own refusals (409, no data) answer as before
    job = await run_in_threadpool(start_job, ctx, "money_workbook", year=year)
    return await jobs.answer(job, wait)


@router.get("/topology-{level}.json", summary="The topology at one level, with coordinates (download)",
            response_class=Response, responses={200: {"content": {"application/json": {}}}})
def topology_json(level: Literal["rooms", "units", "devices"],
                  ctx: Ctx = Depends(ctx_for("topology.read"))) -> Response:
    return Response(level_json(ctx, level), media_type="application/json",
                    headers=_attachment(f"topology-{level}.json"))
