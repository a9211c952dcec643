"""API fixtures: an app over its own sample-city database (SQLite and PostgreSQL) with one user and
one API token per role. The sample and the users are built once per backend and cloned per module
(file copy for SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL), so every module may change its
own copy. Test passwords below are test fixtures, not credentials of anything."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from api import auth
from api.app import create_app
from inventory.db import session_scope
from tests.conftest import PG_URL, _created_pg, _url_for

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


@dataclass
class Template:
    backend: str
    url: str
    tokens: dict[str, str]
    user_ids: dict[str, int]


_templates: dict[str, Template] = {}


def _template(backend: str, tmp: Path) -> Template:
    """The sample city plus role users, built once per backend and worker."""
    if backend in _templates:
        return _templates[backend]
    from inventory.db import get_engine
    from inventory.service import load_sample, prepare

    url = _url_for(backend, tmp)
    eng = get_engine(url)
    prepare(eng)
    load_sample(eng)
    tokens, ids = add_role_users(eng)
    eng.dispose()
    get_engine.cache_clear()  # a template must have no open connections
    _templates[backend] = Template(backend, url, tokens, ids)
    return _templates[backend]


def clone(backend: str, tmp_factory: pytest.TempPathFactory) -> Api:
    from inventory.db import get_engine

    tpl = _template(backend, tmp_factory.mktemp(f"api-template-{backend}"))
    if backend == "sqlite":
        src = Path(make_url(tpl.url).database)
        dst = tmp_factory.mktemp("api") / "extranet.db"
        shutil.copyfile(src, dst)
        url = f"sqlite:///{dst}"
    else:
        name = f"extranet_t_api_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(tpl.url).database}"'))
        admin.dispose()
        _created_pg.append(name)
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    eng = get_engine(url)
    return Api(eng, TestClient(create_app(eng)), dict(tpl.tokens), dict(tpl.user_ids))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The sample city with role users, per module and backend. Tests may change it (it is theirs)."""
    env = clone(request.param, tmp_path_factory)
    yield env
    env.client.close()
    env.engine.dispose()


@pytest.fixture(scope="module")
def api_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    env = clone("sqlite", tmp_path_factory)
    yield env
    env.client.close()
    env.engine.dispose()
