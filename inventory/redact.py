"""Secret redaction for every non-admin read path (configs, command outputs, diffs, exports). The
patterns are the platform profiles' `secrets` lists (with no platform, every profile's) plus the
cross-platform key forms below that profiles tend to miss. This is the only redaction in the project:
the API, the pages and the audit pack all call it, so a pattern added here protects every path."""

from __future__ import annotations

import re
from functools import cache

from collectors.platforms import load_profile, names

MASK = "******"

# Routing, NTP and AAA keys: Comware `authentication-mode md5 1 cipher <x>`, IOS `message-digest-key 1 md5 <x>`,
# `neighbor … password <x>`, `ntp authentication-key 1 md5 <x>`, `key-string <x>`. Applied to config
# text, never to prose (a \S+ would run on into Chinese text).
COMMON = tuple(re.compile(p) for p in (
    # not `cipher authentication-mode sha <x>` (Comware usm-user): the profile masks <x> there
    r"(?P<pre>\b(?:cipher|irreversible-cipher) )(?!\S*-mode\b)(?P<secret>\S+)",
    r"(?P<pre>\bkey-string (?:\d )?)(?P<secret>\S+)",
    r"(?P<pre>\bmessage-digest-key \d+ (?:md5|\*{6}) (?:\d )?)(?P<secret>\S+)",
    r"(?P<pre>\bneighbor \S+ password (?:\d )?)(?P<secret>\S+)",
    # the IOS profile's `key \d <x>` has already masked the algorithm word here
    r"(?P<pre>\bauthentication-key \d+ (?:md5|sha\d*|\*{6}) (?:\d )?)(?P<secret>\S+)",
    r"(?P<pre>\b(?:tacacs-server|radius-server) (?:host \S+ )?key (?:\d )?)(?P<secret>\S+)",
))


@cache
def _patterns(platform: str | None) -> tuple[re.Pattern, ...]:
    wanted = [platform] if platform in names() else list(names())
    out: list[re.Pattern] = []
    for name in wanted:
        out.extend(load_profile(name).secrets)
    return tuple(out)


def redact(text: str, platform: str | None = None) -> str:
    """`text` with every secret value replaced by ******; the keyword before it is kept, so a reader still
    sees that a password or community is configured (and in which form: cipher/simple/hash)."""
    for pat in (*_patterns(platform), *COMMON):
        text = pat.sub(lambda m: m.group("pre") + MASK, text)
    return text
