"""The core questions every other answer builds on: the graph, its single failures, the protection
classes, the single points of failure, the map levels and the hidden N-2 pairs, for one state of the
database. The domain modules (answers/money.py, compliance.py, drift.py, scenarios.py) take a Snapshot
and ask it; answers/snapshot.py binds them all on `Answers`."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import networkx as nx
from sqlmodel import Session, select

from inventory.models import MapPosition
from topology import layout
from topology.graph import build_graph
from topology.n2 import PairImpact, n2_extra
from topology.protection import UnitProtection, classify, counts
from topology.sweep import SingleFailure, spof, sweep_single

from . import cache

T = TypeVar("T")

# Every kind of single failure the protection classes and the SPOF list are computed over.
SWEEP_KINDS = ("link", "device", "unit-device", "srlg", "room", "carrier")
SPOF_KINDS = tuple(k for k in SWEEP_KINDS if k != "carrier")


class Snapshot:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.url = cache.url_of(session)
        self.fingerprint = cache.current(session)

    def _answer(self, question: str, args: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        return cache.answer(self.url, self.fingerprint, (question, *args), compute)

    def memo(self, key: tuple[Hashable, ...], render: Callable[[], T]) -> T:
        """A front door's own rendering of answers (a JSON body, a page fragment), kept under the same
        rule as the answers it was made from; `cache.peek(url, key)` finds it again without a query."""
        return self._answer("memo", key, render)

    # -- the graph and its single failures ------------------------------------------------------------
    def graph(self, *, discovered: bool = True) -> nx.MultiGraph:
        """``discovered=False``: the declared network alone (no links known only from LLDP/subnets)."""
        return self._answer("graph", (discovered,), lambda: build_graph(self.session, discovered=discovered))

    def failures(self) -> list[SingleFailure]:
        """Every single failure of SWEEP_KINDS, in sweep order."""
        return self._answer("failures", (), lambda: sweep_single(self.graph(), SWEEP_KINDS))

    def protection(self) -> dict[str, UnitProtection]:
        return self._answer("protection", (), lambda: classify(self.graph(), self.failures()))

    def spofs(self, kinds: tuple[str, ...] = SPOF_KINDS) -> list[SingleFailure]:
        """Elements of these kinds whose failure alone loses terminals, worst first (a whole carrier only
        when asked: SWEEP_KINDS)."""
        return self._answer("spofs", (kinds,), lambda: spof(self.graph(), failures=[
            f for f in self.failures() if f.kind in kinds]))

    def spof_names(self) -> set[str]:
        """``kind:element`` of every SPOF (the map marks them)."""
        return self._answer("spof_names", (), lambda: {f"{f.kind}:{f.element}" for f in self.spofs()})

    def class_counts(self) -> dict[str, tuple[int, int]]:
        """Units and terminals per protection class."""
        return self._answer("class_counts", (), lambda: counts(self.protection()))

    def map_level(self, level: str) -> layout.MapLevel:
        """The map at one level (layout.LEVELS), with the positions people saved."""
        def compute() -> layout.MapLevel:
            prot = self.protection()
            saved = {r.node_key: (r.x, r.y)
                     for r in self.session.exec(select(MapPosition).where(MapPosition.level == level))}
            return layout.compute(self.graph(), level, classes={k: p.cls for k, p in prot.items()},
                                  primary_rooms={k: p.primary_room for k, p in prot.items()},
                                  spof=self.spof_names(), saved=saved)

        return self._answer("map_level", (level,), compute)

    def n2(self) -> list[PairImpact]:
        """Pairs of link failures that cut more than their two singles (hidden N-2 pairs), worst first."""
        return self._answer("n2", (), lambda: n2_extra(self.graph()))
