"""Domain rules held by the model whatever writes (issue 15 findings 2, 3 and the 405 `Allow` header):
a circuit's and a link's two ends differ, prefix lengths fit the address family, identifiers are NFC
without control/format characters and codes without fullwidth look-alikes, every request body refuses
unknown fields (and the OpenAPI says so), and a 405 names the methods the path really accepts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from inventory.models import Circuit, Interface

from .conftest import Api


def _field_of(r: Any) -> list[str]:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_error", body
    return [d["field"] for d in body["details"]]


def _iface(api: Api, n: int = 0) -> dict[str, Any]:
    return api.get(f"/api/v1/interfaces?limit=2&offset={n}", "engineer").json()["items"][0]


def test_self_loop_circuit_refused_on_create_and_change(api_sqlite: Api) -> None:
    api, h = api_sqlite, api_sqlite.as_("engineer")
    iface = _iface(api)
    empty = {"cid": "", "role": "internal", "a_room_id": 1, "z_room_id": 1}
    assert "body.cid" in _field_of(api.client.post("/api/v1/circuits", json=empty, headers=h))
    loop = {"cid": "LOOP-NEW-1", "role": "internal", "a_interface_id": iface["id"], "z_interface_id": iface["id"],
            "a_room_id": 1, "z_room_id": 1}
    assert "body.z_interface_id" in _field_of(api.client.post("/api/v1/circuits", json=loop, headers=h))
    circuit = api.get("/api/v1/circuits?limit=500", "engineer").json()["items"]
    target = next(c for c in circuit if c["a_interface_id"] and c["z_interface_id"])
    r = api.client.patch(f"/api/v1/circuits/{target['id']}", json={"z_interface_id": target["a_interface_id"]},
                         headers=h)
    assert "body.z_interface_id" in _field_of(r)
    assert api.get(f"/api/v1/circuits/{target['id']}", "engineer").json() == target


def test_drift_survives_a_stored_self_loop(api_sqlite: Api) -> None:
    # Rows written before the rule (or straight into the database) must not break the report for everyone.
    with Session(api_sqlite.engine) as s:
        iface = s.exec(select(Interface).order_by(Interface.id)).first()
        s.add(Circuit(cid="LOOP-OLD-1", role="internal", a_interface_id=iface.id, z_interface_id=iface.id,
                      a_room_id=1, z_room_id=1))
        s.commit()
    try:
        r = api_sqlite.get("/api/v1/analysis/drift", "engineer")
        assert r.status_code == 200, r.text
    finally:
        with Session(api_sqlite.engine) as s:
            s.delete(s.exec(select(Circuit).where(Circuit.cid == "LOOP-OLD-1")).one())
            s.commit()


@pytest.mark.parametrize(("address", "prefix", "ok"), [
    ("10.9.9.1", 28353673, False), ("10.9.9.1", 33, False), ("10.9.9.1", -1, False), ("10.9.9.1", 30, True),
    ("10.9.9.1", 0, True), ("2001:db8:9::1", 64, True), ("2001:db8:9::1", 128, True),
    ("2001:db8:9::1", 129, False), (None, 200, False)])
def test_prefix_length_fits_the_family(api_sqlite: Api, address: str | None, prefix: int, ok: bool) -> None:
    api, h = api_sqlite, api_sqlite.as_("engineer")
    device = _iface(api)["device_id"]
    name = f"Vlanif{abs(prefix) % 4000}{'6' if address and ':' in address else '4'}"
    body = {"device_id": device, "name": name, "ip_address": address, "prefix_length": prefix}
    r = api.client.post("/api/v1/interfaces", json=body, headers=h)
    if ok:
        assert r.status_code == 201, r.text
        api.client.delete(f"/api/v1/interfaces/{r.json()['id']}", headers=h)
    else:
        assert "body.prefix_length" in _field_of(r)


def test_prefix_length_checked_against_the_stored_address_on_change(api_sqlite: Api) -> None:
    api, h = api_sqlite, api_sqlite.as_("engineer")
    with Session(api.engine) as s:
        iface = s.exec(select(Interface).where(Interface.ip_address.like("10.%"))).first()  # type: ignore[union-attr]
    r = api.client.patch(f"/api/v1/interfaces/{iface.id}", json={"prefix_length": 64}, headers=h)
    assert "body.prefix_length" in _field_of(r)


@pytest.mark.parametrize(("path", "body", "field"), [
    ("rooms", {"code": "ZW\u200bSP", "name": "零宽机房"}, "body.code"),
    ("rooms", {"code": "BIDI1", "name": "机房\u202e反向"}, "body.name"),
    ("rooms", {"code": "１２３", "name": "全角机房"}, "body.code"),
    ("units", {"code": "U0ZW", "name": "单位\u2066隔离\u2069", "kind": "government"}, "body.name"),
    ("carriers", {"code": "cmcc\ufeff", "name": "中国移动", "role": "backup"}, "body.code"),
    ("devices", {"hostname": "QHD-ZW\u200d-SW1", "platform": "huawei_vrp", "vendor": "huawei",
                 "role": "access-switch", "mgmt_address": "10.254.9.9"}, "body.hostname"),
])
def test_identifiers_refuse_format_and_fullwidth_characters(api_sqlite: Api, path: str, body: dict, field: str) -> None:
    r = api_sqlite.client.post(f"/api/v1/{path}", json=body, headers=api_sqlite.as_("engineer"))
    assert field in _field_of(r)


def test_identifiers_are_stored_nfc(api_sqlite: Api) -> None:
    api, h = api_sqlite, api_sqlite.as_("engineer")
    r = api.client.post("/api/v1/rooms", json={"code": "NFC1", "name": "Cafe\u0301 机房"}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Caf\u00e9 机房"
    r2 = api.client.post("/api/v1/rooms", json={"code": "NFC2", "name": "Caf\u00e9 机房"}, headers=h)
    assert r2.status_code == 409, r2.text  # the same name, however it was composed
    api.client.delete(f"/api/v1/rooms/{r.json()['id']}", headers=h)


def test_admin_patches_refuse_unknown_fields(api_sqlite: Api) -> None:
    api = api_sqlite
    target = api.user_ids["viewer"]
    r = api.client.patch(f"/api/v1/users/{target}", json={"role": "secadmin"}, headers=api.as_("sysadmin"))
    assert "body.role" in _field_of(r)
    assert api.get("/api/v1/users", "sysadmin").json()["items"]
    r = api.client.patch("/api/v1/settings/system", json={"idle_timeout_minute": 5}, headers=api.as_("sysadmin"))
    assert "body.idle_timeout_minute" in _field_of(r)
    r = api.client.patch("/api/v1/settings/security", json={"lockout_treshold": 3}, headers=api.as_("secadmin"))
    assert "body.lockout_treshold" in _field_of(r)
    settings = api.get("/api/v1/settings", "sysadmin").json()
    assert settings["security"]["lockout_threshold"] != 3 or settings["system"]["idle_timeout_minutes"] != 5


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_openapi_says_every_json_body_refuses_extras(api_sqlite: Api) -> None:
    spec = api_sqlite.client.get("/api/v1/openapi.json").json()
    bodies, open_ = 0, []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = _resolve(spec, content["application/json"]["schema"])
            bodies += 1
            if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
                open_.append(f"{method.upper()} {path}")
    assert bodies >= 20
    assert not open_, open_
    # the model's bounds reach the schema, so generated "valid" input is valid (schemathesis ST202)
    prefix = spec["components"]["schemas"]["InterfaceCreate"]["properties"]["prefix_length"]["anyOf"][0]
    assert (prefix["minimum"], prefix["maximum"]) == (0, 128)


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/api/v1/health", {"GET"}),
    ("PUT", "/api/v1/rooms", {"GET", "POST"}),
    ("POST", "/api/v1/rooms/1", {"GET", "PATCH", "DELETE"}),
    ("GET", "/api/v1/settings/system", {"PATCH"}),
    ("DELETE", "/api/v1/users/1", {"PATCH"}),
])
def test_405_allow_header_lists_what_the_path_accepts(api_sqlite: Api, method: str, path: str,
                                                      allowed: set[str]) -> None:
    r = api_sqlite.client.request(method, path, headers=api_sqlite.as_("sysadmin"))
    assert r.status_code == 405, r.text
    assert r.json()["code"] == "method_not_allowed"
    said = {m.strip() for m in r.headers["allow"].split(",")}
    assert said == allowed
    # and the header is true: each method it names is answered by the path, HEAD only if named
    for m in said | {"HEAD"}:
        answered = api_sqlite.client.request(m, path, headers=api_sqlite.as_("sysadmin")).status_code != 405
        assert answered == (m in said), m
