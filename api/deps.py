"""Per-request context: who is calling, from where, under which request id, and database sessions
signed with that identity (so the ChangeLog hook records who/when/where for every change)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

import answers
from inventory.db import session_scope

from .auth import Principal, remote_addr, require

T = TypeVar("T")
IdPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="numeric id")]
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class Body(BaseModel):
    """The base of every request body: an unknown field is a 422 naming it (a misspelt setting or a
    field the route does not take must not look applied), and the OpenAPI says
    `additionalProperties: false`."""

    model_config = ConfigDict(extra="forbid")


class RequestContextMiddleware:
    """Pure ASGI (cheaper than BaseHTTPMiddleware): a request id for every request (the caller's
    X-Request-ID when well-formed), echoed back, plus security headers on every response."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        is_api = scope.get("path", "").startswith("/api/")

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-request-id", request_id.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]
                if is_api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class Ctx:
    principal: Principal
    engine: Engine
    request_id: str | None
    remote_addr: str | None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction signed by the caller; commits when the block ends, inside the endpoint, so
        a constraint failure becomes a 409 response rather than an error after the response."""
        try:
            with session_scope(self.engine, actor=self.principal.username, request_id=self.request_id,
                               remote_addr=self.remote_addr) as session:
                yield session
        finally:
            # also after a failed write: whatever it did commit is looked at again
            answers.invalidate()


def ctx_for(permission: str) -> Callable[..., Ctx]:
    """Dependency: the caller must hold `permission`; returns a Ctx for the endpoint."""
    guard = require(permission)

    async def dependency(request: Request, principal: Principal = Depends(guard)) -> Ctx:
        return Ctx(principal, request.app.state.engine, getattr(request.state, "request_id", None),
                   remote_addr(request))

    return dependency


async def off_loop(ctx: Ctx, fn: Callable[[], T]) -> T:
    """Run a short database read: inline on SQLite (a local file read of a fraction of a millisecond
    costs less than the hop to the thread pool), in the thread pool on a networked database."""
    if ctx.engine.dialect.name == "sqlite":
        return fn()
    return await run_in_threadpool(fn)


def anon_ctx(request: Request, actor: str = "anonymous") -> Ctx:
    return Ctx(Principal(0, actor, "", "none"), request.app.state.engine,
               getattr(request.state, "request_id", None), remote_addr(request))
