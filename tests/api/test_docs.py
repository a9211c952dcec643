"""docs/api.md shows the role matrix the code enforces, and every endpoint of the OpenAPI."""

from __future__ import annotations

from pathlib import Path

from api.app import create_app
from api.auth import role_matrix_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_role_matrix_in_docs_matches_code() -> None:
    assert role_matrix_markdown() in DOC.read_text(encoding="utf-8")


def test_every_endpoint_documented(api_sqlite) -> None:
    text = DOC.read_text(encoding="utf-8")
    spec = create_app(api_sqlite.engine).openapi()
    missing = [f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops if f"`{p}`" not in text]
    assert not missing, missing
