"""Identity and access: users, roles, API tokens, web sessions, CSRF, lock-out and idle timeout.

Two ways to authenticate a request:
- `Authorization: Bearer ext_...` — an API token (scripts, other systems). Tokens are shown once
  when created and stored as SHA-256 digests.
- the `extranet_session` cookie set by `POST /api/v1/auth/login` (the web UI). HttpOnly,
  SameSite=Strict, Secure over HTTPS (or always, with EXTRANET_COOKIE_SECURE=1). Every mutating
  request made with the cookie must carry the session's CSRF token in `X-CSRF-Token`.

Roles follow the 等保 level-3 separation of administrators: the system admin manages accounts
and system settings, the security admin grants roles and sets the security policy, the audit
admin reads the audit trail and nothing else. PERMISSIONS below is the single role matrix; the
docs and tests are derived from it. DUTIES refines it by the role of the account acted upon, so that
no administrator acts in another administrator's duty (三员分立); every user route asks `duty_allows`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from inventory.db import session_scope
from inventory.models import Alert, ApiToken, Setting, User, WebSession, utcnow

from .errors import ApiError
from .trail import record_event

ROLES: tuple[str, ...] = ("viewer", "engineer", "planner", "finance", "auditor", "sysadmin", "secadmin", "auditadmin")
ADMIN_ROLES = frozenset({"sysadmin", "secadmin", "auditadmin"})
ROLE_ZH = {
    "viewer": "只读用户", "engineer": "网络工程师", "planner": "规划人员", "finance": "财务人员",
    "auditor": "测评/审计人员", "sysadmin": "系统管理员", "secadmin": "安全管理员", "auditadmin": "审计管理员",
}
_OPERATORS = ("viewer", "engineer", "planner", "finance", "auditor")

# permission -> roles holding it. The audit admin appears only under audit.read on purpose.
PERMISSIONS: dict[str, frozenset[str]] = {
    "inventory.read": frozenset({*_OPERATORS, "sysadmin", "secadmin"}),
    "inventory.write": frozenset({"engineer"}),
    "inventory.import": frozenset({"engineer"}),
    "money.read": frozenset({"finance", "planner", "auditor"}),
    "money.write": frozenset({"finance"}),
    "config.read": frozenset({"engineer", "auditor", "secadmin"}),
    "config.raw": frozenset({"secadmin"}),
    "collect.run": frozenset({"engineer"}),
    "topology.read": frozenset({*_OPERATORS, "sysadmin", "secadmin"}),
    "map.write": frozenset({"engineer", "planner"}),
    "analysis.run": frozenset({"engineer", "planner", "auditor"}),
    "scenario.write": frozenset({"engineer", "planner"}),
    "compliance.read": frozenset({"auditor", "engineer", "secadmin"}),
    "export.read": frozenset({"engineer", "planner", "finance", "auditor"}),
    "users.read": frozenset({"sysadmin", "secadmin"}),
    "users.manage": frozenset({"sysadmin"}),
    "passwords.reset": frozenset({"sysadmin", "secadmin"}),
    "roles.assign": frozenset({"secadmin"}),
    "settings.system": frozenset({"sysadmin"}),
    "settings.security": frozenset({"secadmin"}),
    "audit.read": frozenset({"auditadmin"}),
}
PERMISSION_ZH = {
    "inventory.read": "读取资产台账", "inventory.write": "修改资产台账", "inventory.import": "批量导入台账",
    "money.read": "读取合同、付款、预算", "money.write": "修改合同、付款、预算、事故",
    "config.read": "读取设备配置（已脱敏）", "config.raw": "读取设备配置原文（含密钥）",
    "collect.run": "启动采集", "topology.read": "读取拓扑", "map.write": "保存地图位置",
    "analysis.run": "运行分析和场景", "scenario.write": "保存场景", "compliance.read": "读取等保核查结果",
    "export.read": "下载导出文件", "users.read": "查看用户", "users.manage": "创建/停用用户",
    "passwords.reset": "重置他人口令（按三员分立规则）",
    "roles.assign": "分配角色", "settings.system": "系统设置", "settings.security": "安全策略",
    "audit.read": "读取审计日志",
}

# 三员分立: action on another account -> acting role -> roles of the accounts it may act on.
# The permission above lets a role reach the route; this table decides by the target's role.
# - An administrator never disables, re-roles or takes over another administrator: that would let
#   one duty silence or become another. Demoting or disabling an administrator is done on the host
#   (`extranet users ...`, which needs the operating-system account and is itself audited).
# - A forgotten administrator password is reset by the security administrator alone: credentials
#   are the security duty, the system administrator would otherwise take over the two who watch
#   them, and the audit administrator only reads. The reset is a one-time password (the target
#   must change it at the next login) and raises an alert the system and audit administrators see.
#   A security administrator's own forgotten password is reset on the host, never by a peer.
# - Nobody mints an API token for somebody else over the API; each user creates their own.
DUTY_ACTIONS: tuple[str, ...] = ("reset_password", "disable", "set_role", "mint_token")
DUTIES: dict[str, dict[str, frozenset[str]]] = {
    "reset_password": {"sysadmin": frozenset(_OPERATORS), "secadmin": frozenset({"sysadmin", "auditadmin"})},
    "disable": {"sysadmin": frozenset(_OPERATORS)},
    "set_role": {"secadmin": frozenset(_OPERATORS)},
    "mint_token": {},
}
DUTY_ZH = {"reset_password": "重置口令", "disable": "启用/停用/解锁", "set_role": "变更角色", "mint_token": "代发令牌"}


def duty_allows(actor_role: str, target_role: str, action: str) -> bool:
    """May a user of `actor_role` do `action` to another account whose role is `target_role`?"""
    if action not in DUTIES:
        raise ValueError(f"unknown duty action {action!r}; expected one of {', '.join(DUTY_ACTIONS)}")
    return target_role in DUTIES[action].get(actor_role, frozenset())


def duty_error(actor_role: str, target_role: str, action: str) -> ApiError:
    return ApiError(403, "forbidden", f"role {actor_role!r} may not {action.replace('_', ' ')} an account with "
                    f"role {target_role!r} (separation of administrator duties)",
                    {"role": actor_role, "target_role": target_role, "action": action})


SESSION_COOKIE = "extranet_session"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "ext_"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# All a user whose password was reset by someone else may do before choosing their own.
MUST_CHANGE_PATHS = frozenset({"/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/logout"})

DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {
    # system settings (sysadmin)
    "system": {"idle_timeout_minutes": 10, "session_max_hours": 12, "organisation": "电子政务外网管理中心"},
    # security policy (secadmin); thresholds from GB/T 22239-2019 8.1.4.1 as read in research/mlps.md
    "security": {"password_min_length": 10, "password_min_classes": 3, "lockout_threshold": 5,
                 "lockout_minutes": 15, "token_max_days": 365},
}
SETTING_LIMITS: dict[str, dict[str, tuple[int, int]]] = {
    "system": {"idle_timeout_minutes": (1, 30), "session_max_hours": (1, 24)},
    "security": {"password_min_length": (8, 128), "password_min_classes": (2, 4), "lockout_threshold": (3, 10),
                 "lockout_minutes": (1, 1440), "token_max_days": (1, 3650)},
}

_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# ---------------------------------------------------------------- settings


# Keyed by database as well as group: a process may serve more than one database (the tests do), and one
# database's policy must never be applied to another's users.
_settings_cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
_SETTINGS_TTL = 15.0


def get_settings(session: Session, group: str) -> dict[str, Any]:
    key = (_db(session), group)
    cached = _settings_cache.get(key)
    if cached and time.monotonic() - cached[0] < _SETTINGS_TTL:
        return cached[1]
    row = session.get(Setting, group)
    values = {**DEFAULT_SETTINGS[group], **(row.value if row else {})}
    _settings_cache[key] = (time.monotonic(), values)
    return values


def update_settings(session: Session, group: str, changes: dict[str, Any], actor: str) -> dict[str, Any]:
    limits = SETTING_LIMITS[group]
    for key, value in changes.items():
        if key not in DEFAULT_SETTINGS[group]:
            raise ApiError(422, "validation_error", f"unknown {group} setting {key!r}; known: "
                           f"{', '.join(DEFAULT_SETTINGS[group])}", {"field": key})
        if key in limits:
            low, high = limits[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ApiError(422, "validation_error", f"{group}.{key} must be an integer from {low} to {high}",
                               {"field": key, "min": low, "max": high})
    row = session.get(Setting, group)
    before = dict(row.value) if row else {}
    if row is None:
        row = Setting(key=group, value={})
    row.value = {**before, **changes}
    row.updated_by = actor
    row.updated_at = utcnow()
    session.add(row)
    record_event(session, "update", "app_setting", None, group, before, row.value)
    _settings_cache.pop((_db(session), group), None)
    return {**DEFAULT_SETTINGS[group], **row.value}


# ---------------------------------------------------------------- passwords and users


def check_password_policy(session: Session, username: str, password: str) -> None:
    policy = get_settings(session, "security")
    problems = []
    if len(password) < policy["password_min_length"]:
        problems.append(f"at least {policy['password_min_length']} characters")
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"))
    if classes < policy["password_min_classes"]:
        problems.append(f"at least {policy['password_min_classes']} of: lower case, upper case, digits, symbols")
    if username.lower() in password.lower():
        problems.append("must not contain the username")
    if problems:
        raise ApiError(422, "weak_password", "password too weak: " + "; ".join(problems), {"field": "password"})


def generate_password() -> str:
    """A random password that satisfies any allowed policy (for demo users and resets)."""
    return secrets.token_urlsafe(12) + "-Aa1"


def public_user(user: User) -> dict[str, Any]:
    """The user as shown to others: never the hash."""
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
            "role_zh": ROLE_ZH.get(user.role, user.role), "active": user.active,
            "locked": _locked(user), "must_change_password": user.must_change_password,
            "failed_logins": user.failed_logins, "last_login_at": user.last_login_at,
            "created_at": user.created_at, "created_by": user.created_by}


def create_user(session: Session, username: str, password: str, role: str, actor: str,
                display_name: str = "") -> User:
    if role not in ROLES:
        raise ApiError(422, "validation_error", f"unknown role {role!r}; expected one of {', '.join(ROLES)}",
                       {"field": "role"})
    if not re.fullmatch(r"[A-Za-z0-9._-]{2,64}", username):
        raise ApiError(422, "validation_error", "username must be 2-64 letters, digits, '.', '_' or '-'",
                       {"field": "username"})
    if session.exec(select(User).where(User.username == username)).first():
        raise ApiError(409, "conflict", f"user {username!r} already exists", {"field": "username"})
    check_password_policy(session, username, password)
    user = User(username=username, display_name=display_name, password_hash=hash_password(password), role=role,
                created_by=actor)
    session.add(user)
    session.flush()
    record_event(session, "create", "app_user", user.id, username, None, _audited(user))
    return user


def set_password(session: Session, user: User, password: str, reset_by: Principal | None = None) -> None:
    """Set a password. `reset_by` is another user resetting it: the password is then one-time (the
    owner must choose their own at the next login) and a reset of an administrator raises an alert."""
    check_password_policy(session, user.username, password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    user.must_change_password = reset_by is not None
    session.add(user)
    if reset_by is None:
        record_event(session, "password", "app_user", user.id, user.username, None, None)
    else:
        record_event(session, "password_reset", "app_user", user.id, user.username, None,
                     {"by": reset_by.username, "by_role": reset_by.role, "role": user.role, "must_change": True})
        if user.role in ADMIN_ROLES:
            session.add(Alert(kind="admin_password_reset",
                              message=f"{reset_by.username} ({reset_by.role}) reset the password of administrator "
                                      f"{user.username} ({user.role}); they must choose a new one at next login. "
                                      "If they did not ask for it, investigate."[:500]))
    _principal_cache.clear()


def change_own_password(session: Session, user_id: int, current_password: str, new_password: str) -> User:
    """A user choosing their own password (POST /api/v1/auth/password and the web form share it): the
    current one must be right, the new one differ and pass the policy; a forced change is thereby done."""
    user = session.get(User, user_id)
    if user is None or not verify_password(user.password_hash, current_password):
        raise ApiError(403, "invalid_credentials", "the current password is wrong", {"field": "current_password"})
    if new_password == current_password:
        raise ApiError(422, "password_unchanged", "the new password must differ from the current one",
                       {"field": "new_password"})
    set_password(session, user, new_password)
    return user


def _audited(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "active": user.active}


def update_user(session: Session, user: User, changes: dict[str, Any]) -> User:
    before = _audited(user)
    for key, value in changes.items():
        setattr(user, key, value)
    if changes.get("active") is True:
        user.failed_logins = 0
        user.locked_until = None
    session.add(user)
    record_event(session, "update", "app_user", user.id, user.username, before, _audited(user))
    if changes.get("active") is False or "role" in changes:
        revoke_all(session, user)
    return user


def revoke_all(session: Session, user: User) -> None:
    """End every session and token of a user (disabled, or role changed: re-authenticate)."""
    for tok in session.exec(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))):
        tok.revoked = True
        session.add(tok)
    for ws in session.exec(select(WebSession).where(WebSession.user_id == user.id,
                                                    WebSession.ended.is_(False))):
        ws.ended = True
        session.add(ws)
    _principal_cache.clear()


# ---------------------------------------------------------------- login


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _locked(user: User, now: dt.datetime | None = None) -> bool:
    return bool(user.locked_until and _aware(user.locked_until) > (now or utcnow()))


@dataclass
class _ClientFailures:
    times: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    strikes: int = 0


class LoginThrottle:
    """Failed logins per client address, across all usernames: the account lock-out stops guessing
    one account's password, this stops spraying one password over many accounts. MAX_FAILURES in
    WINDOW seconds blocks the client for FIRST_BLOCK seconds, doubling with every further trip while
    the failures stay in the window, up to MAX_BLOCK. In memory per server process: a restart forgets,
    which the account lock-out (stored) does not."""

    MAX_FAILURES = 10
    WINDOW = 900.0
    FIRST_BLOCK = 60.0
    MAX_BLOCK = 3600.0
    MAX_CLIENTS = 100_000  # bound the memory an attacker with many addresses can take

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._clients: dict[str, _ClientFailures] = {}
        self._lock = threading.Lock()

    def _prune(self, entry: _ClientFailures, now: float) -> None:
        while entry.times and now - entry.times[0] > self.WINDOW:
            entry.times.popleft()
        if not entry.times and entry.blocked_until <= now:
            entry.strikes = 0

    def retry_after(self, client: str | None) -> int | None:
        """Seconds this client must wait before trying again, or None."""
        with self._lock:
            entry = self._clients.get(client or "")
            now = self._clock()
            if entry is None or entry.blocked_until <= now:
                return None
            return max(1, int(entry.blocked_until - now + 0.999))

    def failed(self, client: str | None) -> int | None:
        """Count a failure; return the block in seconds when this failure trips the throttle."""
        with self._lock:
            now = self._clock()
            if len(self._clients) >= self.MAX_CLIENTS:
                for key, stale in list(self._clients.items()):
                    self._prune(stale, now)
                    if not stale.times and stale.blocked_until <= now:
                        del self._clients[key]
            entry = self._clients.setdefault(client or "", _ClientFailures())
            self._prune(entry, now)
            entry.times.append(now)
            if len(entry.times) < self.MAX_FAILURES:
                return None
            block = min(self.FIRST_BLOCK * 2 ** entry.strikes, self.MAX_BLOCK)
            entry.strikes += 1
            entry.blocked_until = now + block
            return int(block)


def login_throttle(app: Any) -> LoginThrottle:
    """The app's throttle (the API and web login share it)."""
    throttle = getattr(app.state, "login_throttle", None)
    if throttle is None:
        throttle = app.state.login_throttle = LoginThrottle()
    return throttle


