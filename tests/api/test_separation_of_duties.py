"""三员分立: no administrator acts in another administrator's duty. Every actor × target × action cell
among the three administrator roles is walked through the API; the one cell family allowed is the
security administrator resetting the system or audit administrator's password, which forces a
password change at the target's next login and raises an alert the other two administrators see."""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlmodel import Session, select

from api import auth
from inventory.models import Alert, User

from .conftest import TEST_PASSWORD, Api

ADMINS = ("sysadmin", "secadmin", "auditadmin")
ACTIONS = ("reset_password", "disable", "set_role", "mint_token")
NEW_PASSWORD = "Reset-only-passw0rd-9"  # test fixture
# The cells that must succeed; every other admin × admin × action cell must be refused.
ALLOWED = {("secadmin", "sysadmin", "reset_password"), ("secadmin", "auditadmin", "reset_password")}


def _target(api: Api, role: str) -> int:
    with Session(api.engine) as s:
        user = auth.create_user(s, f"peer-{role}-{uuid.uuid4().hex[:6]}", TEST_PASSWORD, role, "test")
        s.commit()
        return user.id


def _act(api: Api, actor: str, target_id: int, action: str):
    headers = api.as_(actor)
    if action == "reset_password":
        return api.client.put(f"/api/v1/users/{target_id}/password", json={"password": NEW_PASSWORD},
                              headers=headers)
    if action == "disable":
        return api.client.patch(f"/api/v1/users/{target_id}", json={"active": False}, headers=headers)
    if action == "set_role":
        return api.client.put(f"/api/v1/users/{target_id}/role", json={"role": "viewer"}, headers=headers)
    # No route mints a token for somebody else; the host's CLI is the only way (break-glass).
    return api.client.post(f"/api/v1/users/{target_id}/tokens", json={"name": "takeover"}, headers=headers)


@pytest.mark.parametrize(("actor", "target", "action"), list(itertools.product(ADMINS, ADMINS, ACTIONS)))
def test_admin_cannot_act_in_another_admins_duty(api_sqlite: Api, actor: str, target: str, action: str) -> None:
    target_id = _target(api_sqlite, target)
    r = _act(api_sqlite, actor, target_id, action)
    with Session(api_sqlite.engine) as s:
        user = s.get(User, target_id)
        unchanged = user.active and user.role == target and auth.verify_password(user.password_hash, TEST_PASSWORD)
    if (actor, target, action) in ALLOWED:
        assert r.status_code == 204, r.text
        assert auth.verify_password(user.password_hash, NEW_PASSWORD)
        return
    assert unchanged, f"{actor} changed a {target} with {action}: {r.status_code} {r.text}"
    if action == "mint_token":
        assert r.status_code in (404, 405), r.text
    else:
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "forbidden"


@pytest.mark.parametrize("action", ACTIONS)
def test_the_rule_table_agrees_with_the_routes(action: str) -> None:
    for actor, target in itertools.product(ADMINS, ADMINS):
        assert auth.duty_allows(actor, target, action) == ((actor, target, action) in ALLOWED)


def test_sysadmin_still_manages_ordinary_accounts_and_secadmin_does_not(api_sqlite: Api) -> None:
    uid = _target(api_sqlite, "engineer")
    assert _act(api_sqlite, "secadmin", uid, "reset_password").status_code == 403
    assert _act(api_sqlite, "sysadmin", uid, "reset_password").status_code == 204
    assert _act(api_sqlite, "sysadmin", uid, "disable").status_code == 200
    # the security admin grants roles to ordinary accounts, including an administrator role
    other = _target(api_sqlite, "viewer")
    r = api_sqlite.client.put(f"/api/v1/users/{other}/role", json={"role": "auditadmin"},
                              headers=api_sqlite.as_("secadmin"))
    assert r.status_code == 200 and r.json()["role"] == "auditadmin"


def test_reset_forces_a_change_at_next_login_and_alerts_the_other_two(api_sqlite: Api) -> None:
    client = api_sqlite.client
    uid = _target(api_sqlite, "sysadmin")
    with Session(api_sqlite.engine) as s:
        username = s.get(User, uid).username
    assert _act(api_sqlite, "secadmin", uid, "reset_password").status_code == 204

    # the system admin (sees /alerts) and the audit admin (sees the trail) both learn of it
    alerts = client.get("/api/v1/alerts", params={"limit": 500}, headers=api_sqlite.as_("sysadmin")).json()["items"]
    assert any(a["kind"] == "admin_password_reset" and username in a["message"] for a in alerts), alerts
    trail = client.get("/api/v1/audit-trail", params={"action": "password_reset"},
                       headers=api_sqlite.as_("auditadmin"))
    assert trail.status_code == 200, trail.text
    assert any(e["object_repr"] == username and e["actor"] == "t-secadmin" for e in trail.json()["items"]), trail.text
    with Session(api_sqlite.engine) as s:
        assert s.exec(select(Alert).where(Alert.kind == "admin_password_reset")).first() is not None

    login = client.post("/api/v1/auth/login", json={"username": username, "password": NEW_PASSWORD})
    assert login.status_code == 200, login.text
    assert login.json()["must_change_password"] is True
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    blocked = client.get("/api/v1/users")
    assert blocked.status_code == 403 and blocked.json()["code"] == "password_change_required"
    assert client.post("/api/v1/auth/tokens", json={"name": "x"}, headers=csrf).status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200
    r = client.post("/api/v1/auth/password", json={"current_password": NEW_PASSWORD,
                                                   "new_password": "Own-chosen-passw0rd-7"}, headers=csrf)
    assert r.status_code == 204, r.text
    assert client.get("/api/v1/users").status_code == 200
    client.post("/api/v1/auth/logout", headers=csrf)


def test_readme_shows_the_duty_matrix_of_the_code() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert auth.duty_matrix_markdown() in readme
