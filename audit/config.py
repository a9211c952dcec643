"""A running config as numbered lines grouped into views, tolerant of every dialect's quirks.

VRP/Comware separate blocks with `#` and indent global commands after a separator (Comware V7);
IOS separates with `!`. A line at indent 0 opens a view; indented lines that follow belong to it
until the next separator. Indented lines right after a separator are global. V600/VRP8 `!` header
lines are comments. Nothing here raises on odd input: a line is just text with a number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from inventory.redact import redact as mask


class Dialect(Protocol):
    """What parsing needs to know of a platform (audit/platforms/NAME.py provides it)."""

    name: str
    terminator: re.Pattern[str]  # the last line of a complete config
    hostname: re.Pattern[str]  # group 1: the device's name
    known_words: frozenset[str]  # first words of this platform's commands


# Views whose children are not global commands.
VIEW = re.compile(r"^(interface|user-interface|line|aaa|local-user|acl|ip access-list|rsa|ssh user|vlan |ospf|bgp|"
                  r"router|policy|traffic|archive|ip vpn-instance|vrf|class-map|policy-map|crypto|key chain|"
                  r"hwtacacs|radius|domain|role|ike|ipsec|isis|rip|nqa|track|user-group|task-group|snmp-server view|"
                  r"ipv4-access-list|ipv6-access-list)")


@dataclass
class Line:
    no: int  # 1-based line number in the stored text
    text: str  # the line without its newline
    indent: int
    platform: str = ""
    shown: str = ""  # the line cut from the whole redacted config: block-anchored secrets are masked too
    parent: Line | None = None
    children: list[Line] = field(default_factory=list)

    @property
    def s(self) -> str:
        return self.text.strip()

    def masked(self) -> str:
        """The line with its secrets masked (every quote of a config line in a record goes through this)."""
        return mask((self.shown or self.text).strip(), self.platform or None)

    def cite(self) -> str:
        return f"第{self.no}行 `{self.masked()}`"


@dataclass
class Config:
    platform: str
    text: str
    lines: list[Line]
    terminated: bool  # ends with return / end: absence of a command can be concluded
    hostname: str | None
    recognised: int  # lines that look like commands of this platform

    @property
    def plausible(self) -> bool:
        """Looks like a config of this platform at all (a name and a handful of known commands)."""
        return self.hostname is not None and self.recognised >= 3

    def views(self, pattern: str) -> list[Line]:
        rx = re.compile(pattern)
        return [ln for ln in self.lines if ln.indent == 0 and rx.match(ln.s)]

    def find(self, pattern: str, *, scope: str = "global") -> list[Line]:
        """Lines matching `pattern` (regex on the stripped text). scope: global (top-level and
        children of non-view headers), any, or a view regex (children of matching views)."""
        rx = re.compile(pattern)
        out = []
        for ln in self.lines:
            if not rx.search(ln.s):
                continue
            if scope == "any":
                out.append(ln)
            elif scope == "global":
                if ln.parent is None or not VIEW.match(ln.parent.s):
                    out.append(ln)
            elif ln.parent is not None and re.match(scope, ln.parent.s):
                out.append(ln)
        return out

    def first(self, pattern: str, *, scope: str = "global") -> Line | None:
        found = self.find(pattern, scope=scope)
        return found[0] if found else None

    def last_line(self) -> Line | None:
        return self.lines[-1] if self.lines else None


def parse(text: str, dialect: Dialect) -> Config:
    platform = dialect.name
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # redaction never adds or drops a newline, so line i of the redacted text is line i of the config
    shown = mask("\n".join(raw), platform).split("\n")
    lines: list[Line] = []
    parent: Line | None = None
    recognised = 0
    for i, t in enumerate(raw, start=1):
        stripped = t.strip()
        if not stripped:
            continue
        if stripped == "$":  # ZXROS closes a view with `$` (nested ones are indented: the view goes on)
            if not t[:1].isspace():
                parent = None
            continue
        if stripped == "#" or stripped.startswith("!"):
            parent = None  # separator, or a comment (an IOS `!`, a V600 `!Software Version` header)
            continue
        indent = len(t) - len(t.lstrip(" \t"))
        ln = Line(no=i, text=t, indent=indent, platform=platform, shown=shown[i - 1])
        if indent == 0:
            parent = ln
        else:
            ln.parent = parent
            if parent is not None:
                parent.children.append(ln)
        if stripped.split()[0] in dialect.known_words:
            recognised += 1
        lines.append(ln)
    terminated = bool(lines) and bool(dialect.terminator.match(lines[-1].text))
    hostname = None
    for ln in lines:
        m = dialect.hostname.match(ln.text)
        if m:
            hostname = m.group(1)
            break
    return Config(platform=platform, text=text, lines=lines, terminated=terminated, hostname=hostname,
                  recognised=recognised)
