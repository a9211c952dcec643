"""Read what other tools saved: a terminal capture with prompts and several commands in it, a RANCID
config file, and which platform a text is when nobody says. Pure functions over text and the profiles:
the inventory's offline import (inventory/offline.py) decides what to store.

A capture is split at the prompt lines of the profile's own prompt regex (``<QHD-CORE-1>display version``,
``[~QHD-CORE-1]display interface``, ``R1#show version``); each typed command is mapped to the profile's
command key, abbreviations included where they name one command only (``disp int``, ``sh ver``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from .platforms import Profile, load_profile, names

# Terminal noise a saved session keeps: ANSI sequences (VRP's pager erases itself with ESC[42D), carriage
# returns, and the pager prompts themselves.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_PAGER = re.compile(r"^\s*(?:-{2,4} ?More ?-{2,4}|--More--|<--- More --->)\s*", re.M)
# Filters that do not change what a command prints.
_NO_PAGING = re.compile(r"\s*\|\s*(?:no-more|nomore|no-paging)\s*$", re.I)
_HOST = r"(?P<host>[^\s<>\[\]#>()]+)"


@dataclass
class Capture:
    """One capture split into profile command outputs. ``skipped``: typed commands that map to no
    profile command (or to several), with why; the paging and logout commands are not listed."""

    platform: str
    host: str
    outputs: dict[str, str] = field(default_factory=dict)  # profile key -> output text
    typed: dict[str, str] = field(default_factory=dict)  # profile key -> the command as typed
    skipped: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    """A saved session's text without terminal noise (ANSI sequences, CRs, pager prompts)."""
    text = _ANSI.sub("", text.replace("\r\n", "\n").replace("\r", ""))
    return _PAGER.sub("", text)


@cache
def _prompt_line(platform: str) -> re.Pattern:
    """The profile's prompt regex with any host and the typed command after it: the profile's prompt ends
    the line (``\\s*$``), a capture's prompt line goes on with what the user typed."""
    prompt = load_profile(platform).prompt
    body = prompt[4:] if prompt.startswith("(?m)") else prompt
    body = re.sub(r"\\s\*\$$", "", body).rstrip("$")
    return re.compile(body.replace("{host}", _HOST) + r"[ \t]*(?P<typed>[^\n]*?)[ \t]*$", re.M)


def match_command(profile: Profile, typed: str) -> tuple[str | None, str]:
    """(profile key, "") for a typed command, or (None, why). Exact commands first; else each typed word
    must start the command's word in the same place, and exactly one command may fit."""
    words = _NO_PAGING.sub("", typed).split()
    if not words:
        return None, "empty"
    wanted = " ".join(words).lower()
    for c in profile.commands:
        if c.command.lower() == wanted:
            return c.key, ""
    fits = [c for c in profile.commands if len(c.command.split()) == len(words)
            and all(w.startswith(t) for w, t in zip(c.command.lower().split(), (x.lower() for x in words),
                                                        strict=True))]
    if len(fits) == 1:
        return fits[0].key, ""
    if fits:
        return None, f"ambiguous: {' / '.join(c.command for c in fits)}"
    return None, "not a command of the profile"


def _noise(profile: Profile, typed: str) -> bool:
    """Session housekeeping a capture holds besides the commands: paging off, logout, an empty line."""
    low = " ".join(typed.split()).lower()
    return not low or low == profile.logout.lower() or low == " ".join(profile.paging_off.split()).lower()


def prompt_hits(platform: str, text: str) -> list[re.Match]:
    return list(_prompt_line(platform).finditer(text))


def split_capture(platform: str, text: str) -> Capture | None:
    """The capture's command outputs keyed by profile key, or None when ``text`` has no prompt line of this
    platform followed by one of its commands. The device is the host most of the recognised prompt lines
    name (an output line that happens to look like a prompt names another, or no command)."""
    profile = load_profile(platform)
    text = clean(text)
    hits = prompt_hits(platform, text)
    votes = Counter(m.group("host") for m in hits if match_command(profile, m.group("typed"))[0])
    if not votes:
        return None
    host = votes.most_common(1)[0][0]
    mine = [m for m in hits if m.group("host") == host]
    cap = Capture(platform=platform, host=host)
    for k, m in enumerate(mine):
        end = mine[k + 1].start() if k + 1 < len(mine) else len(text)
        body = text[m.end():end]
        body = body[1:] if body.startswith("\n") else body
        typed = m.group("typed").strip()
        if _noise(profile, typed):
            continue
        key, why = match_command(profile, typed)
        if key is None:
            cap.skipped.append(f"{typed!r}: {why}")
            continue
        if key in cap.outputs:
            cap.skipped.append(f"{typed!r}: {profile.command(key).command} again, the first output is kept")
            continue
        cap.outputs[key] = body
        cap.typed[key] = typed
    return cap


def best_capture(text: str, platforms: tuple[str, ...] | None = None) -> Capture | None:
    """The platform whose prompts and commands read the most of this capture, or None when none reads a
    command. Huawei and H3C share prompts and many commands: a tie is broken by `detect`."""
    found = [c for c in (split_capture(p, text) for p in (platforms or names())) if c is not None]
    if not found:
        return None
    best = max(len(c.outputs) for c in found)
    top = [c for c in found if len(c.outputs) == best]
    if len(top) == 1:
        return top[0]
    guess = detect(text, tuple(c.platform for c in top))
    return next((c for c in top if c.platform == guess), None)


def detect(text: str, platforms: tuple[str, ...] | None = None) -> str | None:
    """The platform a config or show output is written in, from each profile's ``detect`` patterns (one
    point per pattern that matches); None when no pattern matches or two platforms score the same."""
    scores = {p: sum(1 for pat in load_profile(p).detect if pat.search(text)) for p in (platforms or names())}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def config_hostname(platform: str, config: str) -> str | None:
    """The device's own name in its config (``sysname``/``hostname``), or None."""
    pat = load_profile(platform).config_hostname
    found = pat.search(config) if pat is not None else None
    return found.group(1).strip("\"'") if found else None


# RANCID writes `!RANCID-CONTENT-TYPE: <type>` and then its own show output as `!` comments above the
# config (chassis, memory, image, serial: they change with every reboot), whatever the vendor's comment
# character is.
RANCID_HEADER = re.compile(r"\A\s*!RANCID-CONTENT-TYPE:\s*(?P<type>\S+)")


def rancid_config(text: str) -> tuple[str, str] | None:
    """(RANCID content type, the config without RANCID's comment block) for a RANCID file, else None."""
    found = RANCID_HEADER.match(text)
    if found is None:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    k = 0
    while k < len(lines) and (lines[k].startswith("!") or not lines[k].strip()):
        k += 1
    return found.group("type"), "\n".join(lines[k:])
