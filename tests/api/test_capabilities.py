"""Topology, analyses, money and exports over HTTP on both backends, checked against the library
functions they expose (the API must not change an answer) and against the sample city's facts."""

from __future__ import annotations

import io

import openpyxl
import yaml
from sqlmodel import Session

import answers
from topology.graph import build_graph
from topology.protection import classify
from topology.scenario import FailureSpec

from .conftest import Api


def test_topology_three_levels_with_coordinates(api: Api) -> None:
    sizes = {}
    for level in ("rooms", "units", "devices"):
        r = api.get(f"/api/v1/topology/{level}", "viewer")
        assert r.status_code == 200, r.text
        data = r.json()
        assert data["level"] == level and data["counts"]["nodes"] == len(data["nodes"]) > 0
        ids = {n["id"] for n in data["nodes"]}
        assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
        assert all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in data["nodes"])
        sizes[level] = len(data["nodes"])
    assert sizes["rooms"] < sizes["units"] < sizes["devices"]
    rooms = api.get("/api/v1/topology/rooms", "viewer").json()
    assert {"room:CORE", "room:CITIZEN"} <= {n["id"] for n in rooms["nodes"]}
    units = api.get("/api/v1/topology/units", "planner").json()
    assert sum(1 for n in units["nodes"] if n["kind"] == "unit") == 97
    assert all(n["cls"] for n in units["nodes"] if n["kind"] == "unit")
    assert api.get("/api/v1/topology/planet", "viewer").status_code == 422


def test_protection_matches_the_library(api: Api) -> None:
    with Session(api.engine) as s:
        expected = {code: p.cls for code, p in classify(build_graph(s)).items()}
    body = api.get("/api/v1/analysis/protection", "viewer").json()
    assert {u["unit"]: u["cls"] for u in body["units"]} == expected
    assert sum(c["units"] for c in body["counts"].values()) == 97
    only = api.get("/api/v1/analysis/protection?cls=single-path", "viewer").json()["units"]
    assert only and all(u["cls"] == "single-path" for u in only)


def test_spof_and_sweep(api: Api) -> None:
    spofs = api.get("/api/v1/analysis/spof?limit=5", "viewer").json()
    assert spofs[0]["kind"] == "room" and spofs[0]["element"] == "CORE"
    assert [s["terminals_lost"] for s in spofs] == sorted((s["terminals_lost"] for s in spofs), reverse=True)
    sweep = api.get("/api/v1/analysis/sweep?kind=room&kind=carrier", "planner").json()
    assert {f["kind"] for f in sweep["failures"]} == {"room", "carrier"}
    assert api.get("/api/v1/analysis/sweep", "viewer").status_code == 403  # analysis.run


def test_scenario_run_save_list_compare(api: Api) -> None:
    fail = {"carriers": ["unicom"]}
    run = api.client.post("/api/v1/analysis/scenarios/run", json=fail, headers=api.as_("planner"))
    assert run.status_code == 200, run.text
    with Session(api.engine) as s:
        lib = answers.ask(s).simulate(FailureSpec(carriers=["unicom"]))
    assert run.json()["terminals_lost"] == lib.terminals_lost
    assert sorted(u["unit"] for u in run.json()["units_cut"]) == sorted(u.unit for u in lib.units_cut)
    bad = api.client.post("/api/v1/analysis/scenarios/run", json={"rooms": ["NOWHERE"]}, headers=api.as_("planner"))
    assert bad.status_code == 404 and "CORE" in bad.json()["message"]
    saved = api.client.post("/api/v1/analysis/scenarios", json={"name": "联通全网中断", "fail": fail},
                            headers=api.as_("planner"))
    assert saved.status_code == 201 and saved.json()["created_by"] == "t-planner"
    again = api.client.post("/api/v1/analysis/scenarios", json={"name": "联通全网中断", "fail": fail},
                            headers=api.as_("planner"))
    assert again.status_code == 409
    assert "联通全网中断" in [s["name"] for s in api.get("/api/v1/analysis/scenarios", "viewer").json()]
    cmp = api.get("/api/v1/analysis/scenarios/联通全网中断/compare", "planner").json()
    assert cmp["terminals_lost_delta"] == 0 and cmp["newly_cut"] == [] and cmp["no_longer_cut"] == []
    assert api.client.delete("/api/v1/analysis/scenarios/联通全网中断", headers=api.as_("viewer")).status_code == 403
    assert api.client.delete("/api/v1/analysis/scenarios/联通全网中断", headers=api.as_("planner")).status_code == 204
    assert api.get("/api/v1/analysis/scenarios/联通全网中断", "viewer").status_code == 404


def test_money_sheets(api: Api) -> None:
    ledger = api.get("/api/v1/money/ledger", "finance").json()
    keys = [s["key"] for s in ledger["sheets"]]
    assert keys[:2] == ["ledger", "accrual"] and all(s["rows"] for s in ledger["sheets"][:2])
    for path in ("units?rule=terminals", "backup", "assessment?year=2022", "indicators"):
        r = api.get(f"/api/v1/money/{path}", "auditor")
        assert r.status_code == 200, (path, r.text[:300])
        for sheet in r.json()["sheets"]:
            assert all(len(row) == len(sheet["columns"]) for row in sheet["rows"])
    backup = api.get("/api/v1/money/backup", "planner").json()
    assert {v["verdict_code"] for v in backup["extra"]["verdicts"]} <= {"none", "paper", "evidenced"}
    assert api.get("/api/v1/money/ledger", "engineer").status_code == 403


def test_exports(api: Api) -> None:
    inv = api.get("/api/v1/exports/inventory.yaml", "engineer")
    assert inv.status_code == 200 and "attachment" in inv.headers["content-disposition"]
    doc = yaml.safe_load(inv.text)
    assert len(doc["units"]) == 97
    book = api.get("/api/v1/exports/money.xlsx", "finance")
    assert book.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(book.content))
    assert len(wb.sheetnames) >= 5
    topo = api.get("/api/v1/exports/topology-devices.json", "viewer")
    assert topo.status_code == 200 and topo.json()["level"] == "devices"
    assert api.get("/api/v1/exports/inventory.yaml", "viewer").status_code == 403


def test_compliance_checks_and_devices(api: Api) -> None:
    checks = api.get("/api/v1/compliance/checks", "auditor")
    assert checks.status_code == 200, checks.text
    ids = [c["id"] for c in checks.json()]
    assert "CE-01" in ids and len(ids) >= 20
    devices = api.get("/api/v1/compliance/devices", "auditor").json()
    assert len(devices) == api.get("/api/v1/devices?enabled=true", "auditor").json()["total"]
    one = api.get(f"/api/v1/compliance/devices/{devices[0]['hostname']}", "engineer").json()
    assert one["hostname"] == devices[0]["hostname"] and {c["check_id"] for c in one["checks"]} <= set(ids)
    assert api.get("/api/v1/compliance/devices/NOPE", "auditor").status_code == 404
    assert api.get("/api/v1/compliance/checks", "finance").status_code == 403
