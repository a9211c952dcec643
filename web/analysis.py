"""The graph and what the pages derive from it (protection classes, single points of failure, map
levels). The derived results are the API's (api.analysis_cache): computed once per inventory version
and shared by the pages and the JSON API."""

from __future__ import annotations

from sqlmodel import Session, select

from api.analysis_cache import Derived, derived
from inventory.models import MapPosition
from topology import layout

__all__ = ["Derived", "derived", "map_level", "saved_positions"]


def saved_positions(session: Session, level: str) -> dict[str, tuple[float, float]]:
    rows = session.exec(select(MapPosition).where(MapPosition.level == level))
    return {r.node_key: (r.x, r.y) for r in rows}


def map_level(session: Session, level: str) -> layout.MapLevel:
    d = derived(session)
    return layout.compute(d.graph, level, classes={k: p.cls for k, p in d.protection.items()},
                          primary_rooms={k: p.primary_room for k, p in d.protection.items()},
                          spof=d.spof_names, saved=saved_positions(session, level))
