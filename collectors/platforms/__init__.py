"""The one registry of platforms (netmiko device_type names). Every layer keeps its own module per
platform under the same name (collector profile + templates here, audit/platforms/NAME.py, the lab's
personalities/NAME.py) and asks this registry which names exist; an unknown name fails loudly."""

from __future__ import annotations

from collectors.profiles import load_profile, platforms


class UnknownPlatform(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown platform {self.name!r}; known: {', '.join(names())}"


def names() -> tuple[str, ...]:
    """Every supported platform, sorted."""
    return tuple(platforms())


def check(name: str) -> str:
    if name not in names():
        raise UnknownPlatform(name)
    return name


__all__ = ["UnknownPlatform", "check", "load_profile", "names"]
