"""A platform profile's ``syslog:`` section read into compiled rules (collectors/platforms/__init__.py calls
`read_section` while loading a profile, so a bad rule fails the profile load, naming platform and rule).

    syslog:
      body_prefix: '^-[^;]*; '          # optional: stripped from every body first (Comware's `-MDC=1; `)
      rules:
        - tag: IFNET/4/LINK_STATE        # the header's tag: a literal (dispatched by dict) or a regex
          kind: link                     # one of collectors.syslog.event.KINDS
          body: 'interface (?P<interface>\\S+) has entered the (?P<state>UP|DOWN) state'
          state_map: {UP: up, DOWN: down}   # optional (this is the default); or `state: down` for a fixed one
          seen: where the layout was seen
      uncovered: {TAG: why no fixture}   # formats known to exist with no public capture found

A body's named groups are the contract: interface, state, user, test, owner (NQA's admin name, put before
the test name)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collectors.syslog.event import KINDS

GROUPS = frozenset(("interface", "state", "user", "test", "owner"))
STATES = frozenset(("up", "down"))
_LITERAL = re.compile(r"[\w/-]+")
_DEFAULT_MAP = {"UP": "up", "DOWN": "down"}


@dataclass(frozen=True)
class Rule:
    tag: str
    kind: str
    body: re.Pattern[str] | None = None  # None: any body
    state: str | None = None  # a fixed state (linkDown_active: down)
    state_map: dict[str, str] = field(default_factory=lambda: dict(_DEFAULT_MAP))  # upper-cased key
    tag_re: re.Pattern[str] | None = None  # set when `tag` is a pattern rather than a literal


@dataclass(frozen=True)
class SyslogSection:
    rules: tuple[Rule, ...] = ()
    body_prefix: re.Pattern[str] | None = None
    uncovered: dict[str, str] = field(default_factory=dict)

    def by_tag(self) -> dict[str, list[Rule]]:
        out: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.tag_re is None:
                out.setdefault(rule.tag, []).append(rule)
        return out

    def patterned(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.tag_re is not None)


def _rule(platform: str, i: int, spec: Any) -> Rule:
    if not isinstance(spec, dict):
        raise ValueError(f"platform {platform!r} syslog rule {i}: expected a mapping, got {spec!r}")
    tag = spec.get("tag")
    where = f"platform {platform!r} syslog rule {i} ({tag})"
    unknown = set(spec) - {"tag", "kind", "body", "state", "state_map", "seen"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(tag, str) or not tag:
        raise ValueError(f"{where}: `tag` is required")
    kind = spec.get("kind")
    if kind not in KINDS or kind == "unparsed":
        raise ValueError(f"{where}: kind {kind!r} is not one of {', '.join(k for k in KINDS if k != 'unparsed')}")
    try:
        tag_re = None if _LITERAL.fullmatch(tag) else re.compile(tag)
        body = re.compile(spec["body"]) if spec.get("body") else None
    except re.error as exc:
        raise ValueError(f"{where}: bad regex ({exc})") from exc
    if body is not None and not set(body.groupindex) <= GROUPS:
        raise ValueError(f"{where}: body groups {sorted(set(body.groupindex) - GROUPS)} are not of "
                         f"{sorted(GROUPS)}")
    state = spec.get("state")
    if state is not None and state not in STATES:
        raise ValueError(f"{where}: state {state!r} is not up or down")
    raw_map = spec.get("state_map")
    if raw_map is not None and not isinstance(raw_map, dict):
        raise ValueError(f"{where}: state_map must be a mapping")
    state_map = {str(k).upper(): str(v) for k, v in (raw_map or _DEFAULT_MAP).items()}
    if not set(state_map.values()) <= STATES:
        raise ValueError(f"{where}: state_map values {sorted(set(state_map.values()) - STATES)} are not up/down")
    return Rule(tag=tag, kind=kind, body=body, state=state, state_map=state_map, tag_re=tag_re)


def read_section(platform: str, spec: Any) -> SyslogSection:
    """The ``syslog:`` section of `platform`'s profile (None/absent: no rules); ValueError says what is wrong."""
    if spec is None:
        return SyslogSection()
    if not isinstance(spec, dict):
        raise ValueError(f"platform {platform!r} syslog: expected a mapping with `rules:`")
    unknown = set(spec) - {"rules", "body_prefix", "uncovered"}
    if unknown:
        raise ValueError(f"platform {platform!r} syslog: unknown keys {sorted(unknown)}")
    rules = spec.get("rules") or []
    if not isinstance(rules, list):
        raise ValueError(f"platform {platform!r} syslog: `rules` must be a list")
    try:
        prefix = re.compile(spec["body_prefix"]) if spec.get("body_prefix") else None
    except re.error as exc:
        raise ValueError(f"platform {platform!r} syslog body_prefix: bad regex ({exc})") from exc
    uncovered = spec.get("uncovered") or {}
    if not isinstance(uncovered, dict):
        raise ValueError(f"platform {platform!r} syslog: `uncovered` must be a mapping tag -> why")
    return SyslogSection(rules=tuple(_rule(platform, i, r) for i, r in enumerate(rules)), body_prefix=prefix,
                         uncovered={str(k): str(v) for k, v in uncovered.items()})