def check_login_throttle(app: Any, client: str | None) -> None:
    wait = login_throttle(app).retry_after(client)
    if wait is not None:
        raise ApiError(429, "too_many_attempts", f"too many failed logins from this address; try again in {wait} s",
                       {"retry_after": wait}, headers={"Retry-After": str(wait)})


def note_login_failure(session: Session, app: Any, client: str | None) -> None:
    """Count a failed login against the client; on a trip, record it and raise an alert."""
    block = login_throttle(app).failed(client)
    if block is not None:
        record_event(session, "login_throttled", "request", None, (client or "unknown")[:200], None,
                     {"blocked_seconds": block, "failures": LoginThrottle.MAX_FAILURES})
        session.add(Alert(kind="login_throttled",
                          message=f"{LoginThrottle.MAX_FAILURES} failed logins from {client or 'unknown'} within "
                                  f"{int(LoginThrottle.WINDOW // 60)} min; logins from it refused for {block} s"[:500]))


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a username and password; count failures and lock the account at the policy's threshold.
    Raises ApiError 401 invalid_credentials (same for unknown users) or 423 account_locked."""
    policy = get_settings(session, "security")
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        record_event(session, "login_failed", "app_user", None, username[:64], None, {"reason": "unknown user"})
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    now = utcnow()
    if _locked(user, now):
        # Answered like a wrong password (same status, body and cost) so the lock does not tell an
        # outsider the username exists; inside, it is in the trail and the alert raised at locking.
        verify_password(user.password_hash, password)
        record_event(session, "login_failed", "app_user", user.id, user.username, None,
                     {"reason": "locked", "locked_until": _aware(user.locked_until).isoformat()})
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    if not verify_password(user.password_hash, password) or not user.active:
        if user.active:
            user.failed_logins += 1
        reason = "disabled" if not user.active else "wrong password"
        if user.failed_logins >= policy["lockout_threshold"]:
            user.locked_until = now + dt.timedelta(minutes=policy["lockout_minutes"])
            user.failed_logins = 0
            reason = "locked out"
            session.add(Alert(kind="account_locked",
                              message=f"account {user.username} ({user.role}) locked for {policy['lockout_minutes']} "
                                      f"min after {policy['lockout_threshold']} failed logins"[:500]))
            _principal_cache.clear()  # its API tokens stop working now, not when the cache expires
        session.add(user)
        record_event(session, "login_failed", "app_user", user.id, user.username, None, {"reason": reason})
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    record_event(session, "login", "app_user", user.id, user.username, None, None)
    return user


def csrf_token_for(cookie_value: str) -> str:
    """The CSRF token is derived from the session secret, so it needs no storage; a page script
    cannot compute it (the cookie is HttpOnly) and gets it from the login response or /auth/me."""
    return hmac.new(cookie_value.encode(), b"extranet-csrf", hashlib.sha256).hexdigest()


def check_csrf(cookie_value: str | None, supplied: str | None) -> None:
    """Raise 403 csrf_failed unless `supplied` is the token of the session `cookie_value`."""
    if not cookie_value or not supplied or not hmac.compare_digest(csrf_token_for(cookie_value), supplied):
        raise ApiError(403, "csrf_failed", f"missing or wrong CSRF token: send the {CSRF_HEADER} header "
                       "(from the login response or GET /api/v1/auth/me) with every change")


def create_web_session(session: Session, user: User, remote_addr: str | None = None) -> tuple[str, str, dt.datetime]:
    """Start a web session; return (cookie value, csrf token, absolute expiry)."""
    system = get_settings(session, "system")
    value = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(hours=system["session_max_hours"])
    session.add(WebSession(user_id=user.id, session_hash=digest(value), expires_at=expires,
                           remote_addr=(remote_addr or "")[:64] or None))
    return value, csrf_token_for(value), expires


def end_web_session(session: Session, cookie_value: str) -> None:
    ws = session.exec(select(WebSession).where(WebSession.session_hash == digest(cookie_value))).first()
    if ws and not ws.ended:
        ws.ended = True
        session.add(ws)
        record_event(session, "logout", "app_user", ws.user_id, None, None, None)
    _principal_cache.pop((_db(session), "s", digest(cookie_value)), None)


def create_token(session: Session, user: User, name: str, days: int | None = None) -> tuple[str, ApiToken]:
    """Create an API token; the plaintext is returned here once and never again."""
    max_days = get_settings(session, "security")["token_max_days"]
    days = min(days or max_days, max_days)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    tok = ApiToken(user_id=user.id, name=name, token_hash=digest(plain), prefix=plain[:10],
                   expires_at=utcnow() + dt.timedelta(days=days))
    session.add(tok)
    session.flush()
    record_event(session, "create", "api_token", tok.id, f"{user.username}:{name}"[:200], None,
                 {"name": name, "prefix": tok.prefix, "expires_at": tok.expires_at.isoformat()})
    return plain, tok


def revoke_token(session: Session, tok: ApiToken) -> None:
    tok.revoked = True
    session.add(tok)
    record_event(session, "revoke", "api_token", tok.id, tok.prefix, None, None)
    _principal_cache.pop((_db(session), "t", tok.token_hash), None)


# ---------------------------------------------------------------- resolving a request


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: str
    via: str  # token | session
    cookie: str | None = None  # the session cookie value, to check CSRF
    must_change: bool = False  # password was reset by someone else: only /auth/me, password, logout

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


# A short cache keeps the per-request cost of auth to a dict lookup under load; revocation,
# role changes and logout in this process clear it, and entries expire after a few seconds.
_principal_cache: dict[tuple[str, str, str], tuple[float, Principal]] = {}
_PRINCIPAL_TTL = 5.0
_TOUCH_EVERY = dt.timedelta(seconds=30)


def _db(session: Session) -> str:
    return str(session.get_bind().url)


def _from_token(session: Session, plain: str) -> Principal | None:
    key = (_db(session), "t", digest(plain))
    hit = _principal_cache.get(key)
    if hit and time.monotonic() - hit[0] < _PRINCIPAL_TTL:
        return hit[1]
    row = session.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                       .where(ApiToken.token_hash == key[2])).first()
    if row is None:
        return None
    tok, user = row
    now = utcnow()
    if tok.revoked or not user.active or _locked(user, now) or (tok.expires_at and _aware(tok.expires_at) <= now):
        return None
    if tok.last_used_at is None or now - _aware(tok.last_used_at) > _TOUCH_EVERY:
        tok.last_used_at = now
        session.add(tok)
        session.commit()
    principal = Principal(user.id, user.username, user.role, "token", must_change=user.must_change_password)
    _principal_cache[key] = (time.monotonic(), principal)
    return principal


def _from_cookie(session: Session, value: str) -> Principal | None:
    key = (_db(session), "s", digest(value))
    hit = _principal_cache.get(key)
    if hit and time.monotonic() - hit[0] < _PRINCIPAL_TTL:
        return hit[1]
    row = session.exec(select(WebSession, User).join(User, User.id == WebSession.user_id)
                       .where(WebSession.session_hash == key[2])).first()
    if row is None:
        return None
    ws, user = row
    now = utcnow()
    idle = dt.timedelta(minutes=get_settings(session, "system")["idle_timeout_minutes"])
    if ws.ended or not user.active or _aware(ws.expires_at) <= now or now - _aware(ws.last_seen_at) > idle:
        if not ws.ended:
            ws.ended = True
            session.add(ws)
            session.commit()
        return None
    if now - _aware(ws.last_seen_at) > _TOUCH_EVERY:
        ws.last_seen_at = now
        session.add(ws)
        session.commit()
    principal = Principal(user.id, user.username, user.role, "session", cookie=value,
                          must_change=user.must_change_password)
    # Idle timeout is checked against last_seen, touched every 30 s; the cache is shorter than that.
    _principal_cache[key] = (time.monotonic(), principal)
    return principal


def resolve(session: Session, authorization: str | None, cookie: str | None) -> Principal | None:
    if authorization:
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise ApiError(401, "unauthorized", "expected 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})
        principal = _from_token(session, credential.strip())
        if principal is None:
            raise ApiError(401, "invalid_token", "the token is unknown, revoked or expired",
                           headers={"WWW-Authenticate": "Bearer"})
        return principal
    if cookie:
        return _from_cookie(session, cookie)
    return None


def remote_addr(request: Request) -> str | None:
    return request.client.host if request.client else None


def _cached(engine: Any, authorization: str | None, cookie: str | None) -> Principal | None:
    """The principal from the short cache, without touching the database (None on a miss)."""
    if authorization:
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return None
        key = (str(engine.url), "t", digest(credential.strip()))
    elif cookie:
        key = (str(engine.url), "s", digest(cookie))
    else:
        return None
    hit = _principal_cache.get(key)
    return hit[1] if hit and time.monotonic() - hit[0] < _PRINCIPAL_TTL else None


def _resolve_request(engine: Any, authorization: str | None, cookie: str | None) -> Principal | None:
    with Session(engine) as session:
        return resolve(session, authorization, cookie)


async def current_user(request: Request) -> Principal:
    """FastAPI dependency: the authenticated caller (bearer token or session cookie), with CSRF
    enforced for cookie-authenticated changes. 401 when there is no valid credential. Async so a
    cached credential costs no thread hop; a miss reads the database in the thread pool."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    engine = request.app.state.engine
    authorization, cookie = request.headers.get("authorization"), request.cookies.get(SESSION_COOKIE)
    principal = _cached(engine, authorization, cookie)
    if principal is None:
        principal = await run_in_threadpool(_resolve_request, engine, authorization, cookie)
    if principal is None:
        raise ApiError(401, "unauthorized", "log in (POST /api/v1/auth/login) or send 'Authorization: Bearer "
                       "<token>'; web sessions end after the idle timeout", headers={"WWW-Authenticate": "Bearer"})
    if principal.via == "session" and request.method not in SAFE_METHODS:
        check_csrf(principal.cookie, request.headers.get(CSRF_HEADER))
    if principal.must_change and request.url.path not in MUST_CHANGE_PATHS:
        raise ApiError(403, "password_change_required", "your password was reset by an administrator: choose your "
                       "own first (POST /api/v1/auth/password)")
    request.state.principal = principal
    return principal


