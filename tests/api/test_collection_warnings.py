"""Partial results over the API and on the device page: the warnings and the rejected config of a
device's newest collection, in words (Chinese first), with the machine code beside them in the API."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from inventory.db import session_scope
from inventory.models import Device
from inventory.offline import import_folder
from tests.inventory.offline_util import rendered, small_db
from tests.web.conftest import form_login

from .conftest import TEST_PASSWORD, make_api


def test_warnings_and_rejected_configs_are_shown(tmp_path: Path) -> None:
    eng, devices = small_db(tmp_path)
    hw = next(d for d in devices if d.platform == "huawei_vrp")
    out = rendered(hw)
    good = tmp_path / "good" / hw.hostname
    good.mkdir(parents=True)
    (good / "config.txt").write_text(out["config"], "utf-8")
    import_folder(eng, tmp_path / "good")
    bad = tmp_path / "bad" / hw.hostname
    bad.mkdir(parents=True)
    cut = out["config"][: len(out["config"]) // 2]
    (bad / "config.txt").write_text(cut, "utf-8")
    # the brief neighbour table (a saved session may hold it), garbled: no layout of it reads that
    (bad / "lldp_brief.txt").write_text("Local Intf  Neighbor Dev\n%% garbled \x07\n", "utf-8")
    (bad / "version.txt").write_text(out["version"], "utf-8")
    report = import_folder(eng, tmp_path / "bad")
    assert (report.ok, report.partial) == (1, 1)
    api = make_api(eng)
    with session_scope(eng) as s:
        dev_id = s.exec(select(Device.id).where(Device.hostname == hw.hostname)).one()

    state = api.get(f"/api/v1/devices/{dev_id}/collection", "viewer").json()
    assert state["status"] == "partial" and state["run_id"] == report.run_id
    assert [w["code"] for w in state["warnings"]] == ["truncated", "parse"]
    assert state["warnings"][0]["label"] == "配置不完整（无结束行）"
    assert state["warnings"][1]["command"] == "display lldp neighbor brief"
    (rej,) = state["rejected"]
    assert rej["reason"] == "truncated" and rej["size"] == len(cut.encode()) and rej["source"] == "import"

    results = api.get(f"/api/v1/collection-runs/{report.run_id}/results?status=partial", "viewer").json()
    assert [r["hostname"] for r in results] == [hw.hostname]
    assert results[0]["warnings"][0]["label_en"] == "truncated config (no terminator)"
    run = api.get(f"/api/v1/collection-runs/{report.run_id}", "viewer").json()
    assert (run["ok"], run["partial"]) == (1, 1)

    from fastapi.testclient import TestClient

    from web.app import create_app

    client = TestClient(create_app(eng), base_url="http://127.0.0.1")
    form_login(client, {"username": "t-viewer", "password": TEST_PASSWORD})
    page = client.get(f"/devices/{hw.hostname}").text
    assert 'id="collect-warnings"' in page and 'id="rejected-configs"' in page
    assert "配置不完整（无结束行）" in page and "无法解析" in page and "上一份配置仍为当前配置" in page
    assert "truncated</td>" not in page  # no internal key in the page
    runs = client.get(f"/collection?run={report.run_id}").text
    assert "配置不完整（无结束行）: display current-configuration" in runs and "bad_output" not in runs
    eng.dispose()
