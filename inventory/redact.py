"""Secret redaction for every non-admin read path (configs, command outputs, diffs, exports).

The catalogue is the platform profiles' `secrets:` lists (with no platform, every profile's), the
cross-platform key forms in COMMON, and the vendor cipher TOKENS, which are redacted wherever they
stand, even on a line no pattern names. A pattern marks its secret(s) with groups named `secret`,
`secret2`, ...; `pre` is only there to read. Every pattern runs on the original text and the marked
spans are replaced together, so no pattern ever sees another's mask (the old chained substitutions
needed `\\*{6}` alternatives and still masked keywords).

A value is replaced by ****** or, when the caller names the device, by `<secret:ab12cd>`: the first 6
hex of HMAC-SHA256 keyed by a server-side secret and the hostname. The same value on the same device
keeps its fingerprint across snapshots, so a redacted diff shows that a secret changed without showing
it; an unkeyed hash of `public` would be a dictionary lookup away. This is the only redaction in the
project: the API, the pages and the audit pack all call it, so a pattern added here protects every path."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from functools import cache, lru_cache
from pathlib import Path

from collectors.platforms import load_profile, names

from .db import home_dir

MASK = "******"
# What a redacted value looks like on any read path (the mask, or a device-keyed fingerprint).
REDACTED = re.compile(r"\*{6}|<secret:[0-9a-f]{6}>")
KEY_ENV = "EXTRANET_REDACTION_KEY"
KEY_FILE = "redaction.key"

# Vendor cipher text, whatever command carries it: Huawei %^%#..%^%# (VRP8/CE), %$%$..%$%$ and @%@%..@%@%
# (VRP5), irreversible $1a$..$1d$; H3C Comware 7 $c$3$ (cipher) and $h$6$ (hash); crypt forms $1$ $5$ $6$
# $8$ $9$ (Cisco type 5/8/9, Ruijie and ZTE MD5-crypt). A cipher with no closing marker runs to the space.
TOKENS = tuple(re.compile(p) for p in (
    r"(?P<secret>%\^%#(?:[^\n]*?%\^%#|\S*))",
    r"(?P<secret>%\$%\$(?:[^\n]*?%\$%\$|\S*))",
    r"(?P<secret>@%@%(?:[^\n]*?@%@%|\S*))",
    r"(?P<secret>\$[ch]\$\d\$\S+)",
    r"(?P<secret>\$1[a-d]\$\S+)",
    r"(?P<secret>\$[15689]\$[./\w]+\$[./\w]+)",
))

# Routing, NTP and AAA keys every dialect spells alike: `cipher <x>`, `key-string <x>`, IOS
# `message-digest-key 1 md5 <x>`, `neighbor … password <x>`, `ntp authentication-key 1 md5 <x>`,
# `ip ospf authentication-key <x>`, `tacacs-server key <x>`. Applied to config text, never to prose
# (a \S+ would run on into Chinese text).
COMMON = tuple(re.compile(p) for p in (
    # not `cipher authentication-mode sha <x>` (Comware usm-user): the profile masks <x> there
    r"(?P<pre>\b(?:cipher|irreversible-cipher) )(?!\S*-mode\b)(?P<secret>\S+)",
    r"(?P<pre>\bkey-string (?:encrypted |[067] )?)(?P<secret>\S+)",
    r"(?P<pre>\bmessage-digest-key \d+ md5 (?:encrypted |[07] )?)(?P<secret>\S+)",
    r"(?P<pre>\bneighbor \S+ password (?:encrypted |[07] )?)(?P<secret>\S+)",
    r"(?P<pre>\bauthentication-key (?:\d+ (?:md5|sha\d*|hmac-\S+) )?(?:encrypted |[07] )?)(?P<secret>\S+)",
    r"(?P<pre>\b(?:tacacs-server|radius-server) (?:host \S+ (?:[\w-]+ \d+ )*)?key (?:encrypted |[067] )?)"
    r"(?P<secret>\S+)",
))


@cache
def _patterns(platform: str | None) -> tuple[re.Pattern, ...]:
    wanted = [platform] if platform in names() else list(names())
    out: list[re.Pattern] = []
    for name in wanted:
        out.extend(load_profile(name).secrets)
    return (*out, *COMMON, *TOKENS)


def _secret_groups(pat: re.Pattern) -> tuple[str, ...]:
    return tuple(g for g in pat.groupindex if re.fullmatch(r"secret\d*", g))


def spans(text: str, platform: str | None = None) -> list[tuple[int, int]]:
    """The (start, end) of every secret value in `text`, overlapping marks merged, in order."""
    found: list[tuple[int, int]] = []
    for pat in _patterns(platform):
        groups = _secret_groups(pat)
        for m in pat.finditer(text):
            for g in groups:
                start, end = m.span(g)
                if start < end:
                    found.append((start, end))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def values(text: str, platform: str | None = None) -> list[str]:
    """The secret values `text` still shows (already redacted ones left out): what a leak check wants."""
    return [v for s, e in spans(text, platform) if not REDACTED.match(v := text[s:e])]


def redact(text: str, platform: str | None = None, *, device: str | None = None) -> str:
    """`text` with every secret value replaced: by ****** or, with `device` (its hostname), by the
    value's fingerprint on that device. The keyword before a value is kept, so a reader still sees
    that a password or community is configured (and in which form: cipher/simple/hash)."""
    marks = spans(text, platform)
    if not marks:
        return text
    out: list[str] = []
    last = 0
    for start, end in marks:
        value = text[start:end]
        out.append(text[last:start])
        if REDACTED.fullmatch(value):  # redacting twice changes nothing
            out.append(value)
        else:
            out.append(fingerprint(value, device) if device else MASK)
        last = end
    out.append(text[last:])
    return "".join(out)


def fingerprint(value: str, device: str) -> str:
    """`<secret:xxxxxx>`: stable for one value on one device, different across devices and deployments."""
    key = server_key() + b"\x00" + device.encode("utf-8")
    return f"<secret:{hmac.new(key, value.encode('utf-8'), hashlib.sha256).hexdigest()[:6]}>"


def server_key() -> bytes:
    """The fingerprint key, kept where the collector's own secrets are kept: EXTRANET_REDACTION_KEY, else
    `redaction_key` in EXTRANET_SECRETS_FILE, else EXTRANET_HOME/redaction.key (made on first use, 0600).
    Every web/API node of one deployment needs the same key, or one secret shows two fingerprints."""
    return _key(os.environ.get(KEY_ENV) or "", os.environ.get("EXTRANET_SECRETS_FILE") or "", str(home_dir()))


@lru_cache(maxsize=8)
def _key(env: str, secrets_file: str, home: str) -> bytes:
    if env:
        return env.encode("utf-8")
    if secrets_file:
        try:
            data = json.loads(Path(secrets_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{secrets_file}: cannot read the secrets file ({exc})") from exc
        if isinstance(data, dict) and data.get("redaction_key"):
            return str(data["redaction_key"]).encode("utf-8")
    return _key_file(Path(home) / KEY_FILE)


def _key_file(path: Path) -> bytes:
    if not path.exists():
        # written aside then linked in: a second process either wins the link or reads a whole key
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(32).encode("ascii"))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise ValueError(f"{path}: the redaction key is shorter than 32 characters; delete the file to make a "
                         f"new one or set {KEY_ENV}")
    return key
