"""Page plumbing: who is logged in (the API's session cookie), the template context, and the
"log in first" redirect."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from api import auth

from . import i18n

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["wan"] = i18n.wan
templates.env.globals["CLASS_LABELS"] = i18n.CLASS_LABELS

NAV = (("overview", "/overview", "topology.read"), ("map", "/map", "topology.read"),
       ("rooms", "/rooms", "inventory.read"),
       ("units", "/units", "inventory.read"), ("devices", "/devices", "inventory.read"),
       ("simulate", "/simulate", "analysis.run"), ("money", "/money", "money.read"),
       ("sla", "/sla", "money.read"), ("contract", "/contract", "money.read"),
       ("backup_verdicts", "/backup", "money.read"),
       ("collection", "/collection", "inventory.read"), ("alerts", "/alerts", "inventory.read"),
       ("compliance", "/compliance", "compliance.read"),
       ("exports", "/exports", "export.read"))


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class PasswordChangeRequired(Exception):
    """The user's password was reset by an administrator: every page sends them to choose their own."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


# What a user who must change their password may still open (the API has its own list in api/auth.py).
MUST_CHANGE_PAGES = ("/account/password", "/logout", "/lang/")


class PageForbidden(Exception):
    def __init__(self, permission: str) -> None:
        self.permission = permission


def lang_of(request: Request) -> str:
    lang = request.cookies.get("lang", "zh")
    return lang if lang in i18n.LANGS else "zh"


def principal_of(request: Request) -> auth.Principal | None:
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    if not cookie:
        return None
    with Session(request.app.state.engine) as session:
        return auth.resolve(session, None, cookie)


def page_user(request: Request) -> auth.Principal:
    """Dependency for pages: the logged-in user, or a redirect to the login page."""
    principal = principal_of(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    if principal.must_change and not request.url.path.startswith(MUST_CHANGE_PAGES):
        raise PasswordChangeRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return principal


def need(principal: auth.Principal, permission: str) -> None:
    if not principal.can(permission):
        raise PageForbidden(permission)


def render(request: Request, name: str, principal: auth.Principal | None, status: int = 200,
           **context: Any) -> HTMLResponse:
    lang = lang_of(request)

    def t(key: str) -> str:
        return i18n.label(key, lang)

    nav = [(key, href) for key, href, perm in NAV if principal and principal.can(perm)]
    csrf = auth.csrf_token_for(principal.cookie) if principal and principal.cookie else ""
    base = {"request": request, "user": principal, "lang": lang, "t": t, "nav": nav, "csrf": csrf,
            "role_zh": auth.ROLE_ZH, "path": request.url.path,
            "date": lambda v: i18n.cn_date(v, lang), "can": (lambda p: bool(principal and principal.can(p)))}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")


def password_url(next_url: str) -> str:
    return "/account/password?next=" + quote(next_url, safe="/")
