"""The one registry of platforms (netmiko device_type names), and the loader of their collector profiles.

A platform's collector knowledge has one home named after it, here:

* ``NAME.yaml``: the profile as data (commands and their parsers, prompt, paging, logout, scrubbers, secret
  patterns, interface map, which parsed fields give which facts, how an offline file is recognised);
* ``NAME.py`` (optional): hooks in code, only where data is not enough: ``Driver``, a thin
  ``(collectors.driver._Fast, <netmiko class>)`` subclass overriding the session steps that misbehave.
  Without it `collectors.driver.driver_class` composes ``_Fast`` over netmiko's own class for the
  profile's ``driver``. (The registry itself imports no netmiko: the inventory's models ask it for names.)
* its own TextFSM templates stay in ``collectors/templates/NAME_<command>.textfsm`` (the ntc-templates
  naming), and its parser fixtures in ``tests/collectors/fixtures/NAME/<command>/``.

Every other layer keeps its own module per platform under the same name (``audit/platforms/NAME.py``,
``lab/personalities/NAME.py``) and asks this registry which names exist. Like Nornir's plugin register,
the registry fails loudly: two files claiming one platform, a file not named after the platform it
claims, a profile that does not parse, and a name nobody registered are errors that say what is wrong."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from collectors.syslog.rules import SyslogSection, read_section

HERE = Path(__file__).parent
TEMPLATES = HERE.parent / "templates"


class ProfileError(ValueError):
    """A profile that cannot be used (missing, malformed, or claimed twice)."""


class UnknownPlatform(ProfileError, KeyError):
    """A platform name no profile claims. A KeyError for lookups, a ProfileError for callers that catch those."""

    def __init__(self, name: str, known: tuple[str, ...] = ()) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown platform {self.name!r}; known: {', '.join(self.known)}"


class DuplicatePlatform(ProfileError):
    pass


@dataclass(frozen=True)
class Command:
    """One command a profile runs. ``parsers`` are tried in order (``ntc`` = ntc-templates, ``own:<file>`` =
    collectors/templates): one per layout the OS generations print, the first that reads the output wins."""

    key: str
    command: str
    parsers: tuple[str, ...] = ("none",)
    timeout: float = 20.0
    # False: read when an offline capture holds it (another tool ran it), never run over SSH; e.g. a brief
    # neighbour screen whose detail form the collector runs instead.
    collect: bool = True

    @property
    def parser(self) -> str:
        """The first parser (``none`` when the output is kept raw, as the config is)."""
        return self.parsers[0]

    @property
    def own_templates(self) -> tuple[str, ...]:
        return tuple(p[4:] for p in self.parsers if p.startswith("own:"))


def _parsers(spec: Any) -> tuple[str, ...]:
    items = tuple(str(p) for p in spec) if isinstance(spec, list) else (str(spec),)
    bad = [p for p in items if p not in ("none", "ntc") and not p.startswith("own:")]
    if bad or not items or ("none" in items and len(items) > 1):
        raise ValueError(f"parser {spec!r}: expected none, ntc, own:<template>, or a list of ntc/own:<template>")
    return items


@dataclass(frozen=True)
class FieldPick:
    """One fact taken from a parsed row: the field, and optionally one word of it (-1: the last)."""

    field: str
    word: int | None = None

    def read(self, row: dict[str, object]) -> str | None:
        value = row.get(self.field)
        if isinstance(value, list):  # ntc-templates lists (Cisco's HARDWARE, SERIAL): the first
            value = value[0] if value else None
        text = str(value or "")
        if self.word is not None:
            words = text.split()
            text = words[self.word] if words else ""
        return text or None


@dataclass(frozen=True)
class ArpRule:
    """Which ARP rows are learned entries (terminals), not the device's own addresses."""

    field: str = "type"
    prefix: str | None = None  # a learned row's field starts with this (upper-cased)
    own: tuple[str, ...] = ()  # ... or: an own row's field is one of these

    def learned(self, row: dict[str, object]) -> bool:
        if self.prefix is not None:
            return str(row.get(self.field, "")).upper().startswith(self.prefix)
        return str(row.get(self.field)) not in self.own


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
    logout: str = "exit"
    version_facts: dict[str, FieldPick] = field(default_factory=dict)  # model / os_version / serial
    arp_learned: ArpRule = field(default_factory=ArpRule)
    # offline import: patterns (multi-line) that say a text is this platform's, and the device's own name in
    # its config (group 1)
    detect: tuple[re.Pattern, ...] = ()
    config_hostname: re.Pattern | None = None
    # how the probe-results screen's rows read as probe facts (facts.probes; collectors/probes.py reads it)
    probes: dict[str, Any] = field(default_factory=dict)
    # how its syslog messages read (collectors/syslog/rules.py; matched by collectors/syslog/messages.py)
    syslog: SyslogSection = field(default_factory=SyslogSection)

    def prompt_re(self, hostname: str) -> str:
        return self.prompt.replace("{host}", re.escape(hostname))

    @property
    def collected(self) -> tuple[Command, ...]:
        """The commands a collection runs over SSH, in order (the config first)."""
        return tuple(c for c in self.commands if c.collect)

    def command(self, key: str) -> Command:
        for c in self.commands:
            if c.key == key:
                return c
        raise KeyError(key)


