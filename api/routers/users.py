"""Accounts (system admin), roles (security admin) and settings (each admin their own group).
Every action on another account asks `auth.duty_allows` with the target's role (三员分立)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from sqlmodel import select

from inventory.models import User

from .. import auth
from ..deps import Body, Ctx, IdPath, ctx_for
from ..errors import ApiError
from ..trail import record_event
from .auth import UserOut

router = APIRouter(tags=["users"])

RoleName = Literal["viewer", "engineer", "planner", "finance", "auditor", "sysadmin", "secadmin", "auditadmin"]
_TEXT = r"^[^\x00-\x1f]*$"


class UserIn(Body):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._-]+$", examples=["zhang.wei"])
    display_name: str = Field(default="", max_length=100, pattern=_TEXT, examples=["张伟"])
    password: str = Field(min_length=8, max_length=256, pattern=_TEXT)
    role: RoleName = Field(default="viewer", description="the system admin may create operator roles only; "
                                                         "admin roles are granted by the security admin")


class UserPatch(Body):
    display_name: str | None = Field(default=None, max_length=100, pattern=_TEXT)
    active: bool | None = None
    unlock: bool | None = Field(default=None, description="clear a lock-out")


class PasswordReset(Body):
    password: str = Field(min_length=8, max_length=256, pattern=_TEXT)


class RoleIn(Body):
    role: RoleName


class UserPage(BaseModel):
    items: list[UserOut]
    total: int


def _get(ctx_session: Any, user_id: int) -> User:
    user = ctx_session.get(User, user_id)
    if user is None:
        raise ApiError(404, "not_found", f"no user {user_id}", {"kind": "user", "key": user_id})
    return user


def _check_duty(ctx: Ctx, user_id: int, action: str) -> str:
    """Refuse (403, recorded as a denied request) unless the caller's role may do `action` to the
    account's role; return that role, which the write re-checks so a concurrent re-role cannot slip by."""
    with ctx.read() as s:
        target_role = _get(s, user_id).role
    if not auth.duty_allows(ctx.principal.role, target_role, action):
        with ctx.write() as s:  # its own transaction: the refusal must outlive the error
            record_event(s, "denied", "app_user", user_id, f"{action} {target_role}", None,
                         {"role": ctx.principal.role, "target_role": target_role, "action": action})
        raise auth.duty_error(ctx.principal.role, target_role, action)
    return target_role


def _same_role(user: User, expected: str, ctx: Ctx, action: str) -> None:
    if user.role != expected:
        raise auth.duty_error(ctx.principal.role, user.role, action)


@router.get("/users", response_model=UserPage, summary="List accounts")
def list_users(ctx: Ctx = Depends(ctx_for("users.read"))) -> UserPage:
    with ctx.read() as s:
        users = s.exec(select(User).order_by(User.username)).all()
        return UserPage(items=[UserOut(**auth.public_user(u)) for u in users], total=len(users))


@router.post("/users", response_model=UserOut, status_code=201, summary="Create an account (system admin)")
def create_user(body: UserIn, ctx: Ctx = Depends(ctx_for("users.manage"))) -> UserOut:
    if body.role in auth.ADMIN_ROLES:
        raise ApiError(403, "forbidden", "administrator roles are granted by the security administrator "
                       "(PUT /api/v1/users/{id}/role)", {"field": "role"})
    with ctx.write() as s:
        user = auth.create_user(s, body.username, body.password, body.role, ctx.principal.username,
                                display_name=body.display_name)
        return UserOut(**auth.public_user(user))


@router.patch("/users/{user_id}", response_model=UserOut, summary="Enable, disable, unlock, rename (system admin)")
def patch_user(user_id: IdPath, body: UserPatch, ctx: Ctx = Depends(ctx_for("users.manage"))) -> UserOut:
    changes = body.model_dump(exclude_none=True)
    if user_id == ctx.principal.user_id and changes.get("active") is False:
        raise ApiError(409, "conflict", "you cannot disable your own account", {"field": "active"})
    # enabling, disabling, unlocking and renaming another account are one duty ("disable" in DUTIES)
    expected = _check_duty(ctx, user_id, "disable") if user_id != ctx.principal.user_id else None
    with ctx.write() as s:
        user = _get(s, user_id)
        if expected is not None:
            _same_role(user, expected, ctx, "disable")
        unlock = changes.pop("unlock", False)
        auth.update_user(s, user, changes)
        if unlock:
            user.failed_logins = 0
            user.locked_until = None
            s.add(user)
        return UserOut(**auth.public_user(user))


