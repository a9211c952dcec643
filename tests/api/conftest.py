"""API fixtures: an app over its own sample-city database (SQLite and PostgreSQL) with one user and
one API token per role. Test passwords below are test fixtures, not credentials of anything."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api import auth
from api.app import create_app
from inventory.db import session_scope
from tests.conftest import _url_for

TEST_PASSWORD = "Test-only-passw0rd"  # test fixture


@dataclass
class Api:
    engine: Engine
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path: str, role: str, **kw):
        return self.client.get(path, headers=self.as_(role), **kw)


def add_role_users(engine: Engine) -> tuple[dict[str, str], dict[str, int]]:
    tokens, ids = {}, {}
    with session_scope(engine, actor="test") as s:
        for role in auth.ROLES:
            user = auth.create_user(s, f"t-{role}", TEST_PASSWORD, role, "test")
            tokens[role], _ = auth.create_token(s, user, "tests")
            ids[role] = user.id
    return tokens, ids


def make_api(engine: Engine) -> Api:
    tokens, ids = add_role_users(engine)
    return Api(engine, TestClient(create_app(engine)), tokens, ids)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The sample city with role users, per module and backend. Tests may change it (it is theirs)."""
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    eng = get_engine(_url_for(request.param, Path(tmp_path_factory.mktemp("api"))))
    prepare(eng)
    load_sample(eng)
    env = make_api(eng)
    yield env
    env.client.close()
    eng.dispose()


@pytest.fixture(scope="module")
def api_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    eng = get_engine(f"sqlite:///{tmp_path_factory.mktemp('api-sqlite') / 'extranet.db'}")
    prepare(eng)
    load_sample(eng)
    env = make_api(eng)
    yield env
    env.client.close()
    eng.dispose()
