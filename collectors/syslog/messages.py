"""One received frame into a `ParsedMessage`: decode, read the header (header.py), then match the vendor's
message against the platform profiles' ``syslog:`` rules (data in collectors/platforms/NAME.yaml).

Decoding never raises: UTF-8, else GB18030 (Chinese devices print interface descriptions and some messages in
it), else the bytes that are neither kept as ``\\xNN`` escapes with error ``not_utf8``.

Matching is a dict lookup from the tag to the rules that name it (the device's own platform first when the
receiver knows it), then one body regex; tag patterns are tried only when no literal tag matched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from collectors.parse import DEVICE_TZ, normalise
from collectors.platforms import Profile, load_profile, names
from collectors.syslog import header
from collectors.syslog.event import ParsedMessage
from collectors.syslog.rules import Rule

CHINA = DEVICE_TZ  # devices log in China time unless told otherwise
_NAMES_CACHE_MAX = 8192


def decode(data: bytes) -> tuple[str, str | None]:
    """The text of a frame and the decoding error, if any."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return data.decode("utf-8", "backslashreplace").replace("\x00", ""), "not_utf8"
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text, None


class Classifier:
    """The rules of some profiles, indexed by tag. Built once; `match` is the per-message work."""

    def __init__(self, profiles: Iterable[Profile]) -> None:
        self.profiles = {p.platform: p for p in profiles}
        self._literal: dict[str, list[tuple[Profile, Rule]]] = {}
        self._own: dict[str, dict[str, list[Rule]]] = {}
        self._patterned: list[tuple[Profile, Rule]] = []
        for prof in self.profiles.values():
            own = prof.syslog.by_tag()
            self._own[prof.platform] = own
            for tag, rules in own.items():
                self._literal.setdefault(tag, []).extend((prof, r) for r in rules)
            self._patterned.extend((prof, r) for r in prof.syslog.patterned())
        self._names: dict[tuple[str, str], str] = {}

    def _candidates(self, tag: str, platform: str | None) -> list[tuple[Profile, Rule]]:
        found = self._literal.get(tag, [])
        if platform is not None and platform in self.profiles:
            prof = self.profiles[platform]
            own = [(prof, r) for r in self._own[platform].get(tag, ())]
            found = own + [c for c in found if c[0].platform != platform]
        if not found and self._patterned:
            found = [(p, r) for p, r in self._patterned if r.tag_re is not None and r.tag_re.fullmatch(tag)]
            if platform is not None:
                found.sort(key=lambda c: c[0].platform != platform)
        return found

    def interface(self, prof: Profile, name: str) -> str:
        key = (prof.platform, name)
        long = self._names.get(key)
        if long is None:
            if len(self._names) > _NAMES_CACHE_MAX:
                self._names.clear()
            long = self._names[key] = normalise(prof, name.strip())
        return long

    def match(self, msg: ParsedMessage, body: str, platform: str | None) -> None:
        """Fill `msg`'s kind and facts from the first rule whose tag and body match."""
        tag = msg.tag
        if tag is None:
            return
        for prof, rule in self._candidates(tag, platform):
            text = body
            prefix = prof.syslog.body_prefix
            if prefix is not None:
                p = prefix.match(text)
                if p is not None:
                    text = text[p.end():]
            if rule.body is None:
                groups: dict[str, str | None] = {}
            else:
                m = rule.body.search(text)
                if m is None:
                    continue
                groups = m.groupdict()
            msg.kind, msg.platform = rule.kind, prof.platform
            iface = groups.get("interface")
            if iface:
                msg.interface_name = self.interface(prof, iface)
            if rule.state is not None:
                msg.state = rule.state
            elif groups.get("state"):
                msg.state = rule.state_map.get(str(groups["state"]).upper())
            user = groups.get("user")
            if user:
                msg.user = user.strip()
            test = groups.get("test")
            if test:
                owner = groups.get("owner")
                msg.test = f"{owner.strip()} {test.strip()}" if owner else test.strip()
            return


_DEFAULT: Classifier | None = None


def classifier() -> Classifier:
    """The classifier over every registered platform (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Classifier(load_profile(n) for n in names())
    return _DEFAULT


def parse(data: bytes, *, received_at: dt.datetime, source_addr: str = "", transport: str = "udp",
          tz: dt.tzinfo = CHINA, platform: str | None = None, error: str | None = None,
          rules: Classifier | None = None) -> ParsedMessage:
    """One frame's bytes into a `ParsedMessage` (`received_at` from collectors/clock.py, UTC; `tz` the
    device's zone for times printed without one; `platform` the device's, when the receiver knows it; `error`
    what the framer found, e.g. ``oversized``). Never raises on any input."""
    text, bad_bytes = decode(data)
    h = header.parse(text, received_at=received_at, tz=tz)
    msg = ParsedMessage(raw=text, received_at=received_at, source_addr=source_addr, transport=transport,
                        occurred_at=h.occurred_at, facility=h.facility, severity=h.severity,
                        hostname=h.hostname, tag=h.tag, sequence=h.sequence,
                        error=header.join_errors(error, bad_bytes, h.error))
    if not h.understood:
        msg.kind = "unparsed"
        return msg
    (rules or classifier()).match(msg, h.body, platform)
    return msg
