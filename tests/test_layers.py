"""Layers are one-way: collectors -> inventory -> workers / topology / audit -> api / web."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What each package may import from the project.
ALLOWED = {
    "collectors": set(),
    "inventory": {"collectors"},
    "lab": {"collectors", "inventory"},
    "workers": {"collectors", "inventory"},
    "topology": {"inventory", "collectors"},
    "audit": {"inventory", "collectors", "topology"},
    "answers": {"inventory", "collectors", "topology", "audit"},
    "api": {"inventory", "collectors", "topology", "audit", "answers", "workers"},
    "web": {"inventory", "collectors", "topology", "audit", "answers", "api", "workers"},
    "cli": {"inventory", "collectors", "lab", "topology", "audit", "answers", "api", "web", "workers"},
}


def project_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {n.split(".")[0] for n in names if n.split(".")[0] in ALLOWED}
    return found


def test_no_package_imports_a_higher_layer() -> None:
    bad = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            for imported in project_imports(path) - allowed - {package}:
                bad.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not bad, "\n".join(bad)
