from __future__ import annotations

import networkx as nx
import pytest
from sqlalchemy.engine import Engine

from inventory.db import session_scope
from topology.graph import build_graph


@pytest.fixture(scope="session")
def sample_graph(sample_sqlite: Engine) -> nx.MultiGraph:
    with session_scope(sample_sqlite) as s:
        return build_graph(s)
