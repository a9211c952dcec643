"""What one failure is: the kinds of element that fail, each kind's candidates in a graph, and the
impact of one failure (SingleFailure). Every sweep (topology.sweep, topology.fast) and the scenarios
speak these terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from .net import Net, element_name, failable

KINDS = ("link", "device", "unit-device", "srlg", "room", "carrier")


@dataclass
class SingleFailure:
    kind: str  # link | device | unit-device | srlg | room | carrier
    element: str  # cid / link key, hostname (or segment node id), SRLG name, room code, carrier code
    units_cut: list[int] = field(default_factory=list)  # unit indexes (net.units)
    units_degraded: list[int] = field(default_factory=list)
    terminals_lost: int = 0
    units_failover: list[int] = field(default_factory=list)  # still up, but only over backup circuits
    terminals_failover: int = 0

    def key(self) -> tuple:
        return (self.kind, self.element, sorted(self.units_cut), sorted(self.units_degraded), self.terminals_lost,
                sorted(self.units_failover), self.terminals_failover)


def elements(net: Net, kind: str) -> list[tuple[str, list[int], list[int]]]:
    """Every candidate of one kind: (name, dead nodes, dead edges)."""
    if kind == "link":
        return [(k, [], [e]) for e, k in enumerate(net.keys) if not net.unit_internal[e]]
    if kind == "device":
        return [(element_name(net.nodes[i]), [i], []) for i in range(len(net.nodes))
                if failable(net.nodes[i]) and net.owner[i] < 0]
    if kind == "unit-device":
        return [(element_name(net.nodes[i]), [i], []) for i in range(len(net.nodes)) if net.owner[i] >= 0]
    if kind == "srlg":
        groups: dict[str, list[int]] = {}
        for e, s in enumerate(net.srlg):
            if s:
                groups.setdefault(s, []).append(e)
        return [(s, [], es) for s, es in sorted(groups.items())]
    if kind == "room":
        return [(r, list(nodes), []) for r, nodes in zip(net.rooms, net.room_nodes, strict=True) if nodes]
    if kind == "carrier":
        by: dict[str, list[int]] = {}
        for e, c in enumerate(net.carrier):
            if c:
                by.setdefault(c, []).append(e)
        return [(c, [], es) for c, es in sorted(by.items())]
    raise ValueError(f"unknown failure kind {kind!r}; expected one of {', '.join(KINDS)}")
