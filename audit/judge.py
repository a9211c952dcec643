"""What a rule returns and the small readers every rule and platform module shares.

A rule never guesses: a value it cannot read raises `Unparseable(line)`, and a result concluded from
something being *absent* is flagged `by_absence` so that a truncated config turns it into 需人工核查
instead of a verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import Line


class Unparseable(Exception):
    def __init__(self, line: Line, why: str = "") -> None:
        super().__init__(f"{line.cite()} {why}")
        self.line, self.why = line, why


@dataclass
class Outcome:
    result: str
    facts: list[str]
    lines: list[Line] = field(default_factory=list)
    by_absence: bool = False  # concluded because a command is missing: needs the whole config
    by_default: bool = False  # decided by a platform default not shown in the config


def q(ln: Line) -> str:
    """A config line as quoted in 结果记录 (secrets are masked later, on the whole record)."""
    return f"`{ln.masked()}`（第{ln.no}行）"


def ints(ln: Line, pattern: str) -> tuple[int, ...]:
    m = re.search(pattern, ln.s)
    if not m:
        raise Unparseable(ln, "无法识别的参数")
    try:
        return tuple(int(g) if g is not None else -1 for g in m.groups())
    except ValueError as exc:
        raise Unparseable(ln, "参数不是数字") from exc


def child(view: Line, pattern: str) -> list[Line]:
    rx = re.compile(pattern)
    return [c for c in view.children if rx.search(c.s)]


def not_undo(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if not ln.s.startswith(("undo ", "no "))]


def absent(result: str, fact: str) -> Outcome:
    return Outcome(result, [fact], [], by_absence=True)
