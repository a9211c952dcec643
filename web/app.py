"""The web UI: the API app (api.app.create_app) plus server-rendered pages and vendored static files.

`extranet serve` runs `web.app:create_app` as a uvicorn factory. Nothing is loaded from the
Internet: vis-network and Chart.js are served from /static/vendor.
"""

from __future__ import annotations

from importlib import import_module

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from api.app import create_app as create_api_app
from inventory.errors import ExtranetError

from .deps import (
    HERE,
    LoginRequired,
    PageForbidden,
    PasswordChangeRequired,
    lang_of,
    login_url,
    password_url,
    principal_of,
    render,
)

PAGES = ("auth_pages", "overview_pages", "map_pages", "inventory_pages", "simulate_pages", "money_pages",
         "sla_pages", "contract_pages", "backup_pages", "collection_pages", "compliance_pages", "export_pages")


def create_app(engine: Engine | None = None, **kwargs: object) -> FastAPI:
    app = create_api_app(engine, **kwargs)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for name in PAGES:
        app.include_router(import_module(f"web.pages.{name}").router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(login_url(exc.next_url), status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _change_first(request: Request, exc: PasswordChangeRequired) -> RedirectResponse:
        return RedirectResponse(password_url(exc.next_url), status_code=303)

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> HTMLResponse:
        return render(request, "message.html", principal_of(request), status=403, title_key="forbidden",
                      message=f"{exc.permission}")

    api_handler = app.exception_handlers.get(ExtranetError)

    @app.exception_handler(ExtranetError)
    async def _page_errors(request: Request, exc: ExtranetError):
        # JSON for the API and the pages' own JSON endpoints; a readable page for a page.
        if request.url.path.startswith(("/api/", "/ui/api/")) or api_handler is None:
            return await api_handler(request, exc)  # type: ignore[misc]
        status = getattr(exc, "http_status", None) or (404 if exc.code == "not_found" else 400)
        return render(request, "message.html", principal_of(request), status=status, title_key="error",
                      message=exc.message, details=exc.details if isinstance(exc.details, list | dict) else None,
                      lang_now=lang_of(request))

    return app
