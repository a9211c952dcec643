"""The topology CLI end to end on the sample city (SQLite in EXTRANET_HOME)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


@pytest.fixture
def sample_home(monkeypatch: pytest.MonkeyPatch, tmp_path, _sqlite_template) -> None:
    from tests.topology.conftest import copy_sample

    monkeypatch.setenv("DATABASE_URL", copy_sample("sqlite", tmp_path, _sqlite_template, None))


def run(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result


def test_analyze_commands(sample_home: None) -> None:
    r = run("analyze", "redundancy")
    assert r.exit_code == 0, r.output
    assert "single-path" in r.output and "58" in r.output
    r = run("analyze", "redundancy", "--unit", "U001")
    assert r.exit_code == 0 and "LT-U001-1" in r.output and "shared risks" in r.output
    r = run("analyze", "spof", "--top", "3")
    assert r.exit_code == 0 and "CORE" in r.output
    r = run("analyze", "sweep", "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["candidates"]["room"] == 7 and any(p["kind"] == "cut-pair" for p in data["pairs"])


def test_simulate_save_list_rerun(sample_home: None) -> None:
    r = run("simulate", "--fail", "carrier:unicom", "--fail", "srlg:duct:HEBEI-core", "--save", "联通+河北管道")
    assert r.exit_code == 0, r.output
    assert "Overloaded backup circuits" in r.output and "saved as scenario" in r.output
    r = run("simulate", "--list")
    assert "联通+河北管道" in r.output
    r = run("simulate", "--run", "联通+河北管道")
    assert r.exit_code == 0 and "newly cut none" in r.output
    r = run("simulate", "-f", "room:KAILUAN", "--json")
    data = json.loads(r.output)
    assert data["spec"]["rooms"] == ["KAILUAN"] and len(data["units_cut"]) == 9


def test_simulate_bad_input(sample_home: None) -> None:
    from inventory.errors import ExtranetError

    for args, needle in ((["-f", "carrier:mobile"], "unicom (中国联通)"), (["-f", "duct:X"], "KIND:NAME"),
                         ([], "empty failure set"), (["-f", "room:MOON"], "CITIZEN")):
        r = run("simulate", *args)
        assert isinstance(r.exception, ExtranetError), r.output
        assert needle in r.exception.message
