"""Every API error is JSON `{code, message, details}` with a stable code. Bad input is a 4xx that
names the field; an unexpected failure is a 500 with a request id and no trace (the trace goes to
the server log only)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from inventory.errors import ExtranetError

log = logging.getLogger("extranet.api")


class ApiError(ExtranetError):
    """An error raised by the API layer itself, with its HTTP status."""

    def __init__(self, status: int, code: str, message: str, details: Any = None, headers: dict | None = None):
        super().__init__(message, code=code, details=details)
        self.http_status = status
        self.headers = headers


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. not_found, validation_error, forbidden")
    message: str = Field(description="what went wrong and what was expected, for people")
    details: Any = Field(default=None, description="structured context: fields, known names, problems")


# Documented on every route so clients (and schemathesis) know every status an endpoint may return.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "bad request"},
    401: {"model": ErrorBody, "description": "not authenticated (missing, expired or invalid credentials)"},
    403: {"model": ErrorBody, "description": "authenticated but the role may not do this, or CSRF check failed"},
    404: {"model": ErrorBody, "description": "no such object"},
    409: {"model": ErrorBody, "description": "conflicts with stored data (duplicate, still referenced)"},
    413: {"model": ErrorBody, "description": "request body over the limit (EXTRANET_MAX_BODY_MB; imports: "
                                             "EXTRANET_MAX_IMPORT_MB)"},
    422: {"model": ErrorBody, "description": "invalid input; details name each field"},
    423: {"model": ErrorBody, "description": "account locked after failed logins"},
    500: {"model": ErrorBody, "description": "internal error (no trace is shown; quote the request id)"},
}

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
                 415: "unsupported_media_type", 422: "validation_error", 423: "locked", 429: "rate_limited"}


_CODE_STATUS = {"conflict": 409, "not_found": 404, "validation_error": 422, "forbidden": 403}


def body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    # "body" alone says nothing; "body.hostname" or "query.limit" names the field.
    return ".".join(parts) if parts else "(request)"


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        out.append({"field": _field_name(err.get("loc", ())), "message": err.get("msg", "invalid"),
                    "type": err.get("type", "invalid")})
    return out


def _summary(details: list[dict[str, Any]]) -> str:
    names = ", ".join(d["field"] for d in details[:10])
    first = details[0]["message"] if details else "invalid"
    return f"invalid input at {names}: {first}"


def invalid_input(errors: list[Any], prefix: tuple[str, ...] = ()) -> ApiError:
    """A 422 like a request validation error, for pydantic errors raised inside an endpoint (rules
    checked on the table class); `prefix` places the fields, e.g. ("body",)."""
    details = validation_details([{**e, "loc": (*prefix, *e.get("loc", ()))} for e in errors])
    return ApiError(422, "validation_error", _summary(details), details)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route of this path accepts. Starlette's 405 names only the first route that
    matched the path, while one path here is often several routes (GET, PATCH and DELETE of an item).
    Asking the routes themselves, one method at a time, follows included routers at any depth."""
    routes = request.app.router.routes
    allowed = [m for m in _METHODS
               if any(r.matches({**request.scope, "method": m})[0] is Match.FULL for r in routes)]
    return ", ".join(allowed)


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def install(app: FastAPI) -> None:
    @app.exception_handler(ExtranetError)
    async def _extranet(request: Request, exc: ExtranetError) -> JSONResponse:
        status = getattr(exc, "http_status", 400) or 400
        if status == 400:
            # Lower layers raise plain ExtranetError with a code; give the well-known ones their status.
            status = _CODE_STATUS.get(exc.code, 400)
        return JSONResponse(body(exc.code, exc.message, exc.details), status_code=status,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(list(exc.errors()))
        return JSONResponse(body("validation_error", _summary(details), details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path}"
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
            message = f"{request.method} is not accepted here; allowed: {headers['Allow']}"
        return JSONResponse(body(code, message), status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        reason = str(exc.orig).splitlines()[0] if exc.orig else "constraint violated"
        return JSONResponse(body("conflict", f"rejected by a database constraint: {reason}"), status_code=409)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        reason = str(exc.orig).splitlines()[0] if exc.orig else "value out of range"
        return JSONResponse(body("invalid_value", f"a value is out of range for the database: {reason}"),
                            status_code=422)

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable (request %s): %s", _request_id(request), str(exc.orig).splitlines()[0])
        return JSONResponse(body("database_unavailable", "the database is unavailable; try again later",
                                 {"request_id": _request_id(request)}), status_code=503)

    @app.exception_handler(StatementError)
    async def _statement(request: Request, exc: StatementError) -> JSONResponse:
        # The driver refused a parameter before sending it (e.g. a NUL character for PostgreSQL).
        if isinstance(exc.orig, ValueError | TypeError | OverflowError):
            return JSONResponse(body("invalid_value", f"a value cannot be stored: {exc.orig}"), status_code=422)
        log.error("database error (request %s): %s", _request_id(request), type(exc).__name__)
        return JSONResponse(body("internal_error", "internal error; the server log has the details",
                                 {"request_id": _request_id(request)}), status_code=500)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error (request %s)", _request_id(request))
        return JSONResponse(body("internal_error", "internal error; the server log has the details",
                                 {"request_id": _request_id(request)}), status_code=500)