def _deny(request: Request, principal: Principal, what: str) -> ApiError:
    if request.method not in SAFE_METHODS:
        # Refused changes are security events (8.1.4.3): record them, in their own transaction.
        with session_scope(request.app.state.engine, actor=principal.username,
                           request_id=getattr(request.state, "request_id", None),
                           remote_addr=remote_addr(request)) as s:
            record_event(s, "denied", "request", None, f"{request.method} {request.url.path}"[:200], None,
                         {"role": principal.role, "needs": what})
    return ApiError(403, "forbidden", f"role {principal.role!r} may not do this ({what})",
                    {"role": principal.role, "needs": what})


def require_roles(*roles: str) -> Callable[..., Principal]:
    """FastAPI dependency factory: the caller must hold one of `roles`."""
    allowed = frozenset(roles)

    async def dependency(request: Request, principal: Principal = Depends(current_user)) -> Principal:
        if principal.role not in allowed:
            raise await run_in_threadpool(_deny, request, principal, "one of roles " + ", ".join(sorted(allowed)))
        return principal

    return dependency


def require(permission: str) -> Callable[..., Principal]:
    """FastAPI dependency factory: the caller's role must hold `permission` (see PERMISSIONS)."""
    allowed = PERMISSIONS[permission]

    async def dependency(request: Request, principal: Principal = Depends(current_user)) -> Principal:
        if principal.role not in allowed:
            raise await run_in_threadpool(_deny, request, principal, permission)
        return principal

    return dependency


def role_matrix_markdown() -> str:
    """The role matrix as a Markdown table (docs/api.md embeds it; a test keeps them equal)."""
    head = "| permission | " + " | ".join(ROLES) + " |"
    sep = "|---|" + "---|" * len(ROLES)
    rows = [f"| `{perm}` {PERMISSION_ZH[perm]} | " + " | ".join("✔" if r in roles else "" for r in ROLES) + " |"
            for perm, roles in PERMISSIONS.items()]
    return "\n".join([head, sep, *rows])


def duty_matrix_markdown() -> str:
    """Who may act on another account, by the target's role (README embeds it; a test keeps them equal)."""
    actors = sorted({a for per in DUTIES.values() for a in per} | ADMIN_ROLES, key=ROLES.index)
    head = "| action on an account whose role is … | " + " | ".join(f"by {a}" for a in actors) + " |"
    sep = "|---|" + "---|" * len(actors)
    rows = [f"| {action.replace('_', ' ')} {DUTY_ZH[action]} | "
            + " | ".join(", ".join(r for r in ROLES if r in DUTIES[action].get(a, ())) or "—" for a in actors) + " |"
            for action in DUTY_ACTIONS]
    return "\n".join([head, sep, *rows])
