"""One row changes and every front door (API, page, command line, evidence pack, money) answers from the
new state: they all ask the one answers layer, so none can keep a stale copy of its own.

The expected answers are derived independently: straight from the analyses on a freshly built graph,
with no cache in between."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

import answers
from api import auth
from cli import app as cli_app
from inventory.db import get_engine, session_scope
from inventory.models import Circuit
from inventory.service import load_sample, prepare
from tests.web.conftest import form_login
from topology.graph import build_graph
from topology.protection import classify
from web.app import create_app
from web.i18n import label

UNIT = "U001"
TELECOM_BACKUP = "DX-U001-1"
PASSWORD = "Answers-test-1!"  # test fixture account, not a credential of anything


def fresh_class(engine) -> str:
    with session_scope(engine) as s:
        return classify(build_graph(s))[UNIT].cls


def api_class(client: TestClient, token: str) -> str:
    r = client.get("/api/v1/analysis/protection", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return next(u["cls"] for u in r.json()["units"] if u["unit"] == UNIT)


def page_class(client: TestClient) -> str:
    r = client.get(f"/units/{UNIT}")
    assert r.status_code == 200, r.text
    m = re.search(r'id="unit-class">([^<]+)<', r.text)
    assert m, r.text[:500]
    return m.group(1).strip()


def cli_output(*args: str) -> str:
    result = CliRunner().invoke(cli_app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def pack_dual_carrier(path: Path) -> str:
    """The redundancy workbook's "two carriers?" cell of the unit's line row (是/否)."""
    with zipfile.ZipFile(path) as z:
        books = [n for n in z.namelist() if n.endswith(".xlsx")]
        for name in books:
            wb = load_workbook(io.BytesIO(z.read(name)), read_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    if row and isinstance(row[0], str) and row[0].startswith(f"{UNIT} "):
                        return str(row[3])
    raise AssertionError(f"no line row for {UNIT} in {books}")


@pytest.fixture
def city(tmp_path: Path):
    engine = get_engine()  # the CLI opens the same database through the same setting
    prepare(engine)
    load_sample(engine)
    with session_scope(engine, actor="test") as s:
        user = auth.create_user(s, "answers-auditor", PASSWORD, "auditor", "test")
        token, _ = auth.create_token(s, user, "tests")
    client = TestClient(create_app(engine))
    r = form_login(client, {"username": "answers-auditor", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    yield engine, client, token
    client.close()


def test_one_row_changes_every_front_door_answers_the_new_state(city, tmp_path: Path) -> None:
    engine, client, token = city
    before = fresh_class(engine)
    assert before.startswith("dual-carrier")

    # Every door answers (and so caches) the old state first.
    assert api_class(client, token) == before
    assert page_class(client) == label(before, "zh")
    assert "DX-U001-1" in cli_output("analyze", "redundancy", "--unit", UNIT)
    cli_output("export", "audit", str(tmp_path / "before.zip"))
    assert pack_dual_carrier(tmp_path / "before.zip") == "是"
    with session_scope(engine) as s:
        old_money = answers.ask(s).money()
        old_share = next(u.total for u in old_money.allocation.units if u.unit == UNIT)

    # One row: the unit's Telecom backup circuit is decommissioned (in this process, no API call).
    with session_scope(engine, actor="test") as s:
        c = s.exec(select(Circuit).where(Circuit.cid == TELECOM_BACKUP)).one()
        c.status = "decommissioned"
    after = fresh_class(engine)
    assert after != before and not after.startswith("dual-carrier")

    assert api_class(client, token) == after
    assert page_class(client) == label(after, "zh")
    out = cli_output("analyze", "redundancy", "--unit", UNIT)
    assert "DX-U001-1" not in out
    cli_output("export", "audit", str(tmp_path / "after.zip"))
    assert pack_dual_carrier(tmp_path / "after.zip") == "否"
    with session_scope(engine) as s:
        new_money = answers.ask(s).money()
    assert new_money is not old_money
    assert next(u.total for u in new_money.allocation.units if u.unit == UNIT) != old_share


def test_a_write_by_another_process_is_seen_within_the_freshness_window(city) -> None:
    """A write this process did not make (a zone worker, another server) shows once the fingerprint is
    read again: FRESH_SECONDS after it was last read, or at once after `answers.invalidate()`."""
    engine, client, token = city
    before = api_class(client, token)
    script = ("from sqlmodel import select\n"
              "from inventory.db import session_scope\n"
              "from inventory.models import Circuit\n"
              "with session_scope(actor='other-process') as s:\n"
              f"    s.exec(select(Circuit).where(Circuit.cid == {TELECOM_BACKUP!r})).one().status = 'decommissioned'\n")
    subprocess.run([sys.executable, "-c", script], check=True, env=os.environ.copy(), timeout=120)
    time.sleep(answers.FRESH_SECONDS)  # no invalidate(): the window alone makes this process look again
    assert api_class(client, token) == fresh_class(engine) != before
