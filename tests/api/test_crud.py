"""Inventory and money over HTTP on both backends: lists, filters, sorting, pagination, changes with
the audit trail (who, where, request id, before/after), conflicts, references, bulk import."""

from __future__ import annotations

from sqlmodel import Session, select

from inventory.models import ChangeLog, Room, Unit

from .conftest import Api


def test_list_filter_sort_paginate(api: Api) -> None:
    r = api.get("/api/v1/units?limit=5&offset=5&sort=-declared_terminals", "viewer")
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 97 and page["limit"] == 5 and page["offset"] == 5 and len(page["items"]) == 5
    terminals = [u["declared_terminals"] for u in page["items"]]
    assert terminals == sorted(terminals, reverse=True)
    core = api.get("/api/v1/devices?room=CORE&limit=500", "viewer").json()
    assert {d["hostname"] for d in core["items"]} == {"QHD-CORE-SW1", "QHD-CORE-SW2", "QHD-CORE-FW1"}
    unicom = api.get("/api/v1/circuits?carrier=unicom&role=primary&limit=500", "engineer").json()
    assert unicom["total"] > 0 and all(c["cid"].startswith("LT-") for c in unicom["items"])
    found = api.get("/api/v1/units?q=法院", "viewer").json()
    assert found["total"] >= 1 and all("法院" in u["name"] for u in found["items"])


def test_bad_query_names_the_field(api: Api) -> None:
    for query, field in (("sort=nonsense", "query.sort"), ("limit=0", "query.limit"), ("role=boss", "query.role"),
                         ("limit=abc", "query.limit")):
        r = api.get(f"/api/v1/devices?{query}", "viewer")
        assert r.status_code == 422, query
        body = r.json()
        assert body["code"] == "validation_error" and body["details"][0]["field"] == field


def test_create_change_delete_recorded_with_who_where_and_request_id(api: Api) -> None:
    h = {**api.as_("engineer"), "X-Request-ID": "req-crud-1"}
    r = api.client.post("/api/v1/rooms", json={"code": "TST", "name": "测试机房", "mlps_level": 3}, headers=h)
    assert r.status_code == 201, r.text
    room_id = r.json()["id"]
    assert r.headers["x-request-id"] == "req-crud-1"
    h2 = {**api.as_("engineer"), "X-Request-ID": "req-crud-2"}
    r = api.client.patch(f"/api/v1/rooms/{room_id}", json={"address": "海港区文化路 1 号"}, headers=h2)
    assert r.status_code == 200 and r.json()["address"] == "海港区文化路 1 号" and r.json()["code"] == "TST"
    assert api.client.delete(f"/api/v1/rooms/{room_id}", headers=api.as_("engineer")).status_code == 204
    assert api.get(f"/api/v1/rooms/{room_id}", "viewer").status_code == 404
    with Session(api.engine) as s:
        rows = s.exec(select(ChangeLog).where(ChangeLog.object_type == "room", ChangeLog.object_id == room_id)
                      .order_by(ChangeLog.id)).all()
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert {r.actor for r in rows} == {"t-engineer"} and rows[0].remote_addr == "testclient"
    assert rows[0].request_id == "req-crud-1" and rows[1].request_id == "req-crud-2"
    assert rows[1].before["address"] is None and rows[1].after["address"] == "海港区文化路 1 号"


def test_conflicts_references_and_nulls(api: Api) -> None:
    h = api.as_("engineer")
    dup = api.client.post("/api/v1/rooms", json={"code": "CORE", "name": "重复"}, headers=h)
    assert dup.status_code == 409 and dup.json()["code"] == "conflict"
    bad_ref = api.client.post("/api/v1/interfaces", json={"device_id": 999999, "name": "Gi0/0/1"}, headers=h)
    assert bad_ref.status_code == 409 and bad_ref.json()["code"] == "invalid_reference"
    assert bad_ref.json()["details"]["field"] == "device_id"
    with Session(api.engine) as s:
        core = s.exec(select(Room).where(Room.code == "CORE")).one()
    referenced = api.client.delete(f"/api/v1/rooms/{core.id}", headers=h)
    assert referenced.status_code == 409
    null = api.client.patch(f"/api/v1/rooms/{core.id}", json={"code": None}, headers=h)
    assert null.status_code == 422 and null.json()["details"][0]["field"].endswith("code")
    extra = api.client.patch(f"/api/v1/rooms/{core.id}", json={"colour": "red"}, headers=h)
    assert extra.status_code == 422 and "colour" in extra.json()["details"][0]["field"]
    choice = api.client.post("/api/v1/units", json={"code": "UX", "name": "x", "kind": "club"}, headers=h)
    assert choice.status_code == 422 and choice.json()["details"][0]["field"] == "body.kind"


def test_money_round_trips_exactly(api: Api) -> None:
    h = api.as_("finance")
    r = api.client.post("/api/v1/budget-lines", json={"year": 2030, "line": "测试行", "before_adjustment": "12.345678",
                                                      "after_adjustment": 10, "actual": "0.01"}, headers=h)
    assert r.status_code == 201, r.text
    got = api.get(f"/api/v1/budget-lines/{r.json()['id']}", "auditor").json()
    assert got["before_adjustment"] == "12.345678" and got["actual"] == "0.010000"
    assert api.get("/api/v1/payments?limit=1", "finance").json()["total"] > 0


def test_bulk_import_all_or_nothing_and_dry_run(api: Api) -> None:
    h = api.as_("engineer")
    doc = "version: 1\nunits:\n- code: U900\n  name: 测试导入单位\n  kind: government\n  declared_terminals: 12\n"
    dry = api.client.post("/api/v1/import", json={"documents": [{"name": "u.yaml", "text": doc}], "dry_run": True},
                          headers=h)
    assert dry.status_code == 200 and dry.json()["created"] == {"units": 1}
    with Session(api.engine) as s:
        assert s.exec(select(Unit).where(Unit.code == "U900")).first() is None
    bad = api.client.post("/api/v1/import", json={"documents": [{"name": "bad.yaml", "text": doc.replace(
        "declared_terminals: 12", "declared_terminals: many")}]}, headers=h)
    assert bad.status_code == 422 and bad.json()["code"] == "import_invalid"
    problem = bad.json()["details"][0]
    assert problem["file"] == "bad.yaml" and problem["field"] == "declared_terminals" and problem["line"]
    ok = api.client.post("/api/v1/import", json={"documents": [{"name": "u.yaml", "text": doc}]}, headers=h)
    assert ok.status_code == 200 and ok.json()["created"] == {"units": 1}
    assert api.get("/api/v1/units?code=U900", "viewer").json()["total"] == 1
