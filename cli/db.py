"""`extranet db ...` and `extranet init`."""

from __future__ import annotations

import typer
from sqlalchemy.engine import make_url

from inventory import migrate
from inventory.db import database_url, get_engine
from inventory.errors import ExtranetError
from inventory.province import MAX_CITIES, load_province
from inventory.service import load_sample, prepare, reset

from .console import console


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="Database schema.", no_args_is_help=True)

    @db.command("upgrade")
    def upgrade(revision: str = typer.Argument("head", help="target revision")) -> None:
        """Apply migrations up to REVISION (default: the newest)."""
        engine = get_engine()
        migrate.upgrade(engine, revision)
        console.print(f"schema at [bold]{migrate.current_revision(engine)}[/] on {_safe(database_url())}")

    @db.command("current")
    def current() -> None:
        """Show the schema revision of the database."""
        engine = get_engine()
        rev = migrate.current_revision(engine)
        head = migrate.head_revision()
        state = "[green]current[/]" if rev == head else f"[yellow]behind (newest is {head})[/]"
        console.print(f"{_safe(database_url())}: revision {rev or '(empty)'} — {state}")

    app.add_typer(db, name="db")

    @app.command("init")
    def init(
        sample: bool = typer.Option(False, "--sample", help="load the sample city"),
        province: bool = typer.Option(False, "--province", help="load the synthetic province: CITIES cities shaped "
                                      "like the sample under a provincial core (docs/inventory.md)"),
        cities: int = typer.Option(11, "--cities", min=1, max=MAX_CITIES, help="cities of the province"),
        seed: int | None = typer.Option(None, help="seed (default 2020 for the sample, 1000 for the province)"),
        fresh: bool = typer.Option(False, "--fresh", help="drop everything first"),
    ) -> None:
        """Create the database (migrations) and optionally load the sample city or the province."""
        if sample and province:
            raise ExtranetError("choose --sample or --province, not both", code="invalid")
        engine = reset() if fresh else prepare()
        console.print(f"database ready: {_safe(str(engine.url.render_as_string(hide_password=True)))}")
        if sample:
            report = load_sample(engine, seed=2020 if seed is None else seed)
            console.print(f"sample city loaded: {report.created}")
        if province:
            report = load_province(engine, cities, 1000 if seed is None else seed, actor="cli:init")
            console.print(f"province loaded ({cities} cities): {report.created}")


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
