"""Background jobs (answers/jobs.py) over HTTP: an expensive export answers 200 with the file when its
result is kept or ready within the request's `wait`, else 202 with the job to poll here."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from answers import jobs

from ..auth import Principal, current_user
from ..errors import ApiError, ErrorBody

router = APIRouter(prefix="/jobs", tags=["jobs"])
POLL_AFTER = 3  # seconds, the Retry-After of a 202
MAX_WAIT = 60  # a request's own wait; past it a client polls (a proxy's idle timeout is often 60 s)
# kind -> how a finished job's result becomes the download (registered by the routes that start them)
RESULTS: dict[str, Callable[[Any], Response]] = {}

Wait = Annotated[float, Query(ge=0, le=MAX_WAIT, description="seconds to wait for the job before answering 202")]


class JobOut(BaseModel):
    id: str
    kind: str = Field(description="what the job makes, e.g. evidence-pack")
    state: str = Field(description="running (queued or working), done or failed")
    queued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds: float | None = Field(description="time spent working so far")
    poll_url: str
    result_url: str = Field(description="the file once done (202 with this document before)")
    error: ErrorBody | None = None


def _when(t: float | None) -> dt.datetime | None:
    return None if t is None else dt.datetime.fromtimestamp(t, dt.UTC)


def job_out(job: jobs.Job) -> JobOut:
    err = job.error
    return JobOut(id=job.id, kind=job.kind, state=job.state, queued_at=_when(job.queued_at),
                  started_at=_when(job.started_at), finished_at=_when(job.finished_at), seconds=job.seconds,
                  poll_url=f"/api/v1/jobs/{job.id}", result_url=f"/api/v1/jobs/{job.id}/result",
                  error=ErrorBody(code=err.code, message=err.message, details=err.details) if err else None)


def refuse_busy(exc: jobs.TooManyJobs) -> ApiError:
    return ApiError(429, exc.code, exc.message, exc.details, headers={"Retry-After": str(POLL_AFTER * 5)})


async def wait_for(job: jobs.Job, seconds: float) -> bool:
    """Wait (without holding a thread) until the job ends or `seconds` pass; True when it ended."""
    deadline = time.monotonic() + seconds
    pause = 0.02
    while not job.done.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, 0.25)
    return job.done.is_set()


def raise_failure(job: jobs.Job) -> None:
    err = job.error
    if err is None:
        return
    status = 500 if err.code == "job_failed" else 404 if err.code == "not_found" else 409
    raise ApiError(status, err.code, err.message, err.details)


def pending(job: jobs.Job) -> JSONResponse:
    return JSONResponse(job_out(job).model_dump(mode="json"), status_code=202,
                        headers={"Location": f"/api/v1/jobs/{job.id}", "Retry-After": str(POLL_AFTER)})


async def answer(job: jobs.Job, wait: float) -> Response:
    """The file when the job is done within `wait`, its error when it failed, else 202 and the job."""
    if not await wait_for(job, wait):
        return pending(job)
    raise_failure(job)
    return RESULTS[job.kind](job.result)


ACCEPTED = {202: {"model": JobOut, "description": "still running: poll `Location` (the job), then fetch "
                                                  "`result_url`"},
            429: {"model": ErrorBody, "description": "too many jobs of this user running (EXTRANET_JOBS_PER_USER)"}}


def _mine(job_id: str, principal: Principal) -> jobs.Job:
    job = jobs.runner().get(job_id)
    # another user's job is not theirs to see (ids are random; say nothing about whether it exists)
    if job is None or job.owner != principal.username or not principal.can(job.permission):
        raise ApiError(404, "not_found", f"no job {job_id!r} of yours (jobs are kept for an hour after they end)",
                       {"kind": "job", "key": job_id})
    return job


JobId = Annotated[str, PathParam(pattern="^[0-9a-f]{32}$")]


@router.get("/{job_id}", response_model=JobOut, summary="A background job of mine: its state")
async def get_job(job_id: JobId, wait: Annotated[float, Query(ge=0, le=30, description="seconds to wait for the "
                                                              "job to end before answering")] = 0,
                  principal: Principal = Depends(current_user)) -> JobOut:
    job = _mine(job_id, principal)
    await wait_for(job, wait)
    return job_out(job)


@router.get("/{job_id}/result", summary="The file a finished job made", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}, **ACCEPTED})
async def job_result(job_id: JobId, wait: Wait = 0, principal: Principal = Depends(current_user)) -> Response:
    return await answer(_mine(job_id, principal), wait)
