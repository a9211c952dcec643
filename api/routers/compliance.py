"""等保 level-3 baseline checks over the stored configs (the audit package): results per check, per
device, and the evidence pack as a download. Records cite config lines with secrets masked."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi import Path as PathParam
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

import answers
import answers.exports
from answers.jobs import Job, TooManyJobs
from audit.service import AuditReport

from ..deps import Ctx, ctx_for
from ..errors import ApiError
from . import jobs

router = APIRouter(prefix="/compliance", tags=["compliance"])


def audit_report(ctx: Ctx) -> AuditReport:
    """The audit of every device (the answers layer recomputes it when the data changes)."""
    with ctx.read() as s:
        report = answers.ask(s).compliance()
    if not report.audits:
        raise ApiError(409, "no_data", "the inventory has no devices to audit")
    return report


class CheckSummary(BaseModel):
    id: str
    clause: str
    category: str
    control: str
    item: str
    priority: str
    results: dict[str, int]
    failing_devices: list[str]


class DeviceSummary(BaseModel):
    hostname: str
    platform: str
    release: str
    score: float
    collected_at: dt.datetime | None
    results: dict[str, int]


class CheckResultOut(BaseModel):
    check_id: str
    control: str
    item: str
    result: str
    record: str
    lines: list[int]
    by_default: bool
    remediation: str


class DeviceAuditOut(DeviceSummary):
    checks: list[CheckResultOut]


@router.get("/checks", response_model=list[CheckSummary], summary="Results per check over every device")
def checks(ctx: Ctx = Depends(ctx_for("compliance.read"))) -> list[CheckSummary]:
    r = audit_report(ctx)
    out = []
    for chk in r.catalogue.checks:
        res = [(a.hostname, a.by_id()[chk.id].result) for a in r.audits if chk.id in a.by_id()]
        out.append(CheckSummary(id=chk.id, clause=chk.clause, category=chk.category, control=chk.control,
                                item=chk.item, priority=chk.priority, results=dict(Counter(x for _, x in res)),
                                failing_devices=[h for h, x in res if x == "不符合"]))
    return out


@router.get("/devices", response_model=list[DeviceSummary], summary="Score and result counts per device")
def devices(ctx: Ctx = Depends(ctx_for("compliance.read"))) -> list[DeviceSummary]:
    r = audit_report(ctx)
    return [DeviceSummary(hostname=a.hostname, platform=a.platform, release=a.release, score=round(a.score(), 4),
                          collected_at=a.collected_at, results=dict(Counter(x.result for x in a.results)))
            for a in r.audits]


@router.get("/devices/{hostname}", response_model=DeviceAuditOut, summary="Every check of one device")
def device(hostname: Annotated[str, PathParam(max_length=64)],
           ctx: Ctx = Depends(ctx_for("compliance.read"))) -> DeviceAuditOut:
    r = audit_report(ctx)
    a = next((x for x in r.audits if x.hostname == hostname), None)
    if a is None:
        known = [x.hostname for x in r.audits]
        raise ApiError(404, "not_found", f"no audited device {hostname!r}; known: {', '.join(known[:15])}, … "
                       f"({len(known)} in all)", {"kind": "device", "key": hostname})
    by_check = {c.id: c for c in r.catalogue.checks}
    checks_out = [CheckResultOut(check_id=x.check_id, control=by_check[x.check_id].control if x.check_id in by_check
                                 else "", item=by_check[x.check_id].item if x.check_id in by_check else "",
                                 result=x.result, record=x.record, lines=x.lines, by_default=x.by_default,
                                 remediation=by_check[x.check_id].remediation(a.platform) if x.check_id in by_check
                                 else "") for x in a.results]
    return DeviceAuditOut(hostname=a.hostname, platform=a.platform, release=a.release, score=round(a.score(), 4),
                          collected_at=a.collected_at, results=dict(Counter(x.result for x in a.results)),
                          checks=checks_out)


def pack_response(pack: answers.exports.Pack, name: str = "evidence-pack") -> Response:
    stamp = pack.generated_at.strftime("%Y%m%d")
    return Response(pack.data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.zip"'})


jobs.RESULTS["evidence-pack"] = pack_response


def start_pack(ctx: Ctx, strict: bool = False) -> Job:
    """The evidence pack job of the current data for the caller (429 when they run too many already)."""
    with ctx.read() as s:
        try:
            return answers.ask(s).evidence_pack(owner=ctx.principal.username, strict=strict)
        except TooManyJobs as exc:
            raise jobs.refuse_busy(exc) from None


@router.get("/evidence-pack.zip", summary="The 等保 evidence pack (zip with manifest)", response_class=Response,
            description="Made once per state of the data and kept until it changes: a kept pack is answered at "
                        "once; otherwise a background job makes it, and the request waits up to `wait` seconds "
                        "for it, then answers 202 with the job (poll `Location`, download `result_url`).",
            responses={200: {"content": {"application/zip": {}}, "description": "evidence pack"}, **jobs.ACCEPTED})
async def evidence_pack(strict: Annotated[bool, Query(description="refuse while items need manual review")] = False,
                        wait: jobs.Wait = 10, ctx: Ctx = Depends(ctx_for("compliance.read"))) -> Response:
    job = await run_in_threadpool(start_pack, ctx, strict)
    return await jobs.answer(job, wait)
