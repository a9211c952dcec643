"""Is a captured config fit to become a device's current one? The same checks for SSH and offline import.

A config that fails them is not thrown away (the caller keeps the raw text and records a rejected
capture), but it must never replace the last good snapshot: an empty file would make every line look
deleted, half a config would make the rest look removed, and an evidence export whose secrets read
``******`` would overwrite the real secrets with asterisks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .platforms import Profile

# A running config of the largest box we know (a provincial core with thousands of sub-interfaces and
# ACL lines) is a few MB; 16 MB is a log or a binary dump saved under the wrong name, not a config.
MAX_CONFIG_BYTES = 16 * 1024 * 1024
# The terminator must close the config: a config cut off mid-way has none, and one that only has it
# somewhere in the middle was glued to something else. A few trailing lines (a stray prompt, a pager
# remnant) are tolerated after it.
TERMINATOR_TAIL_LINES = 5

# What users see for each refusal and parse warning: Chinese first, English complete.
LABELS: dict[str, tuple[str, str]] = {
    "parse": ("无法解析", "could not be parsed"),
    "empty": ("空配置", "empty config"),
    "truncated": ("配置不完整（无结束行）", "truncated config (no terminator)"),
    "masked": ("已脱敏的导出件（密钥为 ******）", "masked export (secrets replaced by ******)"),
    "too_large": ("配置过大", "implausibly large config"),
    "binary": ("含二进制内容", "binary content"),
}


@dataclass(frozen=True)
class Refusal:
    reason: str  # a LABELS key
    detail: str  # what was seen, for the person who has to fix it

    @property
    def label(self) -> tuple[str, str]:
        return LABELS[self.reason]


# What a redacted export puts where a secret stood: ``******`` (the evidence pack), or a device-keyed
# fingerprint ``<secret:ab12cd>`` (the redacted config views, inventory.redact). Exactly six asterisks: a
# banner's row of asterisks is longer.
MASKS = re.compile(r"\*{6}(?!\*)|<secret:[0-9a-f]{6}>")


def masked_line(text: str, masks: re.Pattern[str] = MASKS) -> int | None:
    """The 1-based line number of the first value replaced by a mask, or None. A mask counts where a
    value stands: after a keyword and a space (a fingerprint may follow it, as in ``******(3fa2)``)."""
    pat = re.compile(r"[^\s*][ \t]+(?:" + masks.pattern + ")")
    found = pat.search(text)
    if found is None:
        return None
    return text.count("\n", 0, found.start()) + 1


def check_config(profile: Profile, text: str, *, limit: int | None = None) -> Refusal | None:
    """None when ``text`` may become the current config, else why not (empty, too_large, binary, masked,
    truncated: the first that applies). ``limit``: bytes, MAX_CONFIG_BYTES unless given."""
    limit = MAX_CONFIG_BYTES if limit is None else limit
    size = len(text.encode("utf-8", "surrogateescape"))
    if not text.strip():
        return Refusal("empty", f"{size} bytes, no config line")
    if size > limit:
        return Refusal("too_large", f"{size:,} bytes, more than the {limit:,}-byte limit for a config")
    if "\x00" in text:
        return Refusal("binary", f"NUL byte at offset {text.index(chr(0))}: not a text config")
    line = masked_line(text)
    if line is not None:
        return Refusal("masked", f"line {line} holds a mask (****** or <secret:…>) where a value stands: an export "
                                 "with secrets masked, not the device's config")
    tail = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()][-TERMINATOR_TAIL_LINES:]
    if not any(profile.config_terminator.search(ln) for ln in tail):
        last = tail[-1].strip()[:80] if tail else ""
        return Refusal("truncated", f"no terminator line ({profile.config_terminator.pattern}) at the end; "
                                    f"the last line is {last!r}")
    return None
