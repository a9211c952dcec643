"""The README's role matrix and error-code table are the ones the code and docs define."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def table(text: str, header: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return lines[start:end]


def test_role_matrix_matches_the_api_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    api = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    assert table(readme, "| permission |") == table(api, "| permission |")


def test_error_codes_match_the_collection_docs_and_the_code() -> None:
    from collectors.errors import CODES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = table(readme, "| code | meaning")
    assert rows == table((ROOT / "docs/collection.md").read_text(encoding="utf-8"), "| code | meaning")
    documented = {row.split("|")[1].strip().strip("`") for row in rows[2:]}
    assert documented == set(CODES)
