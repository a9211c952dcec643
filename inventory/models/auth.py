"""Users, API tokens, web sessions and settings of the web application.

Secrets are never stored: passwords as argon2 hashes, tokens and session ids as SHA-256 digests
(they are 256-bit random values, so a fast hash is enough and lets a request find its row by digest).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import JSON, Field, SQLModel

from .base import utcnow


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=255, description="argon2id; never returned by any API")
    role: str = Field(max_length=16, description="viewer | engineer | planner | finance | auditor | "
                                                 "sysadmin | secadmin | auditadmin")
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0, description="consecutive failures since the last success")
    locked_until: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    password_changed_at: dt.datetime = Field(default_factory=utcnow)
    must_change_password: bool = Field(default=False, description="reset by someone else: the owner must "
                                                                  "choose a new password at the next login")
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=64)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(unique=True, max_length=64, description="sha256 hex of the token")
    prefix: str = Field(max_length=16, description="first characters, to recognise a token in a list")
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None
    revoked: bool = Field(default=False)


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    session_hash: str = Field(unique=True, max_length=64, description="sha256 hex of the cookie value")
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_seen_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    remote_addr: str | None = Field(default=None, max_length=64)
    ended: bool = Field(default=False)


class Setting(SQLModel, table=True):
    """Runtime settings: system ones (sysadmin) and security policy (secadmin)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: dict = Field(default_factory=dict, sa_column=Column(JSON))
    updated_by: str = Field(default="system", max_length=64)
    updated_at: dt.datetime = Field(default_factory=utcnow)
