"""The audit's platform registry: one module per platform of `collectors.platforms.names()` (the project's
one list of platforms), audit/platforms/NAME.py, whose `PLATFORM` answers for that platform (see
base.py). Loading fails loudly on a platform without a module, a module for an unknown platform, or two
modules answering for one name."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path

from collectors import platforms as registry
from inventory.errors import ExtranetError

from .base import Platform

NOT_PLATFORMS = frozenset({"__init__", "base"})  # modules here that are not one platform's


class PlatformModuleError(ExtranetError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="audit.platform_module")


def modules_here() -> list[str]:
    return sorted(p.stem for p in Path(__file__).parent.glob("*.py") if p.stem not in NOT_PLATFORMS)


def build(known: Iterable[str], modules: Iterable[str], load: dict[str, Platform] | None = None) -> dict[str, Platform]:
    """name -> Platform for every known platform. `modules`: the module names found; `load`: the platforms
    already loaded by module name (for tests; default: import audit.platforms.NAME)."""
    known, modules = tuple(known), list(modules)
    unknown = sorted(set(modules) - set(known))
    if unknown:
        raise PlatformModuleError(f"audit/platforms/{unknown[0]}.py is for unknown platform {unknown[0]!r}; known"
                                  f" (collectors.platforms): {', '.join(known)}")
    missing = [n for n in known if n not in modules]
    if missing:
        raise PlatformModuleError(f"platform {missing[0]!r} has no audit module: add audit/platforms/{missing[0]}.py"
                                  " (see CONTRIBUTING.md, adding a platform)")
    out: dict[str, Platform] = {}
    for module in modules:
        p = load[module] if load is not None else _load(module)
        if p.name in out:
            raise PlatformModuleError(f"platform {p.name!r} is answered twice (audit/platforms/{module}.py)")
        if p.name != module:
            raise PlatformModuleError(f"audit/platforms/{module}.py answers for {p.name!r}, not {module!r}")
        out[p.name] = p
    return {n: out[n] for n in known}


def _load(module: str) -> Platform:
    p = getattr(importlib.import_module(f"{__name__}.{module}"), "PLATFORM", None)
    if not isinstance(p, Platform):
        raise PlatformModuleError(f"audit/platforms/{module}.py has no PLATFORM (an audit.platforms.base.Platform)")
    return p


PLATFORMS: dict[str, Platform] = build(registry.names(), modules_here())
NAMES: tuple[str, ...] = tuple(PLATFORMS)


def find(name: str) -> Platform | None:
    """The platform's rule pack, or None for a platform the audit does not know (every check needs review)."""
    return PLATFORMS.get(name)


__all__ = ["NAMES", "PLATFORMS", "Platform", "PlatformModuleError", "build", "find"]
