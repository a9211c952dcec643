"""The role matrix: every mutation is refused (403, nothing changed, the refusal recorded) for each
role that must not do it, and accepted for a role that may. Reads: the audit admin reads the trail
and nothing else; only the audit admin reads the trail."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, select

from api.auth import PERMISSIONS, ROLES
from inventory.models import ChangeLog

from .conftest import Api

_U = uuid.uuid4().hex[:6]

# (method, path, body, permission). Ids 1 exist in the sample city; users 1.. are the role users.
MUTATIONS: list[tuple[str, str, dict | None, str]] = [
    ("POST", "/api/v1/carriers", {"code": f"c{_U}", "name": f"运营商{_U}", "role": "backup"}, "inventory.write"),
    ("PATCH", "/api/v1/carriers/1", {"contact": "x"}, "inventory.write"),
    ("DELETE", "/api/v1/carriers/1", None, "inventory.write"),
    ("POST", "/api/v1/rooms", {"code": f"R{_U}", "name": f"机房{_U}"}, "inventory.write"),
    ("PATCH", "/api/v1/rooms/1", {"address": "x"}, "inventory.write"),
    ("DELETE", "/api/v1/rooms/1", None, "inventory.write"),
    ("POST", "/api/v1/units", {"code": f"U{_U}", "name": f"单位{_U}", "kind": "government"}, "inventory.write"),
    ("PATCH", "/api/v1/units/1", {"declared_terminals": 5}, "inventory.write"),
    ("DELETE", "/api/v1/units/1", None, "inventory.write"),
    ("POST", "/api/v1/devices", {"hostname": f"D{_U}", "platform": "huawei_vrp", "vendor": "huawei",
                                 "role": "access-router", "mgmt_address": f"10.250.{_U}"}, "inventory.write"),
    ("PATCH", "/api/v1/devices/1", {"model": "x"}, "inventory.write"),
    ("DELETE", "/api/v1/devices/1", None, "inventory.write"),
    ("POST", "/api/v1/interfaces", {"device_id": 1, "name": f"GigabitEthernet9/9/{_U}"}, "inventory.write"),
    ("PATCH", "/api/v1/interfaces/1", {"description": "x"}, "inventory.write"),
    ("DELETE", "/api/v1/interfaces/1", None, "inventory.write"),
    ("POST", "/api/v1/circuits", {"cid": f"LT-{_U}", "role": "internal"}, "inventory.write"),
    ("PATCH", "/api/v1/circuits/1", {"description": "x"}, "inventory.write"),
    ("DELETE", "/api/v1/circuits/1", None, "inventory.write"),
    ("POST", "/api/v1/contracts", {"code": f"HT{_U}", "name": "合同", "carrier_id": 1}, "money.write"),
    ("PATCH", "/api/v1/contracts/1", {"notes": "x"}, "money.write"),
    ("DELETE", "/api/v1/contracts/1", None, "money.write"),
    ("POST", "/api/v1/payments", {"voucher": f"V{_U}", "carrier_id": 1, "amount": "1.5", "paid_on": "2022-01-05",
                                  "service_start": "2022-01-01", "service_end": "2022-12-31"}, "money.write"),
    ("PATCH", "/api/v1/payments/1", {"description": "x"}, "money.write"),
    ("DELETE", "/api/v1/payments/1", None, "money.write"),
    ("POST", "/api/v1/budget-lines", {"year": 2031, "line": f"L{_U}", "before_adjustment": "1",
                                      "after_adjustment": "1", "actual": "1"}, "money.write"),
    ("PATCH", "/api/v1/budget-lines/1", {"note": "x"}, "money.write"),
    ("DELETE", "/api/v1/budget-lines/1", None, "money.write"),
    ("POST", "/api/v1/incidents", {"carrier_id": 1, "category": "operations",
                                   "started_at": "2022-03-01T08:00:00+08:00"}, "money.write"),
    ("PATCH", "/api/v1/incidents/1", {"description": "x"}, "money.write"),
    ("DELETE", "/api/v1/incidents/1", None, "money.write"),
    ("POST", "/api/v1/import", {"documents": [{"name": "r.yaml",
                                               "text": f"version: 1\nrooms:\n- code: I{_U}\n  name: 导入{_U}\n"}]},
     "inventory.import"),
    ("POST", "/api/v1/users", {"username": f"new{_U}", "password": "Quite-l0ng-pass", "role": "viewer"},
     "users.manage"),
    ("PATCH", "/api/v1/users/{viewer}", {"display_name": "改名"}, "users.manage"),
    ("PUT", "/api/v1/users/{viewer}/password", {"password": "Another-l0ng-pass"}, "passwords.reset"),
    ("PUT", "/api/v1/users/{viewer}/role", {"role": "planner"}, "roles.assign"),
    ("PATCH", "/api/v1/settings/system", {"organisation": "测试"}, "settings.system"),
    ("PATCH", "/api/v1/settings/security", {"lockout_minutes": 20}, "settings.security"),
]

REFUSALS = [(m, p, b, perm, role) for (m, p, b, perm) in MUTATIONS for role in ROLES if role not in PERMISSIONS[perm]]


def _path(api: Api, path: str) -> str:
    return path.format(viewer=api.user_ids["viewer"])


@pytest.mark.parametrize(("method", "path", "body", "perm", "role"), REFUSALS,
                         ids=[f"{r[0]} {r[1]} as {r[4]}" for r in REFUSALS])
def test_mutation_refused(api_sqlite: Api, method: str, path: str, body: dict | None, perm: str, role: str) -> None:
    request_id = f"refuse-{uuid.uuid4().hex[:12]}"
    r = api_sqlite.client.request(method, _path(api_sqlite, path), json=body,
                                  headers={**api_sqlite.as_(role), "X-Request-ID": request_id})
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "forbidden" and r.json()["details"] == {"role": role, "needs": perm}
    with Session(api_sqlite.engine) as s:
        rows = s.exec(select(ChangeLog).where(ChangeLog.request_id == request_id)).all()
    assert [row.action for row in rows] == ["denied"], "a refused request changed something, or was not recorded"
    assert rows[0].actor == f"t-{role}"


# One allowed role per mutation succeeds (deletes of referenced sample rows answer 409, not 403).
@pytest.mark.parametrize(("method", "path", "body", "perm"), MUTATIONS, ids=[f"{m[0]} {m[1]}" for m in MUTATIONS])
def test_mutation_allowed(api: Api, method: str, path: str, body: dict | None, perm: str) -> None:
    # the target is the viewer, whose password the system admin resets (the security admin resets
    # administrators only: DUTIES in api/auth.py, walked in test_separation_of_duties.py)
    role = "sysadmin" if perm == "passwords.reset" else sorted(PERMISSIONS[perm])[0]
    r = api.client.request(method, _path(api, path), json=body, headers=api.as_(role))
    expected = {"DELETE": {204, 409}, "POST": {200, 201}}.get(method, {200, 204})
    assert r.status_code in expected, r.text


READS = ["/api/v1/units", "/api/v1/devices/1", "/api/v1/circuits", "/api/v1/contracts", "/api/v1/payments",
         "/api/v1/users", "/api/v1/settings"]


@pytest.mark.parametrize("path", READS)
def test_audit_admin_reads_nothing_but_the_trail(api_sqlite: Api, path: str) -> None:
    r = api_sqlite.get(path, "auditadmin")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


@pytest.mark.parametrize("role", ROLES)
def test_only_the_audit_admin_reads_the_trail(api_sqlite: Api, role: str) -> None:
    for path in ("/api/v1/audit-trail", "/api/v1/audit-trail/export?format=json"):
        r = api_sqlite.get(path, role)
        assert r.status_code == (200 if role == "auditadmin" else 403), (path, role, r.text[:200])


def test_sysadmin_cannot_create_admins_and_nobody_changes_own_role(api_sqlite: Api) -> None:
    r = api_sqlite.client.post("/api/v1/users", json={"username": "sneaky", "password": "Quite-l0ng-pass",
                                                      "role": "secadmin"}, headers=api_sqlite.as_("sysadmin"))
    assert r.status_code == 403
    own = api_sqlite.user_ids["secadmin"]
    r = api_sqlite.client.put(f"/api/v1/users/{own}/role", json={"role": "auditadmin"},
                              headers=api_sqlite.as_("secadmin"))
    assert r.status_code == 409


def test_every_permission_is_held_and_admins_are_separated() -> None:
    for perm, roles in PERMISSIONS.items():
        assert roles, perm
    assert {p for p, r in PERMISSIONS.items() if "auditadmin" in r} == {"audit.read"}
    assert PERMISSIONS["users.manage"] == {"sysadmin"} and PERMISSIONS["roles.assign"] == {"secadmin"}
    assert not PERMISSIONS["audit.read"] & {"sysadmin", "secadmin"}
