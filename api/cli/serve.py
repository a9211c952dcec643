"""`extranet serve`: the web UI when it exists (web.app:create_app), else the JSON API."""

from __future__ import annotations

import importlib.util

import typer

from .console import console


def app_target() -> str:
    """By string, so the api layer never imports web (tests/test_layers.py)."""
    return "web.app:create_app" if importlib.util.find_spec("web.app") is not None else "api.app:create_app"


def run_server(host: str, port: int, *, log_level: str = "warning") -> None:
    import uvicorn

    uvicorn.run(app_target(), factory=True, host=host, port=port, log_level=log_level, access_log=False,
                proxy_headers=False)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="address to listen on (loopback by default)"),
        port: int = typer.Option(8000, min=1, max=65535, help="TCP port"),
        migrate: bool = typer.Option(True, "--migrate/--no-migrate", help="bring the schema up to date first"),
    ) -> None:
        """Serve the web UI and the REST API (OpenAPI at /api/v1/docs)."""
        if migrate:
            from inventory.service import prepare

            prepare()
        target = app_target()
        console.print(f"serving [bold]{target}[/] at [link]http://{host}:{port}/[/]  (API docs: "
                      f"http://{host}:{port}/api/v1/docs); Ctrl-C to stop")
        run_server(host, port, log_level="info")
