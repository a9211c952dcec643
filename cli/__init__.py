"""The `extranet` command. Each domain registers its own sub-commands in its own module; this file
only assembles them and turns user errors into one red line instead of a stack trace."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import typer

from inventory.errors import ExtranetError

from .console import console, err_console

app = typer.Typer(
    name="extranet",
    help="Inventory, topology, failure analysis, cost and 等保 evidence for a dual-carrier e-government extranet.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Every module of this package with a `register(app)` adds its commands; a new capability adds a
# module here and touches nothing else. Sorted so command order is stable.
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    if hasattr(_module, "register"):
        _module.register(app)


def main() -> None:
    try:
        app()
    except ExtranetError as exc:
        err_console.print(f"[bold red]error[/] [dim]({exc.code})[/]: {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/]")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("EXTRANET_DEBUG"):
            raise
        err_console.print(f"[bold red]internal error[/]: {type(exc).__name__}: {exc}\n"
                          "[dim]set EXTRANET_DEBUG=1 to see the trace[/]", highlight=False)
        sys.exit(1)


__all__ = ["app", "console", "main"]
