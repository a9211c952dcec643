"""`extranet users ...`: account bootstrap and recovery from the server's shell. Whoever runs it
has the database already, so it may create any role (the first administrators come from here);
every action is recorded in the audit trail as `cli:<os user>`."""

from __future__ import annotations

import getpass
import os

import typer
from rich.table import Table
from sqlmodel import select

from api import auth
from api.auth import generate_password
from inventory.db import session_scope
from inventory.errors import ExtranetError
from inventory.models import User

from .console import console


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def _find(session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        known = session.exec(select(User.username).order_by(User.username)).all()
        raise ExtranetError(f"no user {username!r}; known: {', '.join(known) or '(none)'}", code="not_found")
    return user


def _password(value: str | None, generate: bool) -> tuple[str, bool]:
    if value:
        return value, False
    if generate or not os.isatty(0):
        return generate_password(), True
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise ExtranetError("the two passwords differ", code="validation_error")
    return first, False


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="User accounts and roles.", no_args_is_help=True)

    @users.command("create")
    def create(
        username: str = typer.Argument(...),
        role: str = typer.Option("viewer", help="viewer|engineer|planner|finance|auditor|sysadmin|secadmin|auditadmin"),
        display_name: str = typer.Option("", help="shown name, e.g. 张伟"),
        password_env: str = typer.Option("", help="read the password from this environment variable"),
        generate: bool = typer.Option(False, "--generate", help="generate a password and print it once"),
    ) -> None:
        """Create an account (prompts for the password unless --generate or --password-env)."""
        password, shown = _password(os.environ.get(password_env) if password_env else None, generate)
        with session_scope(actor=_actor()) as s:
            auth.create_user(s, username, password, role, _actor(), display_name=display_name)
        console.print(f"created [bold]{username}[/] ({role}, {auth.ROLE_ZH.get(role, role)})")
        if shown:
            console.print(f"password (shown once): [bold]{password}[/]")

    @users.command("list")
    def list_() -> None:
        """List accounts (never passwords)."""
        table = Table("username", "role", "active", "locked", "last login")
        with session_scope(actor=_actor()) as s:
            for user in s.exec(select(User).order_by(User.username)).all():
                info = auth.public_user(user)
                table.add_row(user.username, f"{user.role} {auth.ROLE_ZH.get(user.role, '')}", str(user.active),
                              str(info["locked"]), str(user.last_login_at or "-"))
        console.print(table)

    @users.command("set-role")
    def set_role(username: str, role: str) -> None:
        """Change a user's role (ends their sessions and tokens)."""
        if role not in auth.ROLES:
            raise ExtranetError(f"unknown role {role!r}; expected one of {', '.join(auth.ROLES)}",
                                code="validation_error")
        with session_scope(actor=_actor()) as s:
            auth.update_user(s, _find(s, username), {"role": role})
        console.print(f"{username} is now {role}")

    @users.command("reset-password")
    def reset_password(
        username: str,
        password_env: str = typer.Option("", help="read the password from this environment variable"),
        generate: bool = typer.Option(False, "--generate", help="generate a password and print it once"),
    ) -> None:
        """Set a new password, clear a lock-out and end the user's sessions and tokens."""
        password, shown = _password(os.environ.get(password_env) if password_env else None, generate)
        with session_scope(actor=_actor()) as s:
            user = _find(s, username)
            auth.set_password(s, user, password)
            auth.revoke_all(s, user)
        console.print(f"password of {username} reset")
        if shown:
            console.print(f"password (shown once): [bold]{password}[/]")

    @users.command("disable")
    def disable(username: str) -> None:
        """Disable an account (ends its sessions and tokens)."""
        with session_scope(actor=_actor()) as s:
            auth.update_user(s, _find(s, username), {"active": False})
        console.print(f"{username} disabled")

    @users.command("token")
    def token(username: str, name: str = typer.Option("cli", help="what the token is for"),
              days: int = typer.Option(0, help="validity in days (0 = the policy's maximum)")) -> None:
        """Create an API token for a user and print it once."""
        with session_scope(actor=_actor()) as s:
            plain, _tok = auth.create_token(s, _find(s, username), name, days or None)
        # On a line of its own and never wrapped: a console folds it at 80 columns and a copied
        # token then has a newline in it.
        console.print(f"token for {username} (shown once):")
        print(plain, flush=True)

    app.add_typer(users, name="users")
