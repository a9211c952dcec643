"""A platform's config dialect, as data: the `config:` block of ``collectors/platforms/<platform>.yaml``.

The block names the hier_config driver that builds the tree (indentation, Huawei key blocks, banners)
and one regular expression per fact; the reader (`collectors.config.reader`) is the same for every
platform. A regex's named groups are the contract:

===============  =====================  ==================================================================
key              scope                  groups
===============  =====================  ==================================================================
hostname         top-level line         name
interface.*      lines of an interface  section: name; description: text; ipv4: address, mask, secondary;
                                        ipv6: address, length, flag; vrf: vrf; shutdown / enable: none;
                                        ospf: process, area
static           top-level line         vrf, target (prefix, mask or length, next hops, options)
bgp.*            a bgp section, deep    section: local_as; vrf: vrf; peer: peer, remote_as; member: peer,
                                        group
ospf.*           an ospf section, deep  section: process, vrf; area: area; network: network, wildcard,
                                        area; interface: name
failover.*       see `Failover`         what makes a backup take over (audit/failover.py reads it)
===============  =====================  ==================================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from collectors.platforms import REGISTRY, ProfileError

_LEAD = re.compile(r"\^([A-Za-z][\w-]*)(?=[ $]|\\b|$)")


@dataclass(frozen=True)
class Section:
    """One kind of block: the regex of its head line, and the regexes of the lines read inside it."""

    head: re.Pattern
    lines: dict[str, re.Pattern] = field(default_factory=dict)
    # the line regexes by the literal first word they start with ('' for those that start otherwise): most
    # lines of an interface block (`port link-type`, `undo portswitch`) are dismissed by one dict lookup
    by_word: dict[str, tuple[tuple[str, re.Pattern], ...]] = field(default_factory=dict)

    def get(self, key: str) -> re.Pattern | None:
        return self.lines.get(key)

    def match(self, text: str) -> tuple[str, re.Match] | None:
        """The first line regex (in the dialect's order) that matches: (its key, the match)."""
        for key, rx in self.by_word.get(text.split(" ", 1)[0], self.by_word.get("", ())):
            if (m := rx.match(text)) is not None:
                return key, m
        return None


def _by_word(lines: dict[str, re.Pattern]) -> dict[str, tuple[tuple[str, re.Pattern], ...]]:
    lead = {key: (m.group(1) if (m := _LEAD.match(rx.pattern)) else "") for key, rx in lines.items()}
    loose = tuple((k, rx) for k, rx in lines.items() if not lead[k])
    words = {w for w in lead.values() if w}
    # a word's regexes plus the loose ones, in the dialect's order
    out = {w: tuple((k, rx) for k, rx in lines.items() if lead[k] in (w, "")) for w in words}
    out[""] = loose
    return out


@dataclass(frozen=True)
class Failover:
    """What arms a backup in this dialect (the `config.failover:` block), read by audit/failover.py.

    - `default_preference`: a static route's preference (administrative distance) when the line gives none;
    - `preference`: on a static route line, group `value`;
    - `track`: on a static route line, the option that withdraws it when a probe fails; each regex has one
      named group, whose name is the mechanism (nqa, bfd, track) and whose text names the object (empty: the
      option needs no object, as VRP's `bfd enable`);
    - `objects`: the lines that define those objects, the same group names; an optional group `via` says
      what a generic track object watches (nqa, bfd, ip sla, interface);
    - `gateway` / `gateway_track`: inside an interface, a first-hop redundancy group (VRRP, HSRP) and its
      tracking of an uplink, which hands the unit's LAN to the other router."""

    default_preference: int
    preference: re.Pattern
    track: tuple[re.Pattern, ...]
    objects: tuple[re.Pattern, ...]
    gateway: re.Pattern | None
    gateway_track: re.Pattern | None


@dataclass(frozen=True)
class Dialect:
    platform: str
    tree: str  # the hier_config platform whose driver's tree rules are kept (hier_config.Platform name)
    drop: str  # lines that carry no config: comments, section marks, block ends
    hostname: re.Pattern | None
    interface: Section
    static: tuple[re.Pattern, ...]
    static_options: frozenset[str]  # words that end the next-hop part of a static route
    bgp: Section | None
    ospf: Section | None
    spaced_names: bool = False  # interface names carry a space (Ruijie "GigabitEthernet 0/1")
    block_break: str | None = None  # a column-0 line that returns to the top level (Comware's `#`)
    failover: Failover | None = None  # None: the product cannot yet say whether a backup is armed


def _re(path: str, spec: Any) -> re.Pattern:
    try:
        return re.compile(str(spec))
    except re.error as exc:
        raise ProfileError(f"{path}: bad regex {spec!r} ({exc})") from exc


def _section(where: str, spec: Any) -> Section | None:
    if not spec:
        return None
    if not isinstance(spec, dict) or "section" not in spec:
        raise ProfileError(f"{where}: expected a map with `section:` and the regexes of its lines")
    lines = {k: _re(f"{where}.{k}", v) for k, v in spec.items() if k != "section"}
    return Section(_re(f"{where}.section", spec["section"]), lines, _by_word(lines))


def _failover(where: str, spec: Any) -> Failover | None:
    if not spec:
        return None
    if not isinstance(spec, dict):
        raise ProfileError(f"{where}: expected a map (default_preference, preference, track, objects, gateway)")

    def many(key: str) -> tuple[re.Pattern, ...]:
        items = spec.get(key) or []
        out = tuple(_re(f"{where}.{key}", s) for s in (items if isinstance(items, list) else [items]))
        for rx in out:
            if key == "track" and len(rx.groupindex) != 1:
                raise ProfileError(f"{where}.track: {rx.pattern!r} needs exactly one named group (the mechanism)")
        return out

    try:
        default = int(spec["default_preference"])
        preference = _re(f"{where}.preference", spec["preference"])
    except KeyError as exc:
        raise ProfileError(f"{where}: failover block lacks {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"{where}.default_preference: expected an integer ({exc})") from exc
    if "value" not in preference.groupindex:
        raise ProfileError(f"{where}.preference: needs a group named `value`")
    return Failover(default, preference, many("track"), many("objects"),
                    _re(f"{where}.gateway", spec["gateway"]) if spec.get("gateway") else None,
                    _re(f"{where}.gateway_track", spec["gateway_track"]) if spec.get("gateway_track") else None)


def read_dialect(platform: str, data: dict[str, Any] | None, where: str) -> Dialect:
    """The dialect of one profile's `config:` block; a missing or malformed block names the file."""
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: no `config:` block (the dialect that reads the running config)")
    try:
        interface = _section(f"{where}: config.interface", data["interface"])
        if interface is None:
            raise KeyError("interface")
        static = data.get("static") or []
        return Dialect(
            platform=platform, tree=str(data["tree"]), drop=str(data.get("drop") or r"^\s*!.*"),
            hostname=_re(f"{where}: config.hostname", data["hostname"]) if data.get("hostname") else None,
            interface=interface,
            static=tuple(_re(f"{where}: config.static", s) for s in (static if isinstance(static, list) else [static])),
            static_options=frozenset(str(w) for w in data.get("static_options") or ()),
            bgp=_section(f"{where}: config.bgp", data.get("bgp")),
            ospf=_section(f"{where}: config.ospf", data.get("ospf")),
            spaced_names=bool(data.get("spaced_names", False)),
            block_break=str(data["block_break"]) if data.get("block_break") else None,
            failover=_failover(f"{where}: config.failover", data.get("failover")))
    except KeyError as exc:
        raise ProfileError(f"{where}: config block lacks {exc}") from exc


@cache
def load_dialect(platform: str) -> Dialect:
    """The dialect of a registered platform (read once). The profile loader ignores the `config:` block,
    so it is read here, from the same file."""
    path = REGISTRY.files()[REGISTRY.check(platform)]
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return read_dialect(platform, data.get("config"), str(path))
