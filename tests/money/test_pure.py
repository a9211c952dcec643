"""money/ is pure: its analyses take rows and a graph; nothing in it reads the database, keeps a
session or names the layers above it (the answers layer loads and caches for it)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import money

MONEY = Path(money.__file__).resolve().parent
# Packages (and their submodules) money must not import: the layers above it and the database.
FORBIDDEN = ("answers", "api", "web", "cli", "workers", "inventory.db", "sqlmodel", "sqlalchemy")
# All money takes from the inventory: a constant and the user-facing error.
FROM_INVENTORY = {("inventory.models", "CHINA_TZ"), ("inventory.errors", "ExtranetError")}


def _imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) of every import in the file, at any depth (function-level ones too)."""
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out += [(node.module, a.name) for a in node.names]
    return out


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_every_money_module_imports_and_names_no_session_or_higher_layer() -> None:
    paths = sorted(MONEY.rglob("*.py"))
    assert len(paths) >= 12  # the whole package, not an empty glob
    bad = []
    for path in paths:
        name = ".".join(path.relative_to(MONEY.parent).with_suffix("").parts).removesuffix(".__init__")
        importlib.import_module(name)
        for module, imported in _imports(path):
            if any(_under(module, f) for f in FORBIDDEN):
                bad.append(f"{name} imports {module}")
            elif _under(module, "inventory") and (module, imported) not in FROM_INVENTORY:
                bad.append(f"{name} imports {module}.{imported or ''} (only {sorted(FROM_INVENTORY)})")
    assert not bad, "\n".join(bad)