def _pick(spec: Any) -> FieldPick:
    if isinstance(spec, str):
        return FieldPick(spec)
    return FieldPick(str(spec["field"]), None if spec.get("word") is None else int(spec["word"]))


def _arp_rule(spec: dict[str, Any] | None) -> ArpRule:
    if not spec:
        return ArpRule(prefix="D")
    return ArpRule(field=str(spec.get("field", "type")), prefix=spec.get("prefix"),
                   own=tuple(str(v) for v in spec.get("not", ())))


def read_profile(path: Path) -> Profile:
    """One profile file into a `Profile`; anything missing or malformed names the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        facts = data.get("facts") or {}
        cmds = tuple(Command(key=k, command=v["command"], parsers=_parsers(v.get("parser", "none")),
                             timeout=float(v.get("timeout", 20)), collect=bool(v.get("collect", True)))
                     for k, v in data["commands"].items())
        return Profile(
            platform=data["platform"], driver=data["driver"], prompt=data["prompt"], paging_off=data["paging_off"],
            config_terminator=re.compile(data["config_terminator"], re.M), error=re.compile(data["error"], re.M),
            commands=cmds, scrub=tuple(re.compile(p, re.M) for p in data.get("scrub", [])),
            secrets=tuple(re.compile(p) for p in data.get("secrets", [])),
            interface_map=dict(data.get("interface_map") or {}), logout=str(data.get("logout", "exit")),
            version_facts={k: _pick(v) for k, v in (facts.get("version") or
                                                      {"model": "model", "os_version": "version"}).items()},
            arp_learned=_arp_rule(facts.get("arp_learned")),
            detect=tuple(re.compile(p, re.M) for p in data.get("detect") or ()),
            config_hostname=re.compile(data["config_hostname"], re.M) if data.get("config_hostname") else None,
            probes=dict(facts.get("probes") or {}),
            syslog=read_section(str(data["platform"]), data.get("syslog")),
        )
    except (KeyError, TypeError, ValueError, AttributeError, re.error, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: bad profile ({type(exc).__name__}: {exc})") from exc


def _claimed(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: bad profile (YAMLError: {exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("platform"), str):
        raise ProfileError(f"{path}: a profile starts with 'platform: <netmiko device_type>'")
    return data["platform"]


class Registry:
    """The platforms whose profiles sit in one folder; `package` is where their optional hook modules live."""

    def __init__(self, folder: Path, package: str | None = None) -> None:
        self.folder = folder
        self.package = package
        self._files: dict[str, Path] | None = None
        self._profiles: dict[str, Profile] = {}

    def files(self) -> dict[str, Path]:
        """platform -> its profile file; two claims on one name, or a misnamed file, fail here."""
        if self._files is None:
            claims: dict[str, list[Path]] = {}
            for path in sorted([*self.folder.glob("*.yaml"), *self.folder.glob("*.yml")]):
                claims.setdefault(_claimed(path), []).append(path)
            for name, paths in claims.items():
                if len(paths) > 1:
                    raise DuplicatePlatform(f"platform {name!r} is claimed by {len(paths)} profiles: "
                                            f"{', '.join(p.name for p in paths)}; keep one")
                if paths[0].stem != name:
                    raise ProfileError(f"{paths[0]}: claims platform {name!r} but a profile is named after its "
                                       f"platform: rename it to {name}{paths[0].suffix}")
            self._files = {name: paths[0] for name, paths in sorted(claims.items())}
        return self._files

    def names(self) -> tuple[str, ...]:
        return tuple(self.files())

    def check(self, name: str) -> str:
        if name not in self.files():
            raise UnknownPlatform(name, self.names())
        return name

    def profile(self, name: str) -> Profile:
        if name not in self._profiles:
            prof = read_profile(self.files()[self.check(name)])
            for cmd in prof.commands:
                for own in cmd.own_templates:
                    if not own.startswith(f"{name}_"):
                        raise ProfileError(f"{self.files()[name]}: template {own!r} of {cmd.key!r} must be named "
                                           f"{name}_<command> (collectors/templates)")
            self._profiles[name] = prof
        return self._profiles[name]

    def hooks(self, name: str) -> ModuleType | None:
        """The platform's hook module (``<package>.NAME``), or None when its profile is all it needs."""
        self.check(name)
        if self.package is None or not (self.folder / f"{name}.py").exists():
            return None
        return importlib.import_module(f"{self.package}.{name}")


REGISTRY = Registry(HERE, package=__name__)


def names() -> tuple[str, ...]:
    """Every supported platform, sorted."""
    return REGISTRY.names()


def check(name: str) -> str:
    """The name back if a profile claims it, else `UnknownPlatform` listing the known ones."""
    return REGISTRY.check(name)


def load_profile(platform: str) -> Profile:
    return REGISTRY.profile(platform)


__all__ = [
    "REGISTRY",
    "TEMPLATES",
    "ArpRule",
    "Command",
    "DuplicatePlatform",
    "FieldPick",
    "Profile",
    "ProfileError",
    "Registry",
    "UnknownPlatform",
    "check",
    "load_profile",
    "names",
    "read_profile",
]
