"""Shared rich consoles and small formatting helpers for CLI tables."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def wan_text(amount: Decimal | None) -> str:
    """Money in 万元 with two decimals, the way the bureau's tables show it."""
    return "—" if amount is None else f"{amount:,.2f}"
