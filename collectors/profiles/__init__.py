"""Platform profiles as data: one YAML per platform (commands, prompt, paging, scrubbers, secret
patterns, parser per command). Add a platform by adding a file; `load_profile` validates it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent


class ProfileError(ValueError):
    pass


@dataclass(frozen=True)
class Command:
    key: str
    command: str
    parser: str  # none | ntc | own:<template>
    timeout: float = 20.0


@dataclass(frozen=True)
class Profile:
    platform: str
    driver: str
    prompt: str
    paging_off: str
    config_terminator: re.Pattern
    error: re.Pattern
    commands: tuple[Command, ...]
    scrub: tuple[re.Pattern, ...]
    secrets: tuple[re.Pattern, ...]
    interface_map: dict[str, str] = field(default_factory=dict)

    def prompt_re(self, hostname: str) -> str:
        return self.prompt.replace("{host}", re.escape(hostname))

    def command(self, key: str) -> Command:
        for c in self.commands:
            if c.key == key:
                return c
        raise KeyError(key)


def platforms() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml"))


@cache
def load_profile(platform: str) -> Profile:
    path = HERE / f"{platform}.yaml"
    if not path.exists():
        raise ProfileError(f"no collector profile for platform {platform!r}; known: {', '.join(platforms())}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        cmds = tuple(Command(key=k, command=v["command"], parser=v.get("parser", "none"),
                             timeout=float(v.get("timeout", 20))) for k, v in data["commands"].items())
        return Profile(
            platform=data["platform"], driver=data["driver"], prompt=data["prompt"], paging_off=data["paging_off"],
            config_terminator=re.compile(data["config_terminator"], re.M), error=re.compile(data["error"], re.M),
            commands=cmds, scrub=tuple(re.compile(p, re.M) for p in data.get("scrub", [])),
            secrets=tuple(re.compile(p) for p in data.get("secrets", [])),
            interface_map=dict(data.get("interface_map") or {}),
        )
    except (KeyError, TypeError, re.error) as exc:
        raise ProfileError(f"{path}: bad profile ({type(exc).__name__}: {exc})") from exc
