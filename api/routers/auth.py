"""Login, logout, the caller's identity, own password and own API tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import select

from inventory.models import ApiToken, User

from .. import auth
from ..deps import Body, Ctx, IdPath, anon_ctx
from ..errors import ApiError, ErrorBody

router = APIRouter(prefix="/auth", tags=["auth"])

_NAME = r"^[^\x00-\x1f]*$"


class LoginIn(Body):
    username: str = Field(min_length=1, max_length=64, pattern=_NAME, examples=["engineer1"])
    password: str = Field(min_length=1, max_length=256, pattern=_NAME, examples=["correct horse battery"])


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    role_zh: str
    active: bool
    locked: bool
    must_change_password: bool = Field(description="the password was reset by an administrator; until the owner "
                                                   "chooses their own, only /auth/me, /auth/password and "
                                                   "/auth/logout answer")
    failed_logins: int
    last_login_at: dt.datetime | None
    created_at: dt.datetime
    created_by: str


class MeOut(BaseModel):
    user: UserOut
    via: str = Field(description="token | session")
    permissions: list[str]
    csrf_token: str | None = Field(default=None, description="send as X-CSRF-Token with cookie-authenticated changes")


class LoginOut(MeOut):
    expires_at: dt.datetime
    idle_timeout_minutes: int
    must_change_password: bool


class PasswordIn(Body):
    current_password: str = Field(min_length=1, max_length=256, pattern=_NAME)
    new_password: str = Field(min_length=8, max_length=256, pattern=_NAME)


class TokenIn(Body):
    name: str = Field(min_length=1, max_length=100, pattern=_NAME, examples=["netbox sync"])
    days: int | None = Field(default=None, ge=1, le=3650, description="validity; capped by the security policy")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked: bool


class TokenCreated(TokenOut):
    token: str = Field(description="the secret; shown once, store it now")


def _perms(role: str) -> list[str]:
    return sorted(p for p, roles in auth.PERMISSIONS.items() if role in roles)


def _set_cookie(request: Request, response: Response, value: str, max_age: int) -> None:
    secure = request.app.state.cookie_secure
    if secure is None:
        secure = request.url.scheme == "https"
    response.set_cookie(auth.SESSION_COOKIE, value, max_age=max_age, httponly=True, samesite="strict",
                        secure=secure, path="/")


@router.post("/login", response_model=LoginOut, summary="Log in (web session cookie)",
             description="Starts a web session: sets the HttpOnly session cookie and returns the CSRF token. "
                         "Scripts should use API tokens instead. A wrong password, an unknown user, a disabled "
                         "and a locked account all get the same 401. Too many failures from one address get "
                         "429 with Retry-After, for every username.",
             responses={429: {"model": ErrorBody, "description": "too many failed logins from this address"}})
def login(body: LoginIn, request: Request, response: Response) -> LoginOut:
    ctx = anon_ctx(request, actor=body.username[:64])
    auth.check_login_throttle(request.app, ctx.remote_addr)
    with ctx.write() as s:
        try:
            user = auth.authenticate(s, body.username, body.password)
        except ApiError:
            auth.note_login_failure(s, request.app, ctx.remote_addr)
            s.commit()  # keep the failure count and the login_failed event
            raise
        cookie, csrf, expires = auth.create_web_session(s, user, ctx.remote_addr)
        system = auth.get_settings(s, "system")
        out = LoginOut(user=UserOut(**auth.public_user(user)), via="session", permissions=_perms(user.role),
                       csrf_token=csrf, expires_at=expires, idle_timeout_minutes=system["idle_timeout_minutes"],
                       must_change_password=user.must_change_password)
    _set_cookie(request, response, cookie, int((expires - dt.datetime.now(dt.UTC)).total_seconds()))
    return out


@router.post("/logout", status_code=204, summary="Log out (end the web session)")
def logout(request: Request, principal: auth.Principal = Depends(auth.current_user)) -> Response:
    if principal.via == "session" and principal.cookie:
        ctx = anon_ctx(request, actor=principal.username)
        with ctx.write() as s:
            auth.end_web_session(s, principal.cookie)
    response = Response(status_code=204)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeOut, summary="Who am I")
def me(request: Request, principal: auth.Principal = Depends(auth.current_user)) -> MeOut:
    with anon_ctx(request).read() as s:
        user = s.get(User, principal.user_id)
        if user is None:
            raise ApiError(401, "unauthorized", "the user no longer exists")
        csrf = auth.csrf_token_for(principal.cookie) if principal.cookie else None
        return MeOut(user=UserOut(**auth.public_user(user)), via=principal.via, permissions=_perms(principal.role),
                     csrf_token=csrf)


def _self_ctx(request: Request, principal: auth.Principal = Depends(auth.current_user)) -> Ctx:
    ctx = anon_ctx(request)
    ctx.principal = principal
    return ctx


@router.post("/password", status_code=204, summary="Change my password")
def change_password(body: PasswordIn, ctx: Ctx = Depends(_self_ctx)) -> Response:
    with ctx.write() as s:
        auth.change_own_password(s, ctx.principal.user_id, body.current_password, body.new_password)
    return Response(status_code=204)


@router.get("/tokens", response_model=list[TokenOut], summary="My API tokens (never the secrets)")
def list_tokens(ctx: Ctx = Depends(_self_ctx)) -> list[TokenOut]:
    with ctx.read() as s:
        rows = s.exec(select(ApiToken).where(ApiToken.user_id == ctx.principal.user_id).order_by(ApiToken.id)).all()
        return [TokenOut.model_validate(r, from_attributes=True) for r in rows]


@router.post("/tokens", response_model=TokenCreated, status_code=201, summary="Create an API token (shown once)")
def create_token(body: TokenIn, ctx: Ctx = Depends(_self_ctx)) -> TokenCreated:
    with ctx.write() as s:
        user = s.get(User, ctx.principal.user_id)
        plain, tok = auth.create_token(s, user, body.name, body.days)
        return TokenCreated(token=plain, **TokenOut.model_validate(tok, from_attributes=True).model_dump())


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke one of my API tokens")
def revoke_token(token_id: IdPath, ctx: Ctx = Depends(_self_ctx)) -> Response:
    with ctx.write() as s:
        tok = s.get(ApiToken, token_id)
        if tok is None or tok.user_id != ctx.principal.user_id:
            raise ApiError(404, "not_found", f"you have no token {token_id}", {"kind": "token", "key": token_id})
        auth.revoke_token(s, tok)
    return Response(status_code=204)

