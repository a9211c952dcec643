"""The lab's personalities: one module per platform, `lab/personalities/NAME.py`, named like the collector
profile it answers (`collectors/platforms/NAME.yaml`) and exposing one `Personality` as ``PERSONALITY``.

The platform names come from the collector registry; a registered platform without a personality, a
personality module for a name nobody registered, or one missing a hook fails loudly here, not as a
KeyError deep inside a session."""

from __future__ import annotations

import importlib
from pathlib import Path

from collectors.platforms import check, load_profile, names

from .base import Personality

HERE = Path(__file__).parent
SHARED = {"__init__", "base"}


class PersonalityError(LookupError):
    pass


_LOADED: dict[str, Personality] = {}


def _load(name: str) -> Personality:
    if not (HERE / f"{name}.py").exists():
        raise PersonalityError(f"platform {name!r} has a collector profile but no lab personality: "
                               f"add lab/personalities/{name}.py (known: {', '.join(sorted(_modules()))})")
    module = importlib.import_module(f"{__name__}.{name}")
    persona = getattr(module, "PERSONALITY", None)
    if not isinstance(persona, Personality):
        raise PersonalityError(f"{module.__name__} must define PERSONALITY, a lab.personalities.base.Personality")
    unset = [a for a in Personality.REQUIRED if not getattr(persona, a)]
    if persona.platform != name or unset:
        raise PersonalityError(f"{module.__name__}: platform {persona.platform!r} (expected {name!r}); "
                               f"unset: {', '.join(unset) or 'none'}")
    keys = [c.key for c in load_profile(name).collected]
    missing = [k for k in keys if getattr(persona, f"render_{k}", None) is None]
    if missing:
        raise PersonalityError(f"{module.__name__} renders no output for profile command(s) {', '.join(missing)}")
    return persona


def _modules() -> set[str]:
    return {p.stem for p in HERE.glob("*.py")} - SHARED


def personality(platform: str) -> Personality:
    """The personality that plays `platform` (an unknown platform raises collectors' UnknownPlatform)."""
    if platform not in _LOADED:
        check(platform)
        _LOADED[platform] = _load(platform)
    return _LOADED[platform]


def personalities() -> dict[str, Personality]:
    """Every registered platform's personality; a personality module for an unregistered name is an error."""
    stray = _modules() - set(names())
    if stray:
        raise PersonalityError(f"lab personalities for unregistered platforms: {', '.join(sorted(stray))} "
                               "(no collectors/platforms/NAME.yaml)")
    return {name: personality(name) for name in names()}


__all__ = ["Personality", "PersonalityError", "personalities", "personality"]
