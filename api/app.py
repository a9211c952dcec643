"""The FastAPI application: every JSON router under /api/v1, the error handlers and auth.

`create_app(engine)` is the factory (the web app wraps it; `extranet serve` runs it). The engine
defaults to `inventory.db.get_engine()` (DATABASE_URL or the embedded SQLite file).
"""

from __future__ import annotations

import os
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
ROUTERS = ("topology", "inventory", "auth", "users", "trail", "configs", "collect", "analysis", "money",
           "compliance", "exports", "jobs")

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


def _env_secure() -> bool | None:
    value = os.environ.get("EXTRANET_COOKIE_SECURE", "auto").lower()
    return None if value == "auto" else value in ("1", "true", "yes")


def create_app(engine: Engine | None = None, *, cookie_secure: bool | None = None) -> FastAPI:
    """`cookie_secure`: None = Secure flag when the request came over HTTPS (EXTRANET_COOKIE_SECURE
    overrides: 1 always, 0 never)."""
    app = FastAPI(title="extranet API", version=VERSION, description=DESCRIPTION,
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs", redoc_url=None)
    app.state.engine = engine or get_engine()
    app.state.cookie_secure = cookie_secure if cookie_secure is not None else _env_secure()
    errors.install(app)
    app.add_middleware(RequestContextMiddleware)

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
