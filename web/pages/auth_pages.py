"""Login, logout and the language switch."""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import auth
from api.deps import anon_ctx
from api.errors import ApiError

from ..deps import page_user, principal_of, render

router = APIRouter(include_in_schema=False)

# Login CSRF (a forged form logging the victim in as the attacker): before a session exists the
# form's token is derived from this short-lived pre-login cookie, the same way a session's is.
LOGIN_COOKIE = "extranet_login"
_LOGIN_COOKIE_SECONDS = 3600


def _safe_next(value: str | None) -> str:
    # Only local paths: an open redirect would let a link send a user elsewhere after login.
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/map"
    return value


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


@router.get("/", response_model=None)
def home(request: Request) -> Response:
    return RedirectResponse("/map" if principal_of(request) else "/login", status_code=303)


def _login_form(request: Request, status: int = 200, next_url: str = "/map", error: str | None = None,
                username: str = "") -> HTMLResponse:
    """The login page with a fresh pre-login cookie and the form's CSRF token for it."""
    value = secrets.token_urlsafe(32)
    response = render(request, "login.html", None, status=status, next_url=next_url, error=error, username=username,
                      csrf=auth.csrf_token_for(value))
    secure = request.app.state.cookie_secure
    response.set_cookie(LOGIN_COOKIE, value, max_age=_LOGIN_COOKIE_SECONDS, httponly=True, samesite="strict",
                        path="/login", secure=request.url.scheme == "https" if secure is None else secure)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_form(request, next_url=_safe_next(next))


@router.post("/login", response_model=None)
async def login_submit(request: Request) -> Response:
    form = await _form(request)
    username, password = form.get("username", "")[:64], form.get("password", "")[:256]
    next_url = _safe_next(form.get("next"))
    ctx = anon_ctx(request, actor=username or "anonymous")
    try:
        auth.check_csrf(request.cookies.get(LOGIN_COOKIE), form.get("csrf"))
        auth.check_login_throttle(request.app, ctx.remote_addr)
        with ctx.write() as s:
            try:
                user = auth.authenticate(s, username, password)
            except ApiError:
                auth.note_login_failure(s, request.app, ctx.remote_addr)
                s.commit()  # keep the failure count and the login_failed event
                raise
            cookie, _csrf, expires = auth.create_web_session(s, user, ctx.remote_addr)
    except ApiError as exc:
        failed = _login_form(request, status=exc.http_status, next_url=next_url, error=exc.message, username=username)
        for key, value in (exc.headers or {}).items():
            failed.headers[key] = value
        return failed
    response = RedirectResponse(next_url, status_code=303)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    secure = request.app.state.cookie_secure
    response.set_cookie(auth.SESSION_COOKIE, cookie, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https" if secure is None else secure,
                        max_age=int((expires - dt.datetime.now(dt.UTC)).total_seconds()))
    return response


PASSWORD_ERRORS = ("invalid_credentials", "password_mismatch", "password_unchanged", "weak_password", "csrf_failed")


def _password_form(request: Request, principal: auth.Principal, next_url: str, status: int = 200,
                   error: str | None = None, field: str | None = None, code: str | None = None) -> HTMLResponse:
    # A known refusal is said in the page's language; the policy's own words follow for a weak password.
    said = f"pw_{code}" if code in PASSWORD_ERRORS else "pw_failed"
    return render(request, "account_password.html", principal, status=status, next_url=next_url, error=error,
                  error_key=said if error else None, field=field, forced=principal.must_change)


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, next: str | None = None,
                  principal: auth.Principal = Depends(page_user)) -> HTMLResponse:
    return _password_form(request, principal, _safe_next(next))


@router.post("/account/password", response_model=None)
async def password_submit(request: Request, principal: auth.Principal = Depends(page_user)) -> Response:
    """Change one's own password through the same policy and trail as POST /api/v1/auth/password."""
    form = await _form(request)
    next_url = _safe_next(form.get("next"))
    current, new, again = (form.get(k, "")[:256] for k in ("current_password", "new_password", "confirm_password"))
    ctx = anon_ctx(request, actor=principal.username)
    ctx.principal = principal
    try:
        auth.check_csrf(principal.cookie, form.get("csrf"))
        if new != again:
            raise ApiError(422, "password_mismatch", "the two new passwords differ", {"field": "confirm_password"})
        with ctx.write() as s:
            auth.change_own_password(s, principal.user_id, current, new)
    except ApiError as exc:
        field = exc.details.get("field") if isinstance(exc.details, dict) else None
        return _password_form(request, principal, next_url, status=exc.http_status, error=exc.message, field=field,
                              code=exc.code)
    return RedirectResponse(next_url, status_code=303)


@router.post("/logout", response_model=None)
async def logout(request: Request) -> Response:
    form = await _form(request)
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    if cookie:
        auth.check_csrf(cookie, form.get("csrf"))
        with anon_ctx(request).write() as s:
            auth.end_web_session(s, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}", response_model=None)
def switch_language(lang: str, request: Request, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie("lang", "en" if lang == "en" else "zh", max_age=365 * 86400, samesite="lax", path="/")
    return response
