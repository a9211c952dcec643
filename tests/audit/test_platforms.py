"""The audit's platform registry: one module per platform of collectors.platforms, failing loudly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from audit import platforms
from audit.catalogue import PLATFORMS
from audit.platforms.base import Platform
from collectors.platforms import names

ROOT = Path(__file__).resolve().parents[2]


class _Named(Platform):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__()


def test_every_platform_has_its_module_and_the_catalogue_asks_the_registry() -> None:
    assert tuple(platforms.PLATFORMS) == names() == PLATFORMS
    for name, p in platforms.PLATFORMS.items():
        assert p.name == name and (ROOT / "audit" / "platforms" / f"{name}.py").exists()
    assert platforms.find("junos") is None


def test_missing_unknown_and_duplicate_modules_fail_loudly() -> None:
    load = {n: _Named(n) for n in ("a", "b")}
    assert list(platforms.build(["a", "b"], ["a", "b"], load)) == ["a", "b"]
    with pytest.raises(platforms.PlatformModuleError, match=r"'b' has no audit module.*audit/platforms/b\.py"):
        platforms.build(["a", "b"], ["a"], load)
    with pytest.raises(platforms.PlatformModuleError, match=r"audit/platforms/c\.py is for unknown platform 'c'"):
        platforms.build(["a"], ["a", "c"], {**load, "c": _Named("c")})
    with pytest.raises(platforms.PlatformModuleError, match="'a' is answered twice"):
        platforms.build(["a", "b"], ["a", "b"], {"a": _Named("a"), "b": _Named("a")})


def test_no_platform_name_outside_its_own_module() -> None:
    for name in names():
        hits = subprocess.run(["git", "grep", "-l", "--untracked", name, "--", "audit"], cwd=ROOT, capture_output=True,
                              text=True).stdout.split()
        assert set(hits) <= {f"audit/platforms/{name}.py", "audit/catalogue.yaml"}, (name, hits)
