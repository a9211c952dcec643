"""Secret redaction for every non-admin read path (configs, command outputs, diffs). The patterns are
the platform profiles' `secrets` lists; with no platform every profile's patterns apply."""

from __future__ import annotations

import re
from functools import cache

from collectors.profiles import load_profile, platforms

MASK = "******"


@cache
def _patterns(platform: str | None) -> tuple[re.Pattern, ...]:
    names = [platform] if platform in platforms() else platforms()
    out: list[re.Pattern] = []
    for name in names:
        out.extend(load_profile(name).secrets)
    return tuple(out)


def redact(text: str, platform: str | None = None) -> str:
    """`text` with every secret value replaced by ******; the keyword before it is kept, so a reader still
    sees that a password or community is configured (and in which form: cipher/simple/hash)."""
    for pat in _patterns(platform):
        text = pat.sub(lambda m: m.group("pre") + MASK, text)
    return text