@router.put("/users/{user_id}/password", status_code=204,
            summary="Reset a password (system admin: ordinary accounts; security admin: system and audit admins)",
            description="The password set here is one-time: the owner must choose their own at the next login. "
                        "Resetting an administrator raises an alert. Change your own with POST /auth/password.")
def reset_password(user_id: IdPath, body: PasswordReset, ctx: Ctx = Depends(ctx_for("passwords.reset"))) -> Response:
    if user_id == ctx.principal.user_id:
        raise ApiError(409, "conflict", "change your own password with POST /api/v1/auth/password", {"field": "id"})
    expected = _check_duty(ctx, user_id, "reset_password")
    with ctx.write() as s:
        user = _get(s, user_id)
        _same_role(user, expected, ctx, "reset_password")
        auth.set_password(s, user, body.password, reset_by=ctx.principal)
        auth.revoke_all(s, user)
    return Response(status_code=204)


@router.put("/users/{user_id}/role", response_model=UserOut, summary="Grant a role (security admin)")
def set_role(user_id: IdPath, body: RoleIn, ctx: Ctx = Depends(ctx_for("roles.assign"))) -> UserOut:
    if user_id == ctx.principal.user_id:
        raise ApiError(409, "conflict", "you cannot change your own role", {"field": "role"})
    expected = _check_duty(ctx, user_id, "set_role")
    with ctx.write() as s:
        user = _get(s, user_id)
        _same_role(user, expected, ctx, "set_role")
        if user.role != body.role:
            auth.update_user(s, user, {"role": body.role})
        return UserOut(**auth.public_user(user))


class SettingsOut(BaseModel):
    system: dict[str, Any]
    security: dict[str, Any]
    limits: dict[str, dict[str, list[int]]]


class SystemSettingsIn(Body):
    idle_timeout_minutes: int | None = Field(default=None, ge=1, le=30)
    session_max_hours: int | None = Field(default=None, ge=1, le=24)
    organisation: str | None = Field(default=None, max_length=100, pattern=_TEXT)


class SecuritySettingsIn(Body):
    password_min_length: int | None = Field(default=None, ge=8, le=128)
    password_min_classes: int | None = Field(default=None, ge=2, le=4)
    lockout_threshold: int | None = Field(default=None, ge=3, le=10)
    lockout_minutes: int | None = Field(default=None, ge=1, le=1440)
    token_max_days: int | None = Field(default=None, ge=1, le=3650)


def _settings(s: Any) -> SettingsOut:
    return SettingsOut(system=auth.get_settings(s, "system"), security=auth.get_settings(s, "security"),
                       limits={g: {k: list(v) for k, v in lim.items()} for g, lim in auth.SETTING_LIMITS.items()})


@router.get("/settings", response_model=SettingsOut, tags=["settings"], summary="System settings and security policy")
def get_settings(ctx: Ctx = Depends(ctx_for("users.read"))) -> SettingsOut:
    with ctx.read() as s:
        return _settings(s)


@router.patch("/settings/system", response_model=SettingsOut, tags=["settings"],
              summary="Change system settings (system admin)")
def patch_system(body: SystemSettingsIn, ctx: Ctx = Depends(ctx_for("settings.system"))) -> SettingsOut:
    with ctx.write() as s:
        auth.update_settings(s, "system", body.model_dump(exclude_none=True), ctx.principal.username)
    with ctx.read() as s:
        return _settings(s)


@router.patch("/settings/security", response_model=SettingsOut, tags=["settings"],
              summary="Change the security policy (security admin)")
def patch_security(body: SecuritySettingsIn, ctx: Ctx = Depends(ctx_for("settings.security"))) -> SettingsOut:
    with ctx.write() as s:
        auth.update_settings(s, "security", body.model_dump(exclude_none=True), ctx.principal.username)
    with ctx.read() as s:
        return _settings(s)
