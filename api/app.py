"""The FastAPI application: every JSON router under /api/v1, the error handlers and auth.

`create_app(engine)` is the factory (the web app wraps it; `extranet serve` runs it). The engine
defaults to `inventory.db.get_engine()` (DATABASE_URL or the embedded SQLite file).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from importlib import import_module

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from inventory.db import get_engine

from . import errors
from .deps import RequestContextMiddleware

API_PREFIX = "/api/v1"
VERSION = "1.0.0"

# Routers are modules of api.routers with a `router`; optional ones are skipped while the
# capability they expose has not landed. Order matters for speed: routes are matched in order, so
# the hot read paths (topology, lists) come first.
ROUTERS = ("topology", "inventory", "auth", "users", "trail", "configs", "collect", "analysis", "money", "sla",
           "contract", "backup", "compliance", "exports", "jobs")

DESCRIPTION = """
Inventory, topology, failure analysis, money and 等保 evidence of the dual-carrier e-government extranet.

**Auth**: `Authorization: Bearer <token>` (create tokens at `POST /api/v1/auth/tokens`; shown once),
or the web session cookie from `POST /api/v1/auth/login` plus the `X-CSRF-Token` header on changes.

**Errors**: always JSON `{code, message, details}`; `code` is stable (e.g. `not_found`,
`validation_error` with the field names in `details`, `forbidden`, `conflict`, `invalid_credentials`,
`account_locked`, `csrf_failed`).

**Audit**: every change is recorded with who, when, from where, before/after and the request id
(`X-Request-ID`, echoed on every response); only the audit administrator can read the trail.
"""


class Health(BaseModel):
    status: str
    version: str
    database: str


MB = 1024 * 1024
BODY_LIMIT_MB = 4  # JSON bodies of every route but the imports: the largest real one is a few hundred KB
IMPORT_LIMIT_MB = 128  # a province's YAML (50 MB) JSON-encoded, with room
IMPORT_PATHS = (f"{API_PREFIX}/import",)


def _env_mb(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a size in MB") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r}: expected a size in MB above 0")
    return int(value * MB)


class BodyLimitMiddleware:
    """Refuses a request body over the limit before the app reads it (413 in the API's error format):
    at once when Content-Length says so, else when the streamed body passes the limit (buffered, so the
    route never sees a partial body). Imports have their own, larger limit."""

    def __init__(self, app: Callable, limit: int, import_limit: int) -> None:
        self.app, self.limit, self.import_limit = app, limit, import_limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_import = scope.get("path", "") in IMPORT_PATHS
        limit = self.import_limit if is_import else self.limit
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await self._refuse(send, limit, is_import)
                return
            await self.app(scope, receive, send)  # the server stops reading at Content-Length
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await self._refuse(send, limit, is_import)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        replay = iter([{"type": "http.request", "body": b"".join(chunks), "more_body": False}])

        async def replayed() -> dict:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)

    @staticmethod
    async def _refuse(send: Callable, limit: int, is_import: bool) -> None:
        env = "EXTRANET_MAX_IMPORT_MB" if is_import else "EXTRANET_MAX_BODY_MB"
        what = "an import" if is_import else "a request body"
        payload = errors.body("too_large", f"{what} may be at most {limit / MB:g} MB (set by {env})",
                              {"limit_bytes": limit, "setting": env})
        data = json.dumps(payload, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": data})


def _env_secure() -> bool | None:
    value = os.environ.get("EXTRANET_COOKIE_SECURE", "auto").lower()
    return None if value == "auto" else value in ("1", "true", "yes")


def create_app(engine: Engine | None = None, *, cookie_secure: bool | None = None, max_body_bytes: int | None = None,
               max_import_bytes: int | None = None) -> FastAPI:
    """`cookie_secure`: None = Secure flag when the request came over HTTPS (EXTRANET_COOKIE_SECURE
    overrides: 1 always, 0 never). Body limits: EXTRANET_MAX_BODY_MB (default 4) and, for imports,
    EXTRANET_MAX_IMPORT_MB (default 128) unless given here in bytes."""
    app = FastAPI(title="extranet API", version=VERSION, description=DESCRIPTION,
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs", redoc_url=None)
    app.state.engine = engine or get_engine()
    app.state.cookie_secure = cookie_secure if cookie_secure is not None else _env_secure()
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware, limit=max_body_bytes or _env_mb("EXTRANET_MAX_BODY_MB", BODY_LIMIT_MB),
                       import_limit=max_import_bytes or _env_mb("EXTRANET_MAX_IMPORT_MB", IMPORT_LIMIT_MB))
    app.add_middleware(RequestContextMiddleware)  # outermost: a refused body still gets the request id

    api = APIRouter(prefix=API_PREFIX, responses=errors.ERROR_RESPONSES)

    @api.get("/health", response_model=Health, tags=["meta"], summary="Liveness (no auth)")
    def health() -> Health:
        return Health(status="ok", version=VERSION, database=app.state.engine.dialect.name)

    app.state.routers = []
    for name in ROUTERS:
        try:
            module = import_module(f"api.routers.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("api.routers"):
                continue
            raise
        api.include_router(module.router)
        app.state.routers.append(name)
    app.include_router(api)
    return app
