"""Masking for everything the audit exports: the collectors' per-platform secret patterns
(`inventory.redact`) plus forms those patterns do not cover yet (routing/NTP keys: Comware
`authentication-mode md5 1 cipher <x>`, IOS `message-digest-key 1 md5 <x>`, `neighbor … password <x>`,
`ntp authentication-key 1 md5 <x>`, `key-string <x>`). Applied per line or per config text, never to
prose (a pattern's \\S+ would run on into Chinese text)."""

from __future__ import annotations

import re

from inventory.redact import MASK, redact

EXTRA = tuple(re.compile(p) for p in (
    # not `cipher authentication-mode sha <x>` (Comware usm-user): the profile masks <x> there
    r"(?P<pre>\b(?:cipher|irreversible-cipher) )(?!\S*-mode\b)(?P<secret>\S+)",
    r"(?P<pre>\bkey-string (?:\d )?)(?P<secret>\S+)",
    r"(?P<pre>\bmessage-digest-key \d+ (?:md5|\*{6}) (?:\d )?)(?P<secret>\S+)",
    r"(?P<pre>\bneighbor \S+ password (?:\d )?)(?P<secret>\S+)",
    # the IOS profile's `key \d <x>` has already masked the algorithm word here
    r"(?P<pre>\bauthentication-key \d+ (?:md5|sha\d*|\*{6}) (?:\d )?)(?P<secret>\S+)",
    r"(?P<pre>\b(?:tacacs-server|radius-server) (?:host \S+ )?key (?:\d )?)(?P<secret>\S+)",
))


def mask(text: str, platform: str | None = None) -> str:
    text = redact(text, platform)
    for pat in EXTRA:
        text = pat.sub(lambda m: m.group("pre") + MASK, text)
    return text
